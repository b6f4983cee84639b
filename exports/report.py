"""A report (``plans.report.ReportDocument``: a title, a subtitle and titled sections of
``plans.document`` blocks — the drill reports and documents, the annual drill plan, the stock card,
the inventory) through the shared renderers: the PDF of ``exports.pdf`` and the Word file of
``exports.docx``, in a house style, with the same typesetting as plan documents (禁则, justified lines,
tables that grow and repeat their header). A wide report is set on a landscape A4 page; a character
grid (GB/T 9704) keeps its spacing there by holding proportionally more characters per line.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, Literal

from docx.enum.section import WD_ORIENT
from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Flowable, Spacer

from exports.docx import DocxWriter, paragraph
from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.layout import DocumentInfo
from exports.pdf import PdfRenderer
from exports.result import ExportResult
from exports.styles import MM, HouseStyle
from plans.document import Table
from plans.report import ReportDocument, ReportSection

Format = Literal["pdf", "docx"]


def landscape(style: HouseStyle) -> HouseStyle:
    """``style`` on a landscape page (same margins turned; a character grid widened in proportion)."""
    page = style.page
    if page.width_mm > page.height_mm:
        return style
    turned = replace(page, width_mm=page.height_mm, height_mm=page.width_mm)
    body = style.body
    if body.chars_per_line:
        body = replace(body, chars_per_line=round(body.chars_per_line * turned.text_width_mm / page.text_width_mm),
                       lines_per_page=round(body.lines_per_page * turned.text_height_mm / page.text_height_mm)
                       if body.lines_per_page else 0)
    return replace(style, page=turned, body=body)


def _info(doc: ReportDocument) -> DocumentInfo:
    return DocumentInfo(title=doc.title, author=doc.author, subject=doc.title, keywords=[k for k in doc.keywords if k],
                        created=doc.created, header_text=doc.header_text, images=doc.images)


def section_flowables(renderer: PdfRenderer, section: ReportSection, level: int, key: str) -> list[Flowable]:
    """A report section in the PDF: its heading and blocks; a section with ``row_height_mm`` draws
    its tables' body rows at least that tall (a sign-in sheet's room to sign)."""
    if section.row_height_mm is None:
        return renderer.section(section.title, level, key, section.blocks)
    out = renderer.section(section.title, level, key, [])
    for block in section.blocks:
        if isinstance(block, Table) and block.rows:  # merged cells kept, as any table block
            out.append(renderer.table_block(block, body_height=section.row_height_mm * MM))
        else:
            out += renderer.blocks([block])
    return out


def section_docx(writer: DocxWriter, section: ReportSection, level: int) -> None:
    """A report section in the Word file (tall rows as in ``section_flowables``)."""
    writer.heading(section.title, level)
    if section.row_height_mm is None:
        writer.blocks(section.blocks)
        return
    for block in section.blocks:
        if isinstance(block, Table):
            writer.table(block, row_height_mm=section.row_height_mm)
        else:
            writer.blocks([block])


class _ReportPdf(PdfRenderer):
    def __init__(self, doc: ReportDocument, style: HouseStyle, fonts: FontSet) -> None:
        super().__init__(_info(doc), style, fonts, None)
        self.doc = doc

    def story(self) -> list[Flowable]:
        title = self.para_style("report-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                space_after=self.style.body.leading * 0.5)
        unit = self.para_style("report-unit", self.style.body, align=TA_CENTER, first_indent=0.0,
                               space_after=self.style.body.leading)
        out: list[Flowable] = [self.para(self.balanced(self.doc.title, title), title, self.role(self.style.title))]
        if self.doc.subtitle:
            out.append(self.para(self.doc.subtitle, unit, self.role(self.style.body)))
        out.append(Spacer(1, 4))
        for section in self.doc.sections:
            out += section_flowables(self, section, section.level, self.key())
        return out


def render_report(doc: ReportDocument, fmt: Format, target: Path | BinaryIO, *, style: HouseStyle,
                  fonts: FontSet | None = None) -> ExportResult:
    """Draw ``doc`` as a PDF or Word file into ``target`` (a path is written atomically), on a
    landscape page when the document asks for one."""
    fonts = fonts or find_fonts()
    if doc.landscape:
        style = landscape(style)
    if fmt == "pdf":
        renderer = _ReportPdf(doc, style, fonts)
        data = renderer.render()
        result = ExportResult(format="pdf", pages=renderer.page_count, headings=[s.title for s in doc.sections],
                              fonts=renderer.font_lines(), warnings=renderer.warnings)
    else:
        writer = DocxWriter(_info(doc), style, fonts)
        if doc.landscape:
            writer.document.sections[0].orientation = WD_ORIENT.LANDSCAPE
        writer.page_title(doc.title, new_page=False)
        if doc.subtitle:
            writer.out.append(paragraph("BodyText", writer.runs(doc.subtitle, style.body.role),
                                        '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>'))
        for section in doc.sections:
            section_docx(writer, section, section.level)
        data = writer.finish(cover=False, check=lambda: None)
        result = ExportResult(format="docx", pages=None, headings=[s.title for s in doc.sections],
                              fonts=writer.font_lines(), warnings=list(writer.warnings))
    if isinstance(target, str | Path):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return result


def report_bytes(doc: ReportDocument, fmt: Format, *, style: HouseStyle, fonts: FontSet | None = None) -> bytes:
    buffer = io.BytesIO()
    render_report(doc, fmt, buffer, style=style, fonts=fonts)
    return buffer.getvalue()
