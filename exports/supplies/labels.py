"""Supplies labels on A4 label sheets (PDF): per label the item, spec, code, batch and expiry as
text, and the scanner's code — a QR code (``Label.payload``) or a Code 128 bar code
(``Label.short``) — drawn with reportlab's own barcode widgets.

The sheets are the common pre-cut A4 sheets (``SHEETS``: 3 × 8 labels of 70 × 37 mm, 2 × 7 of
99.1 × 38.1 mm), printed at 100 % (no "fit to page"). Text is drawn with the fonts of
``exports.fonts`` by role through the generic PDF renderer's glyph fallback
(``PdfRenderer.draw_text``); a line too long for the label is drawn smaller, down to a floor, then
cut with "…". The file is deterministic (reportlab's invariant mode, the creation date given).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.layout import DocumentInfo
from exports.pdf import APP_TITLE, PdfRenderer, pdf_date
from exports.styles import MM, load_style
from models.core.errors import DeskError
from plans.supplies.labels import Label

Symbology = Literal["qr", "code128"]
PAD = 2.5 * MM
MIN_SIZE = 5.5  # points: the smallest text a label is printed in


@dataclass(frozen=True)
class LabelSheet:
    """A pre-cut A4 label sheet: label size, columns × rows, the first label's offset, the gaps."""

    key: str
    name: str
    width_mm: float
    height_mm: float
    columns: int
    rows: int
    left_mm: float
    top_mm: float
    gap_x_mm: float = 0.0
    gap_y_mm: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


SHEETS: dict[str, LabelSheet] = {
    "3x8": LabelSheet("3x8", "A4 24 枚（70 × 37 mm）", 70, 37, 3, 8, 0, 0.5),
    "2x7": LabelSheet("2x7", "A4 14 枚（99.1 × 38.1 mm）", 99.1, 38.1, 2, 7, 4.65, 15.15, 2.5, 0),
}
A4 = (210 * MM, 297 * MM)


class LabelError(DeskError):
    """Nothing to print (no labels), or a sheet that is not known."""


class _Text(PdfRenderer):
    """The generic renderer's fonts and glyph fallback, for text drawn straight on the canvas."""

    def story(self) -> list:  # type: ignore[type-arg]  # never laid out as a story
        return []


def render_labels(labels: Sequence[Label], target: Path | BinaryIO, *, symbology: Symbology = "qr",
                  sheet: str = "3x8", skip: int = 0, outline: bool = False, created: datetime | None = None,
                  fonts: FontSet | None = None) -> int:
    """Draw ``labels`` on label sheets into the PDF ``target``; returns the page count. ``skip``
    leaves that many labels of the first sheet blank (a sheet already partly used); ``outline``
    draws each label's edge in light grey (for plain paper, to cut)."""
    if not labels:
        raise LabelError("没有可打印的标签（所选范围内没有物资批次或库存）。")
    layout = SHEETS.get(sheet)
    if layout is None:
        raise LabelError(f"未知的标签纸规格：{sheet}（可选：{'、'.join(SHEETS)}）")
    skip = max(0, min(skip, layout.per_page - 1))
    fonts = fonts or find_fonts()
    when = created or datetime(2000, 1, 1)
    text = _Text(DocumentInfo(title="物资标签", author=APP_TITLE, subject="物资标签", keywords=["应急物资", "标签"],
                              created=when), load_style(), fonts, None)
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    stamp = pdf_date(when)
    canv.setDateFormatter(lambda *_: stamp)
    canv.setTitle("物资标签")
    canv.setSubject(f"物资标签（{layout.name}）")
    canv.setCreator(APP_TITLE)
    for index, label in enumerate(labels):
        slot = skip + index
        if slot and slot % layout.per_page == 0:
            canv.showPage()
        n = slot % layout.per_page
        col, row = n % layout.columns, n // layout.columns
        x = (layout.left_mm + col * (layout.width_mm + layout.gap_x_mm)) * MM
        y = A4[1] - (layout.top_mm + (row + 1) * layout.height_mm + row * layout.gap_y_mm) * MM
        _draw(canv, text, label, x, y, layout.width_mm * MM, layout.height_mm * MM, symbology, outline)
    pages = (skip + len(labels) - 1) // layout.per_page + 1
    canv.showPage()
    canv.save()
    data = buffer.getvalue()
    if isinstance(target, str | Path):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return pages


