"""A read-only table model over a paged query: a count and pages of rows, never the whole table, and
never read on the window thread.

``refresh()``, ``set_filter()`` and ``sort()`` start one background read on the task runner's read
pool (``TaskRunner.run``, never the writer thread): in one short ``with db.read()`` session the
count, the first page and the pages the view showed last (so a refresh after a save keeps the
user's place, and a new filter paints the same screen at once). The answer comes back on the window
thread by signal; only then is the model reset with the new count and rows, and ``sig_count_changed``
and ``sig_loaded`` are emitted. Until then the old rows stay on screen (``loading`` is True).

Every request gets a generation number; an answer for an older one is dropped. Requests made while a
read runs coalesce: at most one read runs and the latest request waits behind it, so a burst of
keystrokes costs two queries, not one per key. Code that must continue once the rows are there
(select the record just saved) passes a callback to ``after_load``.

``data()`` of a row whose page is not cached (the user scrolled) asks for that page once in the
background and shows nothing for it meanwhile; when it arrives ``dataChanged`` repaints those rows
(``sig_page_loaded``). The last few pages are kept in a small LRU cache. ``row_at`` returns cached
rows only. A read that fails keeps the rows shown and emits ``sig_failed`` (the list page says it in
Chinese). Sorting re-queries in SQL.

Subclasses say how to count and fetch, and list columns. ``read_context``, ``query_count`` and
``query_page`` run on a worker thread: they must use only their arguments and the session, never the
model's state; what they read for the window thread is handed over by ``use_context`` inside the reset.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from sqlalchemy.orm import Session

from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.progress import Progress

R = TypeVar("R")
F = TypeVar("F")

Index = QModelIndex | QPersistentModelIndex

KEEP_PAGES = 2
"""Pages the view showed last that a load fetches with the first page."""


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, how to show a row's value, and its SQL sort key (None: unsortable)."""

    title: str
    display: Callable[[R], Any]
    sort_key: str | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    width: int = 100
    tooltip: Callable[[R], str] | None = None


@dataclass(frozen=True)
class _Query(Generic[F]):
    """What one load asked for: the generation, filter and order."""

    generation: int
    flt: F
    sort: str
    descending: bool


@dataclass
class _Answer(Generic[R]):
    """A load's result, read on a worker thread."""

    generation: int
    count: int
    context: Any
    pages: dict[int, list[R]] = field(default_factory=dict)


