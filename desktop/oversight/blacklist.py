"""黑名单 page: the enterprises on the blacklist now (or the whole history, removed stays too), paged in
SQL (``models.oversight.queries.blacklist_page``), and below them the enterprises the suggestion rule
flags on the day with every reason (“12个月内发现隐患 6 项（阈值 5 项）”; ``queries.blacklist_candidates``,
read in the background). 列入黑名单 opens the listing form — for a suggested enterprise with its
reasons filled in —, 移出黑名单 the removal form of the selected enterprise; each a write through the
write flow, the enterprise's own mark kept in the same unit of work, the history never lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.columns import ColumnFit
from desktop.kit.list_page import ListPage
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table
from desktop.oversight.hazard_forms import ListingDialog, RemovalDialog
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor
from models.oversight import queries as oq
from models.oversight.queries import BlacklistFilter, BlacklistRow, CandidateRow

RED, GREY = QColor("#C0152F"), QColor("#7F7F7F")


def _tr(text: str) -> str:
    return QCoreApplication.translate("BlacklistPage", text)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class BlacklistTableModel(PagedTableModel[BlacklistRow, BlacklistFilter]):
    STATE_COLUMN = 0
    REASON_COLUMN = 4

    def __init__(self, db: Database, flt: BlacklistFilter, *, runner: TaskRunner, parent: Any = None) -> None:
        columns: list[Column[BlacklistRow]] = [
            Column(self.tr("状态"), lambda r: r.state_label, None, width=56),
            Column(self.tr("企业"), lambda r: r.enterprise, "enterprise", width=220),
            Column(self.tr("监管部门"), lambda r: r.department, None, width=110),
            Column(self.tr("列入日期"), lambda r: _day(r.listed_on), "listed", width=84),
            Column(self.tr("列入理由"), lambda r: r.reason, None, width=260, tooltip=lambda r: r.reason),
            Column(self.tr("决定人"), lambda r: r.decided_by, None, width=80),
            Column(self.tr("决定文号"), lambda r: r.decision_no, None, width=130),
            Column(self.tr("移出日期"), lambda r: _day(r.removed_on), "removed", width=84),
            Column(self.tr("移出理由"), lambda r: r.removal_reason, None, width=180, tooltip=lambda r: r.removal_reason),
            Column(self.tr("移出决定人"), lambda r: r.removed_by, None, width=80),
        ]
        super().__init__(db, flt, columns, runner=runner, sort="listed", parent=parent)

    def query_count(self, session: Session, flt: BlacklistFilter) -> int:
        return oq.blacklist_count(session, flt)

    def query_page(self, session: Session, flt: BlacklistFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[BlacklistRow]:
        return oq.blacklist_page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit,
                                 total=total)

    def decorate(self, row: BlacklistRow, column: int, role: int) -> Any:
        if column == self.STATE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return RED if row.current else GREY
        return None


class BlacklistPage(ListPage[BlacklistRow, BlacklistFilter]):
    key = "blacklist"
    default_order = Qt.SortOrder.DescendingOrder

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, settings, actor=actor, unit=_tr("条记录"), export_label=_tr("正在导出黑名单…"),
                         parent=parent)
        self._today = today
        self.candidates: list[CandidateRow] = []
        self.candidates_task: Task | None = None
        self.model = BlacklistTableModel(db, BlacklistFilter(), runner=runner, parent=self)
        self._build()

    @property
    def title(self) -> str:
        return self.tr("黑名单")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        act = self._action
        self.act_add = act(self.tr("列入黑名单…"), self.add_listing, QKeySequence.StandardKey.New,
                           self.tr("把一家企业列入黑名单（选中下方建议列入的企业时带出理由）"))
        self.act_remove = act(self.tr("移出黑名单…"), self.remove_listing, None, self.tr("把所选在册企业移出黑名单（保留记录）"))
        self.act_search = act(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_refresh = act(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_add, self.act_remove):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_refresh)
        self.make_trash_button(self.toolbar, "")
        for action in self.toolbar.actions():  # a stay is never deleted: removed ones are the history
            if self.toolbar.widgetForAction(action) is self.trash_button:
                action.setVisible(False)
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索企业名称、列入理由、决定文号"))
        self.search.setMinimumWidth(200)
        filters.addWidget(self.search, 2)
        self.view_combo = self.make_filter_combo(self.tr("在册企业"), self.tr("在册的，或全部历史记录（含已移出的）"),
                                                 [(self.tr("全部历史记录"), False)], min_length=8)
        filters.addWidget(self.view_combo, 1)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(100))
        layout.addLayout(filters)

        self.make_view(self)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.columns = ColumnFit(self.view, stretch=self.model.REASON_COLUMN, stretch_minimum=200,
                                 minimum={0: 60, 2: 130, 7: 84, 8: 220, 9: 80}, maximum={1: 260, 8: 260},
                                 sortable=self.model.is_sortable, sample_rows=30)
        self.columns.fit()
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self.update_actions())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        box = QWidget(splitter)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 4, 0, 0)
        self.candidates_label = QLabel(box)
        self.candidates_label.setObjectName("blacklistCandidates")
        self.candidates_label.setWordWrap(True)
        inner.addWidget(self.candidates_label)
        self.candidate_table = record_table(box, "candidateTable", ("企业", "监管部门", "建议理由"), stretch=2)
        self.candidate_table.itemSelectionChanged.connect(self.update_actions)
        self.candidate_table.doubleClicked.connect(lambda _i: self.add_listing())
        self.candidate_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.candidate_table.customContextMenuRequested.connect(self._candidate_menu)
        inner.addWidget(self.candidate_table, 1)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        for action in (self.act_search, self.act_refresh, self.act_add):
            self.addAction(action)
        self.update_actions()

    # --- loading

    def load(self) -> None:
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())
        self.load_candidates()

    def refresh(self) -> None:
        self.refetch(self.current_filter())
        self.load_candidates()

    def load_candidates(self) -> Task:
        db, as_of = self._db, self.as_of()

        def work(_progress: Progress) -> list[CandidateRow]:
            with db.read() as s:
                return oq.blacklist_candidates(s, as_of)

        task = self._runner.run(work, label=self.tr("正在按规则查找建议列入的企业…"), title=self.tr("黑名单建议"),
                                show_progress=False)
        task.sig_finished.connect(self._candidates_ready)
        self.candidates_task = task
        return task

    def _candidates_ready(self, found: list[CandidateRow]) -> None:
        self.candidates = found
        if found:
            self.candidates_label.setText(self.tr("按 {0} 的统计，建议列入黑名单的企业 {1} 家（规则见参考数据，由人决定是否列入；"
                                                  "双击或选中后点“列入黑名单”）：").format(self.as_of().isoformat(),
                                                                                      len(found)))
            self.candidates_label.setStyleSheet(f"color: {RED.name()};")
        else:
            self.candidates_label.setText(self.tr("按 {0} 的统计，没有建议列入黑名单的企业。").format(self.as_of().isoformat()))
            self.candidates_label.setStyleSheet("")
        self.candidate_table.setRowCount(len(found))
        for n, c in enumerate(found):
            for column, value in enumerate((c.enterprise, c.department, c.reason_text)):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setForeground(QBrush(RED))
                    item.setToolTip("\n".join(r.text for r in c.reasons))
                self.candidate_table.setItem(n, column, item)
        self.update_actions()

    # --- filtering

    def current_filter(self) -> BlacklistFilter:
        current = self.view_combo.currentData()
        return BlacklistFilter(current=current is None, text=self.search.text().strip())

    def unfiltered(self) -> BlacklistFilter:
        return BlacklistFilter()

    @property
    def empty_noun(self) -> str:
        return self.tr("黑名单记录")

    @property
    def list_name(self) -> str:
        return self.tr("黑名单")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("黑名单中没有企业"), self.tr("下方列出按规则建议列入的企业；选中后点“列入黑名单”。")

    def selected_candidate(self) -> CandidateRow | None:
        rows = self.candidate_table.selectionModel().selectedRows() if self.candidate_table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.candidates):
            return None
        return self.candidates[rows[0].row()]

    def select_candidate(self, enterprise_id: int) -> bool:
        for n, c in enumerate(self.candidates):
            if c.enterprise_id == enterprise_id:
                self.candidate_table.selectRow(n)
                return True
        return False

    def enable_actions(self) -> None:
        row = self.current_row()
        self.act_remove.setEnabled(row is not None and row.current)
        self.act_add.setEnabled(True)

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.act_remove)
        menu.addAction(self.act_add)
        return menu

    def _candidate_menu(self, pos: Any) -> None:
        index = self.candidate_table.indexAt(pos)
        if index.isValid():
            self.candidate_table.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.act_add)
        menu.exec(self.candidate_table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def open_current(self) -> object:
        row = self.current_row()
        return self.remove_listing() if row is not None and row.current else None

    # --- writes

    def _after(self, done: str) -> Callable[[int], None]:
        def stored(enterprise_id: int) -> None:
            self.changed(-1, done)
            self.load_candidates()

        return stored

    def add_listing(self) -> QDialog | None:
        candidate = self.selected_candidate()
        initial: dict[str, Any] = {"listed_on": self.as_of()}
        if candidate is not None:
            initial.update(enterprise_id=candidate.enterprise_id,
                           reason=self.tr("按黑名单建议规则：{0}").format(candidate.reason_text))
        dialog = self.open_dialog(lambda: ListingDialog(self._db, self._runner, actor=self._actor, initial=initial,
                                                        parent=self), refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(self._after(self.tr("已列入黑名单")))  # type: ignore[attr-defined]
        return dialog

    def remove_listing(self) -> QDialog | None:
        row = self.current_row()
        if row is None or not row.current:
            return None
        dialog = self.open_dialog(lambda: RemovalDialog(self._db, self._runner, row.enterprise_id,
                                                        enterprise_text=row.enterprise, actor=self._actor,
                                                        initial={"removed_on": self.as_of()}, parent=self),
                                  refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(self._after(self.tr("已将“{0}”移出黑名单").format(row.enterprise)))  # type: ignore[attr-defined]
        return dialog


__all__ = ["BlacklistPage"]
