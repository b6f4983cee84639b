"""Small widgets the pages share: the search box, the 回收站 switch, tidy toolbars and the read-only
tables of a record's parts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QToolBar,
    QWidget,
    QWidgetAction,
)

SEARCH_DELAY_MS = 250


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


def record_table(parent: QWidget, name: str, headers: Sequence[str], *, stretch: int) -> QTableWidget:
    """A read-only table of a record's parts under a list (a batch's movements, a team's members):
    whole rows selected, columns fitted to their contents but ``stretch``, which takes the rest."""
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
