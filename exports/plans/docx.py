"""A plan as a Word file: its front matter around the generic layout of ``exports.docx``.

Same content and order as the PDF (``exports.plans.pdf``): cover (first page, no header or page
number), 发布令, the 编制/审核/批准 sign-off table and the revision history, 目次 (a real ``TOC``
field, pre-filled so it reads right before Word/WPS/LibreOffice refresh it on opening), the
numbered body, the annex index and the annexes (each starting on a new page). One deliberate
difference: an annex bound separately, which the PDF only lists in the annex index, also gets its
heading and the note on a placeholder page (consecutive ones share it) — Word's navigation pane
and TOC list headings in document order, so every annex needs a heading at its place. A ``card``
layout (应急处置卡) is only the title and the body. The cover's styles (封面标题/封面单位/封面文字)
are the plan's own; everything else — styles, numbering, tables, images, header, page numbers,
watermark, glyph fallback, properties, deterministic bytes — is ``exports.docx``.

``cancel()`` is polled per section; the target is written only when the file is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from exports.docx import (
    CELL_MARGIN_TW,
    TOC_INSTRUCTION,
    DocxWriter,
    ParaStyle,
    WordFonts,
    display_width,
    paragraph,
    style_xml,
    text_props,
    tw,
    tw_mm,
)
from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.plans.info import SEPARATE, document_info
from exports.result import ExportResult
from exports.styles import HouseStyle
from models.core.errors import Cancelled
from plans.document import Cell, Table
from plans.plans.print_model import PrintDocument

__all__ = ["SEPARATE_MARK", "TOC_INSTRUCTION", "render_docx"]

SEPARATE_MARK = f"（{SEPARATE}）"


def render_docx(doc: PrintDocument, target: Path | BinaryIO, *, style: HouseStyle, fonts: FontSet | None = None,
                toc_pages: Mapping[str, int] | None = None,
                cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Draw ``doc`` as a Word file into ``target`` (a path, written atomically, or a binary stream).

    ``toc_pages`` (heading text → page number, e.g. from the PDF of the same document) pre-fills
    the table of contents; Word, WPS and LibreOffice refresh it on opening in any case.
    ``cancel()`` is asked once per section and annex; when it answers True, ``Cancelled`` is raised
    and nothing is written.
    """

    def check() -> None:
        if cancel is not None and cancel():
            raise Cancelled()

    check()
    style = style.for_layout(doc.layout)
    writer = _PlanWriter(doc, style, fonts or find_fonts(), toc_pages)
    card = doc.layout == "card"
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
    data = writer.finish(cover=not card, check=check, extra_styles=_cover_styles(style, writer.fonts))
    if isinstance(target, str | Path):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return ExportResult(format="docx", pages=None, headings=doc.headings(scheme), fonts=writer.font_lines(),
                        warnings=writer.warnings)


def _cover_styles(style: HouseStyle, fonts: WordFonts) -> list[str]:
    body = style.body
    cover_title = text_props(style.cover_title, fonts, jc="center")
    cover_size = max(14.0, body.size_pt)
    cover_text = ParaStyle(font=fonts(body.role), size=cover_size, leading=round(cover_size * 2, 2), jc="left")
    cover_unit = ParaStyle(font=fonts("hei"), size=18.0, leading=27.0, jc="center", keep_next=True)
    return [style_xml("CoverTitle", "封面标题", cover_title, based_on="Title", custom=True, quick=True),
            style_xml("CoverUnit", "封面单位", cover_unit, custom=True),
            style_xml("CoverText", "封面文字", cover_text, custom=True)]


