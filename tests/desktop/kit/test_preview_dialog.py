"""打印预览: the PDF's own pages, navigation, zoom, print through a printer, save the same bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from desktop.kit import preview as pd


def pdf_bytes(pages: int = 3) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    for n in range(pages):
        c.setFont("Helvetica", 40)
        c.drawString(100, 700, f"Page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def dialog(qtbot):
    dlg = pd.PreviewDialog(pdf_bytes(), "液氯泄漏专项应急预案", file_name="ZX-01_V1.0.pdf",
                           notes=["打印前检查：尚未批准"])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.page_count == 3)
    return dlg


def test_navigation_and_zoom(dialog) -> None:
    assert dialog.total_label.text() == "/ 共 3 页" and dialog.current_page == 0
    assert not dialog.prev_button.isEnabled() and dialog.next_button.isEnabled()
    dialog.next_page()
    dialog.next_page()
    assert dialog.current_page == 2 and dialog.page_box.value() == 3 and not dialog.next_button.isEnabled()
    dialog.next_page()  # stays on the last page
    assert dialog.current_page == 2
    dialog.page_box.setValue(1)
    assert dialog.current_page == 0
    # the zoom mode shows as the pressed button, never again as a label beside it
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth and dialog.fit_width_button.isChecked()
    assert not dialog.fit_page_button.isChecked() and dialog.zoom_label.isHidden()
    dialog.zoom_in()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom and dialog.zoom_label.text() == "125%"
    assert dialog.zoom_label.isVisible() and not dialog.fit_width_button.isChecked()
    for _ in range(20):
        dialog.zoom_in()
    assert dialog.view.zoomFactor() == pd.MAX_ZOOM
    dialog.fit_page()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView and dialog.fit_page_button.isChecked()
    assert dialog.zoom_label.isHidden()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    assert "适合宽度" not in texts and "整页" not in texts


def test_preview_opens_within_the_main_window(qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow

    main = QMainWindow()
    qtbot.addWidget(main)
    main.resize(760, 560)
    main.show()
    dlg = pd.PreviewDialog(pdf_bytes(1), "预案", parent=main)
    dlg.show()
    room = main.geometry().size().boundedTo(main.screen().availableGeometry().size())
    assert dlg.width() <= room.width() and dlg.height() <= room.height()  # it asked for 900 × 1000


def test_prints_exactly_the_previewed_pages(dialog, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 3
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setFromTo(2, 3)
    assert dialog.print_to(printer)
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2


def test_save_as_writes_the_same_bytes(dialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "副本.pdf"
    monkeypatch.setattr(pd.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert dialog.save_as() == target and target.read_bytes() == dialog._bytes
    monkeypatch.setattr(pd.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "无此目录" / "x.pdf"), ""))
    assert dialog.save_as() is None