def _draw(canv: Canvas, text: _Text, label: Label, x: float, y: float, w: float, h: float,
          symbology: Symbology, outline: bool) -> None:
    canv.saveState()
    if outline:
        canv.setStrokeColor(colors.Color(0.75, 0.75, 0.75))
        canv.setLineWidth(0.3)
        canv.rect(x, y, w, h)
    lines = label.lines()
    if symbology == "qr":
        side = h - 2 * PAD
        widget = QrCodeWidget(label.payload(), barLevel="M", barBorder=0)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canv, x + PAD, y + PAD)
        left = x + 2 * PAD + side
        _text_block(canv, text, lines, left, y + PAD, x + w - PAD - left, h - 2 * PAD)
    else:
        bar_h = min(11 * MM, h * 0.34)
        room = w - 2 * PAD
        code = Code128(label.short(), barHeight=bar_h, barWidth=0.33 * MM, quiet=0)
        if code.width > room:
            code = Code128(label.short(), barHeight=bar_h, barWidth=0.33 * MM * room / code.width, quiet=0)
        code.drawOn(canv, x + (w - code.width) / 2, y + PAD + 3.2 * MM)
        canv.setFont(text.font("song"), 6.5)
        text.draw_text(canv, x + w / 2, y + PAD + 0.6 * MM, label.short(), "song", 6.5, "centre")
        top = y + PAD + 3.2 * MM + bar_h + 1.2 * MM
        _text_block(canv, text, lines, x + PAD, top, room, y + h - PAD - top)
    canv.restoreState()


def _text_block(canv: Canvas, text: _Text, lines: list[str], x: float, y: float, width: float, height: float) -> None:
    """The label's lines from the top of the box down: the first (the item and its spec) in 黑体,
    wrapped onto a second line when it is long; the sizes shrink together until the lines fit the
    box's height, a line still too wide is drawn smaller, then cut with "…"."""
    head, size = 8.5, 7.5
    while True:
        first = _wrap(text, lines[0], "hei", head, width, 2)
        if (len(first) * head + (len(lines) - 1) * size) * 1.22 <= height or size <= MIN_SIZE:
            break
        head, size = max(MIN_SIZE, head - 0.5), max(MIN_SIZE, size - 0.5)
    top = y + height
    canv.setFillColor(colors.black)
    for i, line in enumerate([*first, *lines[1:]]):
        role, at = ("hei", head) if i < len(first) else ("song", size)
        line, at = _fit(text, line, role, at, width)
        top -= at * 1.22
        if top < y - 0.5:
            break
        canv.setFont(text.font(role), at)
        text.used(role, line)
        text.draw_text(canv, x, top + at * 0.2, line, role, at)


def _wrap(text: _Text, line: str, role: str, size: float, width: float, most: int) -> list[str]:
    """``line`` broken by width into at most ``most`` lines (the last may still be too wide)."""
    out: list[str] = []
    rest = line
    while rest and len(out) < most - 1 and text.text_width(rest, role, size) > width:
        cut = len(rest)
        while cut > 1 and text.text_width(rest[:cut], role, size) > width:
            cut -= 1
        bracket = rest.rfind("（", 0, cut)
        if bracket > 0 and text.text_width(rest[bracket:], role, size) <= width:
            cut = bracket  # the spec whole on the next line
        elif rest[cut:cut + 1] in "）)，、":  # keep a closing bracket or comma on its line
            cut = max(1, cut - 1)
        out.append(rest[:cut])
        rest = rest[cut:]
    return [*out, rest] if rest else out


def _fit(text: _Text, line: str, role: str, size: float, width: float) -> tuple[str, float]:
    while text.text_width(line, role, size) > width and size > MIN_SIZE:
        size = max(MIN_SIZE, size - 0.5)
    if text.text_width(line, role, size) <= width:
        return line, size
    while line and text.text_width(line + "…", role, size) > width:
        line = line[:-1]
    return line + "…", size


def labels_bytes(labels: Sequence[Label], **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    render_labels(labels, buffer, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()
