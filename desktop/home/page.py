"""首页: what is due or overdue today across every module, and the enterprises at a glance.

From the top: the day; how many enterprises are on the register (or that the demo is being
generated); in the flood season (``models.oversight.flood``) the season and its work, leading the page
with a 防汛工作 card first; the start-up summary — what became overdue since the user last opened this database
(``Settings.last_seen``; nothing on the very first start); the KPI cards (逾期事项, 7 天内到期, 预案逾期,
演练逾期, 未就绪队伍, 物资短缺/过期 — counted from the due items; a click filters the list to the card's
items, a second click shows everything again); then, in the 待办事项 tab, the one list of everything
due (``models.modules.due_items``, the same list the ``due`` command prints) filtered by module,
severity, window (7 / 30 / 90 days) and a search box, sortable by any column, a double-click or Enter
opening the record on its page (``sig_open_item``: the main window knows the pages), beside it the
charts (到期事项按模块, 演练 已实施 vs 应实施 by month, 物资 batches expiring by month) on the one chart
widget; in the 企业概况 tab the enterprises by risk level (with its colour) and by key industry.

Everything is one short read on the task runner (``read_home``): the due items of the widest window,
the enterprise counts and the monthly counts; the window thread never waits on the database, an answer
of an earlier read is dropped, and the page reads again when another page changed data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.home import summary
from desktop.home.due_table import DueFilter, DueTableModel
from desktop.kit.charts import BarChart
from desktop.kit.exporting import ListExporter
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import SearchBox
from models.core.database import Database
from models.core.due import MODULE_LABELS, SEVERITIES, DueItem
from models.core.progress import Progress
from models.enterprises.queries import Overview, Tally, overview
from models.oversight.queries import DepartmentHazards

log = logging.getLogger(__name__)

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
CHART_MONTHS_BACK = 6
CHART_MONTHS_AHEAD = 3
SUPPLY_MONTHS = 6


def _tr(text: str) -> str:
    return QCoreApplication.translate("HomePage", text)


@dataclass(frozen=True)
class HomeData:
    """What the page shows, read in one short read-only session."""

    as_of: date
    items: list[DueItem]  # the widest window's (``max(summary.WINDOWS)`` days), most urgent first
    overview: Overview
    drills_by_month: list[tuple[date, int, int]]
    expiring_by_month: list[tuple[date, int]]
    hazards_by_department: list[DepartmentHazards]
    seconds: float  # how long the due list took to read
    season: str = ""  # in the flood season: its label (汛期 6月1日至9月30日…); '' out of season
    flood: frozenset[DueItem] = frozenset()  # the flood work among ``items`` (in season)


def read_home(session: Session, as_of: date, progress: Progress | None = None) -> HomeData:
    """The home page's read (on a worker thread): the due items, the enterprise counts, the months.
    ``progress`` is told after each module's due items (a cancel stops the read there)."""
    from models.drills.queries import held_by_month
    from models.modules import due_items
    from models.oversight import flood
    from models.oversight.queries import open_hazards_by_department
    from models.supplies.queries import expiring_by_month

    started = time.perf_counter()
    items = due_items(session, as_of=as_of, within=max(summary.WINDOWS), progress=progress)
    seconds = time.perf_counter() - started
    season = flood.season_on(as_of)  # the city's window (a region's own applies to its records)
    work = frozenset(flood.flood_work(session, items)) if season is not None else frozenset()
    return HomeData(as_of, items, overview(session),
                    held_by_month(session, as_of, back=CHART_MONTHS_BACK, ahead=CHART_MONTHS_AHEAD),
                    expiring_by_month(session, as_of, SUPPLY_MONTHS), open_hazards_by_department(session, as_of), seconds,
                    season.label if season is not None else "", work)


def day_heading(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS[day.weekday()]}"


