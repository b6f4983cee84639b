"""Small shared pieces: reference choices for combo boxes, the search box, the 回收站 switch, and
marking a field as wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QWidget,
    QWidgetAction,
)

from models.core import reference
from models.core.database import Database
from models.core.reference import Choice

INDENT = "\u3000"  # ideographic space: indents child items in combo boxes
ERROR_STYLE = 'QWidget[error="true"] { border: 1px solid #D7263D; border-radius: 2px; }'


@dataclass(frozen=True)
class ReferenceChoices:
    """The reference lists a form or filter offers, loaded in one short read."""

    industries: list[Choice]
    risk_levels: list[Choice]
    regions: list[Choice]
    departments: list[Choice]

    @classmethod
    def load(cls, db: Database) -> ReferenceChoices:
        with db.read() as session:
            return cls(industries=reference.industries(session),
                       risk_levels=reference.risk_levels(session),
                       regions=reference.regions(session),
                       departments=reference.departments(session))

    def industry_ids_with_children(self, industry_id: int) -> tuple[int, ...]:
        """An industry and the industries under it (a top-level industry includes its children)."""
        return tuple(reference.subtree_ids(self.industries, industry_id))

    def region_ids_with_children(self, region_id: int) -> tuple[int, ...]:
        return tuple(reference.subtree_ids(self.regions, region_id))


W = TypeVar("W", bound=QWidget)
SEARCH_DELAY_MS = 250


def typed_widget(widgets: dict[str, QWidget], name: str, cls: type[W]) -> W:
    """A form's field widget by name, checked to be of the expected class."""
    widget = widgets[name]
    assert isinstance(widget, cls), f"{name} is a {type(widget).__name__}, not {cls.__name__}"
    return widget


class SearchBox(QLineEdit):
    """A search field that asks for a search once typing pauses, or at once on Return."""

    sig_search = Signal()
    """Run the search now (typing paused for ``delay_ms``, or Return pressed)."""

    def __init__(self, placeholder: str, parent: QWidget | None = None, *,
                 delay_ms: int = SEARCH_DELAY_MS) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.sig_search.emit)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._now)

    def _now(self) -> None:
        self._timer.stop()
        self.sig_search.emit()

    def cancel_pending(self) -> None:
        """The caller searched by itself: drop the search still waiting for the pause."""
        self._timer.stop()


class TrashButton(QPushButton):
    """A list page's 回收站 switch: while it is down the list shows what was deleted (to restore)."""

    STYLE = ("QPushButton#trashButton { padding: 3px 14px; }"
             "QPushButton#trashButton:checked { background: #FBE3E6; color: #9B1C2C;"
             " border: 1px solid #C0152F; border-radius: 3px; }")

    def __init__(self, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setObjectName("trashButton")
        self.setStyleSheet(self.STYLE)
        self.setToolTip(tip)
        self.toggled.connect(self._show_state)
        self._show_state(False)

    def _show_state(self, on: bool) -> None:
        tr = QCoreApplication.translate
        self.setText(tr("TrashButton", "回收站（点击返回）") if on else tr("TrashButton", "回收站"))


def add_trash_button(toolbar: QToolBar, tip: str) -> TrashButton:
    """The 回收站 switch at the right end of a page's toolbar."""
    spacer = QWidget(toolbar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    button = TrashButton(tip, toolbar)
    toolbar.addWidget(button)
    return button


def tidy_separators(toolbar: QToolBar) -> None:
    """After hiding actions: show a separator only between two groups that still show something
    (the widgets added with ``addWidget`` at the end, such as a spacer, close the last group)."""
    pending = None
    seen = False
    for action in toolbar.actions():
        if isinstance(action, QWidgetAction):
            break
        if action.isSeparator():
            action.setVisible(False)
            pending = action if seen else None
        elif action.isVisible():
            if pending is not None:
                pending.setVisible(True)
                pending = None
            seen = True


LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1


class IndentDelegate(QStyledItemDelegate):
    """Indents a combo box's popup items by their ``LEVEL_ROLE`` (the closed box shows the plain name)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        level = index.data(LEVEL_ROLE)
        if isinstance(level, int) and level > 0:
            option.text = INDENT * (2 * level) + option.text  # type: ignore[attr-defined]


def tree_items(choices: Iterable[Choice], top_level: int = 1) -> list[tuple[str, Any, int]]:
    """(name, id, depth) for a tree of choices (industries, regions)."""
    return [(c.name, c.id, max(0, c.level - top_level)) for c in choices]


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, Any] | tuple[str, Any, int]], *,
               first: tuple[str, Any] | None = None, keep: bool = True) -> None:
    """Replace the items of ``combo`` (text, data[, depth]); keep the selected data if still offered."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first[0], first[1])
    tree = False
    for item in items:
        combo.addItem(item[0], item[1])
        if len(item) > 2:
            combo.setItemData(combo.count() - 1, item[2], LEVEL_ROLE)
            tree = True
    if tree and not isinstance(combo.itemDelegate(), IndentDelegate):
        combo.setItemDelegate(IndentDelegate(combo))
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def colour_icon(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setPen(QColor(color).darker(130))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(0, 0, size - 1, size - 1, 2, 2)
    painter.end()
    return QIcon(pixmap)


def set_error(widget: QWidget, error: bool, message: str = "") -> None:
    """Mark ``widget`` as wrong (red border through ``ERROR_STYLE``) or clear the mark."""
    if bool(widget.property("error")) == error and widget.toolTip() == message:
        return
    widget.setProperty("error", error)
    widget.setToolTip(message)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
