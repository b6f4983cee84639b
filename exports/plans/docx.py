"""A plan as a Word file: its front matter around the generic layout of ``exports.docx``.

Same content, order and page breaks as the PDF (``exports.plans.pdf``), so that the PDF's page
numbers are the Word file's: cover (first page, no header or page number), 发布令, the
编制/审核/批准 sign-off table and the revision history, 目次 (a real ``TOC`` field whose cached
result lists every entry with its page), the numbered body, the annex index (附件 list: each
annex with its page, or 另行装订, and the note) and the generated annexes, each on a new page. An
annex bound separately only appears in the annex index and the 目次, as in the PDF; its 目次 entry
links to its line in the index. A ``card`` layout (应急处置卡) is only the title and the body (and
generated annexes), made a little smaller when it runs a little over one page, as the PDF
shrinks it. The cover's styles (封面标题/封面单位/封面文字) and the annex index's (附件列表) are the
plan's own; everything else — styles, grid, numbering, tables, images, header, page numbers,
watermark, glyph fallback, properties, deterministic bytes — is ``exports.docx``.

``cancel()`` is polled per section; the target is written only when the file is complete.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from exports.docx import (
    CELL_MARGIN_TW,
    TOC_INSTRUCTION,
    DocxWriter,
    ParaStyle,
    WordFonts,
    display_width,
    grid_tracking_tw,
    paragraph,
    style_xml,
    text_props,
    toc_bookmark,
    tw,
    tw_mm,
)
from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.plans.info import SEPARATE, document_info
from exports.result import ExportResult
from exports.styles import HouseStyle, TextStyle
from models.core.errors import Cancelled
from plans.document import Cell, Table
from plans.plans.print_model import PrintDocument

__all__ = ["SEPARATE_MARK", "TOC_INSTRUCTION", "render_docx"]

SEPARATE_MARK = f"（{SEPARATE}）"


def render_docx(doc: PrintDocument, target: Path | BinaryIO, *, style: HouseStyle, fonts: FontSet | None = None,
                toc_pages: Mapping[str, int] | None = None,
                cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Draw ``doc`` as a Word file into ``target`` (a path, written atomically, or a binary stream).

    ``toc_pages`` (heading text → page number: ``ExportResult.toc`` of the PDF of the same
    document in the same style) fills the page numbers of the 目次 and the annex index; without it
    the entries have no numbers (``exports.plans.export.render_plan`` always passes them).
    ``cancel()`` is asked once per section and annex; when it answers True, ``Cancelled`` is raised
    and nothing is written.
    """

    def check() -> None:
        if cancel is not None and cancel():
            raise Cancelled()

    check()
    fonts = fonts or find_fonts()
    card = doc.layout == "card"
    style = style.for_layout(doc.layout)
    if card:
        style = card_style(doc, style, fonts)
    writer = _PlanWriter(doc, style, fonts, toc_pages)
    scheme = style.numbering
    if card:
        writer.page_title(doc.title, new_page=False)
    else:
        writer.cover()
        writer.decree()
        writer.signoff_and_revisions()
        writer.toc(doc.toc_title, [(s.level, s.heading(scheme), "") for s in doc.sections]
                   + [(1, a.heading, SEPARATE if a.separate else "") for a in doc.annexes])
        writer.page_title(doc.title)
    for section in doc.sections:
        check()
        writer.heading(section.heading(scheme), section.level)
        writer.blocks(section.blocks)
    if doc.annexes and not card:
        writer.annex_index()
    writer.annexes(check)
    check()
    data = writer.finish(cover=not card, check=check, extra_styles=_plan_styles(style, writer.fonts))
    if isinstance(target, str | Path):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return ExportResult(format="docx", pages=None, headings=doc.headings(scheme), fonts=writer.font_lines(),
                        warnings=writer.warnings)


def card_style(doc: PrintDocument, style: HouseStyle, fonts: FontSet) -> HouseStyle:
    """The style a card (``style`` already ``for_layout("card")``) is written in: no character grid
    (a card is no 公文 and is set in 五号), and, when the PDF shrinks the card onto one page, every
    size and leading made smaller by the PDF's factor (a little more: Word's lines are not
    exactly the PDF's) so that Word, WPS and LibreOffice keep it on one page too."""
    style = replace(style, body=replace(style.body, chars_per_line=0, lines_per_page=0))
    factor = _card_shrink(doc, style, fonts)
    if factor >= 1.0:
        return style
    factor *= CARD_MARGIN

    def size(pt: float) -> float:
        return max(math.floor(pt * factor * 2) / 2, 5.0)  # w:sz is in half-points

    def text(ts: TextStyle) -> TextStyle:
        return replace(ts, size_pt=size(ts.size_pt), leading_pt=round(ts.leading * factor, 2),
                       space_before_pt=round(ts.space_before_pt * factor, 2),
                       space_after_pt=round(ts.space_after_pt * factor, 2))

    table = style.table
    return replace(style, body=text(style.body), title=text(style.title),
                   headings=tuple(text(h) for h in style.headings), caption=text(style.caption),
                   table=replace(table, size_pt=size(table.size_pt), leading_pt=round(table.leading_pt * factor, 2)))


