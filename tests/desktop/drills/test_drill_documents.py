"""The 演练文件 dialog from the keyboard: rows added, moved and removed without the mouse, one save
for every tab, a refused save marks the row and keeps what was typed, the record with its photos once
the drill is held, frozen parts read-only; and 导出演练档案 in the background."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from desktop.drills.documents import DrillDocumentsDialog
from desktop.drills.page import DrillsPage
from models.drills import documents as dd
from models.drills.documents import DocumentsData, ScriptStep
from tests.desktop.drills.test_drills_page import TODAY, _held_on_page
from tests.desktop.loading import wait_loaded
from tests.exports.drill_samples import photo_png
from tests.factories import TESTER

SHOTS = os.environ.get("EMERGENCY_DESK_SHOTS")  # a folder: save the windows as PNG to look at them


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    widget = DrillsPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    return widget


@pytest.fixture(autouse=True)
def _fonts(chinese_font):  # type: ignore[no-untyped-def]
    """Drawn as on a machine without Chinese fonts (the shipped font), so screenshots show the text."""
    return chinese_font


def _type_row(qtbot, table, *cells: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the cells of the current row from its first, Tab to the next cell (QTest cannot type
    Chinese: the text goes into the cell the keyboard is on)."""
    for n, text in enumerate(cells):
        assert table.currentColumn() == n
        table.currentItem().setText(text)
        if n < len(cells) - 1:
            qtbot.keyClick(table, Qt.Key.Key_Tab)


def _open(qtbot, page):  # type: ignore[no-untyped-def]
    dialog = page.open_documents()
    assert isinstance(dialog, DrillDocumentsDialog)
    return dialog


def _save(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.sig_save_ended, timeout=5000) as ended:
        dialog.save()
    return str(ended.args[0])


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_the_script_and_sign_in_from_the_keyboard(qtbot, page, sqlite_db) -> None:  # type: ignore[no-untyped-def]
    did, _plan = _held_on_page(qtbot, page, sqlite_db)
    dialog = _open(qtbot, page)
    work = dialog.widgets["work_plan.purpose"]
    assert isinstance(work, QPlainTextEdit) and work.placeholderText()
    work.setPlainText("检验液氯泄漏专项预案")
    dialog.tabs.setCurrentIndex(1)
    table = dialog.steps
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)  # an empty script: Tab starts the first row
    assert table.rowCount() == 1
    _type_row(qtbot, table, "09:00", "宣布演练开始", "总指挥", "各组就位")
    qtbot.keyClick(table, Qt.Key.Key_Tab)  # past the last cell: the next row
    _type_row(qtbot, table, "09:20", "疏散集合", "警戒组", "清点人数")
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # a row in between
    assert table.rowCount() == 3 and table.currentRow() == 2
    table.setCurrentCell(2, 1)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # the empty row moves up …
    assert table.currentRow() == 1 and table.item(2, 1).text() == "疏散集合"
    qtbot.keyClick(table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)  # … and goes
    assert table.rowCount() == 2
    dialog.tabs.setCurrentIndex(3)
    dialog.sign_ins.setFocus()
    qtbot.keyClick(dialog.sign_ins, Qt.Key.Key_Tab)
    _type_row(qtbot, dialog.sign_ins, "张三", "安全环保部", "总指挥", "13800000000")
    dialog.sign_ins.item(0, 4).setCheckState(Qt.CheckState.Checked)
    _shot(dialog, "drill-documents-sign-in")
    dialog.tabs.setCurrentIndex(1)
    _shot(dialog, "drill-documents-script")
    assert _save(qtbot, dialog) == "saved"
    with sqlite_db.read() as s:
        stored = dd.load(s, did).data
    assert [(x.start, x.step) for x in stored.steps] == [("09:00", "宣布演练开始"), ("09:20", "疏散集合")]
    assert stored.sign_ins[0].name == "张三" and stored.sign_ins[0].signed
    assert stored.work_plan == {"purpose": "检验液氯泄漏专项预案"}