class KpiCard(QFrame):
    """A count of due items; a click filters the list to them (``sig_clicked``)."""

    sig_clicked = Signal(str)
    """The card was clicked; the argument is its key."""

    def __init__(self, card: summary.Card, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setObjectName("kpiCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(_tr("{0}。单击只看这些事项，再次单击显示全部。").format(card.tip))
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(0)
        self.name = QLabel(_tr(card.label), self)
        self.name.setStyleSheet(f"color: {card.colour}; font-weight: bold;")
        self.count_label = QLabel("—", self)
        self.count_label.setObjectName("count")
        self.count_label.setStyleSheet("font-size: 22px; font-weight: bold;")
        unit = QLabel(_tr(card.unit), self)
        grid.addWidget(self.name, 0, 0, 1, 3)
        grid.addWidget(self.count_label, 1, 0)
        grid.addWidget(unit, 1, 1, Qt.AlignmentFlag.AlignBottom)
        grid.setColumnStretch(2, 1)
        self.setMinimumWidth(120)
        self.set_active(False)

    def set_count(self, n: int) -> None:
        self.count_label.setText(str(n))
        self.count_label.setStyleSheet("font-size: 22px; font-weight: bold;"
                                       + (f" color: {self.card.colour};" if n else " color: #2E7D32;"))

    def set_active(self, active: bool) -> None:
        colour = self.card.colour
        background = "#FFF4F0" if active else "palette(base)"
        width = 2 if active else 1
        self.setStyleSheet(f"QFrame#kpiCard {{ border: {width}px solid {colour if active else '#C9D1D9'};"
                           f" border-left: 6px solid {colour}; border-radius: 4px; background: {background}; }}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.sig_clicked.emit(self.card.key)
        super().mouseReleaseEvent(event)


class HomePage(Page):
    key = "home"

    sig_open_item = Signal(object)
    """Open a due item's record on its page (the argument is the ``DueItem``); the main window routes it."""

    sig_loaded = Signal()
    """The latest read is shown (the due list, the cards, the charts and the enterprise counts)."""

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._settings = settings
        self._today = today
        self.overview: Overview | None = None
        self.data: HomeData | None = None
        self.load_task: Task | None = None
        self._generation = 0
        self.since: date | None = None
        """The day the user last opened this database before this session (None: the first time)."""
        self._since_read = False
        self.summary_dismissed = False
        """The user closed the start-up summary (知道了): it stays closed for this session."""
        self.card_key = ""
        """The KPI card whose items the list shows ('' none)."""
        self.since_only = False
        """The list shows only what became overdue since ``since`` (the summary's 查看)."""
        self.demo_filling = False
        """The demo database is being generated in the background (the counts are not there yet)."""
        self.exporter = ListExporter(self, runner, settings, label=self.tr("正在导出到期事项…"), unit=self.tr("项"),
                                     module="exports.home.excel")
        self._build()

    @property
    def title(self) -> str:
        return self.tr("首页")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    @property
    def loading(self) -> bool:
        return self.load_task is not None and self.load_task.running

    # --- building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        outer.setSpacing(8)
        top = QHBoxLayout()
        self.heading = QLabel(self.tr("首页"), self)
        self.heading.setObjectName("homeHeading")
        self.heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        top.addWidget(self.heading)
        top.addSpacing(16)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("totalLabel")
        self.total_label.setStyleSheet("font-size: 15px;")
        top.addWidget(self.total_label)
        top.addStretch(1)
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        self.refresh_button.setToolTip(self.tr("重新读取到期事项和统计"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        outer.addLayout(top)

        self.demo_progress = QProgressBar(self)
        self.demo_progress.setObjectName("demoProgress")
        self.demo_progress.setMaximumWidth(420)
        self.demo_progress.setFormat("%p%")
        self.demo_progress.hide()
        outer.addWidget(self.demo_progress)
        self.demo_step = QLabel(self)
        self.demo_step.setObjectName("demoStep")
        self.demo_step.setStyleSheet("color: #5A6570;")
        self.demo_step.hide()
        outer.addWidget(self.demo_step)
        self.hint = QLabel(self)
        self.hint.setObjectName("homeHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666666;")
        self.hint.hide()
        outer.addWidget(self.hint)

        self.flood_banner = QFrame(self)
        self.flood_banner.setObjectName("floodBanner")
        self.flood_banner.setStyleSheet("QFrame#floodBanner { background: #E8F0FA; border: 1px solid #8DB0D8;"
                                        " border-radius: 4px; }")
        row = QHBoxLayout(self.flood_banner)
        row.setContentsMargins(10, 4, 6, 4)
        self.flood_label = QLabel(self.flood_banner)
        self.flood_label.setObjectName("floodText")
        self.flood_label.setWordWrap(True)
        self.flood_label.setStyleSheet("color: #1F4E79; font-weight: bold;")
        row.addWidget(self.flood_label, 1)
        self.flood_show = QPushButton(self.tr("只看防汛"), self.flood_banner)
        self.flood_show.setToolTip(self.tr("列表只显示防汛相关的事项"))
        self.flood_show.clicked.connect(lambda: self.toggle_card("flood") if self.card_key != "flood" else None)
        row.addWidget(self.flood_show)
        self.flood_banner.hide()
        outer.addWidget(self.flood_banner)

        self.banner = QFrame(self)
        self.banner.setObjectName("homeBanner")
        self.banner.setStyleSheet("QFrame#homeBanner { background: #FDECEE; border: 1px solid #E7A1AB;"
                                  " border-radius: 4px; }")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 4, 6, 4)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setObjectName("bannerText")
        self.banner_label.setWordWrap(True)
        row.addWidget(self.banner_label, 1)
        self.banner_show = QPushButton(self.tr("只看这些"), self.banner)
        self.banner_show.setToolTip(self.tr("列表只显示自上次打开以来新逾期的事项"))
        self.banner_show.clicked.connect(self.show_newly_overdue)
        row.addWidget(self.banner_show)
        self.banner_close = QPushButton(self.tr("知道了"), self.banner)
        self.banner_close.clicked.connect(self.dismiss_summary)
        row.addWidget(self.banner_close)
        self.banner.hide()
        outer.addWidget(self.banner)

        cards = QHBoxLayout()
        cards.setSpacing(10)
        self.cards: dict[str, KpiCard] = {}
        for card in (summary.FLOOD_CARD, *summary.CARDS):  # in season, flood work leads
            widget = KpiCard(card, self)
            widget.sig_clicked.connect(self.toggle_card)
            self.cards[card.key] = widget
            cards.addWidget(widget, 1)
        self.cards["flood"].hide()  # until a read says the day is in the flood season
        outer.addLayout(cards)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("homeTabs")
        self.tabs.addTab(self._build_due(), self.tr("待办事项"))
        self.tabs.addTab(self._build_overview(), self.tr("企业概况"))
        outer.addWidget(self.tabs, 1)

    def _build_due(self) -> QWidget:
        tab = QWidget(self)
        layout = QHBoxLayout(tab)
        layout.setContentsMargins(4, 6, 4, 4)
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        left = QWidget(split)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.module_combo = QComboBox(left)
        self.module_combo.setObjectName("dueModule")
        self.module_combo.addItem(self.tr("全部模块"), "")
        for module, label in MODULE_LABELS.items():
            self.module_combo.addItem(self.tr(label), module)
        self.severity_combo = QComboBox(left)
        self.severity_combo.setObjectName("dueSeverity")
        self.severity_combo.addItem(self.tr("全部紧急程度"), "")
        for severity, label in SEVERITIES.items():
            self.severity_combo.addItem(self.tr(label), severity)
        self.window_combo = QComboBox(left)
        self.window_combo.setObjectName("dueWindow")
        for days in summary.WINDOWS:
            self.window_combo.addItem(self.tr("逾期及 {0} 天内").format(days), days)
        self.window_combo.setCurrentIndex(summary.WINDOWS.index(summary.DEFAULT_WINDOW))
        self.window_combo.setToolTip(self.tr("逾期的和没有日期（现在就要办）的事项总会列出"))
        self.search = SearchBox(self.tr("搜索企业、事项、说明…"), left, delay_ms=150)
        self.search.setObjectName("dueSearch")
        for combo in (self.module_combo, self.severity_combo, self.window_combo):
            combo.currentIndexChanged.connect(self.apply_filter)
            bar.addWidget(combo)
        self.search.sig_search.connect(self.apply_filter)
        bar.addWidget(self.search, 1)
        self.export_button = QPushButton(self.tr("导出Excel…"), left)
        self.export_button.setObjectName("dueExport")
        self.export_button.setToolTip(self.tr("把列表中现在显示的事项（按当前筛选和排序）导出为 Excel 工作簿"))
        self.export_button.clicked.connect(self.export_excel)
        bar.addWidget(self.export_button)
        lv.addLayout(bar)

        self.model = DueTableModel(self)
        self.proxy = DueFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(left)
        self.view.setObjectName("dueList")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # most urgent first, as read
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((60, 44, 70, 150, 170, 80, 92)):
            self.view.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.activated.connect(self._on_row_activated)  # double-click and Enter
        lv.addWidget(self.view, 1)
        self.count_label = QLabel(self.tr("正在读取到期事项…"), left)
        self.count_label.setObjectName("dueCount")
        self.count_label.setStyleSheet("color: #5A6570;")
        lv.addWidget(self.count_label)

        right = QWidget(split)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        rv.setSpacing(6)
        self.module_chart = BarChart(right)
        self.module_chart.setObjectName("chartByModule")
        self.drills_chart = BarChart(right)
        self.drills_chart.setObjectName("chartDrills")
        self.supplies_chart = BarChart(right)
        self.supplies_chart.setObjectName("chartSupplies")
        self.hazards_chart = BarChart(right)
        self.hazards_chart.setObjectName("chartHazards")
        for chart in (self.module_chart, self.hazards_chart, self.drills_chart, self.supplies_chart):
            chart.setMinimumSize(300, 130)
            rv.addWidget(chart, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([740, 400])
        layout.addWidget(split)
        return tab

    def _build_overview(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        outer.setContentsMargins(8, 8, 8, 8)
        self.details = QWidget(tab)  # the counts (hidden while the demo is generated)
        outer.addWidget(self.details)
        layout = QVBoxLayout(self.details)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        risk_title = QLabel(self.tr("按风险等级"), self.details)
        risk_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(risk_title)
        self._risk_row = QHBoxLayout()
        self._risk_row.setSpacing(12)
        layout.addLayout(self._risk_row)
        self.risk_cards: dict[str, QLabel] = {}
        industry_title = QLabel(self.tr("按重点行业"), self.details)
        industry_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(industry_title)
        self.industry_table = QTableWidget(0, 2, self.details)
        self.industry_table.setHorizontalHeaderLabels([self.tr("重点行业"), self.tr("企业数")])
        self.industry_table.verticalHeader().setVisible(False)
        self.industry_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.industry_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.industry_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.industry_table.setColumnWidth(1, 90)
        self.industry_table.setMaximumWidth(420)
        self.industry_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.industry_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.industry_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.industry_table)
        self.industry_note = QLabel(self.tr("重点行业的数字包含其下属行业，例如“危险化学品”包含生产、经营、储存、运输。"),
                                    self.details)
        self.industry_note.setWordWrap(True)
        self.industry_note.setStyleSheet("color: #666666;")
        layout.addWidget(self.industry_note)
        outer.addStretch(1)
        return tab

    # --- loading

    def load(self) -> None:
        self._read_since()
        self.refresh()

    def _last_seen_key(self) -> str:
        return str(self._db.url)

    def _read_since(self) -> None:
        if self._since_read:
            return
        self._since_read = True
        seen = self._settings.last_seen(self._last_seen_key())
        try:
            self.since = date.fromisoformat(seen) if seen else None
        except ValueError:
            log.warning("设置中的上次打开日期无法识别：%r", seen)
            self.since = None

    def refresh(self) -> None:
        """Read everything again in the background (the old rows stay on screen until it is there)."""
        db, as_of = self._db, self.as_of()
        self.heading.setText(self.tr("首页　{0}").format(day_heading(as_of)))
        self._generation += 1
        generation = self._generation

        def work(progress: Progress) -> HomeData:
            with db.read() as s:
                return read_home(s, as_of, progress)

        if self.load_task is not None and self.load_task.running:
            self.load_task.cancel()  # its answer would be dropped anyway: stop it after its current module
        try:
            task = self._runner.run(work, label=self.tr("正在读取到期事项…"), title=self.tr("首页"), show_progress=False,
                                    report_errors=False)
        except RuntimeError:  # the window closed (its runner shut down)
            return
        if self.data is None:
            self.count_label.setText(self.tr("正在读取到期事项…"))
        task.sig_finished.connect(lambda data, g=generation: self._loaded(g, data))
        task.sig_failed.connect(lambda error, g=generation: self._failed(g, error))
        self.load_task = task

    def _failed(self, generation: int, error: object) -> None:
        if generation != self._generation:
            return
        from desktop.kit.errors import read_failure_text

        text = read_failure_text(error, self.tr("到期事项")) if isinstance(error, BaseException) else str(error)
        self.count_label.setText(self.tr("查询失败"))
        self.sig_status.emit(text)
        self.sig_loaded.emit()

    def _loaded(self, generation: int, data: HomeData) -> None:
        if generation != self._generation:
            return  # an earlier read's answer
        self.data = data
        self.overview = data.overview
        log.info("首页：到期事项 %d 项，读取 %.0f ms", len(data.items), data.seconds * 1000)
        self.heading.setText(self.tr("首页　{0}").format(day_heading(data.as_of)))
        self._show(data.overview)
        self.model.set_items(data.items)
        for key, card in self.cards.items():
            if key != "flood":
                card.set_count(summary.CARD_BY_KEY[key].count(data.items))
        self.cards["flood"].setVisible(bool(data.season))
        if not data.season and self.card_key == "flood":
            self.card_key = ""
        self._show_summary(data)
        self.apply_filter()
        self.drills_chart.set_data(summary.drills_chart(data.drills_by_month))
        self.supplies_chart.set_data(summary.supplies_chart(data.expiring_by_month))
        self.hazards_chart.set_data(summary.hazards_chart(data.hazards_by_department))
        self.sig_loaded.emit()

    def _show_summary(self, data: HomeData) -> None:
        """The start-up summary (not on the first start), and this day remembered as the last seen."""
        if self.since is None or self.since >= data.as_of or self.summary_dismissed:
            self.banner.hide()
        else:
            new = summary.newly_overdue(data.items, self.since)
            self.banner_label.setText(summary.summary_text(data.items, self.since))
            self.banner.setStyleSheet(
                "QFrame#homeBanner { background: %s; border: 1px solid %s; border-radius: 4px; }"
                % (("#FDECEE", "#E7A1AB") if new else ("#EAF5EA", "#9CCB9E")))
            self.banner_show.setVisible(bool(new))
            self.banner.show()
        self._settings.set_last_seen(self._last_seen_key(), data.as_of.isoformat())

    def dismiss_summary(self) -> None:
        """知道了: the summary closes (and the list shows everything again if it showed only those)."""
        self.summary_dismissed = True
        self.banner.hide()
        if self.since_only:
            self.since_only = False
            self.apply_filter()

    # --- the list

    def apply_filter(self) -> None:
        data = self.data
        as_of = data.as_of if data is not None else self.as_of()
        within = self.window_combo.currentData()
        self.proxy.set_filter(module=self.module_combo.currentData() or "", severity=self.severity_combo.currentData() or "",
                              text=self.search.text(), within=within, as_of=as_of, group=self._group(self.card_key),
                              since=self.since if self.since_only else None)
        for key, widget in self.cards.items():
            widget.set_active(key == self.card_key)
        listed = [i for i in self.model.items if i.days is None or i.days <= within]
        self.module_chart.set_data(summary.by_module_chart(listed, within))
        self._show_flood(listed)
        self._show_count(len(listed))

    def _show_count(self, total: int) -> None:
        if self.data is None:
            return
        shown = self.proxy.rowCount()
        overdue = sum(1 for i in self.proxy.shown() if i.overdue)
        extra = []
        if self.card_key:
            extra.append(self.tr("只看“{0}”").format(summary.CARD_BY_KEY[self.card_key].label))
        if self.since_only and self.since is not None:
            extra.append(self.tr("只看 {0} 以来新逾期的").format(self.since.isoformat()))
        scope = ("（" + "，".join(extra) + "）") if extra else ""
        if self.demo_filling:
            text = self.tr("演示数据生成后，这里列出逾期和即将到期的事项。")
        elif total == 0:
            text = self.tr("按 {0}：没有逾期或即将到期的事项。").format(self.data.as_of.isoformat())
        elif shown == total:
            text = self.tr("共 {0} 项，其中逾期 {1} 项{2}。双击或回车打开所在页面。").format(total, overdue, scope)
        else:
            text = self.tr("显示 {0} 项（共 {1} 项），其中逾期 {2} 项{3}。双击或回车打开所在页面。").format(
                shown, total, overdue, scope)
        self.count_label.setText(text)

    def _group(self, key: str) -> Callable[[DueItem], bool] | None:
        """The items a card holds (the flood card's are read with them)."""
        if key == "flood":
            work = self.data.flood if self.data is not None else frozenset()
            return lambda item: item in work
        card = summary.CARD_BY_KEY.get(key)
        return card.test if card is not None else None

    def _show_flood(self, listed: list[DueItem]) -> None:
        """In the flood season: the season and its work (of the window listed) lead the page."""
        data = self.data
        if data is None or not data.season:
            self.flood_banner.hide()
            self.cards["flood"].set_count(0)
            return
        work = [i for i in listed if i in data.flood]
        self.cards["flood"].set_count(len(work))
        self.flood_label.setText(summary.flood_text(data.season, work))
        self.flood_show.setVisible(bool(work))
        self.flood_banner.show()

    def toggle_card(self, key: str) -> None:
        """A card clicked: the list shows its items (every other filter cleared); clicked again, all."""
        self.card_key = "" if self.card_key == key else key
        if self.card_key:
            self.since_only = False
            self._clear_filters()
        self.tabs.setCurrentIndex(0)
        self.apply_filter()

    def show_newly_overdue(self) -> None:
        """The summary's 只看这些: only what became overdue since the last opening."""
        self.since_only = True
        self.card_key = ""
        self._clear_filters()
        self.tabs.setCurrentIndex(0)
        self.apply_filter()

    def show_all(self) -> None:
        self.since_only = False
        self.card_key = ""
        self._clear_filters()
        self.apply_filter()

    def _clear_filters(self) -> None:
        for combo in (self.module_combo, self.severity_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.search.cancel_pending()

    def export_excel(self) -> Task | None:
        """导出Excel: the items shown (the filter and the order of the list) to a workbook, in the background."""
        shown = self.shown_items()

        def write(module: ModuleType, path: Path, progress: Progress) -> int:
            return int(module.export_due(shown, path, progress=progress))

        return self.exporter.start(self.tr("到期事项"), write)

    def shown_items(self) -> list[DueItem]:
        """The list's items as shown, top to bottom."""
        return self.proxy.shown()

    def current_item(self) -> DueItem | None:
        index = self.view.currentIndex()
        return self.proxy.item_at(index.row()) if index.isValid() else None

    def open_row(self, row: int) -> DueItem | None:
        """Open the record of a row as shown (what a double-click does)."""
        item = self.proxy.item_at(row)
        if item is not None:
            self.sig_open_item.emit(item)
        return item

    def _on_row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())

    # --- the demo and the enterprise counts

    def set_demo_filling(self, filling: bool) -> None:
        """The demo database is (no longer) being generated: say so instead of “no enterprises”."""
        self.demo_filling = filling
        self.demo_progress.setRange(0, 0)  # busy until the generator reports how far it is
        self.demo_progress.setVisible(filling)
        self.demo_step.clear()
        self.demo_step.setVisible(filling)
        if filling:
            self._show_filling()
        elif self.overview is not None:
            self._show(self.overview)
        if self.data is not None:
            self.apply_filter()

    def show_demo_progress(self, done: int, total: int, message: str) -> None:
        """How far the demo generator is (``done`` of ``total``; ``message``: the current step)."""
        if not self.demo_filling:
            return
        if total > 0:
            self.demo_progress.setRange(0, total)
            self.demo_progress.setValue(min(done, total))
        if message:
            self.demo_step.setText(message)

    def _show_filling(self) -> None:
        self.total_label.setText(self.tr("正在生成演示数据库，请稍候…"))
        self.details.hide()
        self.hint.setText(self.tr("演示数据库（虚构的临江市企业及其应急预案）正在后台生成，"
                                  "完成后这里会自动显示概况和到期事项；其他页面也会随之刷新。"))
        self.hint.show()

    def _show(self, overview: Overview) -> None:
        if self.demo_filling:
            self._show_filling()
            return
        self.details.show()
        self.total_label.setText(self.tr("在册企业 {0} 家（不含回收站）").format(overview.total))
        while self._risk_row.count():
            item = self._risk_row.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.risk_cards.clear()
        for tally in overview.by_risk:
            card = _risk_card(tally, self.details)
            self.risk_cards[tally.name] = card.findChild(QLabel, "count")  # type: ignore[assignment]
            self._risk_row.addWidget(card)
        self._risk_row.addStretch(1)
        self.industry_table.setRowCount(len(overview.by_key_industry))
        for row, tally in enumerate(overview.by_key_industry):
            self.industry_table.setItem(row, 0, QTableWidgetItem(tally.name))
            count = QTableWidgetItem(str(tally.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.industry_table.setItem(row, 1, count)
        table = self.industry_table
        rows_height = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().height() + rows_height + 2 * table.frameWidth())
        if overview.total == 0:
            self.hint.setText(self.tr("数据库中还没有企业。可在“企业”页新建，"
                                      "或从“文件”菜单打开演示数据库看看各项功能。"))
            self.hint.show()
        else:
            self.hint.clear()
            self.hint.hide()


def _risk_card(tally: Tally, parent: QWidget) -> QFrame:
    card = QFrame(parent)
    card.setObjectName("riskCard")
    color = tally.color or "#888888"
    card.setStyleSheet(
        f"QFrame#riskCard {{ border: 1px solid {color}; border-left: 6px solid {color};"
        " border-radius: 4px; background: palette(base); }")
    grid = QGridLayout(card)
    grid.setContentsMargins(12, 8, 16, 8)
    name = QLabel(tally.name, card)
    name.setStyleSheet(f"color: {color}; font-weight: bold;")
    count = QLabel(str(tally.count), card)
    count.setObjectName("count")
    count.setStyleSheet("font-size: 22px; font-weight: bold;")
    unit = QLabel(card.tr("家"), card)
    grid.addWidget(name, 0, 0, 1, 2)
    grid.addWidget(count, 1, 0)
    grid.addWidget(unit, 1, 1, Qt.AlignmentFlag.AlignBottom)
    grid.setColumnStretch(2, 1)
    grid.setHorizontalSpacing(4)
    card.setMinimumWidth(110)
    return card
