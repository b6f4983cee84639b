"""The PDF renderer (reportlab platypus): a ``PrintDocument`` in a house style → one PDF file.

``render_pdf(doc, target, style=…, fonts=…, cancel=…)`` draws, for a plan (``layout == "plan"``):
the cover (no header, no page number), the 发布令, the 编制/审核/批准 sign-off table and the
revision history, the 目次, the numbered body, the annex index (附件 list; annexes bound separately
are marked 另行装订) and every generated annex on a page of its own. A 应急处置卡 (``"card"``)
is the title and the body only. Every page but the cover has the running header (plan number,
version, control status, over a rule) and a page number in the style's format — "第 X 页 共 Y 页"
centred, or GB/T 9704 "— X —" on the outside (odd pages right, even pages left, one character in).
A draft or retired document carries its watermark ("草稿"/"作废") diagonally on every page.

How the numbers that are only known at the end get onto the pages, in **one** layout pass (no
``multiBuild``: a second pass would double the time of a 200-page plan):

- *page totals*: each page's number is a PDF form XObject (``/Do``) referenced where it is drawn;
  the forms are defined when the canvas is saved, once the page count is known (the same result
  as the NumberedCanvas recipe, without keeping every page's drawing state);
- *目次 page numbers*: a TOC line is a paragraph of the heading text whose end calls back
  (``<onDraw>``) to place a form there; the form — dot leader and the right-aligned page number —
  is defined at save time from the pages on which the headings were drawn. The lines' heights do
  not depend on the numbers, so nothing has to be laid out again;
- *bookmarks*: a heading records its page, sets a destination and adds its outline entry when it
  is drawn (front-matter pages, body headings nested by level, the annex index and the annexes at
  level 0; the outline opens showing level 0).

The output is what ``multiBuild`` with a ``TableOfContents`` and a NumberedCanvas would give, at the
cost of one ``build``: the layout overhead over bare reportlab is the header, the number forms and
the outline entries.

Fonts come from ``exports.fonts`` by role; characters that no font can draw are reported in
``ExportResult.warnings`` before drawing. The file is deterministic: reportlab's invariant mode,
and the creation date is the content's own (``doc.metadata.created``), so exporting unchanged
content twice gives the same bytes. ``cancel()`` is polled between flowables (``Cancelled``); the
PDF is built in memory and written to ``target`` only when complete.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepInFrame,
    KeepTogether,
    LayoutError,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from exports.files import write_atomically
from exports.fonts import FontSet, Role, find_fonts
from exports.result import ExportResult
from exports.styles import MM, HouseStyle, TextStyle
from models.core.errors import Cancelled, DeskError
from plans.document import Block, BulletList, Image, NumberedList, Table
from plans.document import PageBreak as DocPageBreak
from plans.document import Paragraph as DocParagraph
from plans.plans.print_model import PrintAnnex, PrintDocument

APP_TITLE = "应急预案与演练管理系统"
TOC_DEPTH = 3  # body headings of levels 1–3 go into the 目次
BULLET = "•"
SEPARATE = "另行装订"
CELL_PAD_X = 4.0  # points left and right of a table cell's text
CELL_PAD_Y = 2.5
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
RULE_WIDTH = 0.6
_TOC_CALLBACK = "edesk_toc_end"
_WATERMARK_FORM = "edesk_watermark"
_BOLD_AS: dict[str, Role] = {"song": "hei", "fang": "hei", "kai": "hei", "title": "hei"}
_LATIN_RUN = re.compile(r"[!-~]+")  # a run of ASCII that should not be broken inside a table column


# --------------------------------------------------------------------------------------- public


class PdfLayoutError(DeskError):
    """Content that cannot be laid out on a page (the message says what, in Chinese)."""


def render_pdf(doc: PrintDocument, target: Path | BinaryIO, *, style: HouseStyle, fonts: FontSet | None = None,
               cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Draw ``doc`` in ``style`` and write the finished PDF to ``target`` (a path, written
    atomically, or a binary stream, written once at the end). Raises ``Cancelled`` when
    ``cancel()`` turns true; nothing is written then."""
    style = style.for_layout(doc.layout)
    renderer = _Renderer(doc, style, fonts or find_fonts(), cancel)
    data = renderer.render()
    if isinstance(target, str | os.PathLike):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return ExportResult(format="pdf", pages=renderer.page_count, headings=doc.headings(style.numbering),
                        fonts=renderer.fonts.report(), warnings=renderer.warnings, toc=renderer.toc_pages())


# ------------------------------------------------------------------------------------ internals


def markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: &, < and > escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


