"""Header-click sorting for the paged lists: the click picks the SQL order, never a sort in Python.

``HeaderSorting(view, model)`` gives the view a ``SortHeader`` and keeps the model's order, the
header's sort indicator and the saved header state in step; the rows are read again in the
background, and once they are there (``sig_sorted``) the selected record stays selected when it is
among the pages read (the first, and those on screen). A column without a SQL sort key
(``Column.sort_key`` None, e.g. deadlines computed per row in Python) does not react to a click
at all; its header says so in a tooltip (``PagedTableModel.headerData``). The enterprise and the
plan lists share it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QWidget

from desktop.kit.paged import PagedTableModel


class SortHeader(QHeaderView):
    """A horizontal header whose unsortable sections ignore clicks (their edges still resize)."""

    def __init__(self, sortable: Callable[[int], bool], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._sortable = sortable

    def clickable_at(self, x: int) -> bool:
        """Whether a press at viewport position ``x`` may sort (a section edge always resizes)."""
        section = self.logicalIndexAt(x)
        if section < 0 or self._sortable(section):
            return True
        start = self.sectionViewportPosition(section)
        grip = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderGripMargin, None, self)
        return x < start + grip or x > start + self.sectionSize(section) - grip

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.clickable_at(int(event.position().x())):
            super().mousePressEvent(event)
        else:
            event.accept()  # swallowed: no pressed look, no sort indicator change


class HeaderSorting(QObject):
    """Keeps a ``PagedTableModel``'s SQL order and its view's sort indicator in step."""

    sig_sorted = Signal()
    """The list was sorted again (the rows in the new order are shown)."""

    sig_status = Signal(str)
    """A short message for the status bar (a column that cannot sort was asked to)."""

    def __init__(self, view: QTableView, model: PagedTableModel[Any, Any], *,
                 order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._column = max(model.column_of(model.sort_key), 0)
        self._order = order
        self._own_change = False
        header = SortHeader(model.is_sortable, view)
        view.setHorizontalHeader(header)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        model.set_sort(self._column, order)
        self._set_indicator(self._column, order)
        header.sortIndicatorChanged.connect(self._on_indicator)

    @property
    def header(self) -> QHeaderView:
        return self._view.horizontalHeader()

    @property
    def column(self) -> int:
        return self._column

    @property
    def order(self) -> Qt.SortOrder:
        return self._order

    def _set_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self._own_change = True
        try:
            self.header.setSortIndicator(column, order)
        finally:
            self._own_change = False

    def _on_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if self._own_change:
            return
        if not self._model.is_sortable(column):  # e.g. set from code or the keyboard: put it back
            self._set_indicator(self._column, self._order)
            if 0 <= column < len(self._model.columns):
                self.sig_status.emit(self.tr("“{0}”列不能排序").format(self._model.columns[column].title))
            return
        self._column, self._order = column, order
        current = self._view.currentIndex()
        kept = getattr(self._model.row_at(current.row()), "id", None) if current.isValid() else None
        self._model.sort(column, order)
        self._model.after_load(lambda: self._sorted(kept, max(current.column(), 0)))

    def _sorted(self, kept: int | None, column: int) -> None:
        """The rows in the new order are there: the selected record stays selected if it is among them."""
        if kept is not None:
            row = self._model.row_of_id(kept)
            if row >= 0:
                index = self._model.index(row, column)
                self._view.setCurrentIndex(index)
                self._view.selectRow(row)
                self._view.scrollTo(index)
        self.sig_sorted.emit()

    def save_state(self) -> QByteArray:
        """Column widths and order, and the sort, for the settings."""
        return self.header.saveState()

    def restore_state(self, state: QByteArray | None) -> None:
        """Bring back a saved header (without querying); a sort that no longer exists is dropped."""
        if state is None:
            return
        self._own_change = True
        try:
            ok = self.header.restoreState(state)
        finally:
            self._own_change = False
        column, order = self.header.sortIndicatorSection(), self.header.sortIndicatorOrder()
        if ok and self._model.set_sort(column, order):
            self._column, self._order = column, order
        else:
            self._set_indicator(self._column, self._order)
