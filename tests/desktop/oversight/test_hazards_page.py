"""The 隐患排查 page: record an inspection with a 重大 hazard (findings in the form, one save), follow
it to 销号 through 开始整改, 提交复查, a failed and a passed 复查, with 挂牌督办 and 延期 on the way;
overdue hazards in red with “已逾期 N 天”; the summary line; a stale step refused; a penalty."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.oversight.hazard_forms import (
    ExtensionDialog,
    InspectionDialog,
    PenaltyDialog,
    RecheckDialog,
    RectifiedDialog,
    SupervisionDialog,
)
from desktop.oversight.hazards import HazardsPage
from models.core.uow import unit_of_work
from models.oversight import queries as oq
from models.oversight import service as osv
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, finding, inspect

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = build(db)
    w.overdue = inspect(db, w, w.enterprises[1], date(2026, 9, 1),  # type: ignore[attr-defined]
                        finding(deadline=date(2026, 10, 1), description="配电箱未接地")).hazard_ids[0]
    return w


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = HazardsPage(db, runner, settings, actor=TESTER, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    qtbot.waitUntil(lambda: widget.summary is not None, timeout=5000)
    return widget


def _select(qtbot, page, hazard_id: int) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, page.model)
    n = page.model.find_row(lambda r: r.id == hazard_id)
    assert n >= 0
    page.select_row(n)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.id == hazard_id, timeout=5000)


def _row(page, hazard_id: int):  # type: ignore[no-untyped-def]
    return page.model.row_at(page.model.find_row(lambda r: r.id == hazard_id))


def test_overdue_hazards_in_red_and_the_summary(qtbot, page, world):  # type: ignore[no-untyped-def]
    assert page.model.rowCount() == 1
    state = page.model.data(page.model.index(0, page.model.STATE_COLUMN))
    assert state == "已逾期 60 天"
    fg = page.model.data(page.model.index(0, page.model.STATE_COLUMN), Qt.ItemDataRole.ForegroundRole)
    assert fg.name().upper() == "#C0152F"
    assert page.summary_label.text().startswith("按 2026-11-30：未销号隐患 1 项（重大 0 项），已逾期 1 项")


def test_record_a_major_hazard_and_follow_it_to_closing(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    dialog = page.new_inspection()
    assert isinstance(dialog, InspectionDialog)
    dialog.widgets["enterprise_id"].set_enterprise_id(world.enterprises[0])
    set_widget_value(dialog.widgets["department_id"], world.departments[0])
    set_widget_value(dialog.widgets["campaign_id"], world.campaign)
    set_widget_value(dialog.widgets["inspectors"], "张强、李明")
    editor = dialog.widgets["findings"]
    set_widget_value(editor.level, "major")
    set_widget_value(editor.category, "hazchem")
    editor.description.setText("液氯储罐区可燃气体报警仪失效")
    editor.responsible.setText("王建国")
    editor.add_current()
    editor.description.setText("安全出口指示灯损坏")
    editor.add_current()
    assert editor.table.rowCount() == 2 and editor.table.item(0, 5).text() == "默认期限"
    _shot(dialog, "hazards_inspection")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    with db.read() as s:
        major = oq.hazard_rows(s, oq.HazardFilter(as_of=AS_OF, level="major"))[0]
    assert major.deadline == AS_OF + timedelta(days=90) and major.campaign == "2026 安全生产大检查"
    _select(qtbot, page, major.id)
    assert page.act_start.isEnabled() and page.act_supervise.isEnabled() and not page.act_recheck.isEnabled()
    # 挂牌督办
    dialog = page.supervise()
    assert isinstance(dialog, SupervisionDialog)
    assert finish(dialog.save()) == "invalid"
    set_widget_value(dialog.widgets["supervising_unit"], "临江市安全生产委员会办公室")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: _row(page, major.id).supervised, timeout=5000)
    _select(qtbot, page, major.id)
    qtbot.waitUntil(lambda: page.detail.row.supervised, timeout=5000)
    assert "挂牌督办（临江市安全生产委员会办公室）" in page.detail_label.text()
    # 开始整改
    assert finish(page.start_rectification()) == "saved"
    qtbot.waitUntil(lambda: _row(page, major.id).status == "rectifying", timeout=5000)
    _select(qtbot, page, major.id)
    qtbot.waitUntil(lambda: page.detail.row.status == "rectifying", timeout=5000)
    # 延期
    dialog = page.extend()
    assert isinstance(dialog, ExtensionDialog)
    set_widget_value(dialog.widgets["new_deadline"], AS_OF + timedelta(days=120))
    set_widget_value(dialog.widgets["reason"], "报警仪需整体更换，设备到货延迟")
    set_widget_value(dialog.widgets["approved_by"], "李局长")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.extensions) == 1, timeout=5000)
    assert page.detail_tabs.tabText(1) == "延期记录（1）"
    # 提交复查, then a failed re-check sends it back
    _select(qtbot, page, major.id)
    dialog = page.submit_rectified()
    assert isinstance(dialog, RectifiedDialog)
    set_widget_value(dialog.widgets["measures"], "更换可燃气体报警仪并与紧急切断阀联动")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.status == "recheck", timeout=5000)
    dialog = page.recheck()
    assert isinstance(dialog, RecheckDialog)
    set_widget_value(dialog.widgets["passed"], False)
    set_widget_value(dialog.widgets["checker"], "赵敏")
    assert finish(dialog.save()) == "invalid"
    assert "复查不通过时请写明原因" in dialog.errors.banner.text()
    set_widget_value(dialog.widgets["opinion"], "联动未调试")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.status == "rectifying", timeout=5000)
    dialog = page.submit_rectified()
    set_widget_value(dialog.widgets["measures"], "联动调试完成")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.status == "recheck", timeout=5000)
    dialog = page.recheck()
    set_widget_value(dialog.widgets["checker"], "赵敏")
    set_widget_value(dialog.widgets["opinion"], "整改到位")
    assert finish(dialog.save()) == "saved"
    # closed: gone from 未销号, shown under 全部隐患 with its 销号 day
    qtbot.waitUntil(lambda: page.model.find_row(lambda r: r.id == major.id) < 0, timeout=5000)
    page.show_scope("")
    wait_loaded(qtbot, page.model)
    _select(qtbot, page, major.id)
    qtbot.waitUntil(lambda: page.detail.row.status == "closed", timeout=5000)
    assert page.detail.row.closed_on == AS_OF
    assert page.model.data(page.model.index(page.model.find_row(lambda r: r.id == major.id),
                                            page.model.STATE_COLUMN)) == "2026-11-30 销号"
    assert [c.result_label for c in page.detail.rechecks] == ["不通过", "通过"]
    assert "已销号，整改闭环。" in page.info_label.text()
    for action in (page.act_start, page.act_rectified, page.act_recheck, page.act_extend, page.act_supervise):
        assert not action.isEnabled()
    _shot(page, "hazards_page")


def test_a_stale_step_is_refused_a_penalty_and_a_photo(qtbot, page, world, db, finish, msgs, tmp_path):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.overdue)
    with unit_of_work(db, TESTER) as uow:  # somebody else moves it meanwhile
        osv.start_rectification(uow, world.overdue, page.detail.row.version)
    assert finish(page.start_rectification()) == "conflict"
    assert any("已被他人修改" in t for t in msgs.texts())
    qtbot.waitUntil(lambda: _row(page, world.overdue) is not None and _row(page, world.overdue).status == "rectifying",
                    timeout=5000)
    _select(qtbot, page, world.overdue)
    dialog = page.new_penalty()
    assert isinstance(dialog, PenaltyDialog)
    set_widget_value(dialog.widgets["kind"], "fine")
    assert finish(dialog.save()) == "invalid"
    assert "罚款金额应大于 0" in dialog.errors.banner.text()
    set_widget_value(dialog.widgets["amount"], 20000.0)
    set_widget_value(dialog.widgets["decision_no"], "临应急罚〔2026〕15号")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.penalties) == 1, timeout=5000)
    assert page.penalty_table.item(0, 2).text() == "20,000.00"
    photo = tmp_path / "现场.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _select(qtbot, page, world.overdue)
    assert finish(page.attach_photo(photo)) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.attachments) == 1, timeout=5000)
    assert page.attachment_table.item(0, 0).text() == "隐患照片" and page.detail_tabs.tabText(4) == "照片附件（1）"


def test_a_due_item_opens_its_hazard(qtbot, page, world, db):  # type: ignore[no-untyped-def]
    from models.oversight import due

    with db.read() as s:
        item = next(i for i in due.due_items(s, as_of=AS_OF, within=30) if i.record_id == world.overdue)
    page.show_scope("supervised")  # a filter that hides it
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0
    page.show_hazard(item.record_id, item.parent_id)
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == world.overdue, timeout=5000)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.id == world.overdue, timeout=5000)


def test_the_hazard_list_to_excel(qtbot, page, world, db, tmp_path, monkeypatch, msgs):  # type: ignore[no-untyped-def]
    """导出Excel writes the list as filtered and sorted, the overdue hazard with its state."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "隐患台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.sig_export_finished, timeout=10000) as blocker:
        page.export_excel()
    written = tmp_path / "隐患台账.xlsx"
    assert blocker.args == [str(written), page.model.rowCount()] and "已导出" in msgs.texts()[0]
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("整改状态", "隐患等级", "企业", "隐患描述")
    row = next(r for r in rows[1:] if r[header.index("隐患描述")] == "配电箱未接地")
    assert row[header.index("期限情况")].startswith("已逾期") and row[header.index("整改期限")].date() == date(2026, 10, 1)
