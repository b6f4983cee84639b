"""The generic PDF layout (reportlab platypus): the blocks of ``plans.document`` on pages.

``PdfRenderer`` draws any document — a plan (``exports.plans.pdf``), a drill report, a roster — in
a house style: paragraphs, bullet and numbered lists, tables (header rows repeated, merged cells,
column widths by ``exports.layout.column_widths``), images with captions, page breaks, headings
with bookmarks and outline entries, table-of-contents lines, the page frame with the running
header over a rule, the page number in the style's format — "第 X 页 共 Y 页" centred, or GB/T
9704 "— X —" on the outside (odd pages right, even pages left, one character in) — an optional
cover page without header or number, and the watermark ("草稿"/"作废") diagonally on every page.
A kind of document subclasses it and writes ``story()`` from these pieces.

How the numbers that are only known at the end get onto the pages, in **one** layout pass (no
``multiBuild``: a second pass would double the time of a 200-page plan):

- *page totals*: each page's number is a PDF form XObject (``/Do``) referenced where it is drawn;
  the forms are defined when the canvas is saved, once the page count is known (the same result
  as the NumberedCanvas recipe, without keeping every page's drawing state);
- *table-of-contents page numbers*: a TOC line is a paragraph of the heading text whose end calls
  back (``<onDraw>``) to place a form there; the form — dot leader and the right-aligned page
  number — is defined at save time from the pages on which the headings were drawn. The lines'
  heights do not depend on the numbers, so nothing has to be laid out again;
- *bookmarks*: a heading records its page, sets a destination and adds its outline entry when it
  is drawn.

Fonts come from ``exports.fonts`` by role. A character the role's font has no glyph for is drawn
in the next font of the role's chain that has one (the font shipped with the application first):
in paragraphs as a ``<font>`` run, for a bullet as the bullet's font, in table cells, the header,
the page number and the watermark run by run — so a machine whose only CJK font lacks "•" still
prints bullets. The characters so drawn are listed in ``fallbacks()``; characters no font can draw
are reported in ``warnings`` before drawing. Text the role's font covers is drawn exactly as
before such fallbacks existed (same bytes). The file is deterministic: reportlab's invariant mode,
and the creation date is the content's own (``DocumentInfo.created``). ``cancel()`` is polled
between flowables (``Cancelled``); the PDF is built in memory and returned only when complete.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Literal, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LayoutError,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from exports.fonts import FontSet, GlyphLog, Role
from exports.layout import DocumentInfo, column_widths
from exports.pdf_text import CjkParagraph
from exports.styles import MM, HouseStyle, TextStyle
from exports.typeset import title_lines
from models.core.errors import Cancelled, DeskError
from plans.document import Block, BulletList, Image, NumberedList, Table
from plans.document import PageBreak as DocPageBreak
from plans.document import Paragraph as DocParagraph

APP_TITLE = "应急预案与演练管理系统"
BULLET = "•"
CELL_PAD_X = 4.0  # points left and right of a table cell's text
CELL_PAD_Y = 2.5
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
RULE_WIDTH = 0.6
_WATERMARK_FORM = "edesk_watermark"
_BOLD_AS: dict[str, Role] = {"song": "hei", "fang": "hei", "kai": "hei", "title": "hei"}

Anchor = Literal["left", "right", "centre"]


class PdfLayoutError(DeskError):
    """Content that cannot be laid out on a page (the message says what, in Chinese)."""


def markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: &, < and > escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def flat(title: str) -> str:
    """A title without its spacing ("目　　次" → "目次"), for the outline."""
    return "".join(title.split())


def pdf_date(when: datetime) -> str:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') of the content's own time."""
    offset = when.utcoffset()
    if offset is None:
        return when.strftime("D:%Y%m%d%H%M%S")
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


@dataclass(frozen=True)
class Mark:
    """What a heading does when it is drawn: when ``here``, set the destination ``key`` and record
    its page (for the table of contents and ``ExportResult.toc``); add an outline entry ``title``
    at ``level`` pointing to ``key`` (None: no entry)."""

    key: str
    title: str | None
    level: int = 0
    here: bool = True


@dataclass(frozen=True)
class TocEntry:
    key: str
    text: str
    level: int  # 0-based indent level
    note: str = ""  # drawn instead of a page number (e.g. an annex bound separately)


