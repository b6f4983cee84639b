"""The 统计排名 page over the hand-counted world: last week's figures per department with the totals,
the hazards chart stacked 一般/重大, last month's ranking with each component and the score chart,
another week picked, the three exports, and every read in the background (an earlier answer dropped,
a failed read said in Chinese)."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from desktop.oversight.stats import ALERT, StatsPage
from models.core.errors import DeskError
from models.oversight import stats as st
from tests.desktop.loading import Reads
from tests.exports.pdf_lines import pdf_lines
from tests.factories import TESTER
from tests.models.oversight import stats_world as w

TODAY = date(2026, 12, 1)  # a Tuesday: last week is 2026-W48, last month November


def wait(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not page.loading and page.weekly is not None and page.monthly is not None, timeout=10000)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return w.build(db)


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    widget = StatsPage(db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    widget.activate()
    wait(qtbot, widget)
    return widget


def _row(table, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(n, c).text() for c in range(table.columnCount())]


def test_last_week_per_department(qtbot, page, world):  # type: ignore[no-untyped-def]
    assert page.title == "统计排名" and page.key == "stats"
    assert page.week() == (2026, 48) and page.week_combo.currentText() == "2026年第48周（11月23日—11月29日）"
    assert page.week_combo.itemText(0).endswith("（本周，未结束）")
    table = page.week_table
    assert table.rowCount() == 12  # eleven departments and 合计
    first = _row(table, 0)
    assert first[:9] == [world.names[0], "3", "2", "1", "1", "2", "2", "50.0%", "1"]
    assert _row(table, 1)[7] == "—"
    assert _row(table, 11)[0] == "合计" and _row(table, 11)[8] == "3"
    assert table.item(0, 8).foreground().color() == ALERT
    assert "检查 4 次，发现隐患 3 处（重大 2 处），逾期未整改 3 处" in page.week_summary.text()
    chart = page.hazard_chart.data
    assert chart.stacked and [s.name for s in chart.series] == ["一般隐患", "重大隐患"]
    assert chart.series[1].values[:3] == (1.0, 0.0, 1.0)


def test_last_month_ranking_with_each_component(qtbot, page, world):  # type: ignore[no-untyped-def]
    assert page.month() == (2026, 11)
    table = page.rank_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:5] == ["名次", "部门", "综合得分", "检查企业次数", "得分（20%）"]
    assert len(headers) == 3 + 2 * len(st.ranking_rules().components)
    ranks = [int(table.item(n, 0).text()) for n in range(table.rowCount())]
    assert ranks == sorted(ranks) and table.rowCount() == 11
    scores = page.score_chart.data.series[0].values
    assert list(scores) == sorted(scores, reverse=True)
    assert page.month_summary.text().startswith("2026年11月：第一名")


def test_another_week_is_read(qtbot, page):  # type: ignore[no-untyped-def]
    assert page.choose_week((2026, 47))
    qtbot.waitUntil(lambda: not page.loading and page.weekly.period.number == 47, timeout=10000)
    totals = _row(page.week_table, 11)
    assert totals[1] == "1" and totals[3] == "1"  # I5 and H4 on Sunday 22 November: week 47's last day
    assert page.hazard_chart.data.series[0].values[:3] == (0.0, 1.0, 0.0)


def test_exports(qtbot, page, tmp_path, msgs):  # type: ignore[no-untyped-def]
    xlsx, docx, pdf = tmp_path / "周统计.xlsx", tmp_path / "周统计.docx", tmp_path / "月度排名.pdf"
    task = page.export("xlsx", xlsx)
    qtbot.waitUntil(lambda: not task.running, timeout=10000)
    assert load_workbook(xlsx).active.cell(13, 1).value == "合计"
    assert "（12 行）" in msgs.texts("info")[0]
    task = page.export("docx", docx)
    qtbot.waitUntil(lambda: not task.running, timeout=20000)
    assert "安全生产监管工作周统计" in [p.text for p in Document(str(docx)).paragraphs]
    page.tabs.setCurrentIndex(1)
    task = page.export("pdf", pdf)
    qtbot.waitUntil(lambda: not task.running, timeout=20000)
    assert "安全生产监管工作月度排名" in "".join(line.text for line in pdf_lines(pdf))
    assert msgs.kinds() == ["info", "info", "info"]


def test_reads_in_the_background_an_earlier_answer_dropped(qtbot, sqlite_db, runner, settings, monkeypatch):  # type: ignore[no-untyped-def]
    w.build(sqlite_db)
    reads = Reads(monkeypatch, sqlite_db)
    try:
        widget = StatsPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
        qtbot.addWidget(widget)
        widget.show()
        widget.activate()
        wait(qtbot, widget)
        gate = reads.hold()
        widget.choose_week((2026, 46))
        widget.choose_week((2026, 48))  # only this answer is shown
        gate.set()
        qtbot.waitUntil(lambda: not widget.loading, timeout=10000)
        assert widget.weekly.period.number == 48
        assert reads.on_window_thread == 0 and len(reads.threads) >= 4
        reads.gate = None
        reads.fail = DeskError("测试：数据库已断开")
        widget.refresh()
        qtbot.waitUntil(lambda: not widget.loading, timeout=10000)
        assert widget.read_error == "无法读取统计数据：测试：数据库已断开"
        assert widget.week_summary.text() == "查询失败"
        assert widget.week_table.rowCount() == 12  # what was shown stays
    finally:
        reads.gate = None
        reads.fail = None
