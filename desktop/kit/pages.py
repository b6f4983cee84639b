"""What every module page of the main window offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.kit.settings import Settings

if TYPE_CHECKING:
    from desktop.kit.columns import ColumnFit
    from desktop.kit.sorting import HeaderSorting


class Page(QWidget):
    """A module page. It loads nothing until it is first shown (``activate``), so start-up only
    queries what the first visible page needs; pages shown later refresh when data changed."""

    key = "page"
    """Stable identifier (settings, navigation)."""

    sig_status = Signal(str)
    """A short message for the status bar."""

    sig_data_changed = Signal()
    """This page changed stored data; the other pages should refresh when next shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._activated = False
        self._stale = False
        self.sorting: HeaderSorting | None = None
        """A list page's header sorting; its header (widths, order, sort) is saved under ``key``."""
        self.columns: ColumnFit | None = None
        """A list page's column widths (fitted to the content, except those the user set)."""

    @property
    def title(self) -> str:
        raise NotImplementedError

    @property
    def activated(self) -> bool:
        return self._activated

    def activate(self) -> None:
        """Called whenever the page becomes visible: load on first use, reload if stale."""
        if not self._activated:
            self._activated = True
            self.load()
        elif self._stale:
            self.refresh()
        self._stale = False

    def mark_stale(self) -> None:
        """Data changed elsewhere: refresh now if visible, else when next shown."""
        if self._activated and self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def load(self) -> None:
        """First load (reference lists, first page of rows)."""
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError

    def save_state(self, settings: Settings) -> None:
        """Remember view state (column widths, sort…) when the window closes."""
        if self.sorting is not None and self._activated:  # never shown: nothing was restored either
            settings.set_header_state(self.key, self.sorting.save_state())
            if self.columns is not None:
                settings.set_user_sized_columns(self.key, self.columns.save_user_sized())

    def restore_state(self, settings: Settings) -> None:
        """Bring back what ``save_state`` remembered (call before the first query)."""
        if self.sorting is None:
            return
        if self.columns is None:
            self.sorting.restore_state(settings.header_state(self.key))
            return
        with self.columns.programmatic():  # the saved widths are not new ones the user set
            self.sorting.restore_state(settings.header_state(self.key))
        self.columns.restore_user_sized(settings.user_sized_columns(self.key))
