"""打印预览: the exported PDF itself shown in the window (QPdfView), printed from the same pages.

What is previewed is exactly what prints and what is archived: the dialog holds the bytes of the
PDF the exporter made, shows them with ``QPdfView`` (page navigation, zoom, fit width / whole
page), prints by rendering those pages through the system print dialog, and saves the same bytes
with 另存为 PDF.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.windows import fit_to_screen
from exports.files import write_atomically
from models.core.errors import DeskError

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0


class PreviewDialog(QDialog):
    def __init__(self, pdf: bytes, title: str, *, file_name: str = "预案.pdf", notes: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印预览 — {0}").format(title))
        self.setSizeGripEnabled(True)
        self._bytes = pdf
        self._file_name = file_name
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.pageNavigator().currentPageChanged.connect(self._on_page_changed)

        self.prev_button = self._tool(self.tr("上一页"), self.previous_page, QKeySequence.StandardKey.MoveToPreviousPage)
        self.next_button = self._tool(self.tr("下一页"), self.next_page, QKeySequence.StandardKey.MoveToNextPage)
        self.page_box = QSpinBox(self)
        self.page_box.setRange(1, max(1, self.page_count))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to(n - 1))
        self.total_label = QLabel(self.tr("/ 共 {0} 页").format(self.page_count), self)
        self.zoom_out_button = self._tool(self.tr("缩小"), self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_button = self._tool(self.tr("放大"), self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.fit_width_button = self._tool(self.tr("适合宽度"), self.fit_width)
        self.fit_page_button = self._tool(self.tr("整页"), self.fit_page)
        for button in (self.fit_width_button, self.fit_page_button):
            button.setCheckable(True)  # the pressed button shows the zoom mode
        self.zoom_label = QLabel(self)  # the percentage of a custom zoom (empty in the fit modes)
        self.print_button = QPushButton(self.tr("打印…"), self)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button = QPushButton(self.tr("另存为 PDF…"), self)
        self.save_button.clicked.connect(self.save_as)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.accept)

        bar = QHBoxLayout()
        for w in (self.prev_button, self.next_button, QLabel(self.tr("第"), self), self.page_box, self.total_label):
            bar.addWidget(w)
        bar.addSpacing(16)
        for w in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button, self.fit_page_button,
                  self.zoom_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.print_button, self.save_button, close):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        if notes:
            note = QLabel("\n".join(notes), self)
            note.setWordWrap(True)
            note.setStyleSheet("color: #7A4B00; background: #FFF6DD; padding: 4px 8px;")
            layout.addWidget(note)
        layout.addWidget(self.view, 1)
        fit_to_screen(self, QSize(900, 1000))
        self._update_controls()

    def _tool(self, text: str, slot: object, key: QKeySequence.StandardKey | None = None) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.clicked.connect(slot)
        if key is not None:
            button.setShortcut(QKeySequence(key))
        return button

    # --- navigation and zoom ----------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        page = max(0, min(page, self.page_count - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update_controls()

    def next_page(self) -> None:
        self.go_to(self.current_page + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page - 1)

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))
        self._update_controls()

    def zoom_in(self) -> None:
        self._set_zoom(self.view.zoomFactor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.view.zoomFactor() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_controls()

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._update_controls()

    def _on_page_changed(self, _page: int) -> None:
        self._update_controls()

    def _update_controls(self) -> None:
        page = self.current_page
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count - 1)
        mode = self.view.zoomMode()
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        custom = mode == QPdfView.ZoomMode.Custom
        self.zoom_label.setText(f"{round(self.view.zoomFactor() * 100)}%" if custom else "")
        self.zoom_label.setVisible(custom)

    # --- print and save --------------------------------------------------------------------------------

    def print_dialog(self) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print the previewed pages (the printer's page range, else all) at the printer's resolution."""
        first, last = printer.fromPage(), printer.toPage()
        pages = range(first - 1, last) if first > 0 and last >= first else range(self.page_count)
        painter = QPainter()
        if not painter.begin(printer):
            messages.warn(self, self.tr("无法打印"), self.tr("打印机无法开始打印，请检查打印机设置。"))
            return False
        try:
            for n, index in enumerate(pages):
                if n:
                    printer.newPage()
                target = printer.pageLayout().paintRectPixels(printer.resolution())
                size = self.document.pagePointSize(index)
                scale = min(target.width() / size.width(), target.height() / size.height())
                pixels = QSize(round(size.width() * scale), round(size.height() * scale))
                image = self.document.render(index, pixels)
                painter.drawImage(QRect(0, 0, pixels.width(), pixels.height()), image)
        finally:
            painter.end()
        return True

    def save_as(self) -> Path | None:
        target, _ = QFileDialog.getSaveFileName(self, self.tr("另存为 PDF"), self._file_name,
                                                self.tr("PDF 文档 (*.pdf)"))
        if not target:
            return None
        try:
            write_atomically(Path(target), self._bytes)
        except DeskError as exc:
            messages.warn(self, self.tr("无法保存"), str(exc))
            return None
        return Path(target)