class _PlanWriter(DocxWriter):
    """The Word body of one printed plan."""

    def __init__(self, doc: PrintDocument, style: HouseStyle, fonts: FontSet,
                 toc_pages: Mapping[str, int] | None) -> None:
        super().__init__(document_info(doc), style, fonts, toc_pages)
        self.doc = doc

    # --- front matter

    def cover(self) -> None:
        """Enterprise, title and the cover fields (label: value over a rule), as the PDF lays them out."""
        doc = self.doc
        body = self.style.body.role
        top = tw_mm(40)
        if doc.enterprise_name:
            self.out.append(paragraph("CoverUnit", self.runs(doc.enterprise_name, "hei"),
                                      f'<w:spacing w:before="{top}"/>'))
            top = tw_mm(14)
        self.out.append(paragraph("CoverTitle", self.runs(doc.title, self.style.cover_title.role),
                                  f'<w:spacing w:before="{top}"/>'))
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
        self.out.append(paragraph("CoverText", "", f'<w:spacing w:before="{tw_mm(28) - tw(size * 2)}"/>'))
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
                                  f'<w:spacing w:before="{tw(body.leading * 3)}"/>{right}<w:jc w:val="right"/>'))
        self.out.append(paragraph("Normal", self.runs(doc.decree_date_label + date, body.role),
                                  f'{right}<w:jc w:val="right"/>'))

    def signoff_and_revisions(self) -> None:
        doc = self.doc
        self.page_title(doc.signoff_title)
        rows = [[Cell(c) for c in doc.signoff_columns]]
        rows += [[Cell(s.role), Cell(s.name), Cell(""), Cell(s.date)] for s in doc.signoffs]
        weights = [0.18, 0.26, 0.30, 0.26] if len(doc.signoff_columns) == 4 else None
        self.table(Table(rows, 1), weights=weights, row_height_mm=14, centre=True)
        self.page_title(doc.revisions_title, new_page=False, before=self.style.body.leading)
        rows = [[Cell(c) for c in doc.revision_columns]]
        rows += [[Cell(r.version), Cell(r.date), Cell(r.reason), Cell(r.text), Cell(r.by)] for r in doc.revisions]
        blank = not doc.revisions
        if blank:  # two empty rows to fill in by hand
            rows += [[Cell("") for _ in doc.revision_columns] for _ in range(2)]
        self.table(Table(rows, 1), row_height_mm=10 if blank else None)

    # --- annexes

    def annex_index(self) -> None:
        """附件 list: every annex, those bound separately marked 另行装订 with the note below."""
        doc = self.doc
        self.page_title(doc.annex_index_title)
        body = self.style.body
        size = body.size_pt
        line = (f'<w:spacing w:after="{tw(body.leading * 0.25)}"/>'
                f'<w:ind w:left="{tw(2 * size)}" w:leftChars="200" w:firstLine="0" w:firstLineChars="0"/>'
                '<w:jc w:val="left"/>')
        note = (f'<w:spacing w:before="0" w:after="{tw(body.leading * 0.25)}"/>'
                f'<w:ind w:left="{tw(6 * size)}"/><w:jc w:val="left"/>')
        for a in doc.annexes:
            self.out.append(paragraph("Normal", self.runs(a.heading + (SEPARATE_MARK if a.separate else ""),
                                                          body.role), line))
            if a.separate and doc.annex_separate_note:
                self.out.append(paragraph("Caption", self.runs(doc.annex_separate_note, self.style.caption.role),
                                          note))

    def annexes(self, check: Callable[[], None]) -> None:
        """Each generated annex on a new page. An annex bound separately gets its heading and the
        note on a placeholder page (shared by consecutive ones): Word's navigation pane and TOC
        list headings in document order, so it needs a heading at its place in the sequence."""
        doc = self.doc
        previous_separate = False
        source = f'<w:spacing w:after="{tw(self.style.body.leading * 0.5)}"/><w:jc w:val="left"/>'
        for a in doc.annexes:
            check()
            self.heading(a.heading, 1, new_page=not (a.separate and previous_separate), flush=True)
            if a.separate:
                self.out.append(paragraph("BodyText", self.runs(doc.annex_separate_note, self.style.body.role)))
            else:
                if a.source:
                    self.out.append(paragraph("Caption", self.runs(f"数据来源：{a.source}", self.style.caption.role),
                                              f"<w:keepNext/>{source}"))
                self.blocks(a.blocks)
            previous_separate = a.separate
