"""What every module page of the main window offers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.settings import Settings


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
        """Remember view state (column widths…) when the window closes."""
