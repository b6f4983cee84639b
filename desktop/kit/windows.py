"""Window sizes that fit: a dialog opens no larger than the room it has.

Staff work on 1280 × 800 screens; a dialog sized for a large monitor (or a size remembered on
one) would open with its buttons off screen. ``fit_size`` clamps a wanted size to the available
area of the screen the window opens on and, for a dialog with a parent, to the parent's window
(the main window); ``fit_to_screen`` resizes to it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def available_room(widget: QWidget) -> QSize:
    """The largest size ``widget`` (a window) may have: the available screen area, less the
    window frame, and no larger than its parent's window."""
    parent = widget.parentWidget()
    owner = parent.window() if parent is not None else None
    screen = (owner or widget).screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(1280, 800)
    frame = _frame_allowance(owner or widget)
    room = QSize(room.width() - frame.width(), room.height() - frame.height())
    if owner is not None and owner.isVisible():
        room = room.boundedTo(owner.geometry().size())
    return room


def fit_size(widget: QWidget, wanted: QSize) -> QSize:
    """``wanted`` clamped to ``available_room`` (never below 1 × 1)."""
    size = wanted.boundedTo(available_room(widget))
    return QSize(max(size.width(), 1), max(size.height(), 1))


def fit_to_screen(widget: QWidget, wanted: QSize) -> QSize:
    """Resize ``widget`` to ``wanted`` as far as it fits (see ``fit_size``); returns the size set."""
    size = fit_size(widget, wanted)
    widget.resize(size)
    return size


def clamp_geometry(widget: QWidget) -> None:
    """Bring a window whose restored geometry does not fit back onto its screen's available area
    (a size remembered on a larger monitor, or a monitor since removed)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = _frame_allowance(widget)
    size = widget.size().boundedTo(QSize(area.width() - frame.width(), area.height() - frame.height()))
    if size != widget.size():
        widget.resize(size)
    rect = QRect(widget.pos(), widget.frameGeometry().size())
    if not area.contains(rect):
        x = min(max(rect.x(), area.x()), area.right() + 1 - rect.width())
        y = min(max(rect.y(), area.y()), area.bottom() + 1 - rect.height())
        widget.move(max(x, area.x()), max(y, area.y()))


def _frame_allowance(window: QWidget) -> QSize:
    """The size of a window's frame (title bar, borders) as far as it is known (0 before the
    window was first shown, and on platforms without decorations)."""
    frame = window.frameGeometry().size()
    inner = window.geometry().size()
    return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))
