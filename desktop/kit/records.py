"""A dialog of records: a list read in the background with 新建 / 编辑 / 删除 / 刷新 and 关闭, each form on the
one form base and each delete through the one write flow — for lists small enough to be a dialog (a page's
检查行动, its 检查记录), not a page. A subclass says what to read, the rows and cells, how to open a form and
how to delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.forms import RecordForm
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import Outcome, WriteOp
from models.core.database import Database
from models.core.errors import DeskError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork, os_actor

ID_ROLE = Qt.ItemDataRole.UserRole
LONG_CELL = 10  # characters: a longer cell also says all of itself in its tooltip

L = TypeVar("L")  # what a dialog's background read returns
R = TypeVar("R")  # one row of its list


class RecordsDialog(QDialog, Generic[L, R]):
    """A list of records read in the background, with 新建 / 编辑 / 删除 / 刷新 and 关闭.

    A subclass says what to read (``reader``: made on the window thread, everything it needs taken
    then; it runs on a reader thread), which rows that gives (``rows_of``),
    the cells of a row (``cells``), how to open a form (``make_form``) and how to delete (``delete_work``)."""

    sig_changed = Signal()
    """A record of the list was stored (created, changed or deleted) from this dialog."""

    HEADERS: tuple[str, ...] = ()
    STRETCH = 0
    noun = ""

    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._actor = actor or os_actor()
        self.listing: L | None = None
        self.rows: list[R] = []
        self.load_task: Task | None = None
        self.form: RecordForm[Any] | None = None
        self.write_op: WriteOp[Any] | None = None
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        self.top = QHBoxLayout()
        layout.addLayout(self.top)
        self.table = record_table(self, f"{type(self).__name__}Table", self.HEADERS, stretch=self.STRETCH)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.itemSelectionChanged.connect(self.update_actions)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("recordsCount")
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新建…"), self)
        self.new_button.clicked.connect(lambda: self.new_record())
        self.edit_button = QPushButton(self.tr("编辑…"), self)
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.delete_button.clicked.connect(lambda: self.delete_current())
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        self.refresh_button.clicked.connect(lambda: self.load())
        for button in (self.new_button, self.edit_button, self.delete_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addWidget(self.count_label, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close_button = close.button(QDialogButtonBox.StandardButton.Close)
        if close_button is not None:
            close_button.setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.update_actions()

    # --- what a dialog provides -----------------------------------------------------------------------

    def reader(self) -> Callable[[Session], L]:
        raise NotImplementedError

    def rows_of(self, listing: L) -> list[R]:
        raise NotImplementedError

    def cells(self, row: R) -> tuple[str, ...]:
        raise NotImplementedError

    def row_id(self, row: R) -> int:
        return int(row.id)  # type: ignore[attr-defined]

    def make_form(self, row: R | None) -> RecordForm[Any] | None:
        """The form for a new record (``row`` None) or for ``row``; None: none to open."""
        raise NotImplementedError

    def delete_texts(self, row: R) -> tuple[str, str, str]:
        """The question's title and text, and what the count line says once deleted."""
        raise NotImplementedError

    def delete_work(self, row: R) -> Callable[[UnitOfWork], object]:
        raise NotImplementedError

    def count_text(self, listing: L) -> str:
        return self.tr("共 {0} 项").format(len(self.rows_of(listing)))

    def loaded(self) -> None:
        """After the rows are shown (a dialog fills its filters from ``listing``)."""

    # --- reading --------------------------------------------------------------------------------------

    def load(self) -> Task:
        """Read the list in the background; the rows are shown when they arrive."""
        db, query = self._db, self.reader()

        def work(_progress: Progress) -> L:
            with db.read() as s:
                return query(s)

        self.count_label.setText(self.tr("正在读取…"))
        task = self._runner.run(work, label=self.tr("正在读取{0}…").format(self.tr(self.noun)),
                                title=self.windowTitle(), show_progress=False)
        task.sig_finished.connect(lambda listing, t=task: self._ready(t, listing))
        task.sig_failed.connect(lambda _e: self.count_label.setText(self.tr("读取失败，请点“刷新”重试")))
        self.load_task = task
        return task

    def _ready(self, task: Task, listing: L) -> None:
        if task is not self.load_task:
            return  # an earlier read's answer
        selected = self.current_row()
        keep = self.row_id(selected) if selected is not None else None
        self.listing = listing
        self.rows = self.rows_of(listing)
        self.table.setRowCount(len(self.rows))
        for n, row in enumerate(self.rows):
            for column, value in enumerate(self.cells(row)):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(ID_ROLE, self.row_id(row))
                if len(value) > LONG_CELL:
                    item.setToolTip(value)
                self.table.setItem(n, column, item)
        self.count_label.setText(self.count_text(listing))
        self.loaded()
        if keep is not None:
            self.select_id(keep)
        self.update_actions()

    @property
    def loading(self) -> bool:
        return self.load_task is not None and self.load_task.running

    # --- selection ------------------------------------------------------------------------------------

    def current_row(self) -> R | None:
        model = self.table.selectionModel()
        selected = model.selectedRows() if model is not None else []
        if not selected:
            return None
        n = selected[0].row()
        return self.rows[n] if 0 <= n < len(self.rows) else None

    def select_id(self, record_id: int) -> bool:
        for n, row in enumerate(self.rows):
            if self.row_id(row) == record_id:
                self.table.selectRow(n)
                return True
        return False

    def update_actions(self) -> None:
        chosen = self.current_row() is not None
        idle = not (self.write_op is not None and self.write_op.running)
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen and idle)

    # --- writing --------------------------------------------------------------------------------------

    def _open(self, row: R | None) -> RecordForm[Any] | None:
        if self.form is not None:
            self.form.raise_()
            self.form.activateWindow()
            return None
        try:
            form = self.make_form(row)
        except DeskError as exc:  # deleted meanwhile
            messages.warn(self, self.tr("无法打开"), str(exc))
            self.load()
            return None
        if form is None:
            return None
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.sig_saved.connect(self._stored)
        form.finished.connect(lambda _r, f=form: self._form_closed(f))
        self.form = form
        form.open()
        return form

    def _form_closed(self, form: RecordForm[Any]) -> None:
        if self.form is form:
            self.form = None

    def _stored(self, record_id: int) -> None:
        task = self.load()
        task.sig_finished.connect(lambda _l: self.select_id(record_id))
        self.sig_changed.emit()

    def new_record(self) -> RecordForm[Any] | None:
        return self._open(None)

    def edit_current(self) -> RecordForm[Any] | None:
        row = self.current_row()
        return self._open(row) if row is not None else None

    def delete_current(self) -> WriteOp[Any] | None:
        """Delete the selected record (after asking), with the version the list read."""
        row = self.current_row()
        if row is None or (self.write_op is not None and self.write_op.running):
            return None
        title, question, done = self.delete_texts(row)
        if not messages.confirm(self, title, question, yes=self.tr("删除"), no=self.tr("取消")):
            return None
        op: WriteOp[Any] = WriteOp(self, self._runner, self._db, self._actor, self.delete_work(row),
                                   title=self.tr("无法删除"), disable=[self.delete_button])
        op.success(lambda _r: self._deleted(done))
        op.ended(self._delete_ended)
        self.write_op = op
        op.run()
        return op

    def _delete_ended(self, outcome: Outcome) -> None:
        if outcome not in (Outcome.SAVED, Outcome.CANCELLED):
            self.load()  # refused or stale: show what is stored now
        self.update_actions()

    def _deleted(self, done: str) -> None:
        self.load().sig_finished.connect(lambda _l: self.count_label.setText(
            f"{done}　{self.count_label.text()}"))
        self.sig_changed.emit()

    def fit(self, width: int, height: int) -> None:
        fit_to_screen(self, QSize(width, height))


def fixed_columns(table: QTableWidget, widths: dict[int, int]) -> None:
    """Columns of long text (names joined with 、) at a set width the user can drag; the tooltip tells
    all of a cell that does not fit."""
    header = table.horizontalHeader()
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(column, width)


# ---- campaigns