@dataclass(frozen=True)
class _TocSlot:
    """A TOC line's number form, waiting for the page count: drawn at the end of the line's text,
    it reaches ``room`` points to the right margin."""

    form: str
    key: str
    room: float


class MarkedParagraph(CjkParagraph):
    """A heading or a TOC line: bookmarks itself, adds its outline entries and records its page
    when drawn (and a TOC line then draws its leader and page number at the end of its text). It
    is never split, so the mark lands on the page that shows the heading."""

    def __init__(self, text: str, style: ParagraphStyle, renderer: PdfRenderer, marks: Sequence[Mark],
                 role: str, end: Callable[[Any, float, float], None] | None = None) -> None:
        super().__init__(text, style, renderer.runs_of(role), tracking=renderer.tracking(style.fontSize), end=end)
        self._renderer = renderer
        self._marks = marks

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        self._renderer.mark(self.canv, self._marks, self.height)
        super().draw()


class KeepRoom(CondPageBreak):
    """Before a heading: go to the next page unless the heading (and any headings right under it)
    and the first lines of what follows fit — two lines of a paragraph (all of a paragraph of up to
    three lines, which cannot be split), a table's header and two rows, or a small block whole — so
    that a heading never stands alone at a page's foot and no more room is left blank than needed."""

    def __init__(self, fallback: float) -> None:
        super().__init__(fallback)
        self.following: list[Flowable] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self.following:
            self.height = _room_needed(self.following, availWidth, availHeight, self.canv)
        return super().wrap(availWidth, availHeight)


def _room_needed(flowables: Sequence[Flowable], width: float, page: float, canv: Any) -> float:
    need = 0.0
    for f in flowables:
        if isinstance(f, CondPageBreak):
            continue
        before = f.getSpaceBefore() if need else 0.0
        if isinstance(f, MarkedParagraph):
            need += before + f.wrap(width, page)[1] + f.getSpaceAfter()
            continue
        if isinstance(f, CjkParagraph):
            lines, leading = f.line_count(width), f.style.leading
            return need + before + (lines if lines <= 3 else 2) * leading
        if isinstance(f, KeptTable):
            f.wrapOn(canv, width, page)
            rows = f.repeatRows + 2
            heights = f._rowHeights[:rows]
            if any(h is None for h in heights):  # ReportLab measured only the rows that fit: more than the room left
                return page + 1.0
            return need + before + sum(heights)
        height = f.wrapOn(canv, width, page)[1]
        return need + before + (height if height < page / 3 else 0.0)
    return need


