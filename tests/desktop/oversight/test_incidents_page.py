"""The 事故信息 page: the list with the grade in colour and late reports flagged with the delay; log an
incident (the grade shown live as the figures are typed) and see its grade and whether it was
reported in time; mark reported; a 续报 regrades; link a plan; a stale save refused; delete → 回收站."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.oversight.incidents import (
    IncidentDialog,
    IncidentsPage,
    PlanLinkDialog,
    ReportDialog,
    UpdateDialog,
)
from models.core.uow import unit_of_work
from models.oversight import incidents as inc
from models.oversight.incidents import IncidentData
from models.plans import service as ps
from models.plans.service import PlanData
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise

AS_OF = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 9, 0)
SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        plan = ps.create(uow, ent, PlanData(kind="comprehensive", plan_no="YA-001", title="生产安全事故综合应急预案"), [])
        late = inc.create_incident(uow, IncidentData(
            title="商业综合体火灾事故", kind="fire", received_at=datetime(2026, 12, 3, 23, 40),
            reported_at=datetime(2026, 12, 4, 0, 41), deaths=3, direct_loss_wan=800.0, enterprise_id=ent))
        on_time = inc.create_incident(uow, IncidentData(
            title="叉车伤害事故", kind="industrial", received_at=datetime(2026, 11, 2, 9, 0),
            reported_at=datetime(2026, 11, 2, 9, 30), deaths=1))
    return {"enterprise": ent, "plan": plan, "late": late, "on_time": on_time}


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = IncidentsPage(db, runner, settings, actor=TESTER, today=lambda: AS_OF, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(1300, 760)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    qtbot.waitUntil(lambda: widget.summary_task is not None and not widget.summary_task.running, timeout=5000)
    return widget


def _select(qtbot, page, incident_id: int) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, page.model)
    n = page.model.find_row(lambda r: r.id == incident_id)
    assert n >= 0
    page.select_row(n)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.id == incident_id, timeout=5000)


def _cell(page, incident_id: int, column: int) -> str:  # type: ignore[no-untyped-def]
    n = page.model.find_row(lambda r: r.id == incident_id)
    return str(page.model.data(page.model.index(n, column)))


def test_the_list_shows_grades_in_colour_and_late_reports_with_the_delay(qtbot, page, world):  # type: ignore[no-untyped-def]
    assert page.title == "事故信息" and page.key == "incidents"
    assert [page.model.row_at(n).id for n in range(2)] == [world["late"], world["on_time"]]
    assert _cell(page, world["late"], 0) == "较大事故"
    assert _cell(page, world["late"], page.model.TIMING_COLUMN) == "迟报 1 分钟"
    assert _cell(page, world["late"], 5) == "2026-12-04 00:41"
    assert _cell(page, world["on_time"], page.model.TIMING_COLUMN) == "按时上报"
    row = page.model.row_at(0)
    assert page.model.decorate(row, 0, 9).name().upper() == "#B35C00"  # 较大 in amber
    assert page.model.decorate(row, page.model.TIMING_COLUMN, 9).name().upper() == "#C0152F"  # late in red
    assert "接报事故 2 起（特别重大 0 起，重大 0 起，较大 1 起，一般 1 起）" in page.summary_label.text()
    assert "迟报或超时未报 1 起" in page.summary_label.text()
    page.late_combo.setCurrentIndex(1)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1 and page.model.row_at(0).id == world["late"]
    _select(qtbot, page, world["late"])
    assert "迟报 1 分钟" in page.detail_label.text()
    assert "死亡 3 人（3 人以上为较大事故）" in page.basis_label.text()
    assert "补报期限至 2026-12-10（进行中）" in page.basis_label.text()  # a fire: 7 days


def test_log_an_incident_and_see_its_grade_and_whether_it_was_reported_in_time(qtbot, page, world, finish):  # type: ignore[no-untyped-def]
    dialog = page.new_incident()
    assert isinstance(dialog, IncidentDialog)
    set_widget_value(dialog.widgets["title"], "化工厂反应釜爆炸事故")
    set_widget_value(dialog.widgets["kind"], "hazchem")
    set_widget_value(dialog.widgets["received_at"], datetime(2026, 12, 4, 7, 50))
    assert "一般事故" in dialog.grade_label.text()
    assert dialog.timing_label.text() == "上报时限：2026-12-04 08:50　超时未报 10 分钟"
    set_widget_value(dialog.widgets["deaths"], 9)
    assert dialog.grade_label.text().startswith("事故等级：较大事故")
    set_widget_value(dialog.widgets["serious_injuries"], 50)
    assert dialog.grade_label.text().startswith("事故等级：重大事故") and "重伤 50 人（50 人以上为重大事故）" in \
        dialog.grade_label.text()
    set_widget_value(dialog.widgets["reported_at"], datetime(2026, 12, 4, 8, 20))
    assert dialog.timing_label.text().endswith("按时上报")
    _shot(dialog, "incidents_form")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    new = page.model.row_at(0)
    assert new.title == "化工厂反应釜爆炸事故" and new.grade_label == "重大事故" and new.timing.label == "按时上报"


def test_a_bad_incident_keeps_the_input(qtbot, page, world, finish):  # type: ignore[no-untyped-def]
    dialog = page.new_incident()
    assert isinstance(dialog, IncidentDialog)
    set_widget_value(dialog.widgets["received_at"], datetime(2026, 12, 4, 7, 50))
    set_widget_value(dialog.widgets["reported_at"], datetime(2026, 12, 4, 7, 0))
    assert finish(dialog.save()) == "invalid"
    assert dialog.isVisible()
    assert "事故名称" in dialog.errors.banner.text()
    assert "不能早于接报时间 2026-12-04 07:50" in dialog.error_text("reported_at")


def test_mark_reported_then_a_follow_up_regrades_and_a_plan_is_linked(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        pending = inc.create_incident(uow, IncidentData(title="有限空间中毒事故", kind="industrial",
                                                        received_at=datetime(2026, 12, 4, 8, 30), deaths=2,
                                                        enterprise_id=world["enterprise"]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert _cell(page, pending, page.model.TIMING_COLUMN) == "待上报（还剩 30 分钟）"
    _select(qtbot, page, pending)
    report = page.report_current()
    assert isinstance(report, ReportDialog)
    set_widget_value(report.widgets["reported_to"], "市人民政府总值班室")
    assert finish(report.save()) == "saved"  # reported at NOW, 09:00: on the deadline
    qtbot.waitUntil(lambda: _cell(page, pending, page.model.TIMING_COLUMN) == "按时上报", timeout=5000)
    _select(qtbot, page, pending)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.reported_at is not None, timeout=5000)
    update = page.add_update()
    assert isinstance(update, UpdateDialog)
    assert update.widgets["deaths"].value() == 2  # the current figures to start from
    set_widget_value(update.widgets["deaths"], 3)
    set_widget_value(update.widgets["note"], "1 名重伤人员经抢救无效死亡")
    assert finish(update.save()) == "saved"
    qtbot.waitUntil(lambda: _cell(page, pending, 0) == "较大事故", timeout=5000)
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.updates) == 1, timeout=5000)
    assert page.update_table.item(0, 4).text() == "较大事故" and page.detail_tabs.tabText(0) == "续报/补报（1）"
    link = page.link_plan()
    assert isinstance(link, PlanLinkDialog)
    assert link.plans[0].id == world["plan"]
    link.widgets["plan_id"].set_enterprise_id(world["plan"])
    set_widget_value(link.widgets["response_level"], "Ⅲ级")
    assert finish(link.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.plans) == 1, timeout=5000)
    assert page.plan_table.item(0, 0).text() == "生产安全事故综合应急预案" and page.plan_table.item(0, 3).text() == "Ⅲ级"
    _shot(page, "incidents_page")


def test_a_stale_save_is_refused_and_delete_moves_to_the_trash(qtbot, page, world, db, finish, msgs):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world["on_time"])
    dialog = page.edit_current()
    assert isinstance(dialog, IncidentDialog)
    with unit_of_work(db, TESTER) as uow:  # another desk changes it meanwhile
        data, version = inc.load_incident(uow.session, world["on_time"])
        data.location = "二号仓库"
        inc.update_incident(uow, world["on_time"], data, version)
    set_widget_value(dialog.widgets["deaths"], 30)
    assert finish(dialog.save()) == "conflict"
    assert dialog.conflict_dialog is not None
    with db.read() as s:
        assert inc.load_incident(s, world["on_time"])[0].deaths == 1  # nothing overwritten
    dialog.conflict_dialog.reload_button.click()
    dialog.reject()
    assert finish(page.delete_current()) == "conflict"  # the list's copy is stale too: refused, read again
    assert msgs.texts("warn")[-1].startswith("此记录已被他人修改")
    wait_loaded(qtbot, page.model)
    _select(qtbot, page, world["on_time"])
    assert finish(page.delete_current()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1 and _cell(page, world["on_time"], 0) == "已删除"
    page.select_row(0)
    assert finish(page.restore_current()) == "saved"
    page.trash_button.setChecked(False)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)


def test_the_incident_list_to_excel(qtbot, page, world, tmp_path, monkeypatch, msgs):  # type: ignore[no-untyped-def]
    """导出Excel writes the incidents with their grade and reporting verdict, as the list shows them."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "事故台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.sig_export_finished, timeout=10000) as blocker:
        page.export_excel()
    written = tmp_path / "事故台账.xlsx"
    assert blocker.args == [str(written), page.model.rowCount()] and "已导出" in msgs.texts()[0]
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    header = rows[0]
    listed = [page.model.row_at(n) for n in range(page.model.rowCount())]
    assert [r[header.index("事故名称")] for r in rows[1:]] == [r.title for r in listed]
    assert [r[header.index("上报情况")] for r in rows[1:]] == [r.timing.label for r in listed]
    assert [r[header.index("事故等级")] for r in rows[1:]] == [r.grade_label for r in listed]
