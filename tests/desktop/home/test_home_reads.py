"""首页 reads in the background only: the window thread never reads, a newer read's answer wins over an
older one, a failed read keeps what was shown and says why in Chinese, another page's change reads again;
the table model passes Qt's model tester; the chart's axis has round whole-number steps."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.home.due_table import DueTableModel
from desktop.home.page import HomePage
from desktop.kit.charts import BarChart, ChartData, Series
from models.core.due import DueItem
from models.core.errors import DeskError
from tests.desktop.home.test_home_page import wait_home
from tests.factories import create_enterprise

TODAY = date(2026, 11, 29)


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings, reads):  # type: ignore[no-untyped-def]
    widget = HomePage(sqlite_db, runner, settings, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_reads_are_on_a_worker_and_the_latest_wins(qtbot, page, sqlite_db, reads) -> None:  # type: ignore[no-untyped-def]
    create_enterprise(sqlite_db, 1)
    before = reads.on_window_thread  # (the factory's own)
    gate = reads.hold()
    page.activate()
    assert page.loading and page.count_label.text() == "正在读取到期事项…"  # the window is not waiting
    first = page.load_task
    page.refresh()  # asked again while the first read is held
    assert page.load_task is not first
    gate.set()
    wait_home(qtbot, page)
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert page.overview is not None and page.overview.total == 1  # the newer answer
    assert reads.on_window_thread == before


def test_a_failed_read_keeps_what_was_shown_and_says_why(qtbot, page, sqlite_db, reads) -> None:  # type: ignore[no-untyped-def]
    create_enterprise(sqlite_db, 1)
    page.activate()
    wait_home(qtbot, page)
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    reads.fail = DeskError("数据库正忙，请稍后再试")
    page.refresh()
    wait_home(qtbot, page)
    assert page.count_label.text() == "查询失败"
    assert statuses == ["无法读取到期事项：数据库正忙，请稍后再试"]
    assert page.total_label.text() == "在册企业 1 家（不含回收站）"  # what was shown stays


def test_data_changed_elsewhere_reads_again(qtbot, page, sqlite_db) -> None:  # type: ignore[no-untyped-def]
    page.activate()
    wait_home(qtbot, page)
    create_enterprise(sqlite_db, 1)
    page.mark_stale()  # what the main window calls when another page saved
    wait_home(qtbot, page)
    assert page.overview is not None and page.overview.total == 1


def test_the_due_table_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = DueTableModel()
    model.set_items([DueItem("plans", "filing", "预案备案", "plan", 1, 1, "甲公司", "YA-01", "备案期限已过", TODAY, -3, "danger"),
                     DueItem("teams", "readiness", "队伍不就绪", "team", 2, None, "", "中队", "不就绪", None, None, "danger")])
    qtmodeltester.check(model)


def test_the_chart_axis_has_round_whole_steps(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert BarChart.axis(33) == (40.0, 4)
    assert BarChart.axis(7) == (8.0, 4)
    assert BarChart.axis(3) == (3.0, 3)
    assert BarChart.axis(250) == (250.0, 5)
    assert BarChart.axis(0) == (1.0, 1)
    assert BarChart.axis(0.4, whole=False) == (0.4, 4)
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(360, 200)
    chart.set_data(ChartData("演练", ("11月", "12月"), (Series("已实施", (3.0, 0.0)), Series("应实施", (1.0, 4.0)))))
    chart.grab()
    assert chart.bar_tips() == ["11月 已实施：3", "11月 应实施：1", "12月 已实施：0", "12月 应实施：4"]
    chart.set_data(ChartData("空", ()))
    assert chart.data.empty and chart.toolTip() == "暂无数据"