class KeptTable(RLTable):
    """A table that splits across pages only where each part keeps its header and at least two
    body rows (or moves to the next page whole).

    The range is set afresh on the table being split: ReportLab builds the rest of a split table
    through the class and then shifts the range it has by the rows that went before (once per kind
    of style command), so a range made in the constructor shrank with every page until a table of
    more than three pages could not be split at all."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        rows = len(self._cellvalues)
        self._rowSplitRange = (repeat + 2, max(rows - 2, repeat + 2))
        return list(super().split(availWidth, availHeight))


class _Canvas(Canvas):
    """A canvas that lets the renderer define the late forms (page numbers, TOC numbers,
    watermark) just before the file is written."""

    def __init__(self, renderer: PdfRenderer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._renderer = renderer
        renderer.prepare_canvas(self)

    def save(self) -> None:
        self._renderer.finish_canvas(self)
        super().save()


class _DocTemplate(BaseDocTemplate):
    def __init__(self, buffer: BinaryIO, renderer: PdfRenderer, **kwargs: Any) -> None:
        super().__init__(buffer, **kwargs)
        self._renderer = renderer

    def afterFlowable(self, flowable: Flowable) -> None:
        self._renderer.check_cancel()


class PdfRenderer:
    """One rendering of one document: the styles, the story, and what drawing it recorded.

    A subclass writes ``story()`` (flowables from the pieces below) and sets ``cover`` when its
    first page is a cover (no header, no page number; the story switches to the "body" page
    template with ``NextPageTemplate``)."""

    cover = False

    def __init__(self, info: DocumentInfo, style: HouseStyle, fonts: FontSet,
                 cancel: Callable[[], bool] | None) -> None:
        self.info = info
        self.style = style
        self.fonts = fonts
        self.cancel = cancel
        self.font_names: dict[str, str] = dict(fonts.register_reportlab())
        page = style.page
        self.page_w, self.page_h = page.width_mm * MM, page.height_mm * MM
        self.left, self.right = page.left_mm * MM, page.right_mm * MM
        self.top, self.bottom = page.top_mm * MM, page.bottom_mm * MM
        self.text_w, self.text_h = page.text_width_mm * MM, page.text_height_mm * MM
        self.warnings: list[str] = []
        self.glyphs = GlyphLog(fonts)
        self.page_count = 0
        self.headings: list[tuple[str, str]] = []  # (heading as printed, key), for ExportResult.toc
        self._styles: dict[str, ParagraphStyle] = {}
        self._serial = 0
        self._outline_level = -1
        self._pages: dict[str, int] = {}  # destination key → page
        self._toc: list[TocEntry] = []
        self._toc_slots: list[_TocSlot] = []
        self._number_forms: list[int] = []  # pages whose number waits for the page count
        self.toc_style = self.para_style("toc", style.body, first_indent=0.0, align=TA_LEFT)

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    # ---- fonts, styles, text for the glyph check

    @staticmethod
    def role(text_style: TextStyle) -> str:
        """The font role that draws a text style: bold has no face of its own in these fonts, so a
        bold 宋体/仿宋/楷体 is drawn in 黑体."""
        return _BOLD_AS.get(text_style.role, text_style.role) if text_style.bold else text_style.role

    def font(self, role: str) -> str:
        return self.font_names[role]

    def used(self, role: str, text: str) -> None:
        self.glyphs.add(cast(Role, role), text)

    def markup(self, text: str, role: str) -> str:
        """``text`` as paragraph markup in ``role``'s font, with ``<font>`` runs for what that font
        has no glyph for (in the first font of its chain that has one)."""
        if self.fonts.covers(text, cast(Role, role)):
            return markup(text)
        own = self.fonts.face(cast(Role, role))
        return "".join(markup(run) if face is own else f'<font face="{self.fonts.reportlab_font(face)}">{markup(run)}</font>'
                       for face, run in self.fonts.runs(text, cast(Role, role)))

    def para_style(self, name: str, ts: TextStyle, *, align: int = TA_JUSTIFY, first_indent: float | None = None,
                   left_indent: float = 0.0, right_indent: float = 0.0,
                   space_before: float | None = None, space_after: float | None = None,
                   size: float | None = None) -> ParagraphStyle:
        """A paragraph style made once per render and reused (by ``name``)."""
        cached = self._styles.get(name)
        if cached is not None:
            return cached
        font_size = size or ts.size_pt
        leading = ts.leading if size is None else round(font_size * 1.5, 2)
        indent = ts.first_line_indent_chars or ts.indent_chars
        made = ParagraphStyle(
            name, fontName=self.font(self.role(ts)), fontSize=font_size, leading=leading,
            firstLineIndent=indent * (font_size + self.tracking(font_size)) if first_indent is None else first_indent,
            leftIndent=left_indent, rightIndent=right_indent, alignment=align, wordWrap="CJK",
            spaceBefore=ts.space_before_pt if space_before is None else space_before,
            spaceAfter=ts.space_after_pt if space_after is None else space_after,
            allowWidows=0, allowOrphans=0,
            bulletFontName=self.font(self.role(ts)), bulletFontSize=font_size)
        self._styles[name] = made
        return made

    def _bullet_style(self, style: ParagraphStyle, role: str, bullet: str) -> ParagraphStyle:
        """``style``, or a copy whose bullet is drawn in a font that has the bullet's glyphs."""
        face = self.fonts.face_for(bullet, cast(Role, role))
        font = self.fonts.reportlab_font(face)
        if font == style.bulletFontName:
            return style
        key = f"{style.name}:bullet:{font}"
        cached = self._styles.get(key)
        if cached is None:
            cached = self._styles[key] = ParagraphStyle(key, parent=style, bulletFontName=font)
        return cached

    def runs_of(self, role: str) -> Callable[[str], list[tuple[str, str]]]:
        """text → (reportlab font, run): ``role``'s font, and fonts that have what it lacks."""
        own = self.font(role)
        fonts, r = self.fonts, cast(Role, role)

        def runs(text: str) -> list[tuple[str, str]]:
            if fonts.covers(text, r):
                return [(own, text)]
            return [(fonts.reportlab_font(face), run) for face, run in fonts.runs(text, r)]

        return runs

    def tracking(self, size: float) -> float:
        """The character spacing of text at ``size`` on the style's character grid (GB/T 9704: 28
        characters fill a body line), 0 without a grid or at other sizes."""
        body = self.style.body
        cpl = body.chars_per_line
        if not cpl or abs(size - body.size_pt) > 0.01:
            return 0.0
        return (self.text_w - cpl * size) / (cpl - 1)

    def para(self, text: str, style: ParagraphStyle, role: str, bullet: str | None = None) -> CjkParagraph:
        self.used(role, text)
        mark: tuple[str, str] | None = None
        if bullet:
            self.used(role, bullet)
            style = self._bullet_style(style, role, bullet)
            mark = (bullet, style.bulletFontName)
        return CjkParagraph(text, style, self.runs_of(role), tracking=self.tracking(style.fontSize), bullet=mark)

    def marked(self, text: str, style: ParagraphStyle, role: str, marks: Sequence[Mark]) -> MarkedParagraph:
        """A heading that bookmarks itself (``marks``) when drawn."""
        self.used(role, text)
        return MarkedParagraph(text, style, self, marks, role)

    def text_width(self, text: str, role: str, size: float) -> float:
        """The width of one line drawn by ``draw_text``."""
        if self.fonts.covers(text, cast(Role, role)):
            return stringWidth(text, self.font(role), size)
        return sum(stringWidth(run, self.fonts.reportlab_font(face), size)
                   for face, run in self.fonts.runs(text, cast(Role, role)))

    def draw_text(self, canv: Canvas, x: float, y: float, text: str, role: str, size: float,
                  anchor: Anchor = "left") -> None:
        """One line on the canvas, whose font the caller has set to ``role``'s at ``size``:
        ``anchor`` says whether ``x`` is its left end, right end or centre. What the role's font
        lacks is drawn run by run in fonts that have it."""
        if self.fonts.covers(text, cast(Role, role)):
            draw = {"left": canv.drawString, "right": canv.drawRightString, "centre": canv.drawCentredString}
            draw[anchor](x, y, text)
            return
        width = self.text_width(text, role, size)
        x = x - width if anchor == "right" else x - width / 2 if anchor == "centre" else x
        for face, run in self.fonts.runs(text, cast(Role, role)):
            font = self.fonts.reportlab_font(face)
            canv.setFont(font, size)
            canv.drawString(x, y, run)
            x += stringWidth(run, font, size)
        canv.setFont(self.font(role), size)

    # ---- drawing-time bookkeeping (called from flowables and page callbacks)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def key(self) -> str:
        """A new destination key."""
        self._serial += 1
        return f"h{self._serial}"

    def level(self, wanted: int) -> int:
        """An outline level no deeper than one below the previous entry (PDF outlines nest)."""
        level = max(0, min(wanted, self._outline_level + 1))
        self._outline_level = level
        return level

    def mark(self, canv: Canvas, marks: Iterable[Mark], height: float) -> None:
        page = canv.getPageNumber()
        for m in marks:
            if m.here:
                canv.bookmarkHorizontal(m.key, 0, height + 2)
                self._pages[m.key] = page
            if m.title is not None:
                canv.addOutlineEntry(m.title, m.key, m.level, closed=True)

    def prepare_canvas(self, canv: Canvas) -> None:
        stamp = pdf_date(self.info.created)
        canv.setDateFormatter(lambda *_: stamp)
        canv.showOutline()

    def toc_end(self, index: int) -> Callable[[Any, float, float], None]:
        """What a TOC line does at the end of its text: the dot leader and the page number (a
        form, filled in at save time), or the entry's note."""

        def end(canv: Any, x: float, y: float) -> None:
            entry = self._toc[index]
            room = self.text_w - x
            if entry.note:
                self._draw_leader(canv, x, y, room, entry.note)
                return
            form = f"edesk_toc{index}"
            canv.saveState()
            canv.translate(x, y)
            canv.doForm(form)
            canv.restoreState()
            self._toc_slots.append(_TocSlot(form, entry.key, room))

        return end

    def _draw_leader(self, canv: Canvas, x: float, y: float, room: float, text: str) -> None:
        font, size = self.toc_style.fontName, self.toc_style.fontSize
        role = self.role(self.style.body)
        text_w = self.text_width(text, role, size)
        dot_w = stringWidth(".", font, size)
        gap = size * 0.4
        count = int((room - text_w - 2 * gap) / dot_w) if dot_w else 0
        canv.setFont(font, size)
        canv.setFillColor(colors.black)
        if count > 0:
            canv.drawString(x + room - text_w - gap - count * dot_w, y, "." * count)
        self.draw_text(canv, x + room, y, text, role, size, "right")

    def _on_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        """Header, page number and watermark of every page but the cover."""
        page = canv.getPageNumber()
        self.page_count = max(self.page_count, page)
        self._watermark(canv)
        header = self.style.header
        text = self.info.header_text
        y = self.page_h - self.style.page.header_mm * MM
        canv.saveState()
        if text:
            canv.setFont(self.font(header.role), header.size_pt)
            self.draw_text(canv, self.left + self.text_w / 2, y, text, header.role, header.size_pt, "centre")
        canv.setLineWidth(RULE_WIDTH)
        canv.line(self.left, y - header.size_pt * 0.45, self.page_w - self.right, y - header.size_pt * 0.45)
        canv.restoreState()
        if self.style.page_number.needs_total:
            canv.doForm(f"edesk_page{page}")
            self._number_forms.append(page)
        else:
            canv.saveState()
            self._draw_number(canv, page, 0)
            canv.restoreState()

    def _on_cover(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        self.page_count = max(self.page_count, canv.getPageNumber())
        self._watermark(canv)

    def _watermark(self, canv: Canvas) -> None:
        if self.info.watermark:
            canv.doForm(_WATERMARK_FORM)

    def _draw_number(self, canv: Canvas, page: int, pages: int) -> None:
        number = self.style.page_number
        text = number.text(page, pages)
        y = self.style.page.footer_mm * MM
        canv.setFont(self.font(number.role), number.size_pt)
        canv.setFillColor(colors.black)
        inset = number.inset_chars * number.size_pt
        if number.position == "outside" and page % 2:
            self.draw_text(canv, self.page_w - self.right - inset, y, text, number.role, number.size_pt, "right")
        elif number.position == "outside":
            self.draw_text(canv, self.left + inset, y, text, number.role, number.size_pt)
        else:
            self.draw_text(canv, self.left + self.text_w / 2, y, text, number.role, number.size_pt, "centre")

    def finish_canvas(self, canv: Canvas) -> None:
        """Define the forms drawn before their content was known: page numbers with the total,
        TOC page numbers, the watermark."""
        for page in self._number_forms:
            canv.beginForm(f"edesk_page{page}")
            self._draw_number(canv, page, self.page_count)
            canv.endForm()
        size = self.toc_style.fontSize
        for slot in self._toc_slots:
            page = self._pages.get(slot.key)
            canv.beginForm(slot.form, lowerx=-size, lowery=-size, upperx=slot.room + size, uppery=2 * size)
            self._draw_leader(canv, 0, 0, slot.room, str(page) if page else "")
            canv.endForm()
        if self.info.watermark:
            mark = self.style.watermark
            canv.beginForm(_WATERMARK_FORM)
            canv.setFillGray(mark.gray)
            canv.translate(self.page_w / 2, self.page_h / 2)
            canv.rotate(mark.angle)
            canv.setFont(self.font(mark.role), mark.size_pt)
            self.draw_text(canv, 0, -mark.size_pt / 3, self.info.watermark, mark.role, mark.size_pt, "centre")
            canv.endForm()

    def toc_pages(self, exclude: Collection[str] = ()) -> dict[str, int]:
        """Heading as printed → page, for the headings drawn on a page (keys in ``exclude`` left out)."""
        return {text: self._pages[key] for text, key in self.headings if key in self._pages and key not in exclude}

    # ---- the file

    def render(self) -> bytes:
        story = self.story()
        self.link_keeps(story)
        self._check_glyphs()
        self.check_cancel()
        buffer = io.BytesIO()
        info = self.info
        template = _DocTemplate(
            buffer, self, pagesize=(self.page_w, self.page_h), leftMargin=self.left, rightMargin=self.right,
            topMargin=self.top, bottomMargin=self.bottom, title=info.title, author=info.author,
            subject=info.subject, keywords=[k for k in info.keywords if k], creator=APP_TITLE, invariant=1,
            pageCompression=1, initialFontName=self.font(self.role(self.style.body)),
            initialFontSize=self.style.body.size_pt, initialLeading=self.style.body.leading, lang="zh-CN",
            displayDocTitle=1)
        frame = Frame(self.left, self.bottom, self.text_w, self.text_h, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id="text")
        body = PageTemplate(id="body", frames=[frame], onPage=self._on_page)
        if self.cover:
            template.addPageTemplates([PageTemplate(id="cover", frames=[frame], onPage=self._on_cover), body])
        else:
            template.addPageTemplates([body])

        def canvasmaker(*args: Any, **kwargs: Any) -> _Canvas:
            return _Canvas(self, *args, **kwargs)

        try:
            template.build(story, canvasmaker=canvasmaker)
        except LayoutError as exc:
            raise PdfLayoutError(f"无法排版 PDF：有一项内容（表格的一行或一张图片）比一页还高，请拆分后再导出。（{exc}）"
                                 ) from exc
        return buffer.getvalue()

    def font_lines(self) -> list[str]:
        """Which font served each role (``FontSet.report``), then what fell back to which font."""
        return self.fonts.report() + self.glyphs.fallbacks()

    def _check_glyphs(self) -> None:
        number = self.style.page_number
        self.used(number.role, number.text(1234567890, 1234567890))
        self.used(self.style.header.role, self.info.header_text)
        if self.info.watermark:
            self.used(self.style.watermark.role, self.info.watermark)
        self.warnings += self.glyphs.warnings("PDF 中")

    # ---- titles, headings, table-of-contents lines

    def balanced(self, title: str, style: ParagraphStyle) -> str:
        """A title broken at word boundaries into balanced lines (``exports.typeset.title_lines``)."""
        room = self.text_w - style.leftIndent - style.rightIndent
        return "\n".join(title_lines(title, room, lambda t: stringWidth(t, style.fontName, style.fontSize)))

    def page_title(self, text: str) -> list[Flowable]:
        """A centred title (发布令, 目次 …) with its own outline entry, on a new page when little room is left."""
        style = self.para_style("front-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                space_after=self.style.body.leading)
        return [CondPageBreak(style.leading + 4 * self.style.body.leading),
                self.marked(text, style, self.role(self.style.title), [Mark(self.key(), flat(text), self.level(0))])]

    def toc_line(self, entry: TocEntry, marks: Sequence[Mark] = ()) -> Flowable:
        """A line of a table of contents: the text, a dot leader and the page number (or the
        note), placed by the ``<onDraw>`` callback at the end of the text."""
        size = self.toc_style.fontSize
        style = self.para_style(f"toc{entry.level}", self.style.body, align=TA_LEFT, first_indent=0.0,
                                left_indent=entry.level * size, right_indent=4 * size)
        self._toc.append(entry)
        role = self.role(self.style.body)
        self.used(role, entry.text + entry.note)
        return MarkedParagraph(entry.text, style, self, marks, role, end=self.toc_end(len(self._toc) - 1))

    def section(self, text: str, level: int, key: str, blocks: Iterable[Block]) -> list[Flowable]:
        """A heading at ``level`` (1 = chapter), bookmarked as ``key`` with its outline entry, and
        the blocks under it."""
        style = self.style
        ts = style.heading(level)
        pstyle = self.para_style(f"h{min(level, len(style.headings))}", ts, align=TA_LEFT)
        self.headings.append((text, key))
        out: list[Flowable] = [self.keep_room(text, pstyle)]
        out.append(self.marked(text, pstyle, self.role(ts), [Mark(key, text, self.level(level - 1))]))
        out += self.blocks(blocks)
        return out

    def keep_room(self, text: str, style: ParagraphStyle) -> KeepRoom:
        """The conditional page break before a heading (``KeepRoom``); what it keeps together is
        linked when the story is complete (``link_keeps``). Its fallback: the heading and three lines."""
        width = stringWidth(text, style.fontName, style.fontSize) + style.firstLineIndent
        lines = int(width // max(self.text_w - style.leftIndent, 1)) + 1
        return KeepRoom(style.spaceBefore + lines * style.leading + 3 * self.style.body.leading)

    @staticmethod
    def link_keeps(story: list[Flowable]) -> None:
        """Hand each ``KeepRoom`` the flowables after it: the headings and the first block."""
        for i, f in enumerate(story):
            if isinstance(f, KeepRoom):
                f.following = story[i + 1:i + 12]

    # ---- blocks

    def blocks(self, blocks: Iterable[Block]) -> list[Flowable]:
        style = self.style
        body = self.para_style("body", style.body)
        role = self.role(style.body)
        out: list[Flowable] = []
        for block in blocks:
            if isinstance(block, DocParagraph):
                out.append(self.para(block.text, body, role))
            elif isinstance(block, BulletList | NumberedList):
                out += self._list(block)
            elif isinstance(block, Table):
                if block.rows:
                    out.append(self.table_block(block))
            elif isinstance(block, Image):
                out += self._image(block)
            elif isinstance(block, DocPageBreak):
                out.append(PageBreak())
        return out

    def _list(self, block: BulletList | NumberedList) -> list[Flowable]:
        body = self.style.body
        size = body.size_pt
        indent = body.first_line_indent_chars * size
        role = self.role(body)
        if isinstance(block, BulletList):
            style = self.para_style("bullet", body, first_indent=0.0, left_indent=indent + 1.2 * size)
            style.bulletIndent = indent
            return [self.para(item, style, role, BULLET) for item in block.items]
        style = self.para_style("numbered", body, first_indent=0.0, left_indent=indent + 2 * size)
        style.bulletIndent = indent
        return [self.para(item, style, role, f"{n}.") for n, item in enumerate(block.items, 1)]

    def _image(self, block: Image) -> list[Flowable]:
        caption_style = self.para_style("caption", self.style.caption, align=TA_CENTER, first_indent=0.0,
                                        space_before=3, space_after=6)
        role = self.role(self.style.caption)
        stored = self.info.images.get(block.sha256)
        caption = [self.para(block.caption, caption_style, role)] if block.caption else []
        if stored is None:
            self.warnings.append(f"图片缺失：{block.caption or block.sha256[:12]}（文档中引用的图片已不存在，PDF 中以文字代替）")
            return [self.para(f"［图片缺失：{block.caption or block.sha256[:12]}］", caption_style, role)]
        data = stored[0]
        try:  # a damaged or unsupported picture must not stop the export: say so and go on
            width_px, height_px = ImageReader(io.BytesIO(data)).getSize()
        except (OSError, ValueError) as exc:
            self.warnings.append(f"图片无法读取：{block.caption or block.sha256[:12]}（{exc}）")
            return [self.para(f"［图片无法显示：{block.caption}］", caption_style, role)]
        width = self.text_w if block.width_mm is None else min(block.width_mm * MM, self.text_w)
        height = width * height_px / max(width_px, 1)
        limit = self.text_h * 0.85 - (caption_style.leading * 2 if caption else 0)
        if height > limit:
            width, height = width * limit / height, limit
        picture = RLImage(io.BytesIO(data), width=width, height=height)
        picture.hAlign = "CENTER"
        return [KeepTogether([Spacer(1, 3), picture, *caption])]

    # ---- tables

    def table_block(self, block: Table, *, body_height: float = 0.0) -> Flowable:
        """A table block with its merged cells; ``body_height``: the least height of its body rows."""
        placed = block.layout()  # once: Table.grid() would lay the table out twice more
        rows, columns = len(block.rows), max((p.col + max(p.cell.colspan, 1) for p in placed), default=0)
        if not columns:
            return Spacer(0, 0)
        texts = [[""] * columns for _ in range(rows)]
        spans: list[tuple[int, int, int, int]] = []
        for p in placed:
            texts[p.row][p.col] = p.cell.text
            if p.cell.colspan > 1 or p.cell.rowspan > 1:  # a rowspan past the last row is cut there
                spans.append((p.col, p.row, p.col + max(p.cell.colspan, 1) - 1, min(p.row + p.cell.rowspan, rows) - 1))
        heads = min(block.header_rows, rows)
        heights = [0.0] * heads + [body_height] * (rows - heads) if body_height else None
        return self.grid(texts, heads, spans=spans, min_heights=heights)

    def grid(self, texts: list[list[str]], header_rows: int, *, spans: Sequence[tuple[int, int, int, int]] = (),
             widths: Sequence[float] | None = None, min_heights: Sequence[float] | None = None,
             center: bool = False) -> Flowable:
        """A table: header rows repeated on every page, rows never split, merged cells (``spans``:
        first column, first row, last column, last row), widths shared by content
        (``exports.layout.column_widths``) unless given, text wrapped in cells that need it.
        Columns whose body cells hold at most four characters are centred (all: ``center``)."""
        ts = self.style.table
        font, head_font = self.font(ts.role), self.font(ts.header_role)
        size, leading = ts.size_pt, ts.leading_pt
        columns = max(len(r) for r in texts)
        texts = [r + [""] * (columns - len(r)) for r in texts]
        spanned = {(c, r) for c0, r0, c1, r1 in spans for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        ends = {(c0, r0): c1 for c0, r0, c1, _ in spans}
        body_width = self.fonts.advance(cast(Role, ts.role))
        head_width = self.fonts.advance(cast(Role, ts.header_role))

        def measure(text: str, head: bool) -> float:
            return (head_width if head else body_width)(text, size)

        measured = [[max(measure(line, r < header_rows) for line in t.split("\n")) if t else 0.0 for t in row]
                    for r, row in enumerate(texts)]
        if widths is None:
            widths = column_widths(texts, header_rows=header_rows, available=self.text_w, size=size,
                                   pad=2 * CELL_PAD_X, measure=measure, measured=measured, spanned=spanned)
        centred = [center or all(len(r[c]) <= 4 for r in texts[header_rows:]) for c in range(columns)]
        cell_style = self._table_style("cell", ts.role, size, leading, TA_LEFT)
        cell_centre = self._table_style("cell-c", ts.role, size, leading, TA_CENTER)
        head_style = self._table_style("head", ts.header_role, size, leading, TA_CENTER)
        data: list[list[Any]] = []
        tallest = 0.0  # an estimate of the tallest row, to let a row taller than a page split after all
        for r, row in enumerate(texts):
            head = r < header_rows
            cells: list[Any] = []
            for c, text in enumerate(row):
                role = ts.header_role if head else ts.role
                self.used(role, text)
                room = sum(widths[c:ends.get((c, r), c) + 1]) - 2 * CELL_PAD_X  # a merged cell spans columns
                tallest = max(tallest, (measured[r][c] / max(room, 1) + text.count("\n") + 1) * leading)
                if "\n" not in text and measured[r][c] <= room and self.fonts.covers(text, cast(Role, role)):
                    cells.append(text)  # one line in the cell's own font: drawn as a string, the cheapest
                else:
                    pstyle = head_style if head else (cell_centre if centred[c] else cell_style)
                    cells.append(CjkParagraph(text, pstyle, self.runs_of(role)))
            data.append(cells)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), font, size, leading),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y + 1),
        ]
        if header_rows:
            commands += [("FONT", (0, 0), (-1, header_rows - 1), head_font, size, leading),
                         ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
                         ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER")]
        commands += [("ALIGN", (c, header_rows), (c, -1), "CENTER") for c in range(columns) if centred[c]]
        commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
        repeat = header_rows if 0 < header_rows < len(texts) else 0
        table = KeptTable(data, colWidths=list(widths), minRowHeights=list(min_heights) if min_heights else None,
                        repeatRows=repeat, hAlign="CENTER", splitByRow=1,
                        splitInRow=1 if tallest * 1.2 > self.text_h * 0.8 else 0)
        table.setStyle(RLTableStyle(commands))
        table.spaceBefore = 3
        table.spaceAfter = round(self.style.body.leading * 0.4, 2)
        return table

    def _table_style(self, name: str, role: str, size: float, leading: float, align: int) -> ParagraphStyle:
        key = f"table-{name}"
        cached = self._styles.get(key)
        if cached is None:
            cached = ParagraphStyle(key, fontName=self.font(role), fontSize=size, leading=leading,
                                    alignment=align, wordWrap="CJK")
            self._styles[key] = cached
        return cached
