"""The plans page's 导出 Word/PDF, 打印预览 and 批量归档 (window side, real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog

from desktop.kit.preview import PreviewDialog
from desktop.plans import documents as pdm
from desktop.plans import export_dialog as ed
from desktop.plans.page import PlansPage
from tests.desktop.loading import wait_loaded
from tests.exports.samples import SINK_NO, add_kitchen_sink, fill_demo
from tests.factories import TESTER


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings):
    fill_demo(sqlite_db, count=1)
    add_kitchen_sink(sqlite_db)
    widget = PlansPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    assert widget.model.rowCount() > 0
    return widget


def select(page: PlansPage, plan_no: str) -> int:
    for row in range(page.model.rowCount()):
        page.select_row(row)
        current = page.current_row()
        if current is not None and current.plan_no == plan_no:
            return current.id
    raise AssertionError(plan_no)


def test_export_runs_the_preprint_check_then_writes_both_formats(qtbot, page, settings, tmp_path: Path,
                                                                   monkeypatch, msgs) -> None:
    select(page, SINK_NO)
    assert page.act_documents.isEnabled() and page.act_preview.isEnabled()
    seen: list[ed.ExportDialog] = []

    def accept(dialog: ed.ExportDialog) -> int:
        seen.append(dialog)
        dialog.both.setChecked(True)
        dialog.style.setCurrentIndex(dialog.style.findData("gbt9704"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ed.ExportDialog, "exec", accept)
    monkeypatch.setattr(pdm.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "预案"), ""))
    with qtbot.waitSignal(page.documents.sig_done, timeout=30000) as done:
        page.export_document()
    dialog = seen[0]
    assert dialog.findings.count() > 0 and dialog.export_button.text() == "仍然导出…"
    assert any("尚未批准" not in dialog.findings.item(i).text() for i in range(dialog.findings.count()))
    assert done.args[0] == [tmp_path / "预案.pdf", tmp_path / "预案.docx"]
    assert len(PdfReader(tmp_path / "预案.pdf").pages) > 5 and (tmp_path / "预案.docx").stat().st_size > 10_000
    assert settings.export_style == "gbt9704" and settings.last_export_dir == str(tmp_path)
    assert msgs.kinds()[-1] == "info" and "预案.pdf" in msgs.texts()[-1] and "使用的字体：\n宋体：" in msgs.texts()[-1]


def test_cancelled_dialog_writes_nothing(qtbot, page, tmp_path: Path, monkeypatch) -> None:
    select(page, SINK_NO)
    monkeypatch.setattr(pdm.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "预案"), ""))
    monkeypatch.setattr(ed.ExportDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    task = page.export_document()
    qtbot.waitUntil(lambda: page.documents.last_dialog is not None, timeout=10000)
    assert task is not None and not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.docx"))


def test_preview_shows_the_pdf_pages(qtbot, page) -> None:
    select(page, SINK_NO)
    with qtbot.waitSignal(page.documents.sig_done, timeout=30000) as done:
        page.preview_document()
    dialog = done.args[0]
    assert isinstance(dialog, PreviewDialog)
    qtbot.waitUntil(lambda: dialog.page_count > 5)
    assert dialog.windowTitle().startswith("打印预览 — ")
    dialog.close()


def test_archive_from_the_page(qtbot, page, tmp_path: Path, monkeypatch) -> None:
    def accept(dialog: ed.ArchiveDialog) -> int:
        dialog.out.setText(str(tmp_path / "归档"))
        dialog.status.setCurrentIndex(dialog.status.findData("published"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ed.ArchiveDialog, "exec", accept)
    with qtbot.waitSignal(page.documents.sig_done, timeout=60000):
        page.archive_documents()
    manifest = json.loads((tmp_path / "归档" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["exported_by"] == TESTER.name and manifest["count"] >= 1


def test_archive_dialog_keeps_input_and_says_what_is_wrong(qtbot, tmp_path: Path) -> None:
    dialog = ed.ArchiveDialog([], [("应急管理局", "YJ")], [("默认样式", "default")], "default", "")
    qtbot.addWidget(dialog)
    assert not dialog.submit() and "请选择保存归档的文件夹" in dialog.error.text()
    dialog.out.setText(str(tmp_path / "无此目录" / "a.zip"))
    dialog.docx.setChecked(True)
    assert not dialog.submit() and "文件夹不存在" in dialog.error.text() and dialog.docx.isChecked()
    dialog.out.setText(str(tmp_path / "a.zip"))
    request = dialog.request()
    assert request is not None and request.is_zip and request.docx