@dataclass(frozen=True)
class _Mark:
    """What a heading does when it is drawn: when ``here``, set the destination ``key`` and record
    its page (for the 目次 and ``ExportResult.toc``); add an outline entry ``title`` at ``level``
    pointing to ``key`` (None: no entry)."""

    key: str
    title: str | None
    level: int = 0
    here: bool = True


@dataclass(frozen=True)
class _TocEntry:
    key: str
    text: str
    level: int  # 0-based indent level
    note: str = ""  # drawn instead of a page number (an annex bound separately)


@dataclass(frozen=True)
class _TocSlot:
    """A TOC line's number form, waiting for the page count: drawn at the end of the line's text,
    it reaches ``room`` points to the right margin."""

    form: str
    key: str
    room: float


class _MarkedParagraph(Paragraph):
    """A heading or a TOC line: bookmarks itself, adds its outline entries and records its page
    when drawn, and then draws the TOC leader and page number its text asked for. It is never
    split, so the mark lands on the page that shows the heading."""

    def __init__(self, text: str, style: ParagraphStyle, renderer: _Renderer, marks: Sequence[_Mark]) -> None:
        super().__init__(text, style)
        self._renderer = renderer
        self._marks = marks

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        self._renderer.mark(self.canv, self._marks, self.height)
        super().draw()
        self._renderer.finish_line(self.canv)


