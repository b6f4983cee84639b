"""A row of 首页 opens its record: the main window routes a due item by its module — a plan to the 预案
page with the plan selected, a batch to the 物资 page on its warehouse and row, a team not ready to the
队伍 page on the team, a roster gap to the 值班 page on the point's week, a drill owed to the 演练 page's
频次要求; a module without a page yet says so in the status bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from desktop.kit.settings import Settings
from desktop.main_window import MainWindow
from models.core.due import DueItem
from tests.desktop.home.test_home_page import wait_home
from tests.desktop.home.world import TODAY, HomeWorld, build_home
from tests.desktop.loading import wait_loaded


@pytest.fixture
def world(sqlite_db) -> HomeWorld:  # type: ignore[no-untyped-def]
    return build_home(sqlite_db)


@pytest.fixture
def window(qtbot, sqlite_db, settings: Settings, world) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(sqlite_db, settings, progress_delay_ms=50, today=lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    wait_home(qtbot, win.home_page)
    yield win
    win.runner.shutdown()


def _open(qtbot, window: MainWindow, matches: Callable[[DueItem], bool]) -> DueItem:  # type: ignore[no-untyped-def]
    """Double-click the first row of the home page's list that ``matches``."""
    home = window.home_page
    window.show_page("home")
    row = next(n for n, item in enumerate(home.shown_items()) if matches(item))
    home.view.scrollTo(home.proxy.index(row, 0))
    rect = home.view.visualRect(home.proxy.index(row, 2))
    qtbot.mouseClick(home.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(home.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return home.shown_items()[row]


def test_a_plan_opens_on_the_plans_page(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    item = _open(qtbot, window, lambda i: i.module == "plans" and i.record_id == world.late_plan)
    page = window.plans_page
    assert window.current_page() is page
    wait_loaded(qtbot, page.model)
    assert page.current_row() is not None and page.current_row().id == world.late_plan == item.record_id
    item = _open(qtbot, window, lambda i: i.module == "plans" and i.record_id == world.soon_plan)  # loaded already
    assert window.current_page() is page and page.current_row().id == world.soon_plan


def test_a_batch_opens_on_its_warehouse(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, lambda i: i.module == "supplies" and i.record == "batch" and i.record_id == world.expired)
    page = window.page("supplies")
    assert window.current_page() is page
    qtbot.waitUntil(lambda: page.tree_task is not None and not page.tree_task.running, timeout=5000)
    wait_loaded(qtbot, page.model)
    assert page.current_warehouse_id() == world.supplies.north
    row = page.current_row()
    assert row is not None and (row.warehouse_id, row.batch_id) == (world.supplies.north, world.expired)


def test_a_team_not_ready_opens_on_the_teams_page(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, lambda i: i.module == "teams" and i.kind == "readiness")
    page = window.page("teams")
    assert window.current_page() is page
    wait_loaded(qtbot, page.model)
    assert page.current_row() is not None and page.current_row().id == world.duty.world.team


def test_a_roster_gap_opens_the_points_week(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    item = _open(qtbot, window, lambda i: i.module == "teams" and i.record == "shift")
    page = window.page("duty")
    assert window.current_page() is page
    qtbot.waitUntil(lambda: not page.loading and page.roster is not None and page.point is not None
                    and page.point.id == item.parent_id, timeout=5000)
    start, end = page.period()
    assert item.due_on is not None and start <= item.due_on <= end


def test_a_drill_owed_opens_the_obligations(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    home = window.home_page
    home.window_combo.setCurrentIndex(home.window_combo.findData(90))  # the year's drill, owed by 31 December
    item = _open(qtbot, window, lambda i: i.module == "drills" and i.record == "enterprise_drills")
    page = window.page("drills")
    assert window.current_page() is page and page.tabs.currentWidget() is page.obligation_tab
    qtbot.waitUntil(lambda: page.obligation_task is not None and not page.obligation_task.running, timeout=5000)
    qtbot.waitUntil(lambda: page.obligation_view.currentIndex().isValid(), timeout=5000)
    row = page.obligation_view.currentIndex().row()
    assert page.obligations.index(row, 0).data() == item.enterprise


def test_a_hazard_opens_on_the_hazards_page(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    item = _open(qtbot, window, lambda i: i.module == "oversight" and i.record == "hazard")
    assert (item.record_id, item.parent_id, item.severity) == (world.hazard, world.inspection, "danger")
    assert item.title.startswith("【重大隐患】")
    page = window.page("hazards")
    assert window.current_page() is page
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == world.hazard, timeout=5000)


def test_an_unreported_incident_opens_on_the_incidents_page(qtbot, window, world) -> None:  # type: ignore[no-untyped-def]
    item = _open(qtbot, window, lambda i: i.module == "oversight" and i.record == "incident")
    assert item.record_id == world.incident and item.severity == "danger"
    page = window.page("incidents")
    assert window.current_page() is page
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == world.incident, timeout=5000)


def test_a_module_without_a_page_says_so(window) -> None:  # type: ignore[no-untyped-def]
    item = DueItem("archive", "box", "档案盒", "box", 7, None, "", "第 7 盒", "…", TODAY, 0, "danger")
    assert "archive" not in window.due_routes
    window.open_due_item(item)
    assert window.current_page() is window.home_page
    assert window.statusBar().currentMessage().startswith("“archive”的事项还不能从首页打开")
