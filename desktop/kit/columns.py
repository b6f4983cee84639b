"""Column widths for the lists: sized to what they show, the long text column taking the room left.

``ColumnFit(view, stretch=…)`` sizes every visible column of a table view to its content (the
header and the rows of the first page, never a query for more), within the column's minimum and
maximum, and gives the ``stretch`` column (the name or title) the width the others leave, never
less than ``stretch_minimum``. The rows are measured once, when the first rows arrive (before that a
reset fits the headers), and again only when the user asks (恢复默认列宽): a search or a filter
that resets the rows does not measure or move a column (``measured`` counts the measurements).
Columns shown or hidden are fitted from what was measured (``fit``), the stretch column follows
the view's width.

A column the user resized keeps the user's width from then on (``user_sized``; the page saves it
with the header state, so widths and order come back next time), until 恢复默认列宽 in the
header's context menu. Sections can be dragged to another place; that order is kept the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QMenu, QStyle, QTableView

SAMPLE_ROWS = 100
"""Rows measured for a column's content width (the first page the list already fetched)."""


class ColumnFit(QObject):
    sig_reset = Signal()
    """The user asked for the default widths and order again (恢复默认列宽)."""

    def __init__(self, view: QTableView, *, stretch: int, stretch_minimum: int = 160,
                 minimum: Mapping[int, int] | None = None, maximum: Mapping[int, int] | None = None,
                 sortable: Callable[[int], bool] | None = None, sample_rows: int = SAMPLE_ROWS) -> None:
        """``sortable``: whether a column can sort; a column that cannot never shows the sort
        indicator, so its header needs no room for it."""
        super().__init__(view)
        self._view = view
        self.stretch = stretch
        self.stretch_minimum = stretch_minimum
        self.minimum = dict(minimum or {})
        self.maximum = dict(maximum or {})
        self.sample_rows = sample_rows
        self._sortable = sortable
        self.user_sized: set[int] = set()
        """Columns whose width the user set (they are not fitted any more)."""
        self._content: dict[int, int] = {}
        self.fitted = False
        """The columns were measured from rows (the first rows the model showed, or 恢复默认列宽)."""
        self.measured = 0
        """How many times a column's content was measured (tests, diagnostics)."""
        self._own = 0  # > 0 while the widths are set from here (not by the user)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._on_section_resized)
        model = view.model()
        assert model is not None, "set the view's model first"
        model.modelReset.connect(self._on_reset)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)  # resizes of this one widget: the stretch column follows

    @contextmanager
    def programmatic(self) -> Iterator[None]:
        """Width changes inside are not the user's (restoring a saved header, hiding columns)."""
        self._own += 1
        try:
            yield
        finally:
            self._own -= 1

    # --- measuring ---------------------------------------------------------------------------------

    def content_width(self, column: int) -> int:
        """What ``column`` needs: its header, and the widest of the first ``sample_rows`` rows."""
        view = self._view
        model = view.model()
        header = view.horizontalHeader()
        width = header.sectionSizeHint(column)
        if header.isSortIndicatorShown() and self._sortable is not None and not self._sortable(column):
            style = header.style()
            width -= (style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
                      + style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header))
        self.measured += 1
        grid = 1 if view.showGrid() else 0
        for row in range(min(model.rowCount(), self.sample_rows)):
            width = max(width, view.sizeHintForIndex(model.index(row, column)).width() + grid)
        return width

    def wanted_width(self, column: int) -> int:
        """The content width within the column's minimum and maximum."""
        if column not in self._content:
            self._content[column] = self.content_width(column)
        width = max(self._content[column], self.minimum.get(column, 0))
        cap = self.maximum.get(column)
        return min(width, cap) if cap else width

    # --- fitting -------------------------------------------------------------------------------------

    def _on_reset(self) -> None:
        """New rows: the first ones are measured; after that the widths stay as they are."""
        if not self.fitted:
            self.refit()

    def refit(self) -> None:
        """Measure the rows shown now and fit every column the user did not size."""
        self._content.clear()
        self.fit()
        if self._view.model().rowCount() > 0:
            self.fitted = True

    def fit(self) -> None:
        view = self._view
        columns = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]
        with self.programmatic():
            for column in columns:
                if column != self.stretch and column not in self.user_sized:
                    view.setColumnWidth(column, self.wanted_width(column))
        self.fit_stretch()

    def fit_stretch(self) -> None:
        """The stretch column takes the width the others leave (at least ``stretch_minimum``)."""
        view = self._view
        if self.stretch in self.user_sized or view.isColumnHidden(self.stretch):
            return
        others = sum(view.columnWidth(c) for c in range(view.model().columnCount())
                     if c != self.stretch and not view.isColumnHidden(c))
        room = view.viewport().width() - others
        with self.programmatic():
            view.setColumnWidth(self.stretch, max(self.stretch_minimum, room))

    def reset(self) -> None:
        """恢复默认列宽: forget the user's widths and order, fit again."""
        header = self._view.horizontalHeader()
        self.user_sized.clear()
        with self.programmatic():
            for logical in range(header.count()):
                visual = header.visualIndex(logical)
                if visual != logical:
                    header.moveSection(visual, logical)
        self.refit()
        self.sig_reset.emit()

    # --- the user's widths ---------------------------------------------------------------------------

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._own:
            self.user_sized.add(column)
            if column != self.stretch:
                self.fit_stretch()

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.build_header_menu()
        menu.exec(self._view.horizontalHeader().viewport().mapToGlobal(pos))
        menu.deleteLater()

    def build_header_menu(self) -> QMenu:
        menu = QMenu(self._view)
        action = menu.addAction(self.tr("恢复默认列宽和顺序"))
        action.setToolTip(self.tr("各列按内容重新排宽，并回到原来的顺序"))
        action.triggered.connect(self.reset)
        return menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self.fit_stretch()
        return super().eventFilter(watched, event)

    # --- settings --------------------------------------------------------------------------------

    def save_user_sized(self) -> list[int]:
        return sorted(self.user_sized)

    def restore_user_sized(self, columns: list[int]) -> None:
        count = self._view.model().columnCount()
        self.user_sized = {c for c in columns if 0 <= c < count}
