"""The drills module's panel on the 企业 page: the chosen enterprise's drill obligations, read on a
worker thread, the overdue ones in red and counted in the tab's title."""

from __future__ import annotations

from datetime import date

from desktop.drills.panels import obligations_panel
from desktop.enterprises.page import EnterprisesPage
from desktop.enterprises.panels import WARNING
from models.drills import queries as dq
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _published_plan


def test_the_chosen_enterprise_shows_its_drill_obligations(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    first = create_enterprise(sqlite_db, 1)
    _published_plan(sqlite_db, first)
    create_enterprise(sqlite_db, 2)  # no plan: nothing to drill yet
    today = [date(2026, 11, 29)]
    page = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER, panels=[obligations_panel()],
                           today=lambda: today[0])
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    tabs = page.panel_tabs
    assert tabs is not None and tabs.tabText(0) == "演练频次要求"
    table = tabs.tables[0]
    row = next(r for r in range(2) if page.model.row_at(r).id == first)
    page.view.selectRow(row)
    with sqlite_db.read() as s:
        expected = [o for o in dq.obligations(s, as_of=today[0], enterprise_id=first)[0].obligations if o.applicable]
    assert expected
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == expected[0].label,
                    timeout=3000)
    assert table.rowCount() == len(expected)
    for r, o in enumerate(expected):
        assert table.item(r, 1).text() == "从未演练" and table.item(r, 2).text() == o.due.isoformat()
        assert table.item(r, 3).text().startswith("已逾期" if o.overdue else "还有")
        assert (table.item(r, 3).foreground().color() == WARNING) == o.overdue
    overdue = sum(o.overdue for o in expected)
    assert tabs.tabText(0) == (f"演练频次要求（{overdue} 项逾期）" if overdue else "演练频次要求")
    assert any(not o.overdue for o in expected)  # the yearly drill is still due this year

    today[0] = date(2027, 2, 1)  # the year passed without a drill
    page.refresh()
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: tabs.tabText(0) == f"演练频次要求（{len(expected)} 项逾期）", timeout=3000)
    assert all(table.item(r, 3).text().startswith("已逾期") for r in range(len(expected)))
    page.grab()

    page.view.selectRow(1 - row)  # the enterprise without plans
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == "没有适用的演练频次要求",
                    timeout=3000)
    assert tabs.tabText(0) == "演练频次要求"


def test_a_pause_ending_after_the_window_closed_reads_nothing(qtbot, sqlite_db, settings):  # type: ignore[no-untyped-def]
    from desktop.enterprises.panels import PAUSE_MS, PanelTabs
    from desktop.kit.tasks import TaskRunner

    runner = TaskRunner()
    tabs = PanelTabs(sqlite_db, runner, [obligations_panel()], lambda: date(2026, 11, 29))
    qtbot.addWidget(tabs)
    tabs.show_enterprise(create_enterprise(sqlite_db, 1))
    runner.shutdown()  # the window closes during the pause
    qtbot.wait(PAUSE_MS * 2)  # the timer fires: no "task runner is shut down"
    assert tabs.tasks == []
