"""A one-line label that cuts a long name with “…” instead of wrapping, keeping the rest whole.

``ElidedLabel.set_parts("预案体系：", name, "（9 个）")`` shows the three parts on one line; when
the line does not fit, only the middle part (the name) is shortened, so the count is never cut or
pushed onto a second line. ``text()`` is always the whole text, and the tooltip shows it while it
is shortened.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parts = ("", "", "")
        self.shown_text = ""
        """What is painted now (the text, or the text with its middle part shortened)."""
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_parts(text, "", "")

    def set_parts(self, start: str, middle: str, end: str) -> None:
        """Show ``start + middle + end``; when too long, ``middle`` is shortened (without a
        middle part, the end of the whole text)."""
        self._parts = (start, middle, end)
        super().setText(start + middle + end)
        self._elide()

    def setText(self, text: str) -> None:
        self.set_parts(text, "", "")

    def _elide(self) -> None:
        start, middle, end = self._parts
        metrics = self.fontMetrics()
        width = self.contentsRect().width()
        whole = start + middle + end
        if metrics.horizontalAdvance(whole) <= width:
            shown = whole
        elif middle:
            room = width - metrics.horizontalAdvance(start + end)
            cut = metrics.elidedText(middle, Qt.TextElideMode.ElideRight, max(room, 0))
            shown = start + (cut or ELLIPSIS) + end  # never silently without the name
            if metrics.horizontalAdvance(shown) > width:  # not even the fixed parts fit
                shown = metrics.elidedText(whole, Qt.TextElideMode.ElideRight, width)
        else:
            shown = metrics.elidedText(whole, Qt.TextElideMode.ElideRight, width)
        self.shown_text = shown
        self.setToolTip(whole if shown != whole else "")
        self.update()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance(self.text()) + margins.left() + margins.right() + 2,
                     hint.height())

    def minimumSizeHint(self) -> QSize:
        start, _middle, end = self._parts
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(start + ELLIPSIS + end) + margins.left() + margins.right()
        return QSize(min(width, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), self.shown_text)
        painter.end()
