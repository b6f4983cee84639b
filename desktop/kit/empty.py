"""Empty states: a list with no rows says why, and what to do, instead of showing a blank table.

``EmptyState(view, describe)`` lays a centred label over the view's viewport (under the header,
which stays visible) whenever the view's model has no rows; ``describe()`` is asked each time for
the title and the hint, so one list can say "回收站是空的", "没有符合条件的企业" or "还没有企业"
as the page's state is. The label lets mouse events through (the list's right-click menu still
works) and follows the viewport's size with an event filter on that one widget.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

Describe = Callable[[], tuple[str, str]]
"""Returns (title, hint) for the empty list; an empty title shows nothing."""

MARGIN = 24


class EmptyState(QLabel):
    """The text an empty list shows in place of its rows."""

    def __init__(self, view: QAbstractItemView, describe: Describe) -> None:
        super().__init__(view.viewport())
        self._view = view
        self._describe = describe
        self.title = ""
        self.hint = ""
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("QLabel#emptyState { color: #5A6570; background: transparent; }")
        self.hide()
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        model = view.model()
        assert model is not None, "set the view's model first"
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_state)
        self.update_state()

    @property
    def showing(self) -> bool:
        """Whether the list is empty and says so (also before the window is shown)."""
        return not self.isHidden()

    def update_state(self) -> None:
        """Show or hide the text for the model's row count now (call after the page's state changed,
        e.g. the 回收站 switch, when the rows stay the same)."""
        model = self._view.model()
        empty = model is not None and model.rowCount(self._view.rootIndex()) == 0
        self.title, self.hint = self._describe() if empty else ("", "")
        if not self.title:
            self.hide()
            return
        text = f'<p style="font-size: 15px; font-weight: bold;">{html.escape(self.title)}</p>'
        if self.hint:
            text += f"<p>{html.escape(self.hint)}</p>"
        self.setText(text)
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        area = self._viewport.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        self.setGeometry(area)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)
