"""值班 page: a duty point's roster over a week or a month (``models.teams.queries.roster``).

Left, the duty points — the bureau's duty rooms first, then the teams' points — with a filter box (a
city has hundreds of team points; the filter is on the list already read). Above the roster, the
period (周 / 月, ◀ ▶, 今天), the point's facts (phone, shift times, minimum staff, whether a 带班领导 is
required) and the period's coverage. The grid has a row per duty day and a column per shift of the
point's shift set; each cell says 带班：… and 值班：…, and a cell with a problem is coloured (red: no
leader, nobody on duty, a person double-booked; amber: too few staff, too little rest), marks it in
short and says it in full in its tooltip. Right, every problem of the period (a click selects its
cell). Below, the selected shift's people (drag one onto another cell to move them there), its swaps
with their reasons and its handover log.

生成排班… (a period from a rotation, with the point's version read: a roster changed meanwhile is
refused), 安排人员… (how a night without its leader is filled), 调整… / 移除, 换班… (a reason
required), 交接班…, a single shift added or deleted and the duty points' own form all write through
the write flow with the versions the page read; after each the roster is read again in the background
and the selection kept. 导出: 打印排班表… (PDF or Word, ``plans.teams.documents.build_roster``) and
导出Excel… (``exports.teams.excel.export_roster``) of the period shown. Every read runs on the task
runner; an answer for an earlier point or period is dropped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.errors import read_failure_text
from desktop.kit.exporting import ask_save_path, export_report
from desktop.kit.pages import Page
from desktop.kit.pickers import tree_items
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.writes import Outcome, WriteOp
from desktop.teams.duty_dialogs import (
    AssignmentDialog,
    GenerateDialog,
    HandoverDialog,
    PersonChoice,
    PointDialog,
    ShiftChoice,
    ShiftDialog,
    SwapDialog,
    kind_hours,
    shift_hours,
)
from models.core import reference
from models.core.database import Database
from models.core.errors import DeskError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork, os_actor
from models.teams import queries as tq
from models.teams import rules
from models.teams import service as ts
from models.teams.queries import AssignmentRow, PointRow, Roster, ShiftRow
from models.teams.rules import RosterProblem

D = TypeVar("D", bound=QDialog)

DANGER_KINDS = frozenset({"no_leader", "gap", "double_booked"})
"""Problems coloured red (nobody answers, or nobody leads); the others (too few staff, too little rest) amber."""
DANGER_FILL, DANGER_TEXT = QColor("#FBD5DA"), QColor("#C0152F")
AMBER_FILL, AMBER_TEXT = QColor("#FFE9C2"), QColor("#A35200")
TODAY_FILL = QColor("#E3EEF9")
SELECTED_FRAME = QColor("#1F4E79")
WEEKEND_TEXT = QColor("#9B1C2C")
ID_ROLE = Qt.ItemDataRole.UserRole
ASSIGNMENT_MIME = "application/x-emergency-desk-duty-assignment"
SHORT = {"gap": "无人值班", "no_leader": "无带班领导", "understaffed": "人数不足", "double_booked": "重复排班",
         "short_rest": "休息不足"}
"""The inline marks of a cell (the full message is in its tooltip and the problem list)."""
WEEKDAY = "一二三四五六日"


def _tr(text: str) -> str:
    return QCoreApplication.translate("DutyPage", text)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def severity(problems: Sequence[RosterProblem]) -> str:
    """'danger', 'amber' or '' for a cell's problems."""
    if any(p.kind in DANGER_KINDS for p in problems):
        return "danger"
    return "amber" if problems else ""


def distinct_people(roster: Roster | None, role: str) -> list[rules.Person]:
    """The people of ``role`` on a roster, in the order they first appear (to generate the next period)."""
    out: list[rules.Person] = []
    seen: set[tuple[str, str]] = set()
    for s in roster.shifts if roster is not None else ():
        for p in s.people:
            key = rules.person_key(p.name, p.phone)
            if p.role == role and key not in seen:
                seen.add(key)
                out.append(rules.Person(p.name, p.phone, p.member_id))
    return out


def member_people(session: Session, team_id: int) -> list[PersonChoice]:
    """A team's members on strength (``queries.member_choices``) with the phone on file."""
    out = []
    for c in tq.member_choices(session, team_id):
        data, _version = ts.load_member(session, c.id)
        out.append(PersonChoice(c.label, rules.Person(data.name, data.phone, c.id)))
    return out


@dataclass(frozen=True)
class Points:
    """What the points read brings: the points, and the choices of the point form."""

    rows: list[PointRow]
    teams: list[tuple[str, int]]
    regions: list[tuple[str, int, int]]


# ---- the grid and the people table (a person dragged from one onto a cell of the other)