def test_a_refused_save_marks_the_row_and_keeps_the_input(qtbot, page, sqlite_db, msgs) -> None:  # type: ignore[no-untyped-def]
    did, _plan = _held_on_page(qtbot, page, sqlite_db)
    dialog = _open(qtbot, page)
    dialog.fill(DocumentsData(steps=[ScriptStep("09:30", "开始"), ScriptStep("09:10", "报警", "操作工")],
                              record_notes="09:30 开始"))
    assert _save(qtbot, dialog) == "invalid"
    assert dialog.tabs.currentIndex() == 1 and dialog.steps.currentRow() == 1 and dialog.steps.currentColumn() == 0
    assert "早于上一步" in dialog.error_text("steps") and "演练脚本第 2 步的时间" in dialog.errors.banner.text()
    assert dialog.steps.item(1, 1).text() == "报警" and dialog.isVisible()  # what was typed stays
    _shot(dialog, "drill-documents-refused")
    dialog.steps.item(1, 0).setText("09:40")
    assert _save(qtbot, dialog) == "saved"
    with sqlite_db.read() as s:
        assert dd.load(s, did).data.record_notes == "09:30 开始"


def test_the_record_keeps_photos_and_a_done_drill_is_read_only(qtbot, page, sqlite_db, tmp_path, msgs) -> None:  # type: ignore[no-untyped-def]
    from models.core import attachments
    from models.core.uow import unit_of_work
    from models.drills import service as ds
    from tests.models.drills.test_drill_service import _version

    did, _plan = _held_on_page(qtbot, page, sqlite_db)
    dialog = _open(qtbot, page)
    photo = tmp_path / "现场.png"
    photo.write_bytes(photo_png())
    wrong = tmp_path / "录像.mp4"
    wrong.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16)
    assert not dialog.files["photo"].add_file(wrong)  # a photo is a picture: said at once, nothing staged
    assert "现场照片不支持这种文件" in msgs.texts("warn")[-1]
    assert dialog.files["photo"].add_file(photo) and dialog.files["video"].add_file(wrong)
    dialog.tabs.setCurrentIndex(4)
    _shot(dialog, "drill-documents-record")
    assert _save(qtbot, dialog) == "saved"
    with sqlite_db.read() as s:
        loaded = dd.load(s, did)
        files = attachments.listing(s, dd.OWNER, loaded.document_id)
    assert [f.kind for f in files] == ["photo", "video"]
    for command in ("evaluate", "complete"):
        with unit_of_work(sqlite_db, TESTER) as uow:
            ds.transition(uow, did, command, _version(sqlite_db, did))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1 and page.model.row_at(0).status == "done"
    page.view.selectRow(0)
    frozen = _open(qtbot, page)
    assert frozen.save_button is not None and not frozen.save_button.isEnabled()
    assert "封存" in frozen.notes[0].text() and frozen.widgets["work_plan.purpose"].isReadOnly()
    assert not frozen.files["photo"].isEnabled()


def test_the_record_waits_until_the_drill_is_held(qtbot, page, sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from models.core.uow import unit_of_work
    from models.drills import service as ds
    from tests.factories import create_enterprise
    from tests.models.drills.test_drill_service import _published_plan

    ent = create_enterprise(sqlite_db, 5)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        ds.create(uow, ds.DrillData(enterprise_id=ent, title="计划中的演练", planned_at=datetime(2026, 12, 5, 9),
                                    plan_ids=[plan]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    page.view.selectRow(0)
    dialog = _open(qtbot, page)
    assert dialog.notes[4].text().endswith("演练记录在演练实施后才能填写。") and not dialog.notes[0].isVisible()
    assert dialog.widgets["record_notes"].isReadOnly() and not dialog.widgets["work_plan.purpose"].isReadOnly()
    dialog.tabs.setCurrentIndex(0)
    _shot(dialog, "drill-documents-work-plan")


def test_export_the_dossier_in_the_background(qtbot, page, sqlite_db, tmp_path, msgs) -> None:  # type: ignore[no-untyped-def]
    _held_on_page(qtbot, page, sqlite_db)
    assert page.act_dossier.isEnabled() and page.act_documents.isEnabled()
    target = tmp_path / "演练档案.pdf"
    task = page.export_dossier(target)
    assert task is not None
    qtbot.waitUntil(lambda: task.state == "finished", timeout=20000)
    assert target.read_bytes().startswith(b"%PDF") and "已导出演练档案" in msgs.texts("info")[-1]
    if SHOTS:
        page.grab().save(str(Path(SHOTS) / "drills-page-documents.png"))
