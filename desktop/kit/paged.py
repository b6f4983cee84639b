"""A read-only table model over a paged query: a count and pages of rows, never the whole table.

``rowCount`` is the count for the current filter; ``data`` fetches the page a row falls in on
demand (each fetch one short ``with db.read()`` session) and keeps the last few pages in a small
LRU cache. Sorting re-queries in SQL. Subclasses say how to count and fetch, and list columns.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from sqlalchemy.orm import Session

from models.core.database import Database

R = TypeVar("R")
F = TypeVar("F")

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, how to show a row's value, and its SQL sort key (None: unsortable)."""

    title: str
    display: Callable[[R], Any]
    sort_key: str | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    width: int = 100
    tooltip: Callable[[R], str] | None = None


class PagedTableModel(QAbstractTableModel, Generic[R, F]):
    sig_count_changed = Signal(int)
    """The number of rows for the current filter changed (after a reset)."""

    def __init__(self, db: Database, flt: F, columns: list[Column[R]], *, page_size: int = 100,
                 cache_pages: int = 20, sort: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = flt
        self.columns = columns
        self.page_size = page_size
        self.cache_pages = cache_pages
        self._sort = sort
        self._descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[R]] = OrderedDict()
        self.fetches = 0  # how many page queries ran (tests, diagnostics)
        self._loaded = False

    # --- what subclasses provide -------------------------------------------------------------------

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
        return self._filter

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def loaded(self) -> bool:
        return self._loaded

    def set_filter(self, flt: F) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Count again and forget cached pages (after a save, a delete, a new filter)."""
        self.beginResetModel()
        self._pages.clear()
        with self._db.read() as session:
            self._count = self.query_count(session, self._filter)
        self._loaded = True
        self.endResetModel()
        self.sig_count_changed.emit(self._count)

    def prefetch(self, row: int = 0) -> None:
        """Load the page holding ``row`` now (so the first screen paints from the cache)."""
        if 0 <= row < self._count:
            self._page_of(row)

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self.columns) and self.columns[column].sort_key is not None

    def column_of(self, sort_key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.sort_key == sort_key:
                return i
        return -1

    def row_of_id(self, row_id: int) -> int:
        """The row showing the record ``row_id`` (rows with an ``id``) among the cached pages, or -1
        (no extra query)."""
        for number, rows in self._pages.items():
            for i, row in enumerate(rows):
                if getattr(row, "id", None) == row_id:
                    return number * self.page_size + i
        return -1

    def row_at(self, row: int) -> R | None:
        """The row object shown at ``row`` (fetching its page if needed); None when out of range."""
        if not 0 <= row < self._count:
            return None
        rows = self._page_of(row)
        offset = row % self.page_size
        return rows[offset] if offset < len(rows) else None

    def _page_of(self, row: int) -> list[R]:
        number = row // self.page_size
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        with self._db.read() as session:
            rows = self.query_page(session, self._filter, sort=self._sort, descending=self._descending,
                                   offset=number * self.page_size, limit=self.page_size, total=self._count)
        self.fetches += 1
        self._pages[number] = rows
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)
        return rows

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
        """Re-query sorted in SQL; a column without a sort key leaves the order as it is."""
        if self.set_sort(column, order):
            self.refresh()
