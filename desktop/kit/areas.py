"""Scroll areas that keep a form readable when it grows (errors shown under the fields, a long
error list above them) instead of squeezing its fields and tables.

``BannerArea(label, max_lines=4)`` holds a word-wrapped ``QLabel`` (an error list above a form)
in a frameless scroll area. The area shows and hides with the label (the form keeps calling
``label.show()`` / ``label.hide()``), is exactly as tall as the label's text up to ``max_lines``
lines, and scrolls the rest, so a long list of errors leaves the fields and tables below where
they were.

``FormArea(content)`` holds the fields of a form: as tall as they want when there is room, and
when there is not (a message under every field), the fields keep their height and scroll, rather
than being pressed flat, and the dialog does not grow past the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QSizePolicy, QWidget


class BannerArea(QScrollArea):
    def __init__(self, label: QLabel, parent: QWidget | None = None, *, max_lines: int = 4) -> None:
        super().__init__(parent)
        self.label = label
        self.max_lines = max_lines
        self.setObjectName("bannerArea")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        label.setWordWrap(True)
        self.setWidget(label)
        self.setVisible(not label.isHidden())
        label.installEventFilter(self)

    @property
    def max_height(self) -> int:
        """The tallest the banner gets: ``max_lines`` lines of its text and the label's padding."""
        label = self.label
        label.ensurePolished()  # the style sheet's border and padding are the contents margins
        margins = label.contentsMargins()
        return self.max_lines * label.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def content_height(self) -> int:
        """How tall the label's text is at the banner's current width."""
        width = self.viewport().width() if self.isVisible() else self.width()
        width = max(width, 100)
        label = self.label
        height = label.heightForWidth(width) if label.hasHeightForWidth() else label.sizeHint().height()
        return max(height, 0)  # an emptied label has no height for a width (-1)

    def fit(self) -> None:
        """Be as tall as the text, at most ``max_height`` (then the text scrolls)."""
        height = min(self.content_height(), self.max_height)
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)
        needs = self.content_height() > self.max_height
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if needs
                                        else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.label:
            kind = event.type()
            if kind == QEvent.Type.ShowToParent:
                self.show()
                self.fit()
                self.verticalScrollBar().setValue(0)
            elif kind == QEvent.Type.HideToParent:
                self.hide()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


class FormArea(QScrollArea):
    """The fields of a form in a frameless scroll area that scrolls instead of squeezing them."""

    MIN_HEIGHT = 160

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formArea")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # never shorter than it wants: the area scrolls instead
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setWidget(content)
        content.installEventFilter(self)  # its size hint changes with the messages shown in it
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field that gets the focus (the first wrong one after 保存) is scrolled into view."""
        content = self.widget()
        if new is not None and content is not None and content.isAncestorOf(new):
            self.ensureWidgetVisible(new, 8, 8)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a scroll area does not pass its content's new size on by itself
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        """All of the content (QScrollArea's own hint stops at about 24 lines of text)."""
        content = self.widget()
        hint = content.sizeHint() if content is not None else QSize(0, 0)
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame, hint.height() + frame)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(hint.width(), min(hint.height(), self.MIN_HEIGHT))
