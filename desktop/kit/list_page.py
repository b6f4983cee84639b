"""The list page every module's register is built on (企业, 预案 …).

``ListPage`` holds what every list offers, the same way on every page: a search box (search after
a pause), filter combo boxes with 清除筛选 and the count, a paged table (``PagedTableModel``) sorted
in SQL by a header click (``HeaderSorting``), the 回收站 switch, right-click actions, double-click
to open, delete (into the recycle bin) and restore with the version the list loaded, and 导出Excel
of the current filter and order. One dialog at a time is open from the page.

Every change goes through the write flow (``desktop.kit.writes``) on the writer thread: while one
runs, the page's write actions are disabled (no double submit), a refusal is said in Chinese and
the list is fetched again, so it shows what is stored now.

The rows are read in the background (``PagedTableModel``): a search, a filter or a sort leaves the
old rows on screen until the new ones are there, and a load that takes longer than a moment says
正在查询… in the count (or, on an empty list, in its place). What must wait for the rows (select the
record just saved) is passed to ``model.after_load``. A read that fails keeps the rows and says so
in the status bar (``desktop.kit.errors.read_failure_text``) and the count label.

The columns are sized to their content (``fit_columns``: ``ColumnFit``, the name or title column
taking the room left, the user's widths and order kept per list), and an empty list says why
(``EmptyState``): the recycle bin is empty, the filter matches nothing, or there is nothing yet.

A page says what is special about it: its filter (``current_filter``, and ``unfiltered`` for the
empty text), its context menu, what double-click opens (``open_current``), the texts of delete and
restore and of an empty list (``empty_noun``, ``describe_nothing_yet``), the export, and its
module's write service (``service``: ``delete`` / ``restore(uow, id, expected_version)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolBar,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.columns import ColumnFit
from desktop.kit.empty import EmptyState
from desktop.kit.errors import read_failure_text
from desktop.kit.exporting import ListExporter, Write
from desktop.kit.paged import PagedTableModel
from desktop.kit.pages import Page
from desktop.kit.pickers import fill_combo
from desktop.kit.settings import Settings
from desktop.kit.sorting import HeaderSorting
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import SearchBox, TrashButton, add_trash_button
from desktop.kit.writes import Outcome, WriteOp
from models.core.database import Database
from models.core.errors import DeskError
from models.core.uow import Actor, UnitOfWork, os_actor


class Row(Protocol):
    """A list row: the record's id and the version the list read."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


class RecordService(Protocol):
    """A module's write service as the list uses it (``models.<module>.service``)."""

    def delete(self, uow: UnitOfWork, record_id: int, /, expected_version: int) -> object: ...

    def restore(self, uow: UnitOfWork, record_id: int, /, expected_version: int) -> object: ...


R = TypeVar("R", bound=Row)
F = TypeVar("F")
D = TypeVar("D", bound=QDialog)