class CellDelegate(QStyledItemDelegate):
    """The grid's cells keep their colour when selected: the selection is a frame around the cell."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        plain = QStyleOptionViewItem(option)
        plain.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus)  # type: ignore[attr-defined]
        fill = index.data(Qt.ItemDataRole.BackgroundRole)  # over the view's own selection highlight
        painter.fillRect(option.rect, fill if isinstance(fill, QBrush) and fill.style() != Qt.BrushStyle.NoBrush  # type: ignore[attr-defined]
                         else option.palette.base())  # type: ignore[attr-defined]
        super().paint(painter, plain, index)
        if selected:
            painter.save()
            painter.setPen(QPen(SELECTED_FRAME, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))  # type: ignore[attr-defined]
            painter.restore()


class RosterGrid(QTableWidget):
    """The roster: a row per duty day, a column per shift kind. A person dragged here from the
    selected shift's people is dropped on a cell: ``sig_assignment_dropped(assignment_id, row, column)``."""

    sig_assignment_dropped = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setObjectName("dutyGrid")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setWordWrap(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.horizontalHeader().setHighlightSections(False)
        self.verticalHeader().setHighlightSections(False)  # bold in the row header is today
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(CellDelegate(self))
        self.fill_height = False
        """Rows share the height there is (a week); else each is as tall as its text (a month scrolls)."""

    def fit_rows(self) -> None:
        """Each row as tall as its text and, when ``fill_height``, the room left shared out."""
        self.resizeRowsToContents()
        rows = self.rowCount()
        if not self.fill_height or not rows:
            return
        spare = self.viewport().height() - sum(self.rowHeight(r) for r in range(rows))
        if spare > rows:
            for r in range(rows):
                self.setRowHeight(r, self.rowHeight(r) + spare // rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_rows()  # wrapped names take another line in a narrower column

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(ASSIGNMENT_MIME):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if event.mimeData().hasFormat(ASSIGNMENT_MIME) and index.isValid():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        data = event.mimeData()
        if not index.isValid() or not data.hasFormat(ASSIGNMENT_MIME):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # a move of the stored record: the source rows stay as
        event.accept()  # they are until the roster is read again (a Qt move would clear them at once)
        assignment_id = int(bytes(data.data(ASSIGNMENT_MIME).data()).decode("ascii"))
        self.sig_assignment_dropped.emit(assignment_id, index.row(), index.column())


class PeopleTable(QTableWidget):
    """The selected shift's people: role, name, phone; a row can be dragged onto another cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("dutyPeople")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def mimeTypes(self) -> list[str]:
        return [ASSIGNMENT_MIME]

    def mimeData(self, items: Sequence[QTableWidgetItem]) -> QMimeData:
        data = QMimeData()
        first = next((i for i in items if i.column() == 0), items[0] if items else None)
        assignment_id = self.item(first.row(), 0).data(ID_ROLE) if first is not None else None
        if assignment_id is not None:
            data.setData(ASSIGNMENT_MIME, QByteArray(str(int(assignment_id)).encode("ascii")))
            data.setText(self.item(first.row(), 1).text() if first is not None else "")
        return data


def _table(parent: QWidget, name: str, headers: Sequence[str], *, stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([_tr(h) for h in headers])
    _plain(table, stretch)
    return table


def _plain(table: QTableWidget, stretch: int) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _cell(text: str, *, data: Any = None, tip: str = "", colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDragEnabled)
    if data is not None:
        item.setData(ID_ROLE, data)
    if tip:
        item.setToolTip(tip)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


class DutyPage(Page):
    """The 值班 page (see the module docstring)."""

    key = "duty"

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._settings = settings
        self._actor = actor or os_actor()
        self._today = today
        self.mode = "month"  # month | week
        self.anchor = self.as_of()
        self.point_rows: list[PointRow] = []
        self.team_items: list[tuple[str, int]] = []
        self.region_items: list[tuple[str, int, int]] = []
        self.point: PointRow | None = None
        self.roster: Roster | None = None
        self.members_by_team: dict[int, list[PersonChoice]] = {}
        self.kinds: list[rules.ShiftKind] = []
        self.days: list[date] = []
        self.cells: dict[tuple[int, int], ShiftRow] = {}
        self.cell_problems: dict[tuple[int, int], list[RosterProblem]] = {}
        self.points_task: Task | None = None
        self.roster_task: Task | None = None
        self.export_task: Task | None = None
        self.write_op: WriteOp[Any] | None = None
        self.dialog: QDialog | None = None
        self.read_error = ""
        self._asked = 0
        self._ask: tuple[int, date, date, int] | None = None
        self._points_asked = 0
        self._want_point: int | None = None
        self._keep: tuple[date, str, int | None] | None = None
        self._build()

    @property
    def title(self) -> str:
        return self.tr("值班")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _action(self, text: str, slot: Callable[[], object], tip: str = "", shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        return action

    def _build(self) -> None:
        self.act_generate = self._action(self.tr("生成排班…"), self.generate,
                                         self.tr("按轮换顺序为所选值班点生成一段时间（默认下个月）的排班"))
        self.act_assign = self._action(self.tr("安排人员…"), self.assign,
                                       self.tr("为所选班次安排带班领导或值班员（如补上缺少的带班领导）"))
        self.act_adjust = self._action(self.tr("调整…"), self.adjust,
                                       self.tr("修改所选值班人员的角色、姓名、电话或所在班次"))
        self.act_remove = self._action(self.tr("移除"), self.remove, self.tr("把所选人员从班次中移除"))
        self.act_swap = self._action(self.tr("换班…"), self.swap, self.tr("把所选人员的班交给替班人，须写明原因"))
        self.act_handover = self._action(self.tr("交接班…"), self.handover, self.tr("为所选班次登记交接班记录"))
        self.act_new_shift = self._action(self.tr("新建班次…"), self.new_shift, self.tr("在所选值班日单独排一个班次"))
        self.act_delete_shift = self._action(self.tr("删除班次"), self.delete_shift, self.tr("将所选班次移入回收站"))
        self.act_new_point = self._action(self.tr("新建值班点…"), self.new_point)
        self.act_edit_point = self._action(self.tr("编辑值班点…"), self.edit_point)
        self.act_delete_point = self._action(self.tr("删除值班点"), self.delete_point)
        self.act_print = self._action(self.tr("打印排班表…"), self.print_roster,
                                      self.tr("当前显示期间的排班表（A4 横向），存为 PDF 或 Word 打印"))
        self.act_excel = self._action(self.tr("导出Excel…"), self.export_excel,
                                      self.tr("当前显示期间的排班及其问题导出为 Excel"))
        self.act_refresh = self._action(self.tr("刷新"), self.refresh, "", "F5")
        self.write_actions = [self.act_generate, self.act_assign, self.act_adjust, self.act_remove, self.act_swap,
                              self.act_handover, self.act_new_shift, self.act_delete_shift, self.act_new_point,
                              self.act_edit_point, self.act_delete_point]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.act_generate)
        self.toolbar.addSeparator()
        for action in (self.act_assign, self.act_adjust, self.act_remove, self.act_swap, self.act_handover):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.shift_menu = self._menu(self.tr("班次"), (self.act_new_shift, self.act_delete_shift))
        self.point_menu = self._menu(self.tr("值班点"), (self.act_new_point, self.act_edit_point, self.act_delete_point))
        self.export_menu = self._menu(self.tr("导出"), (self.act_print, self.act_excel))
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_refresh)
        layout.addWidget(self.toolbar)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_points(splitter))
        splitter.addWidget(self._build_centre(splitter))
        splitter.addWidget(self._build_problems(splitter))
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 820, 300])
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        self.update_actions()
        self._show_period()

    def _menu(self, title: str, actions: Sequence[QAction]) -> QMenu:
        menu = QMenu(title, self)
        for action in actions:
            menu.addAction(action)
        self.toolbar.addAction(menu.menuAction())
        button = self.toolbar.widgetForAction(menu.menuAction())
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return menu

    def _build_points(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 4, 0)
        title = QLabel(self.tr("值班点"), box)
        title.setObjectName("dutyPointsTitle")
        inner.addWidget(title)
        self.point_filter = QLineEdit(box)
        self.point_filter.setObjectName("dutyPointFilter")
        self.point_filter.setPlaceholderText(self.tr("筛选：名称、队伍、区域"))
        self.point_filter.setClearButtonEnabled(True)
        self.point_filter.textChanged.connect(lambda _t: self._filter_points())
        inner.addWidget(self.point_filter)
        self.point_list = QListWidget(box)
        self.point_list.setObjectName("dutyPoints")
        self.point_list.currentItemChanged.connect(lambda _c, _p: self._point_changed())
        self.point_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.point_list.customContextMenuRequested.connect(self._show_point_menu)
        inner.addWidget(self.point_list, 1)
        self.point_count = QLabel(box)
        self.point_count.setObjectName("dutyPointCount")
        inner.addWidget(self.point_count)
        return box

    def _build_centre(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(4, 0, 4, 0)
        bar = QHBoxLayout()
        self.week_button = QToolButton(box)
        self.week_button.setText(self.tr("周"))
        self.week_button.setToolTip(self.tr("按周查看（周一至周日）"))
        self.month_button = QToolButton(box)
        self.month_button.setText(self.tr("月"))
        self.month_button.setToolTip(self.tr("按月查看"))
        modes = QButtonGroup(box)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            modes.addButton(button)
            bar.addWidget(button)
        self.month_button.setChecked(True)
        self.previous_button = QToolButton(box)
        self.previous_button.setText("◀")
        self.next_button = QToolButton(box)
        self.next_button.setText("▶")
        self.today_button = QToolButton(box)
        self.today_button.setText(self.tr("今天"))
        self.today_button.setToolTip(self.tr("回到今天所在的周或月"))
        self.period_label = QLabel(box)
        self.period_label.setObjectName("dutyPeriod")
        font = self.period_label.font()
        font.setBold(True)
        self.period_label.setFont(font)
        bar.addSpacing(10)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.period_label)
        bar.addWidget(self.next_button)
        bar.addWidget(self.today_button)
        bar.addSpacing(16)
        self.coverage_label = QLabel(box)
        self.coverage_label.setObjectName("dutyCoverage")
        bar.addWidget(self.coverage_label, 1)
        inner.addLayout(bar)
        self.week_button.toggled.connect(lambda on: on and self.set_mode("week"))
        self.month_button.toggled.connect(lambda on: on and self.set_mode("month"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)

        self.facts_label = QLabel(box)
        self.facts_label.setObjectName("dutyFacts")
        self.facts_label.setWordWrap(True)
        inner.addWidget(self.facts_label)

        vertical = QSplitter(Qt.Orientation.Vertical, box)
        grid_box = QWidget(vertical)
        grid_layout = QVBoxLayout(grid_box)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        self.grid = RosterGrid(grid_box)
        self.grid.currentCellChanged.connect(lambda *_args: self._cell_changed())
        self.grid.cellDoubleClicked.connect(lambda _r, _c: self._cell_double_clicked())
        self.grid.customContextMenuRequested.connect(self._show_grid_menu)
        self.grid.sig_assignment_dropped.connect(self._dropped)
        grid_layout.addWidget(self.grid, 1)
        self.legend = QLabel(self.tr('<span style="white-space:pre-wrap">'
                                     '<span style="background-color:#FBD5DA">      </span> 无带班领导、无人值班、重复排班    '
                                     '<span style="background-color:#FFE9C2">      </span> 值班人数不足、休息不足    '
                                     '<span style="color:#666666">把下方“值班人员”中的人拖到另一格，即调到该班次</span></span>'),
                             grid_box)
        self.legend.setObjectName("dutyLegend")
        grid_layout.addWidget(self.legend)
        vertical.addWidget(grid_box)
        vertical.addWidget(self._build_detail(vertical))
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 1)
        inner.addWidget(vertical, 1)
        return box

    def _build_detail(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel(box)
        self.detail_label.setObjectName("dutyShiftDetail")
        self.detail_label.setWordWrap(True)
        inner.addWidget(self.detail_label)
        self.detail_tabs = QTabWidget(box)
        self.people_table = PeopleTable(box)
        self.people_table.setHorizontalHeaderLabels([self.tr("角色"), self.tr("姓名"), self.tr("电话")])
        _plain(self.people_table, 2)
        self.people_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_table.currentCellChanged.connect(lambda *_args: self.update_actions())
        self.people_table.cellDoubleClicked.connect(lambda _r, _c: self.adjust())
        self.people_table.customContextMenuRequested.connect(self._show_people_menu)
        self.swap_table = _table(box, "dutySwaps", ("换班时间", "原值班人", "替班人", "换班原因", "经办人"), stretch=3)
        self.handover_table = _table(box, "dutyHandovers", ("交接时间", "交班人", "接班人", "未结事项", "备注"),
                                     stretch=3)
        self.handover_table.cellDoubleClicked.connect(lambda _r, _c: self.edit_handover())
        self.detail_tabs.addTab(self.people_table, self.tr("值班人员"))
        self.detail_tabs.addTab(self.swap_table, self.tr("换班记录"))
        self.detail_tabs.addTab(self.handover_table, self.tr("交接班记录"))
        inner.addWidget(self.detail_tabs, 1)
        return box

    def _build_problems(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(4, 0, 0, 0)
        self.problems_label = QLabel(self.tr("排班问题"), box)
        self.problems_label.setObjectName("dutyProblemsTitle")
        inner.addWidget(self.problems_label)
        self.problem_table = _table(box, "dutyProblems", ("值班日", "班次", "问题"), stretch=2)
        self.problem_table.setWordWrap(True)
        self.problem_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.problem_table.cellClicked.connect(lambda row, _c: self.select_problem(row))
        self.problem_table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self.select_problem(row))
        inner.addWidget(self.problem_table, 1)
        return box

    # --- the period

    def period(self) -> tuple[date, date]:
        """The duty days shown, first and last."""
        if self.mode == "week":
            start = monday_of(self.anchor)
            return start, start + timedelta(days=6)
        return month_of(self.anchor)

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        (self.week_button if mode == "week" else self.month_button).setChecked(True)
        self._period_changed()

    def step(self, n: int) -> None:
        """◀ / ▶: the week or month before or after."""
        if self.mode == "week":
            self.anchor = monday_of(self.anchor) + timedelta(days=7 * n)
        else:
            first = self.anchor.replace(day=1)
            months = first.year * 12 + first.month - 1 + n
            self.anchor = date(months // 12, months % 12 + 1, 1)
        self._period_changed()

    def go_today(self) -> None:
        self.anchor = self.as_of()
        self._period_changed()

    def show_period(self, start: date, *, mode: str | None = None) -> None:
        """Show the week or month holding ``start``."""
        self.anchor = start
        if mode is not None and mode != self.mode:
            self.mode = mode
            (self.week_button if mode == "week" else self.month_button).setChecked(True)
        self._period_changed()

    def _period_changed(self) -> None:
        self._show_period()
        if self.activated:
            self.load_roster()

    def _show_period(self) -> None:
        start, end = self.period()
        if self.mode == "week":
            week = start.isocalendar().week
            self.period_label.setText(self.tr("{0}年{1}月{2}日至{3}月{4}日（第 {5} 周）").format(
                start.year, start.month, start.day, end.month, end.day, week))
            self.previous_button.setToolTip(self.tr("上一周"))
            self.next_button.setToolTip(self.tr("下一周"))
        else:
            self.period_label.setText(self.tr("{0}年{1}月").format(start.year, start.month))
            self.previous_button.setToolTip(self.tr("上个月"))
            self.next_button.setToolTip(self.tr("下个月"))

    @property
    def loading(self) -> bool:
        """The points or the roster are being read."""
        return any(t is not None and t.running for t in (self.points_task, self.roster_task))

    @property
    def period_noun(self) -> str:
        return self.tr("本周") if self.mode == "week" else self.tr("本月")

    # --- loading (every read on the task runner)

    def load(self) -> None:
        self.load_points()

    def refresh(self) -> None:
        self.members_by_team.clear()
        self.load_points()

    def _read(self, fn: Callable[[Session], Any], label: str) -> Task | None:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        try:
            return self._runner.run(work, label=label, title=self.tr("值班"), show_progress=False, report_errors=False)
        except RuntimeError:  # the window closed (its runner shut down)
            return None

    def load_points(self) -> Task | None:
        self._points_asked += 1
        asked = self._points_asked

        def read(s: Session) -> tuple[int, Points]:
            teams = [(c.label, c.id) for c in tq.team_choices(s)]
            regions = tree_items(reference.regions(s))
            return asked, Points(tq.points(s), teams, regions)

        task = self._read(read, self.tr("正在读取值班点…"))
        if task is not None:
            task.sig_finished.connect(self._points_ready)
            task.sig_failed.connect(self._read_failed)
            self.points_task = task
        return task

    def _read_failed(self, exc: BaseException) -> None:
        self.read_error = read_failure_text(exc, self.tr("值班表"))
        self.sig_status.emit(self.read_error)
        self.coverage_label.setText(self.tr("查询失败"))
        self.coverage_label.setToolTip(self.read_error)

    def _points_ready(self, result: tuple[int, Points]) -> None:
        asked, found = result
        if asked != self._points_asked:
            return  # an earlier read's answer
        self.point_rows, self.team_items, self.region_items = found.rows, found.teams, found.regions
        wanted = self._want_point if self._want_point is not None else (self.point.id if self.point else None)
        self._want_point = None
        self.point_list.blockSignals(True)
        self.point_list.clear()
        chosen: QListWidgetItem | None = None
        first: QListWidgetItem | None = None
        group = ""
        for p in self.point_rows:
            if p.kind != group:
                group = p.kind
                header = QListWidgetItem(p.kind_label, self.point_list)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                header.setForeground(QBrush(QColor("#555555")))
                header.setData(ID_ROLE + 1, p.kind)
            item = QListWidgetItem(p.name, self.point_list)
            item.setData(ID_ROLE, p.id)
            item.setData(ID_ROLE + 1, p.kind)
            where = "、".join(x for x in (p.team, p.region) if x)
            item.setToolTip("\n".join(x for x in (p.name, f"{p.kind_label}{'（' + where + '）' if where else ''}",
                                                  self.tr("值班电话：{0}").format(p.phone) if p.phone else "") if x))
            if first is None:
                first = item
            if p.id == wanted:
                chosen = item
        self.point_list.blockSignals(False)
        self._filter_points()
        target = chosen or first
        if target is not None and target.isHidden():
            target = next((self.point_list.item(n) for n in range(self.point_list.count())
                           if self.point_list.item(n).data(ID_ROLE) is not None
                           and not self.point_list.item(n).isHidden()), target)
        if target is not None:
            self.point_list.blockSignals(True)
            self.point_list.setCurrentItem(target)
            self.point_list.blockSignals(False)
        self._point_changed()

    def _filter_points(self) -> None:
        """The points whose name, team or region holds the filter text (the group titles of those shown)."""
        words = self.point_filter.text().split()
        rows = {p.id: p for p in self.point_rows}
        shown: dict[str, int] = {}
        for n in range(self.point_list.count()):
            item = self.point_list.item(n)
            pid = item.data(ID_ROLE)
            if pid is None:
                continue
            p = rows.get(int(pid))
            haystack = f"{p.name} {p.team} {p.region} {p.phone}" if p else item.text()
            visible = all(w in haystack for w in words)
            item.setHidden(not visible)
            if visible:
                shown[str(item.data(ID_ROLE + 1))] = shown.get(str(item.data(ID_ROLE + 1)), 0) + 1
        for n in range(self.point_list.count()):
            item = self.point_list.item(n)
            if item.data(ID_ROLE) is None:
                item.setHidden(not shown.get(str(item.data(ID_ROLE + 1))))
        total = len(self.point_rows)
        count = sum(shown.values())
        self.point_count.setText(self.tr("共 {0} 个值班点").format(total) if count == total
                                 else self.tr("显示 {0} / {1} 个值班点").format(count, total))

    def _point_changed(self) -> None:
        """Another point chosen: its roster (the grid empties until it is there); the same point again
        (the points read again): its roster read again with the selection kept."""
        item = self.point_list.currentItem()
        pid = item.data(ID_ROLE) if item is not None else None
        found = next((p for p in self.point_rows if p.id == pid), None) if pid is not None else None
        if found is None or self.point is None or found.id != self.point.id:
            self._keep = None
            self.roster = None
            self.point = found
            self._render()
        else:
            self.point = found
        self.load_roster()

    def select_point(self, point_id: int) -> bool:
        for n in range(self.point_list.count()):
            item = self.point_list.item(n)
            if item.data(ID_ROLE) == point_id:
                if item.isHidden():
                    self.point_filter.clear()
                self.point_list.setCurrentItem(item)
                return True
        return False

    def open_roster(self, point_id: int, day: date) -> None:
        """Show the week holding ``day`` at ``point_id`` (a roster alert of the 队伍 page opens here),
        once the points are read if they are not yet."""
        self.anchor = day
        if self.mode != "week":
            self.mode = "week"
            self.week_button.setChecked(True)
        self._show_period()
        if self.point is not None and self.point.id == point_id:
            self._period_changed()
            return
        if not self.select_point(point_id):
            self._want_point = point_id
            if self.activated:
                self.load_points()

    def load_roster(self) -> Task | None:
        """Read the point's roster of the period shown (and, the first time, its team's members)."""
        point = self.point
        if point is None:
            self._ask = None
            self.roster = None
            self._render()
            return None
        start, end = self.period()
        if self.roster is not None and self._keep is None:
            self._keep = self._selection()
        self._asked += 1
        key = (point.id, start, end, self._asked)
        self._ask = key
        team_id = point.team_id if point.kind == "team" else None
        need_members = team_id is not None and team_id not in self.members_by_team
        point_id = point.id

        def read(s: Session) -> tuple[tuple[int, date, date, int], Roster, list[PersonChoice] | None]:
            found = tq.roster(s, point_id, start, end)
            return key, found, member_people(s, team_id) if need_members and team_id is not None else None

        task = self._read(read, self.tr("正在读取值班表…"))
        if task is not None:
            task.sig_finished.connect(self._roster_ready)
            task.sig_failed.connect(lambda exc, k=key: self._roster_failed(exc, k))
            self.roster_task = task
            self.coverage_label.setToolTip("")
        return task

    def _roster_failed(self, exc: BaseException, key: tuple[int, date, date, int]) -> None:
        if key != self._ask:
            return
        self._read_failed(exc)
        if isinstance(exc, DeskError):  # the point was deleted meanwhile: the points again
            self.load_points()

    def _roster_ready(self, result: tuple[tuple[int, date, date, int], Roster, list[PersonChoice] | None]) -> None:
        key, found, members = result
        if key != self._ask:
            return  # an earlier point's or period's answer
        self.read_error = ""
        if members is not None and found.point.team_id is not None:
            self.members_by_team[found.point.team_id] = members
        self.roster = found
        self.point = found.point  # its version now: what a generate expects
        self.point_rows = [found.point if p.id == found.point.id else p for p in self.point_rows]
        keep, self._keep = self._keep, None
        self._render()
        if keep is not None:
            self._restore_selection(keep)
        if isinstance(self.dialog, GenerateDialog):
            self.dialog.set_point(found.point)

    # --- showing the roster

    def _render(self) -> None:
        roster, point = self.roster, self.point
        self._show_facts()
        self.grid.blockSignals(True)
        self.grid.clear()
        self.cells.clear()
        self.cell_problems.clear()
        if roster is None or point is None:
            self.kinds, self.days = [], []
            self.grid.setRowCount(0)
            self.grid.setColumnCount(0)
            self.grid.blockSignals(False)
            self._show_problems()
            self._cell_changed()
            return
        shift_set = rules.duty_rules().shift_sets.get(point.shift_set)
        kinds = list(shift_set.shifts) if shift_set else []
        for s in roster.shifts:  # a kind no longer in the set still shows
            if all(k.key != s.kind for k in kinds):
                kinds.append(rules.ShiftKind(s.kind, s.label, s.starts_at.time(),
                                             (s.ends_at - s.starts_at).total_seconds() / 3600))
        self.kinds = kinds
        self.days = rules.days_between(roster.start, roster.end)
        self.grid.setColumnCount(len(kinds))
        self.grid.setRowCount(len(self.days))
        self.grid.setHorizontalHeaderLabels([f"{k.label}\n{kind_hours(k)}" for k in kinds])
        today = self.as_of()
        for r, d in enumerate(self.days):
            head = QTableWidgetItem(f"{d.month}月{d.day}日 周{WEEKDAY[d.weekday()]}")
            if d.weekday() >= 5:
                head.setForeground(QBrush(WEEKEND_TEXT))
            if d == today:
                font = head.font()
                font.setBold(True)
                head.setFont(font)
                head.setText(head.text() + self.tr(" 今天"))
            self.grid.setVerticalHeaderItem(r, head)
        row_of = {d: r for r, d in enumerate(self.days)}
        column_of = {k.key: c for c, k in enumerate(kinds)}
        for s in roster.shifts:
            if s.day in row_of and s.kind in column_of:
                self.cells[(row_of[s.day], column_of[s.kind])] = s
                self.cell_problems.setdefault((row_of[s.day], column_of[s.kind]), []).extend(s.problems)
        for p in roster.problems:
            if p.shift_id is None:
                for where in self._gap_cells(p):
                    self.cell_problems.setdefault(where, []).append(p)
        for r, d in enumerate(self.days):
            for c, k in enumerate(kinds):
                self.grid.setItem(r, c, self._grid_item(d, k, self.cells.get((r, c)), self.cell_problems.get((r, c), []),
                                                        today=d == today))
        self.grid.blockSignals(False)
        self.grid.fill_height = self.mode == "week"
        self.grid.fit_rows()
        self._show_problems()
        self._cell_changed()

    def _gap_cells(self, p: RosterProblem) -> list[tuple[int, int]]:
        """The cells a gap lies in: every shift kind of every day shown whose usual time it overlaps
        (a gap of a week with no shift at all marks the whole week)."""
        if not self.kinds or p.starts_at is None or p.ends_at is None:
            return []
        out = []
        for r, d in enumerate(self.days):
            for c, k in enumerate(self.kinds):
                start, end = k.times(d)
                if p.starts_at < end and p.ends_at > start:
                    out.append((r, c))
        if not out and p.day in self.days:
            out.append((self.days.index(p.day), 0))
        return out

    def _grid_item(self, day: date, kind: rules.ShiftKind, shift: ShiftRow | None,
                   problems: Sequence[RosterProblem], *, today: bool) -> QTableWidgetItem:
        lines: list[str] = []
        tip: list[str] = []
        if shift is not None:
            leaders = "、".join(p.name for p in shift.leaders) or "—"
            staff = "、".join(p.name for p in shift.staff) or "—"
            lines += [self.tr("带班：{0}").format(leaders), self.tr("值班：{0}").format(staff)]
            hours = shift_hours(shift.starts_at, shift.ends_at, shift.day)
            if (shift.starts_at, shift.ends_at) != kind.times(day):
                lines.append(hours)
            tip.append(f"{rules.day_label(day)}{shift.label}　{hours}")
            tip += [f"{p.role_label}：{p.name}{'　' + p.phone if p.phone else ''}" for p in shift.people]
            if shift.handovers:
                tip.append(self.tr("交接班记录 {0} 条").format(len(shift.handovers)))
        else:
            lines.append(self.tr("未排班"))
            tip.append(self.tr("{0}{1}未排班（双击新建班次）").format(rules.day_label(day), kind.label))
        marks: list[str] = []
        for p in problems:
            mark = SHORT.get(p.kind, p.kind_label)
            if mark not in marks:
                marks.append(mark)
        if marks:
            lines.append("".join(f"【{m}】" for m in marks))
            tip += [self.tr("问题：")] + [f"• {p.message}" for p in problems]
        item = QTableWidgetItem("\n".join(lines))
        item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled)
        item.setToolTip("\n".join(tip))
        item.setData(ID_ROLE, shift.id if shift is not None else None)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        level = severity(problems)
        if level == "danger":
            item.setBackground(QBrush(DANGER_FILL))
        elif level == "amber":
            item.setBackground(QBrush(AMBER_FILL))
        elif today:
            item.setBackground(QBrush(TODAY_FILL))
        if shift is None and not problems:
            item.setForeground(QBrush(QColor("#888888")))
        return item

    def _show_facts(self) -> None:
        point, roster = self.point, self.roster
        if point is None:
            self.facts_label.setText(self.tr("还没有值班点：点击“值班点 → 新建值班点…”建立应急值班室或救援队伍值班点。")
                                     if not self.point_rows else self.tr("请在左侧选择一个值班点。"))
            self.coverage_label.clear()
            return
        shift_set = rules.duty_rules().shift_sets.get(point.shift_set)
        times = "、".join(f"{k.label} {kind_hours(k)}" for k in shift_set.shifts) if shift_set else point.shift_set
        where = "、".join(x for x in (point.team, point.region) if x)
        facts = [f"{point.name}（{point.kind_label}{'，' + where if where else ''}）",
                 self.tr("值班电话：{0}").format(point.phone or self.tr("未填写")),
                 self.tr("班次：{0}").format(times),
                 self.tr("每班最少值班员 {0} 人").format(point.min_staff),
                 self.tr("须有带班领导") if point.leader_required else self.tr("不要求带班领导")]
        self.facts_label.setText("　".join(facts))
        if roster is None:
            self.coverage_label.setText(self.tr("正在读取…"))
            self.coverage_label.setStyleSheet("")
            return
        ok = roster.coverage >= 1 and not roster.problems
        self.coverage_label.setText(self.tr("{0}覆盖率 {1}（{2:g} / {3:g} 小时人员齐备）　问题 {4} 项").format(
            self.period_noun, rules.percent(roster.coverage), round(roster.ok_hours, 1), round(roster.total_hours, 1),
            len(roster.problems)))
        self.coverage_label.setToolTip(self.tr("覆盖率：值班点每天 24 小时中，有班次且带班领导、值班员人数都符合要求的时长占比"))
        self.coverage_label.setStyleSheet("color: #2E7D32;" if ok else "color: #9B1C2C;")

    def _show_problems(self) -> None:
        problems = list(self.roster.problems) if self.roster is not None else []
        if self.roster is None:
            self.problems_label.setText(self.tr("排班问题"))
        else:
            self.problems_label.setText(self.tr("排班问题（{0}）").format(len(problems)) if problems
                                        else self.tr("排班问题：无"))
        self.problem_table.blockSignals(True)
        self.problem_table.setRowCount(len(problems))
        for n, p in enumerate(problems):
            colour = DANGER_TEXT if p.kind in DANGER_KINDS else AMBER_TEXT
            self.problem_table.setItem(n, 0, _cell(f"{p.day.month}月{p.day.day}日 周{WEEKDAY[p.day.weekday()]}",
                                                   data=n))
            self.problem_table.setItem(n, 1, _cell(p.shift or "—"))
            self.problem_table.setItem(n, 2, _cell(p.message, tip=p.message, colour=colour))
        self.problem_table.blockSignals(False)

    def select_problem(self, n: int) -> None:
        """A problem of the list clicked: select its cell."""
        problems = self.roster.problems if self.roster is not None else ()
        if not 0 <= n < len(problems):
            return
        p = problems[n]
        where = next((rc for rc, s in self.cells.items() if s.id == p.shift_id), None) if p.shift_id else None
        if where is None:
            where = next(iter(self._gap_cells(p)), None)
        if where is not None:
            self.grid.setCurrentCell(*where)
            self.grid.scrollToItem(self.grid.item(*where))

    # --- the selected cell, shift and person

    def current_cell(self) -> tuple[date, rules.ShiftKind] | None:
        row, column = self.grid.currentRow(), self.grid.currentColumn()
        if not (0 <= row < len(self.days) and 0 <= column < len(self.kinds)):
            return None
        return self.days[row], self.kinds[column]

    def current_shift(self) -> ShiftRow | None:
        return self.cells.get((self.grid.currentRow(), self.grid.currentColumn()))

    def current_person(self) -> AssignmentRow | None:
        shift = self.current_shift()
        row = self.people_table.currentRow()
        item = self.people_table.item(row, 0) if row >= 0 else None
        aid = item.data(ID_ROLE) if item is not None else None
        return next((p for p in shift.people if p.id == aid), None) if shift is not None else None

    def select_cell(self, day: date, kind: str) -> bool:
        if day not in self.days:
            return False
        column = next((c for c, k in enumerate(self.kinds) if k.key == kind), -1)
        if column < 0:
            return False
        self.grid.setCurrentCell(self.days.index(day), column)
        return True

    def select_person(self, assignment_id: int) -> bool:
        for row in range(self.people_table.rowCount()):
            item = self.people_table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == assignment_id:
                self.people_table.setCurrentCell(row, 0)
                return True
        return False

    def _selection(self) -> tuple[date, str, int | None] | None:
        cell = self.current_cell()
        if cell is None:
            return None
        person = self.current_person()
        return cell[0], cell[1].key, person.id if person is not None else None

    def _restore_selection(self, keep: tuple[date, str, int | None]) -> None:
        day, kind, person = keep
        if self.select_cell(day, kind) and person is not None:
            self.select_person(person)

    def _cell_changed(self) -> None:
        shift = self.current_shift()
        cell = self.current_cell()
        problems = self.cell_problems.get((self.grid.currentRow(), self.grid.currentColumn()), [])
        for table in (self.people_table, self.swap_table, self.handover_table):
            table.setRowCount(0)
        if cell is None:
            self.detail_label.setText(self.tr("选择一个班次，这里显示它的值班人员、换班记录和交接班记录。")
                                      if self.roster is not None and self.days else "")
            self._tab_counts(None)
            self.update_actions()
            return
        day, kind = cell
        if shift is None:
            head = self.tr("{0}{1}：未排班").format(rules.day_label(day), kind.label)
        else:
            head = self.tr("{0}{1}　{2}　带班领导 {3} 人，值班员 {4} 人").format(
                rules.day_label(day), shift.label, shift_hours(shift.starts_at, shift.ends_at, day),
                len(shift.leaders), len(shift.staff))
            if shift.notes:
                head += self.tr("　备注：{0}").format(shift.notes)
        if problems:
            colour = DANGER_TEXT if severity(problems) == "danger" else AMBER_TEXT
            head += "<br>" + "；".join(f'<span style="color:{colour.name()}">{p.message}</span>' for p in problems)
        self.detail_label.setText(f'<span style="white-space:pre-wrap">{head}</span>' if problems else head)
        if shift is not None:
            self.people_table.setRowCount(len(shift.people))
            for n, p in enumerate(shift.people):
                self.people_table.setItem(n, 0, _cell(p.role_label, data=p.id))
                self.people_table.setItem(n, 1, _cell(p.name, tip=self.tr("拖到另一格即调到该班次")))
                self.people_table.setItem(n, 2, _cell(p.phone))
            if shift.people:
                self.people_table.setCurrentCell(0, 0)
            self.swap_table.setRowCount(len(shift.swaps))
            for n, w in enumerate(shift.swaps):
                for column, value in enumerate((f"{w.at:%Y-%m-%d %H:%M}", w.from_name, w.to_name, w.reason, w.by)):
                    self.swap_table.setItem(n, column, _cell(value, tip=value if column == 3 else ""))
            self.handover_table.setRowCount(len(shift.handovers))
            for n, h in enumerate(shift.handovers):
                values = (f"{h.handed_at:%Y-%m-%d %H:%M}", h.from_name, h.to_name, h.open_matters, h.notes)
                for column, value in enumerate(values):
                    self.handover_table.setItem(n, column, _cell(value, data=h.id if column == 0 else None,
                                                                 tip=value if column >= 3 else ""))
        self._tab_counts(shift)
        self.update_actions()

    def _tab_counts(self, shift: ShiftRow | None) -> None:
        for n, (label, count) in enumerate(((self.tr("值班人员"), len(shift.people) if shift else 0),
                                            (self.tr("换班记录"), len(shift.swaps) if shift else 0),
                                            (self.tr("交接班记录"), len(shift.handovers) if shift else 0))):
            self.detail_tabs.setTabText(n, f"{label}（{count}）" if count else label)

    def update_actions(self) -> None:
        point = self.point is not None and self.roster is not None
        shift = self.current_shift() is not None
        person = self.current_person() is not None
        self.act_generate.setEnabled(point)
        self.act_assign.setEnabled(shift)
        self.act_handover.setEnabled(shift)
        self.act_delete_shift.setEnabled(shift)
        self.act_new_shift.setEnabled(point and not shift)
        for action in (self.act_adjust, self.act_remove, self.act_swap):
            action.setEnabled(person)
        self.act_edit_point.setEnabled(self.point is not None)
        self.act_delete_point.setEnabled(self.point is not None)
        self.act_print.setEnabled(point)
        self.act_excel.setEnabled(point)
        if self.writing:
            for action in self.write_actions:
                action.setEnabled(False)

    # --- menus and clicks

    def _show_grid_menu(self, pos: QPoint) -> None:
        index = self.grid.indexAt(pos)
        if index.isValid():
            self.grid.setCurrentCell(index.row(), index.column())
        menu = self.build_grid_menu()
        menu.exec(self.grid.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def build_grid_menu(self) -> QMenu:
        """A cell's right-click menu: 安排人员, each person's 调整 / 换班 / 移除, 交接班, the shift itself."""
        menu = QMenu(self)
        shift = self.current_shift()
        if shift is not None:
            menu.addAction(self.act_assign)
            for p in shift.people:
                sub = menu.addMenu(f"{p.name}（{p.role_label}）")
                sub.addAction(self.tr("调整…"), lambda a=p.id: self.adjust(a))
                sub.addAction(self.tr("换班…"), lambda a=p.id: self.swap(a))
                sub.addAction(self.tr("移除"), lambda a=p.id: self.remove(a))
                sub.setEnabled(not self.writing)
            menu.addAction(self.act_handover)
            menu.addSeparator()
            menu.addAction(self.act_delete_shift)
        else:
            menu.addAction(self.act_new_shift)
        menu.addSeparator()
        menu.addAction(self.act_generate)
        return menu

    def _show_people_menu(self, pos: QPoint) -> None:
        index = self.people_table.indexAt(pos)
        if index.isValid():
            self.people_table.setCurrentCell(index.row(), 0)
        menu = QMenu(self)
        for action in (self.act_adjust, self.act_swap, self.act_remove):
            menu.addAction(action)
        menu.exec(self.people_table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _show_point_menu(self, pos: QPoint) -> None:
        item = self.point_list.itemAt(pos)
        if item is not None and item.data(ID_ROLE) is not None:
            self.point_list.setCurrentItem(item)
        menu = QMenu(self)
        for action in (self.act_generate, self.act_new_point, self.act_edit_point, self.act_delete_point):
            menu.addAction(action)
        menu.exec(self.point_list.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _cell_double_clicked(self) -> None:
        if self.current_shift() is not None:
            self.assign()
        elif self.current_cell() is not None:
            self.new_shift()

    # --- dialogs

    def open_dialog(self, make: Callable[[], D | None], *, refused: str) -> D | None:
        """One dialog at a time, window-modal (an open one is raised); a ``DeskError`` while making it
        (the record deleted meanwhile) is said under ``refused`` and the roster read again."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return None
        try:
            dialog = make()
        except DeskError as exc:
            messages.warn(self, refused, str(exc))
            self.load_roster()
            return None
        if dialog is None:
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_finished(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_finished(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved_then(self, dialog: QDialog | None, status: str, *, points: bool = False,
                    select: Callable[[int], None] | None = None) -> None:
        if dialog is not None and hasattr(dialog, "sig_saved"):
            dialog.sig_saved.connect(lambda record_id: self._stored(status, points=points,
                                                                    then=(lambda: select(record_id)) if select else None))

    def shift_choices(self) -> list[ShiftChoice]:
        return [ShiftChoice(s.id, f"{rules.day_label(s.day)}{s.label}") for s in
                (self.roster.shifts if self.roster is not None else ())]

    @property
    def members(self) -> list[PersonChoice]:
        """A team point's members on strength (with their phones); none at a duty room."""
        point = self.point
        if point is None or point.team_id is None:
            return []
        return self.members_by_team.get(point.team_id, [])

    def people_offered(self) -> tuple[list[PersonChoice], bool]:
        """Whom the person dialogs offer, and whether they are the team's members: a team's members,
        else the people on the roster shown (a duty room's leaders and staff, with their phones)."""
        if self.members:
            return self.members, True
        seen = distinct_people(self.roster, "leader") + distinct_people(self.roster, "staff")
        out, keys = [], set()
        for p in seen:
            key = rules.person_key(p.name, p.phone)
            if key not in keys:
                keys.add(key)
                out.append(PersonChoice(f"{p.name}（{p.phone}）" if p.phone else p.name, p))
        return out, False

    def generate(self) -> GenerateDialog | None:
        """生成排班…: the next calendar month by default, the people of the period shown proposed."""
        point = self.point
        if point is None or self.roster is None:
            return None
        roster = self.roster
        dialog = self.open_dialog(lambda: GenerateDialog(
            self._db, self._runner, point, today=self.as_of(), members=self.members,
            leaders=distinct_people(roster, "leader"), staff=distinct_people(roster, "staff"),
            actor=self._actor, parent=self), refused=self.tr("无法生成排班"))
        if dialog is not None:
            dialog.sig_generated.connect(self._generated)
            dialog.sig_stale.connect(self.load_roster)
        return dialog

    def _generated(self, result: ts.GeneratedRoster, start: date, end: date) -> None:
        replaced = self.tr("（原有 {0} 个班次已移入回收站）").format(result.replaced) if result.replaced else ""
        self.sig_status.emit(self.tr("已生成 {0} 至 {1} 的排班：{2} 个班次，{3} 人次{4}").format(
            start.isoformat(), end.isoformat(), len(result.shift_ids), result.assignments, replaced))
        self.sig_data_changed.emit()
        self._keep = None
        self.grid.setCurrentCell(-1, -1)
        self.show_period(start, mode="week" if (end - start).days < 7 and self.mode == "week" else "month")
        if not self.activated:
            self.load_roster()

    def assign(self) -> AssignmentDialog | None:
        """安排人员…: a person on the selected shift (a 带班领导 when the shift lacks one)."""
        shift = self.current_shift()
        point = self.point
        if shift is None or point is None:
            return None
        role = "leader" if point.leader_required and not shift.leaders else "staff"
        people, members = self.people_offered()
        dialog = self.open_dialog(lambda: AssignmentDialog(
            self._db, self._runner, shifts=self.shift_choices(), people=people, members=members,
            initial={"shift_id": shift.id, "role": role}, actor=self._actor, parent=self), refused=self.tr("无法安排"))
        self._saved_then(dialog, self.tr("已安排值班人员：{0}{1}").format(rules.day_label(shift.day), shift.label),
                         select=self._select_assignment)
        return dialog

    def _select_assignment(self, assignment_id: int) -> None:
        """After a save: the cell of the assignment and its row (it may have moved)."""
        for (r, c), s in self.cells.items():
            if any(p.id == assignment_id for p in s.people):
                self.grid.setCurrentCell(r, c)
                self.select_person(assignment_id)
                return

    def _person(self, assignment_id: int | None) -> tuple[ShiftRow, AssignmentRow] | None:
        if assignment_id is None:
            shift, person = self.current_shift(), self.current_person()
            return (shift, person) if shift is not None and person is not None else None
        for s in self.roster.shifts if self.roster is not None else ():
            for p in s.people:
                if p.id == assignment_id:
                    return s, p
        return None

    def adjust(self, assignment_id: int | None = None) -> AssignmentDialog | None:
        """调整…: the person's role, name, phone or shift."""
        found = self._person(assignment_id)
        if found is None:
            return None
        _shift, person = found
        people, members = self.people_offered()
        dialog = self.open_dialog(lambda: AssignmentDialog(
            self._db, self._runner, person.id, shifts=self.shift_choices(), people=people, members=members,
            actor=self._actor, parent=self), refused=self.tr("无法调整"))
        self._saved_then(dialog, self.tr("已调整值班人员：{0}").format(person.name), select=self._select_assignment)
        return dialog

    def swap(self, assignment_id: int | None = None) -> SwapDialog | None:
        """换班…: hand the person's duty to another, with the reason."""
        found = self._person(assignment_id)
        if found is None:
            return None
        shift, person = found
        who = f"{person.name}（{person.role_label}，{rules.day_label(shift.day)}{shift.label}）"
        people, members = self.people_offered()
        key = rules.person_key(person.name, person.phone)
        others = [p for p in people if rules.person_key(p.person.name, p.person.phone) != key]
        dialog = self.open_dialog(lambda: SwapDialog(self._db, self._runner, person.id, who=who, version=person.version,
                                                     people=others, members=members, actor=self._actor, parent=self),
                                  refused=self.tr("无法换班"))
        self._saved_then(dialog, self.tr("已换班：{0}").format(who), select=self._select_assignment)
        return dialog

    def remove(self, assignment_id: int | None = None) -> WriteOp[Any] | None:
        """移除: the person off the shift (after asking), with the version read."""
        found = self._person(assignment_id)
        if found is None or self.writing:
            return None
        shift, person = found
        where = f"{rules.day_label(shift.day)}{shift.label}"
        if not messages.confirm(self, self.tr("移除值班人员"),
                                self.tr("确定把{0}“{1}”从{2}移除吗？").format(person.role_label, person.name, where),
                                yes=self.tr("移除"), no=self.tr("取消")):
            return None
        aid, version = person.id, person.version
        return self.write(lambda uow: ts.remove_assignment(uow, aid, expected_version=version),
                          refused=self.tr("无法移除"), done=self.tr("已把“{0}”从{1}移除").format(person.name, where))

    def handover(self) -> HandoverDialog | None:
        """交接班…: from the shift's leader (or first person) to the next shift's, at its end."""
        shift = self.current_shift()
        if shift is None:
            return None
        shifts = sorted(self.roster.shifts if self.roster else (), key=lambda s: s.starts_at)
        after = next((s for s in shifts if s.starts_at >= shift.ends_at), None)

        def first(s: ShiftRow | None) -> str:
            if s is None or not s.people:
                return ""
            return (s.leaders or s.staff or list(s.people))[0].name

        text = f"{rules.day_label(shift.day)}{shift.label}　{shift_hours(shift.starts_at, shift.ends_at, shift.day)}"
        initial = {"shift_id": shift.id, "handed_at": shift.ends_at, "from_name": first(shift), "to_name": first(after)}
        dialog = self.open_dialog(lambda: HandoverDialog(self._db, self._runner, shift_text=text, initial=initial,
                                                         actor=self._actor, parent=self), refused=self.tr("无法登记"))
        self._saved_then(dialog, self.tr("已登记交接班：{0}").format(text), select=lambda _id: self._to_tab(2))
        return dialog

    def edit_handover(self) -> HandoverDialog | None:
        shift = self.current_shift()
        row = self.handover_table.currentRow()
        item = self.handover_table.item(row, 0) if row >= 0 else None
        hid = item.data(ID_ROLE) if item is not None else None
        if shift is None or hid is None:
            return None
        text = f"{rules.day_label(shift.day)}{shift.label}　{shift_hours(shift.starts_at, shift.ends_at, shift.day)}"
        dialog = self.open_dialog(lambda: HandoverDialog(self._db, self._runner, int(hid), shift_text=text,
                                                         actor=self._actor, parent=self), refused=self.tr("无法打开"))
        self._saved_then(dialog, self.tr("已保存交接班记录"), select=lambda _id: self._to_tab(2))
        return dialog

    def _to_tab(self, n: int) -> None:
        self.detail_tabs.setCurrentIndex(n)

    def new_shift(self) -> ShiftDialog | None:
        """新建班次…: on the selected cell's day and kind (else the period's first day)."""
        point = self.point
        if point is None:
            return None
        cell = self.current_cell()
        day, kind = (cell[0], cell[1].key) if cell is not None else (self.period()[0], "")
        dialog = self.open_dialog(lambda: ShiftDialog(self._db, self._runner, point, day=day, kind=kind,
                                                      actor=self._actor, parent=self), refused=self.tr("无法新建"))
        self._saved_then(dialog, self.tr("已新建班次"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda _id: self._keep_cell_of(dialog))
        return dialog

    def _keep_cell_of(self, dialog: ShiftDialog) -> None:
        data = dialog.loaded
        if data is not None and data.day is not None:
            self._keep = (data.day, data.kind, None)

    def delete_shift(self) -> WriteOp[Any] | None:
        shift = self.current_shift()
        if shift is None or self.writing:
            return None
        what = f"{rules.day_label(shift.day)}{shift.label}"
        people = self.tr("（其中有 {0} 名值班人员）").format(len(shift.people)) if shift.people else ""
        if not messages.confirm(self, self.tr("删除班次"), self.tr("确定将{0}{1}移入回收站吗？").format(what, people),
                                yes=self.tr("移入回收站"), no=self.tr("取消")):
            return None
        sid, version = shift.id, shift.version
        return self.write(lambda uow: ts.delete_shift(uow, sid, expected_version=version),
                          refused=self.tr("无法删除"), done=self.tr("已将{0}移入回收站").format(what))

    def new_point(self) -> PointDialog | None:
        dialog = self.open_dialog(lambda: PointDialog(self._db, self._runner, teams=self.team_items,
                                                      regions=self.region_items, actor=self._actor, parent=self),
                                  refused=self.tr("无法新建"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda point_id: self._point_saved(point_id, self.tr("已新建值班点")))
        return dialog

    def edit_point(self) -> PointDialog | None:
        point = self.point
        if point is None:
            return None
        dialog = self.open_dialog(lambda: PointDialog(self._db, self._runner, point.id, teams=self.team_items,
                                                      regions=self.region_items, actor=self._actor, parent=self),
                                  refused=self.tr("无法编辑"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda point_id: self._point_saved(point_id, self.tr("已保存值班点")))
        return dialog

    def _point_saved(self, point_id: int, status: str) -> None:
        self._want_point = point_id
        self.roster = None if self.point is None or self.point.id != point_id else self.roster
        self.load_points()
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    def delete_point(self) -> WriteOp[Any] | None:
        point = self.point
        if point is None or self.writing:
            return None
        if not messages.confirm(self, self.tr("删除值班点"),
                                self.tr("确定将值班点“{0}”移入回收站吗？其排班不再显示，移入回收站后仍可恢复。").format(point.name),
                                yes=self.tr("移入回收站"), no=self.tr("取消")):
            return None
        pid, version = point.id, point.version
        return self.write(lambda uow: ts.delete_point(uow, pid, expected_version=version), refused=self.tr("无法删除"),
                          done=self.tr("已将值班点“{0}”移入回收站").format(point.name), points=True)

    # --- drag: a person onto another cell

    def _dropped(self, assignment_id: int, row: int, column: int) -> None:
        shift = self.cells.get((row, column))
        if shift is None:
            if 0 <= row < len(self.days) and 0 <= column < len(self.kinds):
                self.sig_status.emit(self.tr("{0}{1}还没有班次：先新建班次，再把人员调过去").format(
                    rules.day_label(self.days[row]), self.kinds[column].label))
            return
        self.move_assignment(assignment_id, shift.id)

    def move_assignment(self, assignment_id: int, shift_id: int) -> WriteOp[Any] | None:
        """A person to another shift of the period (``update_assignment`` with the version read)."""
        found = self._person(assignment_id)
        target = next((s for s in self.roster.shifts if s.id == shift_id), None) if self.roster else None
        if found is None or target is None or self.writing:
            return None
        shift, person = found
        if shift.id == target.id:
            return None
        version = person.version
        where = f"{rules.day_label(target.day)}{target.label}"

        def work(uow: UnitOfWork) -> int:
            data, _stored = ts.load_assignment(uow.session, assignment_id)
            data.shift_id = shift_id
            return ts.update_assignment(uow, assignment_id, data, expected_version=version)

        self._keep = (target.day, target.kind, assignment_id)
        return self.write(work, refused=self.tr("无法调班"),
                          done=self.tr("已把{0}“{1}”调到{2}").format(person.role_label, person.name, where))

    # --- writing

    @property
    def writing(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def write(self, work: Callable[[UnitOfWork], object], *, refused: str, done: str,
              points: bool = False) -> WriteOp[Any] | None:
        """Run ``work`` through the write flow; a refusal (a stale version, a state the service
        refuses) is said in Chinese under ``refused`` and the roster read again. None while another runs."""
        if self.writing:
            return None
        op: WriteOp[Any] = WriteOp(self, self._runner, self._db, self._actor, work, title=refused)
        op.success(lambda _result: self._stored(done, points=points))
        op.ended(self._write_ended)
        self.write_op = op
        op.run()
        self.update_actions()
        return op

    def _write_ended(self, outcome: Outcome) -> None:
        if outcome not in (Outcome.SAVED, Outcome.CANCELLED):
            self._keep = None
            self.load_roster()  # show what is stored now
        self.update_actions()

    def _stored(self, status: str, *, points: bool = False, then: Callable[[], None] | None = None) -> None:
        """Something was stored from this page: read the roster again (the selection kept), tell the others."""
        if points:
            self.load_points()
        else:
            task = self.load_roster()
            if task is not None and then is not None:
                task.sig_finished.connect(lambda _r: then())
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    # --- exports of the period shown

    def _stem(self) -> str:
        start, end = self.period()
        name = self.point.name if self.point is not None else ""
        return f"{name}值班表-{start:%Y%m%d}-{end:%Y%m%d}"

    def print_roster(self, path: Path | None = None) -> Task | None:
        """打印排班表…: the period shown as PDF or Word (A4 landscape), in the house style."""
        point = self.point
        if point is None:
            return None
        point_id, (start, end) = point.id, self.period()

        def build(s: Session) -> Any:
            from plans.teams.documents import build_roster  # written beside this page; imported when printing

            return build_roster(s, point_id, start, end)

        task = export_report(self, self._runner, self._settings, self._db, self.tr("值班表"), self._stem(), build, path)
        self.export_task = task
        return task

    def export_excel(self, path: Path | None = None) -> Task | None:
        """导出Excel…: the period's shifts, people, handovers and problems as a workbook."""
        point = self.point
        if point is None:
            return None
        path = path or ask_save_path(self, self._settings, self.tr("导出Excel"), self._stem(), (".xlsx",))
        if path is None:
            return None
        db, point_id, (start, end), target = self._db, point.id, self.period(), path

        def work(progress: Progress) -> int:
            from exports.teams.excel import export_roster

            return int(export_roster(db, point_id, start, end, target, progress=progress))

        task = self._runner.run(work, title=self.tr("导出Excel"), label=self.tr("正在导出值班表…"))
        task.sig_finished.connect(lambda rows: self._exported(target, int(rows)))
        task.sig_cancelled.connect(lambda: self.sig_status.emit(self.tr("已取消导出，未生成文件")))
        self.export_task = task
        return task

    def _exported(self, path: Path, rows: int) -> None:
        self.sig_status.emit(self.tr("已导出值班表（{0} 行）：{1}").format(rows, path))
        choice = messages.info(self, self.tr("导出完成"), self.tr("已导出值班表（{0} 行）到：\n{1}").format(rows, path),
                               options=[self.tr("确定"), self.tr("打开所在文件夹")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

