"""Issue 13's “done means”, tried as a new user would, in the main window: open the app on Monday morning and
see on 首页 what is overdue and where (with what became overdue since last week); record an inspection with a
重大 hazard and follow it to 销号; see an enterprise suggested for the blacklist and blacklist it (its plans
then carry the mark); log an incident received late on Sunday night and see its grade and that it was reported
late; print last week's statistics and last month's department ranking."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from desktop.kit.forms import set_widget_value
from desktop.main_window import MainWindow
from desktop.oversight.blacklist import BlacklistPage
from desktop.oversight.hazard_forms import InspectionDialog, RecheckDialog, RectifiedDialog
from desktop.oversight.hazards import HazardsPage
from desktop.oversight.incidents import IncidentDialog, IncidentsPage
from desktop.oversight.stats import StatsPage
from models.core.uow import unit_of_work
from models.oversight import queries as oq
from models.plans import service as ps
from tests.desktop.home.test_home_page import wait_home
from tests.desktop.loading import wait_loaded
from tests.exports.pdf_lines import pdf_lines
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, finding, inspect
from tests.models.plans.test_plan_service import sections

MONDAY = AS_OF  # 2026-11-30


def test_monday_morning_to_the_printed_ranking(qtbot, sqlite_db, settings, finish, msgs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_db
    assert MONDAY.weekday() == 0
    w = build(db)
    careless = w.enterprises[0]
    late = inspect(db, w, careless, date(2026, 9, 1), finding(deadline=MONDAY - timedelta(days=3)),
                   finding(deadline=MONDAY - timedelta(days=40), description="安全出口堵塞")).hazard_ids
    with unit_of_work(db, TESTER) as uow:
        plan = ps.create(uow, careless, ps.PlanData(plan_no="YA-01", title="生产安全事故综合应急预案"), sections())
    settings.set_last_seen(str(db.url), (MONDAY - timedelta(days=7)).isoformat())
    win = MainWindow(db, settings, progress_delay_ms=50, today=lambda: MONDAY)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    try:
        # 首页: what is overdue and where, and what became overdue since last Monday
        home = wait_home(qtbot, win.home_page)
        assert win.current_page() is home
        overdue = [i for i in home.shown_items() if i.module == "oversight" and i.overdue]
        assert sorted(i.record_id for i in overdue) == sorted(late)
        assert home.cards["hazards"].count_label.text() == "2"
        assert home.banner.isVisible() and "监管 1 项" in home.banner_label.text()  # the one 3 days overdue

        # an inspection with a 重大 hazard, followed to 销号
        win.open_due_item(overdue[0])
        hazards = win.current_page()
        assert isinstance(hazards, HazardsPage)
        wait_loaded(qtbot, hazards.model)
        dialog = hazards.new_inspection()
        assert isinstance(dialog, InspectionDialog)
        dialog.widgets["enterprise_id"].set_enterprise_id(w.enterprises[1])
        set_widget_value(dialog.widgets["department_id"], w.departments[0])
        set_widget_value(dialog.widgets["inspectors"], "张强、李明")
        editor = dialog.widgets["findings"]
        set_widget_value(editor.level, "major")
        set_widget_value(editor.category, "hazchem")
        editor.description.setText("液氯储罐区可燃气体报警仪失效")
        editor.responsible.setText("王建国")
        editor.add_current()
        assert finish(dialog.save()) == "saved"
        with db.read() as s:
            major = oq.hazard_rows(s, oq.HazardFilter(as_of=MONDAY, level="major"))[0]
        hazards.show_hazard(major.id, major.inspection_id)
        qtbot.waitUntil(lambda: hazards.current_row() is not None and hazards.current_row().id == major.id, timeout=5000)
        qtbot.waitUntil(lambda: hazards.detail is not None and hazards.detail.row.id == major.id, timeout=5000)
        assert finish(hazards.start_rectification()) == "saved"
        qtbot.waitUntil(lambda: hazards.detail is not None and hazards.detail.row.status == "rectifying", timeout=5000)
        dialog = hazards.submit_rectified()
        assert isinstance(dialog, RectifiedDialog)
        set_widget_value(dialog.widgets["measures"], "更换报警仪并与紧急切断阀联动")
        assert finish(dialog.save()) == "saved"
        qtbot.waitUntil(lambda: hazards.detail is not None and hazards.detail.row.status == "recheck", timeout=5000)
        dialog = hazards.recheck()
        assert isinstance(dialog, RecheckDialog)
        set_widget_value(dialog.widgets["checker"], "赵敏")
        set_widget_value(dialog.widgets["opinion"], "整改到位")
        assert finish(dialog.save()) == "saved"
        with db.read() as s:
            closed = oq.hazard_detail(s, major.id, MONDAY).row
        assert (closed.status, closed.closed_on) == ("closed", MONDAY)

        # the blacklist: the careless enterprise is suggested, and listed
        blacklist = win.show_page("blacklist")
        assert isinstance(blacklist, BlacklistPage)
        qtbot.waitUntil(lambda: blacklist.candidates_task is not None and not blacklist.candidates_task.running,
                        timeout=5000)
        assert careless in [c.enterprise_id for c in blacklist.candidates]
        assert blacklist.select_candidate(careless)
        dialog = blacklist.add_listing()
        set_widget_value(dialog.widgets["decided_by"], "局务会")
        assert finish(dialog.save()) == "saved"
        qtbot.waitUntil(lambda: blacklist.model.rowCount() == 1, timeout=5000)
        plans = win.show_page("plans")
        wait_loaded(qtbot, plans.model)
        row = plans.model.row_at(plans.model.row_of_id(plan))
        assert row.enterprise_blacklisted_on == MONDAY
        assert plans.model.columns[plans.model.ENTERPRISE_COLUMN].display(row).startswith("【黑名单】")

        # an incident received at 23:40 on Sunday, reported at 00:45: 较大事故, reported 5 minutes late
        incidents = win.show_page("incidents")
        assert isinstance(incidents, IncidentsPage)
        wait_loaded(qtbot, incidents.model)
        dialog = incidents.new_incident()
        assert isinstance(dialog, IncidentDialog)
        set_widget_value(dialog.widgets["title"], "仓库火灾事故")
        set_widget_value(dialog.widgets["kind"], "fire")
        set_widget_value(dialog.widgets["received_at"], datetime(2026, 11, 29, 23, 40))
        set_widget_value(dialog.widgets["reported_at"], datetime(2026, 11, 30, 0, 45))
        set_widget_value(dialog.widgets["deaths"], 3)
        assert dialog.grade_label.text().startswith("事故等级：较大事故")
        assert dialog.timing_label.text().endswith("迟报 5 分钟")
        assert finish(dialog.save()) == "saved"
        qtbot.waitUntil(lambda: incidents.model.rowCount() == 1, timeout=5000)
        new = incidents.model.row_at(0)
        assert (new.grade_label, new.timing.label) == ("较大事故", "迟报 5 分钟")

        # last week's statistics and last month's ranking, printed
        stats = win.show_page("stats")
        assert isinstance(stats, StatsPage)
        qtbot.waitUntil(lambda: not stats.loading and stats.weekly is not None and stats.monthly is not None,
                        timeout=10000)
        weekly, monthly = tmp_path / "周统计.pdf", tmp_path / "月度排名.pdf"
        task = stats.export("pdf", weekly)
        qtbot.waitUntil(lambda: not task.running, timeout=20000)
        stats.tabs.setCurrentIndex(1)
        task = stats.export("pdf", monthly)
        qtbot.waitUntil(lambda: not task.running, timeout=20000)
        week_text = "".join(line.text for line in pdf_lines(weekly))
        assert "安全生产监管工作周统计" in week_text and "2026年第48周" in week_text
        month_text = "".join(line.text for line in pdf_lines(monthly))
        assert "安全生产监管工作月度排名" in month_text and "2026年11月" in month_text

        # back on 首页: the closed hazard is gone, the late report is listed
        win.show_page("home")
        home.refresh()
        wait_home(qtbot, home)
        listed = {(i.record, i.record_id) for i in home.shown_items() if i.module == "oversight"}
        assert ("hazard", major.id) not in listed and ("incident", new.id) in listed
    finally:
        win.runner.shutdown()