CARD_MARGIN = 0.97  # Word's card a little smaller than the PDF's shrunk one


def _card_shrink(doc: PrintDocument, style: HouseStyle, fonts: FontSet) -> float:
    """The factor by which the PDF shrinks a card's content onto one page (1.0: it fits, or it is
    too long to shrink and flows onto a second page): its content's height measured as the PDF
    measures it (``exports.plans.pdf``: title and sections kept in a shrinking frame)."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import CondPageBreak, KeepInFrame

    from exports.plans.pdf import PlanPdf

    renderer = PlanPdf(doc, style, fonts, None)
    try:
        story = renderer.story()
    except AttributeError:  # the PDF's card measure wraps a picture (KeepTogether) without a canvas
        return 1.0
    first = story[0] if story else None
    if not isinstance(first, KeepInFrame):
        return 1.0
    canvas = Canvas(io.BytesIO())
    height = 0.0
    for flowable in first._content:
        if not isinstance(flowable, CondPageBreak):
            height += (flowable.wrapOn(canvas, renderer.text_w, renderer.text_h)[1] + flowable.getSpaceBefore()
                       + flowable.getSpaceAfter())
    return min(1.0, renderer.text_h / height) if height else 1.0


def _plan_styles(style: HouseStyle, fonts: WordFonts) -> list[str]:
    body = style.body
    cover_title = text_props(style.cover_title, fonts, jc="center")
    cover_size = max(14.0, body.size_pt)
    cover_text = ParaStyle(font=fonts(body.role), size=cover_size, leading=round(cover_size * 2, 2), jc="left")
    cover_unit = ParaStyle(font=fonts("hei"), size=18.0, leading=27.0, jc="center", keep_next=True)
    tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tw_mm(style.page.text_width_mm)}"/></w:tabs>'
    annex_line = text_props(body, fonts, before=0.0, after=0.0, tabs=tabs, jc="left",
                            tracking_tw=grid_tracking_tw(style))
    return [style_xml("CoverTitle", "封面标题", cover_title, based_on="Title", custom=True, quick=True),
            style_xml("CoverUnit", "封面单位", cover_unit, custom=True),
            style_xml("CoverText", "封面文字", cover_text, custom=True),
            style_xml("AnnexIndex", "附件列表", annex_line, custom=True)]


class _PlanWriter(DocxWriter):
    """The Word body of one printed plan."""

    def __init__(self, doc: PrintDocument, style: HouseStyle, fonts: FontSet,
                 toc_pages: Mapping[str, int] | None) -> None:
        super().__init__(document_info(doc), style, fonts, toc_pages)
        self.doc = doc

    # --- front matter

    def cover(self) -> None:
        """Enterprise, title and the cover fields (label: value over a rule), spaced as in the PDF."""
        doc = self.doc
        body = self.style.body.role
        ts = self.style.cover_title
        top = tw_mm(30)
        if doc.enterprise_name:
            self.out.append(paragraph("CoverUnit", self.runs(doc.enterprise_name, "hei"),
                                      f'<w:spacing w:before="{top}"/>'))
            top = tw_mm(12)
        title = self.balanced(doc.title, ts.role, ts.size_pt)
        self.out.append(paragraph("CoverTitle", self.runs(title, ts.role), f'<w:spacing w:before="{top}"/>'))
        if not doc.cover:
            return
        size = max(14.0, self.style.body.size_pt)
        label_w = round((max(display_width(f.label + "：") for f in doc.cover) + 2) * tw(size) / 2) + 2 * CELL_MARGIN_TW
        value_w = min(self.text_width - label_w, tw_mm(80))
        under = '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders>'
        rows = []
        for f in doc.cover:
            rows.append(
                '<w:tr><w:trPr><w:cantSplit/></w:trPr>'
                f'<w:tc><w:tcPr><w:tcW w:w="{label_w}" w:type="dxa"/><w:vAlign w:val="bottom"/></w:tcPr>'
                f'{paragraph("CoverText", self.runs(f.label + "：", body))}</w:tc>'
                f'<w:tc><w:tcPr><w:tcW w:w="{value_w}" w:type="dxa"/>{under}<w:vAlign w:val="bottom"/></w:tcPr>'
                f'{paragraph("CoverText", self.runs(f.value, body))}</w:tc></w:tr>')
        self.out.append(paragraph("CoverText", "", f'<w:spacing w:before="{max(tw_mm(24) - tw(size * 2), 0)}"/>'))
        self.out.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="{label_w + value_w}" w:type="dxa"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{label_w}"/><w:gridCol w:w="{value_w}"/></w:tblGrid>'
            f'{"".join(rows)}</w:tbl>')

    def decree(self) -> None:
        doc = self.doc
        body = self.style.body
        self.page_title(doc.decree_title)
        for text in doc.decree:
            self.out.append(paragraph("BodyText", self.runs(text, body.role)))
        signer = doc.signer or "　" * 6
        date = doc.decree_date or "　　　　年　　月　　日"
        right = f'<w:ind w:right="{tw(body.size_pt * 2)}" w:rightChars="200" w:firstLine="0" w:firstLineChars="0"/>'
        self.out.append(paragraph("Normal", self.runs(doc.signer_label + signer, body.role),
                                  f'<w:spacing w:before="{tw(body.leading * 2)}"/>{right}<w:jc w:val="right"/>'))
        self.out.append(paragraph("Normal", self.runs(doc.decree_date_label + date, body.role),
                                  f'{right}<w:jc w:val="right"/>'))

    def signoff_and_revisions(self) -> None:
        """The sign-off table (rows at least 14 mm, growing with their names), then the revision
        record two lines below (two blank rows of 10 mm to fill in by hand when there is none)."""
        doc = self.doc
        self.page_title(doc.signoff_title)
        rows = [[Cell(c) for c in doc.signoff_columns]]
        rows += [[Cell(s.role), Cell(s.name), Cell(""), Cell(s.date)] for s in doc.signoffs]
        weights = [0.18, 0.26, 0.30, 0.26] if len(doc.signoff_columns) == 4 else None
        self.table(Table(rows, 1), weights=weights, row_height_mm=14, centre=True)
        self.page_title(doc.revisions_title, new_page=False, before=2 * self.style.body.leading)
        rows = [[Cell(c) for c in doc.revision_columns]]
        rows += [[Cell(r.version), Cell(r.date), Cell(r.reason), Cell(r.text), Cell(r.by)] for r in doc.revisions]
        blank = not doc.revisions
        if blank:  # two empty rows to fill in by hand
            rows += [[Cell("") for _ in doc.revision_columns] for _ in range(2)]
        self.table(Table(rows, 1), row_height_mm=10 if blank else None)

    # --- annexes

    def annex_index(self) -> None:
        """附件 list, as the PDF's: every annex with a dot leader and its page (a ``PAGEREF`` to its
        heading), or 另行装订 — that line is where the 目次 entry of an annex bound separately
        leads — then the note on annexes bound separately."""
        doc = self.doc
        self.page_title(doc.annex_index_title)
        n = sum(1 for _ in doc.sections)
        for a in doc.annexes:
            if a.separate:
                line = self.bookmarked(self.bookmark_for(a.heading), self.toc_entry(a.heading, None, SEPARATE))
            else:
                n += 1
                line = self.toc_entry(a.heading, toc_bookmark(n))
            self.out.append(paragraph("AnnexIndex", line))
        if doc.annex_separate_note and any(a.separate for a in doc.annexes):
            caption = self.style.caption
            self.out.append(paragraph("Caption", self.runs("注：" + doc.annex_separate_note, caption.role),
                                      f'<w:spacing w:before="{tw(self.style.body.leading)}"/>'
                                      '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/>'))

    def annexes(self, check: Callable[[], None]) -> None:
        """Each generated annex on a new page: its heading at the margin (the PDF's space below it),
        the data source, the blocks. An annex bound separately is left out here, as in the PDF."""
        doc = self.doc
        body = self.style.body
        ts = self.style.heading(1)
        source = f'<w:spacing w:after="{tw(body.leading * 0.5)}"/><w:ind w:firstLine="0" w:firstLineChars="0"/>' \
                 '<w:jc w:val="left"/>'
        for a in doc.annexes:
            check()
            if a.separate:
                continue
            self.heading(a.heading, 1, new_page=True, flush=True, after=ts.space_after_pt or body.leading * 0.5)
            if a.source:
                self.out.append(paragraph("Caption", self.runs(f"数据来源：{a.source}", self.style.caption.role),
                                          f"<w:keepNext/>{source}"))
            self.blocks(a.blocks)
