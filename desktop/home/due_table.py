"""The home page's list of everything due (``models.modules.due_items``) as a table model — the
whole list is one background read (a city's few thousand rows), so sorting and filtering are done
here by a proxy, not in SQL: by severity, module and kind, enterprise, title, date and days."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from models.core.due import DueItem

Index = QModelIndex | QPersistentModelIndex
DANGER = QColor("#C0152F")
WARNING = QColor("#B35C00")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("紧急程度", "模块", "事项", "企业", "对象", "到期日", "剩余/逾期", "说明")


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
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (4, 7):
            return item.detail
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 6):
            return QBrush(DANGER if item.severity == "danger" else WARNING)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            if column == 0:
                return (item.severity != "danger", item.days if item.days is not None else 0)
            if column in (5, 6):
                return item.days if item.days is not None else 0
            return self.text(item, column)
        return None


class DueFilter(QSortFilterProxyModel):
    """Rows of one module (''), one severity (''), containing every word of ``text``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.module = ""
        self.severity = ""
        self.words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_filter(self, *, module: str, severity: str, text: str) -> None:
        self.module, self.severity, self.words = module, severity, text.split()
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, DueTableModel)
        item = model.item(source_row)
        if item is None:
            return False
        if (self.module and item.module != self.module) or (self.severity and item.severity != self.severity):
            return False
        haystack = f"{item.enterprise} {item.title} {item.detail} {item.kind_label}"
        return all(w in haystack for w in self.words)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