class _Canvas(Canvas):
    """A canvas that lets the renderer define the late forms (page numbers, TOC numbers,
    watermark) just before the file is written."""

    def __init__(self, renderer: _Renderer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._renderer = renderer
        renderer.prepare_canvas(self)

    def save(self) -> None:
        self._renderer.finish_canvas(self)
        super().save()


class _DocTemplate(BaseDocTemplate):
    def __init__(self, buffer: BinaryIO, renderer: _Renderer, **kwargs: Any) -> None:
        super().__init__(buffer, **kwargs)
        self._renderer = renderer

    def afterFlowable(self, flowable: Flowable) -> None:
        self._renderer.check_cancel()


class _Renderer:
    """One rendering of one document: the styles, the story, and what drawing it recorded."""

    def __init__(self, doc: PrintDocument, style: HouseStyle, fonts: FontSet,
                 cancel: Callable[[], bool] | None) -> None:
        self.doc = doc
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
        self.page_count = 0
        self._styles: dict[str, ParagraphStyle] = {}
        self._metrics: dict[str, tuple[Callable[[int, float], float], float]] = {}
        self._texts: dict[str, list[str]] = {}
        self._serial = 0
        self._outline_level = -1
        self._pages: dict[str, int] = {}  # destination key → page
        self._headings: list[tuple[str, str]] = []  # (heading as printed, key), for ExportResult.toc
        self._toc: list[_TocEntry] = []
        self._toc_slots: list[_TocSlot] = []
        self._line_ends: list[tuple[float, float, int]] = []
        self._number_forms: list[int] = []  # pages whose number waits for the page count
        self._indexed = False  # the annex index added the annexes' outline entries
        self._body_keys = [self._key() for _ in doc.sections]
        self._annex_keys = {a.key: self._key() for a in doc.annexes}
        self._toc_style = self._para_style("toc", style.body, first_indent=0.0, align=TA_LEFT)
        number = style.page_number
        self._number_font = self._font(number.role)
        self._header_font = self._font(style.header.role)

    # ---- fonts, styles, text for the glyph check

    @staticmethod
    def _role(text_style: TextStyle) -> str:
        """The font role that draws a text style: bold has no face of its own in these fonts, so a
        bold 宋体/仿宋/楷体 is drawn in 黑体."""
        return _BOLD_AS.get(text_style.role, text_style.role) if text_style.bold else text_style.role

    def _font(self, role: str) -> str:
        return self.font_names[role]

    def _used(self, role: str, text: str) -> None:
        self._texts.setdefault(role, []).append(text)

    def _para_style(self, name: str, ts: TextStyle, *, align: int = TA_JUSTIFY, first_indent: float | None = None,
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
            name, fontName=self._font(self._role(ts)), fontSize=font_size, leading=leading,
            firstLineIndent=indent * font_size if first_indent is None else first_indent,
            leftIndent=left_indent, rightIndent=right_indent, alignment=align, wordWrap="CJK",
            spaceBefore=ts.space_before_pt if space_before is None else space_before,
            spaceAfter=ts.space_after_pt if space_after is None else space_after,
            allowWidows=0, allowOrphans=0,
            bulletFontName=self._font(self._role(ts)), bulletFontSize=font_size)
        self._styles[name] = made
        return made

    def _para(self, text: str, style: ParagraphStyle, role: str, bullet: str | None = None) -> Paragraph:
        self._used(role, text)
        if bullet:
            self._used(role, bullet)
        return Paragraph(markup(text), style, bulletText=bullet)

    # ---- drawing-time bookkeeping (called from flowables and page callbacks)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def _key(self) -> str:
        self._serial += 1
        return f"h{self._serial}"

    def _level(self, wanted: int) -> int:
        """An outline level no deeper than one below the previous entry (PDF outlines nest)."""
        level = max(0, min(wanted, self._outline_level + 1))
        self._outline_level = level
        return level

    def mark(self, canv: Canvas, marks: Iterable[_Mark], height: float) -> None:
        page = canv.getPageNumber()
        for m in marks:
            if m.here:
                canv.bookmarkHorizontal(m.key, 0, height + 2)
                self._pages[m.key] = page
            if m.title is not None:
                canv.addOutlineEntry(m.title, m.key, m.level, closed=True)

    def prepare_canvas(self, canv: Canvas) -> None:
        meta = self.doc.metadata
        stamp = _pdf_date(meta.created)
        canv.setDateFormatter(lambda *_: stamp)
        canv.setNamedCB(_TOC_CALLBACK, self._toc_line_end)
        canv.showOutline()

    def _toc_line_end(self, canv: Canvas, kind: str, label: str) -> None:
        """Called while a TOC line's text is set, at its end: remember where (the leader and the
        number are drawn after the text, so that they also come after it in the content stream)."""
        info = canv._curr_tx_info
        self._line_ends.append((float(info["cur_x"]), float(info["cur_y"]), int(label)))

    def finish_line(self, canv: Canvas) -> None:
        """After a TOC line's text: the dot leader and the page number (a form, filled in at save
        time), or the note of an annex bound separately."""
        for x, y, index in self._line_ends:
            entry = self._toc[index]
            room = self.text_w - x
            if entry.note:
                self._draw_leader(canv, x, y, room, entry.note)
                continue
            form = f"edesk_toc{index}"
            canv.saveState()
            canv.translate(x, y)
            canv.doForm(form)
            canv.restoreState()
            self._toc_slots.append(_TocSlot(form, entry.key, room))
        self._line_ends.clear()

    def _draw_leader(self, canv: Canvas, x: float, y: float, room: float, text: str) -> None:
        font, size = self._toc_style.fontName, self._toc_style.fontSize
        text_w = stringWidth(text, font, size)
        dot_w = stringWidth(".", font, size)
        gap = size * 0.4
        count = int((room - text_w - 2 * gap) / dot_w) if dot_w else 0
        canv.setFont(font, size)
        canv.setFillColor(colors.black)
        if count > 0:
            canv.drawString(x + room - text_w - gap - count * dot_w, y, "." * count)
        canv.drawRightString(x + room, y, text)

    def _on_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        """Header, page number and watermark of every page but the cover."""
        page = canv.getPageNumber()
        self.page_count = max(self.page_count, page)
        self._watermark(canv)
        header = self.style.header
        text = self.doc.header_text
        y = self.page_h - self.style.page.header_mm * MM
        canv.saveState()
        if text:
            canv.setFont(self._header_font, header.size_pt)
            canv.drawCentredString(self.left + self.text_w / 2, y, text)
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
        if self.doc.watermark:
            canv.doForm(_WATERMARK_FORM)

    def _draw_number(self, canv: Canvas, page: int, pages: int) -> None:
        number = self.style.page_number
        text = number.text(page, pages)
        y = self.style.page.footer_mm * MM
        canv.setFont(self._number_font, number.size_pt)
        canv.setFillColor(colors.black)
        inset = number.inset_chars * number.size_pt
        if number.position == "outside" and page % 2:
            canv.drawRightString(self.page_w - self.right - inset, y, text)
        elif number.position == "outside":
            canv.drawString(self.left + inset, y, text)
        else:
            canv.drawCentredString(self.left + self.text_w / 2, y, text)

    def finish_canvas(self, canv: Canvas) -> None:
        """Define the forms drawn before their content was known: page numbers with the total,
        TOC page numbers, the watermark."""
        for page in self._number_forms:
            canv.beginForm(f"edesk_page{page}")
            self._draw_number(canv, page, self.page_count)
            canv.endForm()
        size = self._toc_style.fontSize
        for slot in self._toc_slots:
            page = self._pages.get(slot.key)
            canv.beginForm(slot.form, lowerx=-size, lowery=-size, upperx=slot.room + size, uppery=2 * size)
            self._draw_leader(canv, 0, 0, slot.room, str(page) if page else "")
            canv.endForm()
        if self.doc.watermark:
            mark = self.style.watermark
            canv.beginForm(_WATERMARK_FORM)
            canv.setFillGray(mark.gray)
            canv.translate(self.page_w / 2, self.page_h / 2)
            canv.rotate(mark.angle)
            canv.setFont(self._font(mark.role), mark.size_pt)
            canv.drawCentredString(0, -mark.size_pt / 3, self.doc.watermark)
            canv.endForm()

    def toc_pages(self) -> dict[str, int]:
        """Heading as printed → page, for the headings that have a page of their own (not the
        annexes bound separately)."""
        separate = {self._annex_keys[a.key] for a in self.doc.annexes if a.separate}
        return {text: self._pages[key] for text, key in self._headings if key in self._pages and key not in separate}

    # ---- the story

    def render(self) -> bytes:
        story = self._story()
        self._check_glyphs()
        self.check_cancel()
        buffer = io.BytesIO()
        meta = self.doc.metadata
        template = _DocTemplate(
            buffer, self, pagesize=(self.page_w, self.page_h), leftMargin=self.left, rightMargin=self.right,
            topMargin=self.top, bottomMargin=self.bottom, title=meta.title, author=meta.author,
            subject=meta.subject, keywords=[k for k in meta.keywords if k], creator=APP_TITLE, invariant=1,
            pageCompression=1, initialFontName=self._font(self._role(self.style.body)),
            initialFontSize=self.style.body.size_pt, initialLeading=self.style.body.leading, lang="zh-CN",
            displayDocTitle=1)
        frame = Frame(self.left, self.bottom, self.text_w, self.text_h, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id="text")
        body = PageTemplate(id="body", frames=[frame], onPage=self._on_page)
        if self.doc.layout == "card":
            template.addPageTemplates([body])
        else:
            template.addPageTemplates([PageTemplate(id="cover", frames=[frame], onPage=self._on_cover), body])

        def canvasmaker(*args: Any, **kwargs: Any) -> _Canvas:
            return _Canvas(self, *args, **kwargs)

        try:
            template.build(story, canvasmaker=canvasmaker)
        except LayoutError as exc:
            raise PdfLayoutError(f"无法排版 PDF：有一项内容（表格的一行或一张图片）比一页还高，请拆分后再导出。（{exc}）"
                                 ) from exc
        return buffer.getvalue()

    def _story(self) -> list[Flowable]:
        doc = self.doc
        story: list[Flowable] = []
        if doc.layout == "card":
            story += self._one_page(self._body_title() + self._sections())
            for annex in doc.annexes:
                if not annex.separate:
                    story += self._annex(annex)
            return story
        story += self._cover()
        story += self._decree()
        story += self._signoff()
        story += self._toc_page()
        story.append(PageBreak())
        story += self._body_title()
        story += self._sections()
        if doc.annexes:
            story += self._annex_index()
            for annex in doc.annexes:
                if not annex.separate:
                    story += self._annex(annex)
        return story

    def _one_page(self, content: list[Flowable]) -> list[Flowable]:
        """A card's content on one page: shrunk a little if it runs a little over (up to a
        quarter), left to flow onto a second page if it is longer than that."""
        height = 0.0
        for flowable in content:
            if not isinstance(flowable, CondPageBreak):
                height += flowable.wrap(self.text_w, self.text_h)[1] + flowable.getSpaceBefore() + \
                    flowable.getSpaceAfter()
        if height > 1.25 * self.text_h:
            self.warnings.append(f"应急处置卡应为一页，这张卡的内容约有 {height / self.text_h:.1f} 页，打印时会排成多页，"
                                 "建议精简处置步骤或注意事项。")
        if height <= self.text_h or height > 1.25 * self.text_h or any(
                isinstance(f, PageBreak) for f in content):
            return content
        return [KeepInFrame(self.text_w, self.text_h, content, mode="shrink")]

    # cover ---------------------------------------------------------------------------------------

    def _cover(self) -> list[Flowable]:
        """Enterprise, title and the cover fields (label: value over a rule), kept on one page."""
        doc, style = self.doc, self.style
        title_style = self._para_style("cover-title", style.cover_title, align=TA_CENTER, first_indent=0.0)
        unit_style = self._para_style("cover-unit", TextStyle(role="hei", size_pt=18), align=TA_CENTER,
                                      first_indent=0.0)
        size = max(14.0, style.body.size_pt)
        label_style = self._para_style("cover-label", style.body, align=TA_LEFT, first_indent=0.0, size=size)
        value_style = self._para_style("cover-value", style.body, align=TA_LEFT, first_indent=0.0, size=size)
        content: list[Flowable] = [Spacer(1, 30 * MM)]
        if doc.enterprise_name:
            content += [self._para(doc.enterprise_name, unit_style, "hei"), Spacer(1, 12 * MM)]
        self._used(self._role(style.cover_title), doc.title)
        content.append(_MarkedParagraph(markup(doc.title), title_style, self,
                                        [_Mark(self._key(), _flat(doc.title), self._level(0))]))
        content.append(Spacer(1, 24 * MM))
        role = self._role(style.body)
        if doc.cover:
            rows = [[self._para(f.label + "：", label_style, role), self._para(f.value, value_style, role)]
                    for f in doc.cover]
            label_w = max(stringWidth(f.label + "：", label_style.fontName, size) for f in doc.cover) + 8
            table = RLTable(rows, colWidths=[label_w, min(self.text_w - label_w, 80 * MM)], hAlign="CENTER")
            table.setStyle(RLTableStyle([
                ("FONT", (0, 0), (-1, -1), label_style.fontName, size),  # else Helvetica is set (and not embedded)
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), RULE_WIDTH, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), size * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]))
            content.append(table)
        # a very long title or many fields shrink rather than spill onto a second page
        return [KeepInFrame(self.text_w, self.text_h, content, mode="shrink"), NextPageTemplate("body"), PageBreak()]

    # 发布令 --------------------------------------------------------------------------------------

    def _front_title(self, text: str) -> list[Flowable]:
        """A front-matter title (发布令, 目次 …), centred, with its outline entry."""
        style = self._para_style("front-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                 space_after=self.style.body.leading)
        self._used(self._role(self.style.title), text)
        return [CondPageBreak(style.leading + 4 * self.style.body.leading),
                _MarkedParagraph(markup(text), style, self, [_Mark(self._key(), _flat(text), self._level(0))])]

    def _decree(self) -> list[Flowable]:
        doc, style = self.doc, self.style
        body = self._para_style("body", style.body)
        role = self._role(style.body)
        signer = self._para_style("signer", style.body, align=TA_RIGHT, first_indent=0.0,
                                  right_indent=2 * style.body.size_pt)
        out = self._front_title(doc.decree_title)
        out += [self._para(p, body, role) for p in doc.decree]
        out.append(Spacer(1, 2 * style.body.leading))
        out.append(self._para(doc.signer_label + (doc.signer or "　" * 6), signer, role))
        out.append(self._para(doc.decree_date_label + (doc.decree_date or "　　年　　月　　日"), signer, role))
        out.append(PageBreak())
        return out

    # 编制/审核/批准 and 修订记录 ---------------------------------------------------------------------

    def _signoff(self) -> list[Flowable]:
        doc = self.doc
        out = self._front_title(doc.signoff_title)
        rows = [list(doc.signoff_columns)] + [[s.role, s.name, "", s.date] for s in doc.signoffs]
        fractions = [0.18, 0.26, 0.30, 0.26] if len(doc.signoff_columns) == 4 else None
        widths = [f * self.text_w for f in fractions] if fractions else None
        heights: list[float | None] = [None] + [14 * MM] * len(doc.signoffs)
        out.append(self._grid(rows, 1, widths=widths, heights=heights, center=True))
        out.append(Spacer(1, 2 * self.style.body.leading))
        out += self._front_title(doc.revisions_title)
        revisions = [[r.version, r.date, r.reason, r.text, r.by] for r in doc.revisions]
        blank = [["" for _ in doc.revision_columns] for _ in range(2)]  # lines to fill in by hand
        rows = [list(doc.revision_columns)] + (revisions or blank)
        heights = [None] + [None if revisions else 10 * MM] * (len(rows) - 1)
        out.append(self._grid(rows, 1, heights=heights))
        out.append(PageBreak())
        return out

    # 目次 ----------------------------------------------------------------------------------------

    def _toc_line(self, entry: _TocEntry, marks: Sequence[_Mark] = ()) -> Flowable:
        """A line of the 目次 or of the annex index: the text, a dot leader and the page number
        (or the note), placed by the ``<onDraw>`` callback at the end of the text."""
        size = self._toc_style.fontSize
        style = self._para_style(f"toc{entry.level}", self.style.body, align=TA_LEFT, first_indent=0.0,
                                 left_indent=entry.level * size, right_indent=4 * size)
        self._toc.append(entry)
        self._used(self._role(self.style.body), entry.text + entry.note)
        text = f'{markup(entry.text)}<onDraw name="{_TOC_CALLBACK}" label="{len(self._toc) - 1}"/>'
        return _MarkedParagraph(text, style, self, marks)

    def _toc_page(self) -> list[Flowable]:
        doc = self.doc
        out = self._front_title(doc.toc_title)
        for section, key in zip(doc.sections, self._body_keys, strict=True):
            if section.level <= TOC_DEPTH:
                out.append(self._toc_line(_TocEntry(key, section.heading(self.style.numbering),
                                                    section.level - 1)))
        for annex in doc.annexes:
            out.append(self._toc_line(_TocEntry(self._annex_keys[annex.key], annex.heading, 0,
                                                SEPARATE if annex.separate else "")))
        self._used(self._role(self.style.body), ".0123456789")
        return out

    # body ----------------------------------------------------------------------------------------

    def _body_title(self) -> list[Flowable]:
        style = self._para_style("body-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                 space_after=self.style.body.leading)
        return [self._para(self.doc.title, style, self._role(self.style.title))]

    def _sections(self) -> list[Flowable]:
        doc, style = self.doc, self.style
        out: list[Flowable] = []
        for section, key in zip(doc.sections, self._body_keys, strict=True):
            self.check_cancel()
            level = section.level
            ts = style.heading(level)
            pstyle = self._para_style(f"h{min(level, len(style.headings))}", ts, align=TA_LEFT)
            text = section.heading(style.numbering)
            self._used(self._role(ts), text)
            self._headings.append((text, key))
            out.append(self._keep_room(text, pstyle))
            out.append(_MarkedParagraph(markup(text), pstyle, self, [_Mark(key, text, self._level(level - 1))]))
            out += self._blocks(section.blocks)
        return out

    def _keep_room(self, text: str, style: ParagraphStyle) -> Flowable:
        """A conditional page break before a heading: the heading and about three lines of what
        follows go to the next page together rather than leave the heading at a page's foot.
        (Cheaper and steadier than keepWithNext, which moves the heading whenever the next
        flowable does not fit whole.)"""
        width = stringWidth(text, style.fontName, style.fontSize) + style.firstLineIndent
        lines = int(width // max(self.text_w - style.leftIndent, 1)) + 1
        return CondPageBreak(style.spaceBefore + lines * style.leading + 3 * self.style.body.leading)

    def _blocks(self, blocks: Iterable[Block]) -> list[Flowable]:
        style = self.style
        body = self._para_style("body", style.body)
        role = self._role(style.body)
        out: list[Flowable] = []
        for block in blocks:
            if isinstance(block, DocParagraph):
                out.append(self._para(block.text, body, role))
            elif isinstance(block, BulletList | NumberedList):
                out += self._list(block)
            elif isinstance(block, Table):
                if block.rows:
                    out.append(self._table(block))
            elif isinstance(block, Image):
                out += self._image(block)
            elif isinstance(block, DocPageBreak):
                out.append(PageBreak())
        return out

    def _list(self, block: BulletList | NumberedList) -> list[Flowable]:
        body = self.style.body
        size = body.size_pt
        indent = body.first_line_indent_chars * size
        role = self._role(body)
        if isinstance(block, BulletList):
            style = self._para_style("bullet", body, first_indent=0.0, left_indent=indent + 1.2 * size)
            style.bulletIndent = indent
            return [self._para(item, style, role, BULLET) for item in block.items]
        style = self._para_style("numbered", body, first_indent=0.0, left_indent=indent + 2 * size)
        style.bulletIndent = indent
        return [self._para(item, style, role, f"{n}.") for n, item in enumerate(block.items, 1)]

    def _image(self, block: Image) -> list[Flowable]:
        caption_style = self._para_style("caption", self.style.caption, align=TA_CENTER, first_indent=0.0,
                                         space_before=3, space_after=6)
        role = self._role(self.style.caption)
        stored = self.doc.images.get(block.sha256)
        caption = [self._para(block.caption, caption_style, role)] if block.caption else []
        if stored is None:
            self.warnings.append(f"图片缺失：{block.caption or block.sha256[:12]}（预案中引用的图片已不存在，PDF 中以文字代替）")
            return [self._para(f"［图片缺失：{block.caption or block.sha256[:12]}］", caption_style, role)]
        data = stored[0]
        try:  # a damaged or unsupported picture must not stop the export: say so and go on
            width_px, height_px = ImageReader(io.BytesIO(data)).getSize()
        except (OSError, ValueError) as exc:
            self.warnings.append(f"图片无法读取：{block.caption or block.sha256[:12]}（{exc}）")
            return [self._para(f"［图片无法显示：{block.caption}］", caption_style, role)]
        width = self.text_w if block.width_mm is None else min(block.width_mm * MM, self.text_w)
        height = width * height_px / max(width_px, 1)
        limit = self.text_h * 0.85 - (caption_style.leading * 2 if caption else 0)
        if height > limit:
            width, height = width * limit / height, limit
        picture = RLImage(io.BytesIO(data), width=width, height=height)
        picture.hAlign = "CENTER"
        return [KeepTogether([Spacer(1, 3), picture, *caption])]

    # tables --------------------------------------------------------------------------------------

    def _table(self, block: Table) -> Flowable:
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
        return self._grid(texts, min(block.header_rows, rows), spans=spans)

    def _grid(self, texts: list[list[str]], header_rows: int, *, spans: Sequence[tuple[int, int, int, int]] = (),
              widths: Sequence[float] | None = None, heights: Sequence[float | None] | None = None,
              center: bool = False) -> Flowable:
        """A table: header rows repeated on every page, rows never split, merged cells, widths
        shared by content, text wrapped in cells that need it."""
        ts = self.style.table
        font, head_font = self._font(ts.role), self._font(ts.header_role)
        size, leading = ts.size_pt, ts.leading_pt
        columns = max(len(r) for r in texts)
        texts = [r + [""] * (columns - len(r)) for r in texts]
        spanned = {(c, r) for c0, r0, c1, r1 in spans for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        ends = {(c0, r0): c1 for c0, r0, c1, _ in spans}
        measured = [[self._width(t, head_font if r < header_rows else font, size) if t else 0.0 for t in row]
                     for r, row in enumerate(texts)]
        if widths is None:
            widths = self._column_widths(texts, measured, header_rows, (head_font, font), size, spanned)
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
                self._used(role, text)
                room = sum(widths[c:ends.get((c, r), c) + 1]) - 2 * CELL_PAD_X  # a merged cell spans columns
                tallest = max(tallest, (measured[r][c] / max(room, 1) + text.count("\n") + 1) * leading)
                if "\n" not in text and measured[r][c] <= room:  # one line: drawn as a string, the cheapest
                    cells.append(text)
                else:
                    pstyle = head_style if head else (cell_centre if centred[c] else cell_style)
                    cells.append(Paragraph(markup(text), pstyle))
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
        table = RLTable(data, colWidths=list(widths), rowHeights=list(heights) if heights else None,
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
            cached = ParagraphStyle(key, fontName=self._font(role), fontSize=size, leading=leading,
                                    alignment=align, wordWrap="CJK")
            self._styles[key] = cached
        return cached

    def _width(self, text: str, font: str, size: float) -> float:
        """The width of ``text`` (its longest line) in points: ``stringWidth`` without its per-call
        font lookups, for the many cells of long tables."""
        metrics = self._metrics.get(font)
        if metrics is None:
            face = getFont(font).face
            metrics = self._metrics[font] = (face.charWidths.get, face.defaultWidth)
        get, default = metrics
        if "\n" in text:
            return max(self._width(line, font, size) for line in text.split("\n"))
        return 0.001 * size * sum([get(ord(ch), default) for ch in text])

    def _column_widths(self, texts: list[list[str]], measured: list[list[float]], header_rows: int,
                       fonts: tuple[str, str], size: float, spanned: set[tuple[int, int]]) -> list[float]:
        """Column widths that fill the text width.

        Each column's *natural* width is its longest line of text (a header counts up to four
        characters: headers wrap well); its *minimum* is two characters, or its longest run of
        Latin letters and digits up to eight characters, or the whole text up to ten characters
        when it holds a run of four or more (a phone number or a model after a name: reportlab's
        CJK wrapping would cut it in the middle). When the natural widths do not fit, the table is
        made as short as it can be: the smallest number of lines for which every column, given
        that share of its text (and at least its minimum), fits; the width left over unwraps the
        columns that nearly fit, then goes to the others by what they lack.
        """
        columns = len(texts[0])
        pad = 2 * CELL_PAD_X
        natural = [2 * size + pad] * columns
        minimum = [2 * size + pad] * columns
        for r, row in enumerate(texts):
            head = r < header_rows
            for c, text in enumerate(row):
                if not text or (c, r) in spanned:
                    continue
                width = measured[r][c]
                natural[c] = max(natural[c], (min(width, 4 * size) if head else width) + pad)
                runs = _LATIN_RUN.findall(text)
                if runs:  # a phone number or a model number should not be broken
                    longest = max(runs, key=len)
                    keep = width if len(longest) >= 4 and width <= 10 * size else min(
                        self._width(longest, fonts[0] if head else fonts[1], size), 8 * size)
                    minimum[c] = max(minimum[c], keep + pad)
        natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
        avail = self.text_w
        total = sum(natural)
        if total <= avail:
            return [n * avail / total for n in natural]
        if sum(minimum) >= avail:
            return [m * avail / sum(minimum) for m in minimum]
        # the fewest lines the wrapping columns can do with: each gets 1/lines of its text, plus
        # a character for the rounding of characters to lines
        lines = 2
        while True:  # ends: at many lines every column is at its minimum, and those fit
            widths = [min(n, max(m, (n - pad) / lines + size + pad)) for n, m in zip(natural, minimum, strict=True)]
            if sum(widths) <= avail:
                break
            lines += 1
        left = avail - sum(widths)
        gaps = {c: natural[c] - widths[c] for c in range(columns) if natural[c] - widths[c] > 0.01}
        for c in sorted(gaps, key=lambda c: gaps[c]):  # the rest: first to unwrap the nearly fitting,
            if gaps[c] > left:
                break
            left -= gaps[c]
            widths[c] = natural[c]
            del gaps[c]
        wanting = sum(gaps.values())
        for c in gaps:  # then shared by what the others still lack
            widths[c] += left * gaps[c] / wanting
        return widths

    # annexes -------------------------------------------------------------------------------------

    def _annex_index(self) -> list[Flowable]:
        """The 附件 page: every annex with its page, or 另行装订; each line adds the annex's
        outline entry (so the outline lists the annexes in their order), and an annex bound
        separately has its destination here."""
        doc = self.doc
        out: list[Flowable] = [PageBreak(), *self._front_title(doc.annex_index_title)]
        for annex in doc.annexes:
            key = self._annex_keys[annex.key]
            self._headings.append((annex.heading, key))
            entry = _TocEntry(key, annex.heading, 0, SEPARATE if annex.separate else "")
            out.append(self._toc_line(entry, [_Mark(key, annex.heading, self._level(0), here=annex.separate)]))
        if doc.annex_separate_note and any(a.separate for a in doc.annexes):
            note = self._para_style("annex-note", self.style.caption, align=TA_LEFT, first_indent=0.0,
                                    space_before=self.style.body.leading)
            out.append(self._para("注：" + doc.annex_separate_note, note, self._role(self.style.caption)))
        self._indexed = True
        return out

    def _annex(self, annex: PrintAnnex) -> list[Flowable]:
        style = self.style
        ts = style.heading(1)
        head = self._para_style("annex-heading", ts, align=TA_LEFT, first_indent=0.0,
                                space_after=ts.space_after_pt or style.body.leading * 0.5)
        source = self._para_style("annex-source", style.caption, align=TA_LEFT, first_indent=0.0,
                                  space_after=style.body.leading * 0.5)
        key = self._annex_keys[annex.key]
        if self._indexed:  # the index page already added its outline entry
            mark = _Mark(key, None)
        else:  # a card: no index page, the annex heading carries its own outline entry
            self._headings.append((annex.heading, key))
            mark = _Mark(key, annex.heading, self._level(0))
        self._used(self._role(ts), annex.heading)
        out: list[Flowable] = [PageBreak()]
        out.append(_MarkedParagraph(markup(annex.heading), head, self, [mark]))
        if annex.source:
            out.append(self._para(f"数据来源：{annex.source}", source, self._role(style.caption)))
        out += self._blocks(annex.blocks)
        return out

    # glyphs --------------------------------------------------------------------------------------

    def _check_glyphs(self) -> None:
        number = self.style.page_number
        self._used(number.role, number.text(1234567890, 1234567890))
        self._used(self.style.header.role, self.doc.header_text)
        if self.doc.watermark:
            self._used(self.style.watermark.role, self.doc.watermark)
        labels = {"song": "宋体", "fang": "仿宋", "hei": "黑体", "kai": "楷体", "title": "小标宋"}
        for role, texts in self._texts.items():
            missing = self.fonts.missing_glyphs("".join(texts), cast(Role, role))
            if missing:
                shown = "、".join(sorted(missing, key=ord)[:40]) + ("等" if len(missing) > 40 else "")
                codes = "，".join(f"U+{ord(ch):04X}" for ch in sorted(missing, key=ord)[:5])
                face = self.fonts.face(cast(Role, role))
                self.warnings.append(
                    f"{labels.get(role, role)}字体“{face.display_name}”缺少 {len(missing)} 个字符，"
                    f"PDF 中将显示为空白或方框：{shown}（{codes}）。请安装含这些字符的字体，或修改文字。")


def _flat(title: str) -> str:
    """A front-matter title without its spacing ("目　　次" → "目次") for the outline."""
    return "".join(title.split())


def _pdf_date(when: datetime) -> str:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') of the content's own time."""
    offset = when.utcoffset()
    if offset is None:
        return when.strftime("D:%Y%m%d%H%M%S")
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


