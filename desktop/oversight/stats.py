"""统计排名 page: “一周一统计、一月一排名” (``models.oversight.stats``).

Two tabs. 周统计: a week picker (the last complete ISO week chosen, the year's weeks back from the
current one listed, the current one marked 未结束), the figures per department with the 合计 row (a rate
with nothing to measure is “—”; overdue hazards and plans in red), and the chart of hazards found by
department, stacked 一般 / 重大. 月度排名: a month picker (the last complete month chosen), the ranking
— 名次, 部门, 综合得分, then each component's value and its points — and the chart of the composite score
by department, best first. Both charts are the one chart widget (``desktop.kit.charts``).

Every read runs on the task runner (the window thread never waits on the database); an answer for an
earlier choice is dropped. 导出 (Excel, Word, PDF) writes the tab's period in the background:
the workbook through ``exports.oversight.stats``, the report through ``plans.oversight.stats`` and the
shared renderers (``desktop.kit.exporting``). The day counted to is the page's ``as_of`` (today)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.charts import BarChart, ChartData, Series
from desktop.kit.errors import read_failure_text
from desktop.kit.exporting import ask_save_path, export_report
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor, os_actor
from models.oversight import stats as st

ALERT = QColor("#C0152F")
TOTAL_FILL = QColor("#EEF3F8")
WEEKS_LISTED = 53
MONTHS_LISTED = 24
FIGURE_HEADERS = ("部门", "检查次数", "检查企业数", "一般隐患", "重大隐患", "隐患合计", "整改销号", "整改率", "逾期未整改",
                  "处罚件数", "罚款（元）", "演练实施", "演练应完成", "演练已完成", "演练完成率", "预案逾期")


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatsPage", text)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def figure_cells(r: st.DepartmentStats) -> list[str]:
    return [r.department, str(r.inspections), str(r.enterprises), str(r.hazards_general), str(r.hazards_major),
            str(r.hazards_found), str(r.rectified), _percent(r.rectification_rate), str(r.overdue), str(r.penalties),
            f"{r.penalty_amount:,.2f}", str(r.drills_held), str(r.drills_required), str(r.drills_met),
            _percent(r.drill_rate), str(r.plans_overdue)]


def week_choices(as_of: date) -> list[tuple[str, tuple[int, int]]]:
    """The weeks to pick, newest first: the current week (not over yet) and ``WEEKS_LISTED`` before it."""
    out = []
    monday = as_of - timedelta(days=as_of.weekday())
    for n in range(WEEKS_LISTED + 1):
        week = st.week_of(monday - timedelta(days=7 * n))
        label = st.week_period(*week).label + (_tr("（本周，未结束）") if n == 0 else "")
        out.append((label, week))
    return out


def month_choices(as_of: date) -> list[tuple[str, tuple[int, int]]]:
    out = []
    index = as_of.year * 12 + as_of.month - 1
    for n in range(MONTHS_LISTED + 1):
        year, month = divmod(index - n, 12)
        label = st.month_period(year, month + 1).label + (_tr("（本月，未结束）") if n == 0 else "")
        out.append((label, (year, month + 1)))
    return out


def hazards_chart(result: st.PeriodStats) -> ChartData:
    rows = result.rows
    return ChartData(_tr("各部门发现隐患"), tuple(r.short_name for r in rows),
                     (Series(_tr("一般隐患"), tuple(float(r.hazards_general) for r in rows), "#1F4E79"),
                      Series(_tr("重大隐患"), tuple(float(r.hazards_major) for r in rows), "#C0152F")),
                     stacked=True, unit=_tr("处"), note=result.period.label)


def score_chart(result: st.PeriodStats, ranked: Sequence[st.RankingRow]) -> ChartData:
    return ChartData(_tr("各部门综合得分"), tuple(r.short_name for r in ranked),
                     (Series(_tr("综合得分"), tuple(r.score for r in ranked), "#2E7D32"),), unit=_tr("分"),
                     note=result.period.label + _tr("（满分 100 分）"))


@dataclass(frozen=True)
class Monthly:
    stats: st.PeriodStats
    ranking: tuple[st.RankingRow, ...]


class StatsPage(Page):
    """The 统计排名 page (see the module docstring)."""

    key = "stats"

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._settings = settings
        self._actor = actor or os_actor()
        self._today = today
        self.weekly: st.PeriodStats | None = None
        self.monthly: Monthly | None = None
        self.week_task: Task | None = None
        self.month_task: Task | None = None
        self.export_task: Task | None = None
        self.read_error = ""
        self._asked = {"week": 0, "month": 0}
        self._pending = {"week": False, "month": False}
        self._build()

    @property
    def title(self) -> str:
        return self.tr("统计排名")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    @property
    def loading(self) -> bool:
        return any(self._pending.values())

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_week(), self.tr("周统计"))
        self.tabs.addTab(self._build_month(), self.tr("月度排名"))
        layout.addWidget(self.tabs, 1)

    def _bar(self, parent: QWidget, label: str, combo: QComboBox) -> tuple[QHBoxLayout, QLabel]:
        row = QHBoxLayout()
        row.addWidget(QLabel(label, parent))
        combo.setMinimumContentsLength(24)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(combo)
        summary = QLabel(parent)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(summary, 1)
        for text, fmt in ((self.tr("导出Excel…"), "xlsx"), (self.tr("导出Word…"), "docx"), (self.tr("导出PDF…"), "pdf")):
            button = QPushButton(text, parent)
            button.setToolTip(self.tr("把所选期间的统计导出为文件"))
            button.clicked.connect(lambda _c=False, fmt=fmt: self.export(fmt))
            row.addWidget(button)
        refresh = QPushButton(self.tr("刷新"), parent)
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        return row, summary

    @staticmethod
    def _table(parent: QWidget, headers: Sequence[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), parent)
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        table.setWordWrap(False)
        return table

    def _build_week(self) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        self.week_combo = QComboBox(box)
        for label, week in week_choices(self.as_of()):
            self.week_combo.addItem(label, week)
        self.week_combo.setCurrentIndex(1)  # the last complete week
        self.week_combo.currentIndexChanged.connect(lambda _i: self.load_week())
        bar, self.week_summary = self._bar(box, self.tr("统计周："), self.week_combo)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical, box)
        self.week_table = self._table(splitter, FIGURE_HEADERS)
        self.hazard_chart = BarChart(splitter)
        splitter.addWidget(self.week_table)
        splitter.addWidget(self.hazard_chart)
        splitter.setSizes([420, 260])
        layout.addWidget(splitter, 1)
        return box

    def _build_month(self) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        self.month_combo = QComboBox(box)
        for label, month in month_choices(self.as_of()):
            self.month_combo.addItem(label, month)
        self.month_combo.setCurrentIndex(1)  # the last complete month
        self.month_combo.currentIndexChanged.connect(lambda _i: self.load_month())
        bar, self.month_summary = self._bar(box, self.tr("统计月份："), self.month_combo)
        layout.addLayout(bar)
        headers = [self.tr("名次"), self.tr("部门"), self.tr("综合得分")]
        for c in st.ranking_rules().components:
            headers += [c.label, self.tr("得分（{0}%）").format(f"{c.weight * 100:g}")]
        splitter = QSplitter(Qt.Orientation.Vertical, box)
        self.rank_table = self._table(splitter, headers)
        for n, c in enumerate(st.ranking_rules().components):
            item = self.rank_table.horizontalHeaderItem(3 + 2 * n)
            if item is not None:
                item.setToolTip(self.tr("{0}：{1}，权重 {2}%").format(
                    c.label, self.tr("越多越好") if c.better == "higher" else self.tr("越少越好"), f"{c.weight * 100:g}"))
        self.score_chart = BarChart(splitter)
        splitter.addWidget(self.rank_table)
        splitter.addWidget(self.score_chart)
        splitter.setSizes([420, 260])
        layout.addWidget(splitter, 1)
        self.month_note = QLabel("".join(st.ranking_footnotes()[1:3]), box)
        self.month_note.setWordWrap(True)
        self.month_note.setStyleSheet("color: #555555;")
        layout.addWidget(self.month_note)
        return box

    # --- what is chosen

    def week(self) -> tuple[int, int]:
        return tuple(self.week_combo.currentData())  # type: ignore[return-value]

    def month(self) -> tuple[int, int]:
        return tuple(self.month_combo.currentData())  # type: ignore[return-value]

    @staticmethod
    def _choose(combo: QComboBox, wanted: tuple[int, int]) -> bool:
        for index in range(combo.count()):
            if tuple(combo.itemData(index)) == tuple(wanted):
                combo.setCurrentIndex(index)
                return True
        return False

    def choose_week(self, week: tuple[int, int]) -> bool:
        """Pick a week of the list (False: not listed)."""
        return self._choose(self.week_combo, week)

    def choose_month(self, month: tuple[int, int]) -> bool:
        return self._choose(self.month_combo, month)

    # --- reading

    def refresh(self) -> None:
        self.load_week()
        self.load_month()

    def _read(self, which: str, fn: Callable[[Session], Any], label: str, done: Callable[[Any], None]) -> Task | None:
        self._asked[which] += 1
        asked, db = self._asked[which], self._db

        def work(_progress: Progress) -> tuple[int, Any]:
            with db.read() as s:
                return asked, fn(s)

        try:
            task = self._runner.run(work, label=label, title=self.tr("统计排名"), show_progress=False,
                                    report_errors=False)
        except RuntimeError:  # the window closed (its runner shut down)
            return None
        self._pending[which] = True

        def finished(result: tuple[int, Any]) -> None:
            if result[0] != self._asked[which]:
                return  # an earlier choice's answer
            self._pending[which] = False
            done(result[1])

        def failed(exc: BaseException) -> None:
            if asked == self._asked[which]:
                self._pending[which] = False
                self.read_error = read_failure_text(exc, self.tr("统计数据"))
                self.sig_status.emit(self.read_error)
                (self.week_summary if which == "week" else self.month_summary).setText(self.tr("查询失败"))

        task.sig_finished.connect(finished)
        task.sig_failed.connect(failed)
        return task

    def load_week(self) -> Task | None:
        week, as_of = self.week(), self.as_of()
        self.week_summary.setText(self.tr("正在统计…"))
        self.week_task = self._read("week", lambda s: st.weekly(s, week=week, as_of=as_of),
                                    self.tr("正在统计…"), self._show_week)
        return self.week_task

    def load_month(self) -> Task | None:
        (year, month), as_of = self.month(), self.as_of()

        def read(s: Session) -> Monthly:
            result = st.monthly(s, year=year, month=month, as_of=as_of)
            return Monthly(result, tuple(st.ranking(result)))

        self.month_summary.setText(self.tr("正在统计…"))
        self.month_task = self._read("month", read, self.tr("正在排名…"), self._show_month)
        return self.month_task

    @staticmethod
    def _item(text: str, *, align_left: bool = False, alert: bool = False, total: bool = False) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter
                              | (Qt.AlignmentFlag.AlignLeft if align_left else Qt.AlignmentFlag.AlignRight))
        if alert:
            item.setForeground(QBrush(ALERT))
        if total:
            item.setBackground(QBrush(TOTAL_FILL))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        return item

    def _show_week(self, result: st.PeriodStats) -> None:
        self.weekly = result
        rows = [*result.rows, result.totals]
        table = self.week_table
        table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            total = r.department_id is None
            for c, text in enumerate(figure_cells(r)):
                alert = (c == 8 and r.overdue > 0) or (c == 15 and r.plans_overdue > 0)
                table.setItem(n, c, self._item(text, align_left=c == 0, alert=alert, total=total))
        t = result.totals
        self.week_summary.setText(self.tr("{0}：检查 {1} 次，发现隐患 {2} 处（重大 {3} 处），逾期未整改 {4} 处{5}").format(
            result.period.range_text, t.inspections, t.hazards_found, t.hazards_major, t.overdue,
            "" if result.complete else self.tr("；统计至 {0}").format(result.cut.isoformat())))
        self.hazard_chart.set_data(hazards_chart(result))
        self.sig_status.emit(self.tr("已统计{0}").format(result.period.label))

    def _show_month(self, found: Monthly) -> None:
        self.monthly = found
        table = self.rank_table
        table.setRowCount(len(found.ranking))
        for n, r in enumerate(found.ranking):
            cells = [self._item(str(r.rank)), self._item(r.department, align_left=True), self._item(f"{r.score:.2f}")]
            for c in r.components:
                cells += [self._item(c.value_text), self._item(f"{c.points:.1f}")]
            for col, item in enumerate(cells):
                table.setItem(n, col, item)
        result = found.stats
        first = "、".join(r.short_name for r in found.ranking if r.rank == 1)
        self.month_summary.setText(self.tr("{0}：第一名 {1}{2}").format(
            result.period.label, first, "" if result.complete else self.tr("；统计至 {0}").format(result.cut.isoformat())))
        self.score_chart.set_data(score_chart(result, found.ranking))

    # --- exports

    def export(self, fmt: str, path: Path | None = None) -> Task | None:
        """导出 the current tab's period as Excel (``xlsx``), Word (``docx``) or PDF (``pdf``)."""
        weekly = self.tabs.currentIndex() == 0
        as_of = self.as_of()
        if weekly:
            week = self.week()
            label, stem = self.tr("周统计"), f"周统计-{st.week_period(*week).key}"
        else:
            year, month = self.month()
            label, stem = self.tr("月度排名"), f"月度排名-{st.month_period(year, month).key}"
        path = path or ask_save_path(self, self._settings, self.tr("导出{0}").format(label), stem, (f".{fmt}",))
        if path is None:
            return None
        if fmt == "xlsx":
            db, target = self._db, path

            def work(progress: Progress) -> int:
                from exports.oversight.stats import export_monthly, export_weekly

                if weekly:
                    return export_weekly(db, week, as_of, target, progress=progress)
                return export_monthly(db, year, month, as_of, target, progress=progress)

            task = self._runner.run(work, title=self.tr("导出Excel"), label=self.tr("正在导出{0}…").format(label))
            task.sig_finished.connect(lambda rows: self._exported(target, label, int(rows)))
            task.sig_cancelled.connect(lambda: self.sig_status.emit(self.tr("已取消导出，未生成文件")))
        else:
            def build(s: Session) -> Any:
                from plans.oversight import stats as documents  # imported when printing

                if weekly:
                    return documents.build_weekly(s, week=week, as_of=as_of)
                return documents.build_monthly(s, year=year, month=month, as_of=as_of)

            task = export_report(self, self._runner, self._settings, self._db, label, stem, build, path)
        self.export_task = task
        return task

    def _exported(self, path: Path, label: str, rows: int) -> None:
        self.sig_status.emit(self.tr("已导出{0}（{1} 行）：{2}").format(label, rows, path))
        choice = messages.info(self, self.tr("导出完成"), self.tr("已导出{0}（{1} 行）到：\n{2}").format(label, rows, path),
                               options=[self.tr("确定"), self.tr("打开所在文件夹")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