QUERYING_DELAY_MS = 150
"""A load shorter than this shows nothing (no flicker on every keystroke); a longer one says 正在查询…."""

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class ListPage(Page, Generic[R, F]):
    """A page with a module's list (see the module docstring)."""

    sig_export_finished = Signal(str, int)
    """An Excel export was written: path and number of rows."""

    service: ClassVar[Any]
    """The module's write service (``delete`` / ``restore``), a ``RecordService``."""
    export_module: ClassVar[str] = ""
    default_order: ClassVar[Qt.SortOrder] = Qt.SortOrder.AscendingOrder
    """The order of the model's default sort before the user picks one (the latest drills first)."""
    """The exports module the page's Excel export is written by (imported in the background)."""

    model: PagedTableModel[R, F]
    view: QTableView
    search: SearchBox
    trash_button: TrashButton
    count_label: QLabel
    empty_state: EmptyState

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None,
                 unit: str, export_label: str, parent: QWidget | None = None) -> None:
        """``unit`` counts the rows (“家企业”, “个预案”); ``export_label`` is the export's progress text."""
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._settings = settings
        self._actor = actor or os_actor()
        self.unit = unit
        self.dialog: QDialog | None = None
        """The dialog opened from this page (one at a time)."""
        self.write_op: WriteOp[Any] | None = None
        """The page's last write (delete, restore, a lifecycle step …)."""
        self.filter_combos: list[QComboBox] = []
        self.write_actions: list[QAction] = []
        """Actions that write: disabled while the page's write runs."""
        self.trash_open_message = self.tr("回收站中的记录需先恢复才能打开")
        self.querying = False
        """A load has run longer than ``QUERYING_DELAY_MS``: the count (or the empty list) says 正在查询…."""
        self.read_error = ""
        """The last failed read's message (empty once rows were read again)."""
        self._querying_timer = QTimer(self)
        self._querying_timer.setSingleShot(True)
        self._querying_timer.setInterval(QUERYING_DELAY_MS)
        self._querying_timer.timeout.connect(self._show_querying)
        self.exporter = ListExporter(self, runner, settings, label=export_label, unit=unit,
                                     module=self.export_module)
        self.exporter.sig_finished.connect(self.sig_export_finished)

    # --- what a page provides ------------------------------------------------------------------------

    def current_filter(self) -> F:
        raise NotImplementedError

    def build_context_menu(self) -> QMenu:
        raise NotImplementedError

    def open_current(self) -> object:
        """What double-click (and Enter) does with the current row."""
        raise NotImplementedError

    def enable_actions(self) -> None:
        """Enable the page's actions for the current row (the write actions are then held back while
        a write runs)."""

    def delete_texts(self, row: R) -> tuple[str, str, str]:
        """The question before deleting ``row`` (title, text) and the status after it."""
        raise NotImplementedError

    def restored_text(self, row: R) -> str:
        raise NotImplementedError

    def export_stem(self, flt: F) -> str:
        raise NotImplementedError

    def excel_writer(self, flt: F) -> Write:
        raise NotImplementedError

    def unfiltered(self) -> F:
        """The filter with nothing chosen, in the current 回收站 state (an empty list under any
        other filter says that nothing matches)."""
        raise NotImplementedError

    @property
    def empty_noun(self) -> str:
        """What the list lists, for its empty texts: “企业”, “预案”."""
        raise NotImplementedError

    @property
    def list_name(self) -> str:
        """The list's name, to go back to from the 回收站: “企业名录”, “预案列表”."""
        raise NotImplementedError

    def describe_nothing_yet(self) -> tuple[str, str]:
        """What the list says when nothing was recorded yet (title, hint)."""
        raise NotImplementedError

    def trash_toggled(self, on: bool) -> None:
        """The 回收站 switch changed: show the actions that apply there."""

    def filter_applied(self) -> None:
        """The model was given a new filter (and fetched)."""

    def refresh_rows(self) -> None:
        """Fetch the rows again after a change (by default ``refresh``)."""
        self.refresh()

    # --- building -----------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], shortcut: Shortcut, tip: str) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        return action

    def make_search(self, placeholder: str) -> SearchBox:
        self.search = SearchBox(placeholder, self)
        self.search.sig_search.connect(self.apply_filter)
        return self.search

    def make_filter_combo(self, all_text: str, tip: str, items: Iterable[tuple[str, Any]] = (), *,
                          min_length: int = 6) -> QComboBox:
        """A filter whose first item (``all_text``) filters nothing; a choice filters at once."""
        combo = QComboBox(self)
        combo.setToolTip(tip)
        fill_combo(combo, items, first=(all_text, None))
        combo.setMinimumContentsLength(min_length)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self.apply_filter)
        self.filter_combos.append(combo)
        return combo

    def make_clear_button(self) -> QPushButton:
        button = QPushButton(self.tr("清除筛选"), self)
        button.clicked.connect(self.clear_filters)
        return button

    def make_count_label(self, min_width: int) -> QLabel:
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(min_width)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.model.sig_count_changed.connect(self.show_count)
        return self.count_label

    def make_trash_button(self, toolbar: QToolBar, tip: str) -> TrashButton:
        self.trash_button = add_trash_button(toolbar, tip)
        self.trash_button.toggled.connect(self._on_trash_toggled)
        return self.trash_button

    def make_view(self, parent: QWidget) -> QTableView:
        """The table: whole rows, one at a time, read-only, right-click menu, double-click to open,
        sorted in SQL by a header click (the page sizes its columns)."""
        view = QTableView(parent)
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show_context_menu)
        view.doubleClicked.connect(self._on_double_clicked)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(26)
        self.view = view
        self.sorting = HeaderSorting(view, self.model, order=self.default_order)
        self.sorting.sig_status.connect(self.sig_status)
        self.model.modelReset.connect(self.update_actions)
        self.model.sig_page_loaded.connect(lambda _number: self.update_actions())  # the current row's page
        self.model.sig_loading_changed.connect(self._loading_changed)
        self.model.sig_failed.connect(self.read_failed)
        self.empty_state = EmptyState(view, self.describe_empty)
        return view

    def fit_columns(self, *, stretch: int, stretch_minimum: int,
                    maximum: Mapping[int, int] | None = None) -> ColumnFit:
        """Size the columns to their content once rows are there (at most ``maximum``); the
        ``stretch`` column (name, title) takes the room the others leave. Call after ``make_view``."""
        self.columns = ColumnFit(self.view, stretch=stretch, stretch_minimum=stretch_minimum,
                                 maximum=maximum, sortable=self.model.is_sortable)
        return self.columns

    def describe_empty(self) -> tuple[str, str]:
        """What the empty list says: the recycle bin, a filter that matches nothing, or no data yet."""
        if self.querying and self.model.loading:
            return self.tr("正在查询…"), ""
        if not self.model.loaded:
            return "", ""
        noun = self.empty_noun
        if self.model.filter != self.unfiltered():
            title = (self.tr("回收站中没有符合条件的{0}") if self.in_trash else self.tr("没有符合条件的{0}")).format(noun)
            return title, self.tr("请修改搜索词或筛选条件，或点击“清除筛选”。")
        if self.in_trash:
            return self.tr("回收站是空的"), self.tr(
                "删除的{0}会先移入回收站，可以在这里恢复。点击“回收站（点击返回）”回到{1}。").format(noun, self.list_name)
        return self.describe_nothing_yet()

    # --- filtering ----------------------------------------------------------------------------------

    @property
    def in_trash(self) -> bool:
        return self.trash_button.isChecked()

    def apply_filter(self) -> None:
        self.search.cancel_pending()
        if not self.activated:
            return
        flt = self.current_filter()
        if flt != self.model.filter or not (self.model.loaded or self.model.loading):
            self.model.set_filter(flt)
            self.filter_applied()

    def clear_filters(self) -> None:
        for combo in self.filter_combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            if combo.isEditable():
                combo.setEditText(combo.itemText(0))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_count(self, count: int) -> None:
        self.read_error = ""
        self.count_label.setToolTip("")
        if self.in_trash:
            self.count_label.setText(self.tr("回收站中共 {0} {1}").format(count, self.unit))
        else:
            self.count_label.setText(self.tr("共 {0} {1}").format(count, self.unit))

    # --- loading ------------------------------------------------------------------------------------

    def _loading_changed(self, loading: bool) -> None:
        if loading:
            self._querying_timer.start()
            return
        self._querying_timer.stop()
        if self.querying:
            self.querying = False
            self.empty_state.update_state()

    def _show_querying(self) -> None:
        if not self.model.loading:
            return
        self.querying = True
        if hasattr(self, "count_label"):
            self.count_label.setText(self.tr("正在查询…"))
        self.empty_state.update_state()

    def read_failed(self, exc: BaseException) -> None:
        """A read of the list failed: the rows shown stay, the status bar says why (the log has the
        traceback) and the count label says the rows are not the ones asked for."""
        self.read_error = read_failure_text(exc, self.list_name)
        self.sig_status.emit(self.read_error)
        if hasattr(self, "count_label"):
            self.count_label.setText(self.tr("查询失败"))
            self.count_label.setToolTip(self.read_error)
        self.empty_state.update_state()

    def _on_trash_toggled(self, on: bool) -> None:
        self.trash_toggled(on)
        self.apply_filter()
        self.update_actions()

    # --- rows ---------------------------------------------------------------------------------------

    def current_row(self) -> R | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))

    def select_id(self, row_id: int) -> bool:
        """Select a record if it is among the rows fetched; False when it is not."""
        row = self.model.row_of_id(row_id)
        if row < 0:
            return False
        self.select_row(row)
        return True

    def select_when_loaded(self, row_id: int) -> None:
        """Select a record once the rows asked for last are there (after a save), if it is among them."""
        self.model.after_load(lambda: self.select_id(row_id))

    def same_record(self, row: R, other: R) -> bool:
        """Whether two rows show the same record (by default: the same ``id``)."""
        return row.id == other.id

    def refetch(self, flt: F | None = None) -> None:
        """Read the rows again in the background (with ``flt``: under that filter); once they are
        there, the record current now is selected again, else the same row number."""
        current = self.current_row()
        index = self.view.currentIndex().row()
        if flt is None:
            self.model.refresh()
        else:
            self.model.set_filter(flt)

        def again() -> None:
            found = self.model.find_row(lambda r: self.same_record(r, current)) if current is not None else -1
            if found >= 0:
                self.select_row(found)
            elif 0 <= index < self.model.rowCount():
                self.select_row(index)

        self.model.after_load(again)

    def update_actions(self) -> None:
        self.enable_actions()
        if self.writing:
            for action in self.write_actions:
                action.setEnabled(False)

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.select_row(index.row())
        menu = self.build_context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if not index.isValid() or self.current_row() is None:
            return
        if self.in_trash:
            self.sig_status.emit(self.trash_open_message)
            return
        self.open_current()

    # --- dialogs ------------------------------------------------------------------------------------

    def open_dialog(self, make: Callable[[], D | None], *, refused: str) -> D | None:
        """Make and show a dialog window-modally (one at a time: an open one is raised instead); a
        ``DeskError`` while making it (e.g. the record was deleted meanwhile) is said under ``refused``."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return None
        try:
            dialog = make()
        except DeskError as exc:
            messages.warn(self, refused, str(exc))
            self.refresh_rows()
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

    # --- writing ------------------------------------------------------------------------------------

    @property
    def writing(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def write(self, row_id: int, work: Callable[[UnitOfWork], object], *, refused: str,
              done: str) -> WriteOp[Any] | None:
        """Run ``work`` through the write flow; ``done`` goes to the status bar when it is stored, a
        refusal is said under ``refused`` and the list is fetched again. None while another runs."""
        if self.writing:
            return None
        op: WriteOp[Any] = WriteOp(self, self._runner, self._db, self._actor, work, title=refused)
        op.success(lambda _result: self.changed(row_id, done))
        op.ended(self._write_ended)
        self.write_op = op
        op.run()
        self.update_actions()
        return op

    def _write_ended(self, outcome: Outcome) -> None:
        if outcome not in (Outcome.SAVED, Outcome.CANCELLED):
            self.refresh_rows()
        self.update_actions()

    def changed(self, row_id: int, status: str) -> None:
        """A record was stored from this page: fetch again, select it once the rows are there, tell
        the others."""
        self.refresh_rows()
        self.select_when_loaded(row_id)
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    def delete_current(self) -> WriteOp[Any] | None:
        """Move the selected record to the recycle bin (after asking), with the version the list read."""
        row = self.current_row()
        if row is None or self.in_trash or self.writing:
            return None
        title, question, done = self.delete_texts(row)
        if not messages.confirm(self, title, question, yes=self.tr("移入回收站"), no=self.tr("取消")):
            return None
        row_id, version, service = row.id, row.version, self.service
        return self.write(row_id, lambda uow: service.delete(uow, row_id, expected_version=version),
                          refused=self.tr("无法删除"), done=done)

    def restore_current(self) -> WriteOp[Any] | None:
        """Take the selected record out of the recycle bin, with the version the list read."""
        row = self.current_row()
        if row is None or not self.in_trash or self.writing:
            return None
        row_id, version, service = row.id, row.version, self.service
        return self.write(row_id, lambda uow: service.restore(uow, row_id, expected_version=version),
                          refused=self.tr("无法恢复"), done=self.restored_text(row))

    # --- export -------------------------------------------------------------------------------------

    @property
    def export_task(self) -> Task | None:
        return self.exporter.task

    def export_excel(self) -> Task | None:
        """Ask where to save, then export the current filter and order in the background."""
        flt = self.current_filter()
        return self.exporter.start(self.export_stem(flt), self.excel_writer(flt))
