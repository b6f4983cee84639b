"""The home page's list of everything due (``models.modules.due_items``) as a table model — the
whole list is one background read (a city's few thousand rows), so sorting and filtering are done
here by a proxy, not in SQL: by module, severity, the window (7 / 30 / 90 days; overdue and undated
items always), a KPI card's group, what became overdue since a day, and the words of the search box;
sorted by severity, module and kind, enterprise, title, date and days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from models.core.due import DueItem, in_window

Index = QModelIndex | QPersistentModelIndex
DANGER = QColor("#C0152F")
WARNING = QColor("#B35C00")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("紧急程度", "模块", "事项", "企业", "对象", "到期日", "剩余/逾期", "说明")
NO_DATE = -(10**6)
"""The sort value of “现在” (no date: due now) in the date column: before every dated item."""


class DueTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[DueItem] = []

    def set_items(self, items: list[DueItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return self.tr(COLUMNS[section])
        return None

    def item(self, row: int) -> DueItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    @staticmethod
    def text(item: DueItem, column: int) -> str:
        return (item.severity_label, item.module_label, item.kind_label, item.enterprise or "—", item.title,
                item.due_on.isoformat() if item.due_on else "—", item.when_text, item.detail)[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None or not 0 <= index.column() < len(COLUMNS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (3, 4, 7):
            return item.detail
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 6):
            return QBrush(DANGER if item.severity == "danger" else WARNING)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ITEM_ROLE:
            return item
        if role == SORT_ROLE:
            days = item.days if item.days is not None else 0
            if column == 0:
                return (0 if item.severity == "danger" else 1, days)
            if column == 5:  # by date: no date is “now”, first
                return item.due_on.toordinal() if item.due_on else NO_DATE
            if column == 6:
                return days
            return self.text(item, column)
        return None


class DueFilter(QSortFilterProxyModel):
    """Rows of one module (''), one severity (''), within ``within`` days of ``as_of`` (None: all read),
    of one card's group (``group``: a predicate, None: all), newly overdue since ``since`` (None: any),
    containing every word of the search text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.module = ""
        self.severity = ""
        self.within: int | None = None
        self.as_of: date | None = None
        self.group: Callable[[DueItem], bool] | None = None
        self.since: date | None = None
        self.words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_filter(self, *, module: str = "", severity: str = "", text: str = "", within: int | None = None,
                   as_of: date | None = None, group: Callable[[DueItem], bool] | None = None,
                   since: date | None = None) -> None:
        self.beginFilterChange()
        self.module, self.severity, self.words = module, severity, text.lower().split()
        self.within, self.as_of, self.group, self.since = within, as_of, group, since
        self.endFilterChange()

    def accepts(self, item: DueItem) -> bool:
        if (self.module and item.module != self.module) or (self.severity and item.severity != self.severity):
            return False
        if self.within is not None and self.as_of is not None and not in_window(item.due_on, self.as_of, self.within):
            return False
        if self.group is not None and not self.group(item):
            return False
        if self.since is not None and not (item.overdue and item.due_on is not None and item.due_on > self.since):
            return False
        if not self.words:
            return True
        haystack = " ".join((item.module_label, item.kind_label, item.enterprise, item.title, item.detail,
                             item.when_text)).lower()
        return all(w in haystack for w in self.words)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, DueTableModel)
        item = model.item(source_row)
        return item is not None and self.accepts(item)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def item_at(self, row: int) -> DueItem | None:
        """The item of a row as shown (filtered and sorted)."""
        value = self.index(row, 0).data(ITEM_ROLE) if 0 <= row < self.rowCount() else None
        return value if isinstance(value, DueItem) else None

    def shown(self) -> list[DueItem]:
        """The items as shown, top to bottom."""
        return [item for item in (self.item_at(r) for r in range(self.rowCount())) if item is not None]
