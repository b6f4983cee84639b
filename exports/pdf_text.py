"""Chinese paragraphs for the PDF: this product's own line layout instead of reportlab's.

``CjkParagraph`` lays out plain text (hard line breaks as ``\\n``) with ``exports.typeset``: no
line starts with a closing mark or ends with an opening one, Latin words and numbers with their
units stay whole, and each line but a paragraph's last is justified to the text block by character
spacing (PDF ``Tc``) — squeezed a little when a mark was pulled back onto it, stretched when a
character went down to the next line. A house style with a character grid (GB/T 9704: 28 characters
a line) gives every line of its body size a base ``tracking`` so that exactly that many characters
fill the line. Nothing is drawn past the line's width.

It takes its font, size, leading, indents, alignment and spacing from a reportlab
``ParagraphStyle`` (the bullet too), and its fonts run by run from ``runs`` (a character the
style's font lacks is drawn in one that has it). It splits between lines across pages, never
leaving a single line of a paragraph at a page's foot or head. ``end`` is called after the last
line with where it ended (the table of contents draws its leader and page number there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from exports.typeset import Unit, break_lines, rules, spacing, units

Runs = Callable[[str], Sequence[tuple[str, str]]]  # text → (reportlab font name, run) in order
EndCallback = Callable[[object, float, float], None]  # (canvas, x, y) at the end of the last line

_widths: dict[tuple[str, float], dict[str, float]] = {}


def _char_widths(font: str, size: float) -> dict[str, float]:
    table = _widths.get((font, size))
    if table is None:
        table = _widths[(font, size)] = {}
    return table


def _nothing(_text: str) -> float:
    return 0.0


@dataclass(frozen=True)
class TextLine:
    x: float  # from the flowable's left edge
    runs: tuple[tuple[str, str], ...]
    char_space: float
    width: float  # as drawn


class CjkParagraph(Flowable):
    def __init__(self, text: str, style: ParagraphStyle, runs: Runs, *, tracking: float = 0.0,
                 bullet: tuple[str, str] | None = None, end: EndCallback | None = None,
                 lines: Sequence[TextLine] | None = None, first: bool = True) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._runs = runs
        self.tracking = tracking
        self.bullet = bullet  # (text, font)
        self.end = end
        self._first = first  # the paragraph's first part (indent, bullet, space before)
        self._lines: list[TextLine] | None = list(lines) if lines is not None else None
        self._fixed = lines is not None
        self._for_width = -1.0
        self.width = 0.0
        self.height = 0.0

    # ---- layout

    def layout(self, width: float) -> list[TextLine]:
        if self._lines is not None and (self._fixed or abs(width - self._for_width) < 1e-6):
            return self._lines
        st = self.style
        size, font = st.fontSize, st.fontName
        tracking = self.tracking
        align = st.alignment
        left, right = st.leftIndent, st.rightIndent
        first_indent = st.firstLineIndent if self._first else 0.0
        out: list[TextLine] = []
        for segment in self.text.split("\n"):
            fonts_at: list[str] = []
            for face, run in self._faces(segment):
                fonts_at += [face] * len(run)
            advances = [self._advance(ch, fonts_at[i] if i < len(fonts_at) else font, size) + tracking
                        for i, ch in enumerate(segment)]
            us: list[Unit] = []
            pos = 0
            for u in units(segment, _nothing):
                us.append(Unit(u.text, sum(advances[pos:pos + len(u.text)]), space=u.space, glue=u.glue))
                pos += len(u.text)
            n0 = len(out)

            def room(n: int, n0: int = n0) -> float:
                return width - left - right - (first_indent if n0 + n == 0 else 0.0)

            # a unit wider than a line (a long checksum or URL) is cut into its characters here, as
            # break_lines would cut it, so that the lines' unit indexes below are indexes into ``us``
            narrow = min(room(0), room(1))
            us = [piece for u in us for piece in (
                [Unit(ch, u.width / len(u.text)) for ch in u.text]
                if len(u.text) > 1 and u.width - tracking > narrow + 1e-6 else [u])]
            lines = break_lines(us, room, size, tracking) if us else []
            offsets = [0]
            for u in us:
                offsets.append(offsets[-1] + len(u.text))
            for number, line in enumerate(lines):
                avail = room(number)
                a, b = offsets[line.start], offsets[line.end]
                justify = align == TA_JUSTIFY
                extra = spacing(line, avail, size, justify=justify)
                drawn = line.width + extra * max(line.chars - 1, 0)
                x = left + (first_indent if n0 + number == 0 else 0.0)
                if extra >= 0 and align == TA_CENTER:
                    x += (avail - drawn) / 2
                elif extra >= 0 and align == TA_RIGHT:
                    x += avail - drawn
                out.append(TextLine(x, _group(segment[a:b], fonts_at[a:b], font), tracking + extra, drawn))
            if not lines:
                out.append(TextLine(left + (first_indent if not out else 0.0), (), tracking, 0.0))
        self._lines, self._for_width = out, width
        return out

    def _faces(self, text: str) -> Sequence[tuple[str, str]]:
        return self._runs(text) if text else ()

    @staticmethod
    def _advance(ch: str, font: str, size: float) -> float:
        table = _char_widths(font, size)
        width = table.get(ch)
        if width is None:
            width = table[ch] = stringWidth(ch, font, size)
        return width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self.layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def line_count(self, width: float) -> int:
        return len(self.layout(width))

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore) if self._first else 0.0

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter) if self._last_part else 0.0

    _last_part = True

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.layout(availWidth)
        leading = self.style.leading
        fit = int((availHeight + 1e-6) // leading)
        if fit >= len(lines):
            return [self]
        fit = min(fit, len(lines) - 2)  # no single line left at the next page's head
        if fit < 2:  # nor at this page's foot
            return []
        head = self._part(lines[:fit], first=self._first, last=False)
        tail = self._part(lines[fit:], first=False, last=self._last_part)
        return [head, tail]

    def _part(self, lines: Sequence[TextLine], *, first: bool, last: bool) -> CjkParagraph:
        part = CjkParagraph(self.text, self.style, self._runs, tracking=self.tracking,
                            bullet=self.bullet if first else None, end=self.end if last else None,
                            lines=lines, first=first)
        part._last_part = last
        return part

    # ---- drawing

    def draw(self) -> None:
        canv = self.canv
        st = self.style
        size, leading = st.fontSize, st.leading
        lines = self._lines or []
        y = self.height - size
        if self.bullet and self._first:
            text, font = self.bullet
            canv.setFont(font, getattr(st, "bulletFontSize", size) or size)
            canv.drawString(getattr(st, "bulletIndent", 0.0), y, text)
        t = canv.beginText()
        current = ("", -1.0)
        for line in lines:
            t.setTextOrigin(line.x, y)
            t.setCharSpace(line.char_space)
            for font, run in line.runs:
                if current != (font, size):
                    t.setFont(font, size, leading)
                    current = (font, size)
                t.textOut(run)
            y -= leading
        canv.drawText(t)
        if self.end is not None and lines:
            last = lines[-1]
            self.end(canv, last.x + last.width, y + leading)


def _group(text: str, fonts: Sequence[str], default: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (fonts[i] if i < len(fonts) else default) != (fonts[start] if start < len(fonts)
                                                                             else default):
            out.append((fonts[start] if start < len(fonts) else default, text[start:i]))
            start = i
    return tuple(out)


__all__ = ["CjkParagraph", "TextLine", "rules"]