class PagedTableModel(QAbstractTableModel, Generic[R, F]):
    sig_count_changed = Signal(int)
    """The number of rows for the current filter changed (after a reset)."""

    sig_loaded = Signal()
    """The rows of the latest refresh / filter / sort are shown (the model was reset with them; the
    ``after_load`` callbacks have run)."""

    sig_loading_changed = Signal(bool)
    """True when a load starts (the old rows stay shown), False when it ended (loaded or failed)."""

    sig_page_loaded = Signal(int)
    """A page the view asked for arrived in the background (its rows were repainted)."""

    sig_failed = Signal(object)
    """A read failed (the exception); the rows shown are kept."""

    def __init__(self, db: Database, flt: F, columns: list[Column[R]], *, runner: TaskRunner,
                 page_size: int = 100, cache_pages: int = 20, keep_pages: int = KEEP_PAGES, sort: str,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._filter = flt
        self.columns = columns
        self.page_size = page_size
        self.cache_pages = cache_pages
        self.keep_pages = keep_pages
        self._sort = sort
        self._descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[R]] = OrderedDict()
        self._recent: list[int] = []  # distinct pages the view painted last, the latest at the end
        self._loaded = False
        self._asked = 0  # generation of the latest request
        self._shown: _Query[F] | None = None  # what the rows on screen answer
        self._load: Task | None = None
        self._pending = False
        self._fetching: dict[int, Task] = {}  # page number → its background read (for the rows shown)
        self._failed_pages: set[int] = set()
        self._after: list[tuple[int, Callable[[], object]]] = []
        self._reads: dict[Task, tuple[_Query[F], int | None]] = {}  # running reads: what each answers
        self.fetches = 0
        """How many page queries ran (tests, diagnostics)."""
        self.loads = 0
        """How many loads (count and first pages) were started."""
        self.dropped = 0
        """Loads whose answer was dropped because a newer request was made meanwhile."""

    # --- what subclasses provide -------------------------------------------------------------------

    def read_context(self, session: Session, flt: F) -> Any:
        """What the rows need besides themselves, read with the count on the worker thread (a
        calendar, the day); handed to ``use_context`` on the window thread. None by default."""
        return None

    def use_context(self, context: Any) -> None:
        """Take ``read_context``'s answer (window thread, inside the reset)."""

    def query_count(self, session: Session, flt: F) -> int:
        raise NotImplementedError

    def query_page(self, session: Session, flt: F, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[R]:
        """Rows ``offset`` … of the list of ``total`` (the count: a page near the end is read from it)."""
        raise NotImplementedError

    def decorate(self, row: R, column: int, role: int) -> Any:
        """Extra roles (colours, fonts) for a cell; None for the default look."""
        return None

    # --- state -------------------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        return self._db

    @property
    def filter(self) -> F:
        """The filter asked for last (the rows shown answer it once ``loading`` is False)."""
        return self._filter

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def loaded(self) -> bool:
        """Rows (or an empty answer) were shown at least once."""
        return self._loaded

    @property
    def loading(self) -> bool:
        """A load runs or waits: the rows shown are not (yet) those of the latest request."""
        return self._load is not None or self._pending

    @property
    def fetching(self) -> bool:
        """A page the view asked for is being read."""
        return bool(self._fetching)

    def set_filter(self, flt: F) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Count again and fetch the first page and the pages on screen in the background (after a
        save, a delete, a new filter); the rows shown stay until the answer is there."""
        self._asked += 1
        if self._load is not None:
            self._pending = True  # the latest request waits; older waiting ones are forgotten
            return
        self._start_load()

    def after_load(self, fn: Callable[[], object]) -> None:
        """Call ``fn`` once the rows of the latest request are shown — at once when nothing is
        loading. Dropped when that load fails (the old rows stay)."""
        if not self.loading and self._loaded:
            fn()
            return
        self._after.append((self._asked, fn))

    def prefetch(self, row: int = 0) -> None:
        """Ask for the page holding ``row`` in the background (nothing when it is cached)."""
        if 0 <= row < self._count and (row // self.page_size) not in self._pages:
            self._fetch(row // self.page_size)

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self.columns) and self.columns[column].sort_key is not None

    def column_of(self, sort_key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.sort_key == sort_key:
                return i
        return -1

    def find_row(self, matches: Callable[[R], bool]) -> int:
        """The first row among the cached pages that ``matches``, or -1 (no query)."""
        for number in sorted(self._pages):
            for i, row in enumerate(self._pages[number]):
                if matches(row):
                    return number * self.page_size + i
        return -1

    def row_of_id(self, row_id: int) -> int:
        """The row showing the record ``row_id`` (rows with an ``id``) among the cached pages, or -1
        (no extra query)."""
        return self.find_row(lambda row: getattr(row, "id", None) == row_id)

    def cached_rows(self) -> list[R]:
        """The rows of the cached pages, in list order."""
        return [row for number in sorted(self._pages) for row in self._pages[number]]

    def row_at(self, row: int) -> R | None:
        """The row object shown at ``row`` when its page is cached, else None — and its page is
        asked for in the background (it is on screen, or was: the actions' current row)."""
        if not 0 <= row < self._count:
            return None
        number = row // self.page_size
        rows = self._pages.get(number)
        if rows is None:
            self._fetch(number)
            return None
        self._pages.move_to_end(number)
        offset = row % self.page_size
        return rows[offset] if offset < len(rows) else None

    # --- loading (window thread: start and receive; worker thread: ``work``) ---------------------------

    def _start_load(self) -> None:
        self._pending = False
        query = _Query(self._asked, self._filter, self._sort, self._descending)
        pages = [0, *(n for n in self._recent if n != 0)]
        size = self.page_size
        db = self._db

        def work(_progress: Progress) -> _Answer[R]:
            with db.read() as session:
                context = self.read_context(session, query.flt)
                count = self.query_count(session, query.flt)
                answer: _Answer[R] = _Answer(query.generation, count, context)
                for number in pages:
                    if number * size < count or number == 0:
                        answer.pages[number] = self.query_page(
                            session, query.flt, sort=query.sort, descending=query.descending,
                            offset=number * size, limit=size, total=count) if count else []
                return answer

        try:
            task = self._runner.run(work, label=self.tr("正在查询…"), show_progress=False, report_errors=False)
        except RuntimeError:  # the window is closing (its runner shut down): nothing more to show
            return
        was_loading = self.loading
        self._load = task
        self.loads += 1
        self._watch(task, query, None)
        if not was_loading:
            self.sig_loading_changed.emit(True)

    def _watch(self, task: Task, query: _Query[F], page: int | None) -> None:
        """Receive ``task``'s answer in the model's own methods, so Qt disconnects them when the model
        is deleted first (a page closed while its read runs)."""
        self._reads[task] = (query, page)
        task.sig_finished.connect(self._read_finished)
        task.sig_failed.connect(self._read_failed)

    @Slot(object)
    def _read_finished(self, value: Any) -> None:
        task = self.sender()
        if not isinstance(task, Task) or task not in self._reads:
            return
        query, page = self._reads.pop(task)
        if page is None:
            self._loaded_answer(task, query, value)
        else:
            self._page_arrived(task, query, page, value)

    @Slot(object)
    def _read_failed(self, exc: BaseException) -> None:
        task = self.sender()
        if not isinstance(task, Task) or task not in self._reads:
            return
        query, page = self._reads.pop(task)
        if page is None:
            self._load_failed(task, query, exc)
        else:
            self._page_failed(task, query, page, exc)

    def _loaded_answer(self, task: Task, query: _Query[F], answer: _Answer[R]) -> None:
        if task is not self._load:
            return
        self._load = None
        if self._pending or query.generation != self._asked:
            self.dropped += 1  # an older filter's rows: the newer request runs now
            self._start_load()
            return
        self.beginResetModel()
        self._count = answer.count
        self._pages = OrderedDict(sorted(answer.pages.items()))
        self._shown = query
        self._fetching.clear()
        self._failed_pages.clear()
        self._recent = [n for n in self._recent if n in self._pages]
        self.use_context(answer.context)
        self._loaded = True
        self.fetches += len(answer.pages) if answer.count else 0
        self.endResetModel()
        self.sig_loading_changed.emit(False)
        self.sig_count_changed.emit(self._count)
        self._run_after(query.generation, call=True)
        self.sig_loaded.emit()

    def _load_failed(self, task: Task, query: _Query[F], exc: BaseException) -> None:
        if task is not self._load:
            return
        self._load = None
        if self._pending:  # a newer request may well succeed: it runs now
            self._start_load()
            return
        self._run_after(query.generation, call=False)
        self.sig_loading_changed.emit(False)
        self.sig_failed.emit(exc)

    def _run_after(self, generation: int, *, call: bool) -> None:
        due = [fn for wanted, fn in self._after if wanted <= generation]
        self._after = [(wanted, fn) for wanted, fn in self._after if wanted > generation]
        if call:
            for fn in due:
                fn()

    def _fetch(self, number: int) -> None:
        """Read page ``number`` of the rows shown in the background (once)."""
        query = self._shown
        if query is None or number in self._fetching or number in self._failed_pages or number in self._pages:
            return
        size, total, db = self.page_size, self._count, self._db

        def work(_progress: Progress) -> list[R]:
            with db.read() as session:
                return self.query_page(session, query.flt, sort=query.sort, descending=query.descending,
                                       offset=number * size, limit=size, total=total)

        try:
            task = self._runner.run(work, label=self.tr("正在读取…"), show_progress=False, report_errors=False)
        except RuntimeError:  # the window is closing
            return
        self._fetching[number] = task
        self._watch(task, query, number)

    def _page_arrived(self, task: Task, query: _Query[F], number: int, rows: list[R]) -> None:
        if self._fetching.get(number) is not task or query is not self._shown:
            return  # the list was loaded again meanwhile
        del self._fetching[number]
        self.fetches += 1
        self._pages[number] = rows
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)
        first = number * self.page_size
        last = min(first + self.page_size, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))
        self.sig_page_loaded.emit(number)

    def _page_failed(self, task: Task, query: _Query[F], number: int, exc: BaseException) -> None:
        if self._fetching.get(number) is not task or query is not self._shown:
            return
        del self._fetching[number]
        self._failed_pages.add(number)  # not asked again until the list is loaded again
        self.sig_failed.emit(exc)

    def _touch(self, number: int) -> None:
        recent = self._recent
        if recent and recent[-1] == number:
            return
        if number in recent:
            recent.remove(number)
        recent.append(number)
        del recent[:-self.keep_pages]

    # --- QAbstractTableModel -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            self._touch(index.row() // self.page_size)
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.display(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        return self.decorate(row, index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].sort_key is None:
                return self.tr("此列不能排序")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and section >= 0:
            return section + 1
        return None

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Choose the SQL order without querying yet; False for a column that cannot sort."""
        if not self.is_sortable(column):
            return False
        key = self.columns[column].sort_key
        assert key is not None
        self._sort = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query sorted in SQL in the background; a column without a sort key leaves the order as it is."""
        if self.set_sort(column, order):
            self.refresh()
