"""评审纪要 in the plan record dialog: staged until saved, checked when added, opened and removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.kit import attachments as att
from desktop.plans.dialog import PlanDialog
from models.core import attachments as pa
from models.core.uow import unit_of_work
from models.plans.service import PlanData
from plans.plans import store
from tests.factories import TESTER, create_enterprise

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def plan(db) -> int:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, ent, PlanData(kind="comprehensive", plan_no="YA-01"))


def stored(db, plan_id: int) -> list[str]:
    with db.read() as s:
        return [a.filename for a in pa.listing(s, "plan", plan_id)]


@pytest.fixture
def minutes(tmp_path: Path) -> Path:
    path = tmp_path / "2026年3月评审纪要.pdf"
    path.write_bytes(PDF)
    return path


def test_review_minutes_are_saved_with_the_record(qtbot, sqlite_db, runner, minutes: Path, tmp_path: Path, msgs,
                                                  monkeypatch: pytest.MonkeyPatch, finish) -> None:
    pid = plan(sqlite_db)
    dialog = PlanDialog(sqlite_db, runner, pid)
    qtbot.addWidget(dialog)
    box = dialog.attachments
    assert box.list.item(0).text() == "（尚未添加）" and not box.remove_button.isEnabled()
    assert box.add_file(minutes)
    assert dialog.is_modified() and "保存后写入" in box.list.item(0).text()
    assert stored(sqlite_db, pid) == []  # nothing written before 保存
    opened: list[Path] = []
    monkeypatch.setattr(att, "open_with_system", lambda path: opened.append(path) or True)
    box.open_selected()
    assert opened and opened[0].read_bytes() == PDF and opened[0].name == minutes.name
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.save()
    assert stored(sqlite_db, pid) == [minutes.name]

    dialog = PlanDialog(sqlite_db, runner, pid)
    qtbot.addWidget(dialog)
    box = dialog.attachments
    assert box.filenames() == [minutes.name] and not dialog.is_modified()
    box.list.setCurrentRow(0)
    target = tmp_path / "副本.pdf"
    monkeypatch.setattr(att.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    box.save_selected_as()
    assert target.read_bytes() == PDF
    box.remove_selected()
    assert box.filenames() == [] and dialog.is_modified()
    msgs.confirm_answer = True  # 放弃修改
    dialog.reject()
    assert stored(sqlite_db, pid) == [minutes.name]  # cancelled: still there

    dialog = PlanDialog(sqlite_db, runner, pid)
    qtbot.addWidget(dialog)
    dialog.attachments.list.setCurrentRow(0)
    dialog.attachments.remove_selected()
    assert finish(dialog.save()) == "saved"
    assert stored(sqlite_db, pid) == []


def test_a_bad_file_is_refused_at_once_and_the_form_keeps_its_input(qtbot, sqlite_db, runner, tmp_path: Path,
                                                                     msgs) -> None:
    pid = plan(sqlite_db)
    dialog = PlanDialog(sqlite_db, runner, pid)
    qtbot.addWidget(dialog)
    dialog.widgets["reviewers"].setPlainText("张三 市安科院")
    fake = tmp_path / "纪要.pdf"
    fake.write_bytes(b"this is not a pdf")
    assert not dialog.attachments.add_file(fake)
    assert msgs.kinds() == ["warn"] and "文件内容不是PDF 文档" in msgs.texts()[0]
    assert not dialog.attachments.add_file(tmp_path / "不存在.pdf")
    assert "无法读取" in msgs.texts()[-1]
    assert dialog.attachments.filenames() == []
    assert dialog.widgets["reviewers"].toPlainText() == "张三 市安科院"


def test_a_new_plan_takes_its_minutes_along(qtbot, sqlite_db, runner, minutes: Path, finish) -> None:
    ent = create_enterprise(sqlite_db, 1)
    dialog = PlanDialog(sqlite_db, runner, enterprise_id=ent)
    qtbot.addWidget(dialog)
    dialog.widgets["plan_no"].setText("YA-09")
    assert dialog.attachments.add_file(minutes)
    assert finish(dialog.save()) == "saved"
    assert dialog.saved_id is not None and stored(sqlite_db, dialog.saved_id) == [minutes.name]
