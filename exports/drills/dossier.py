"""The 演练档案 as one PDF (or Word file): a cover, the 目次 with every part's page number, then each
part on a new page — its title, then its sections as the part's own document draws them.

The PDF is laid out once: the 目次 lines get their page numbers when the parts' titles are drawn
(``exports.pdf``'s TOC forms, as the plan documents' 目次). The Word file's 目次 is a TOC field whose
cached entries carry the PDF's page numbers (``DossierResult.pages``), so the Word file is rendered
after the PDF of the same dossier in the same style.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepInFrame, NextPageTemplate, PageBreak, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from exports.docx import DocxWriter, paragraph
from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.layout import DocumentInfo
from exports.pdf import RULE_WIDTH, Mark, PdfRenderer, TocEntry, flat
from exports.report import section_docx, section_flowables
from exports.result import ExportResult
from exports.styles import MM, HouseStyle, TextStyle
from plans.drills.dossier import Dossier
from plans.report import ReportDocument

Format = Literal["pdf", "docx"]
TOC_TITLE = "目　　次"
PART_LEVEL = 1  # a part's title: level 1 of the outline and the Word headings; its sections one below


def toc_text(n: int, title: str) -> str:
    """A part's line in the 目次: “3　演练保障方案”."""
    return f"{n}　{title}"


def _info(dossier: Dossier) -> DocumentInfo:
    return DocumentInfo(title=f"{dossier.drill_title}{dossier.title}", author=dossier.enterprise,
                        subject=dossier.title, keywords=[k for k in dossier.keywords if k], created=dossier.created,
                        header_text=dossier.header_text, images=dossier.images, category="演练档案")


@dataclass(frozen=True)
class DossierResult:
    result: ExportResult
    pages: list[int]  # PDF: the page each part starts on, in order (the 目次's numbers)


class _DossierPdf(PdfRenderer):
    cover = True

    def __init__(self, dossier: Dossier, style: HouseStyle, fonts: FontSet, cancel: Callable[[], bool] | None) -> None:
        super().__init__(_info(dossier), style, fonts, cancel)
        self.dossier = dossier
        self.part_keys = [self.key() for _ in dossier.parts]

    def story(self) -> list[Flowable]:
        story = self._cover()
        story += self._contents()
        for n, (part, key) in enumerate(zip(self.dossier.parts, self.part_keys, strict=True), 1):
            self.check_cancel()
            story += self._part(n, part.title, key, part.document)
        return story

    def _cover(self) -> list[Flowable]:
        d, style = self.dossier, self.style
        title = self.para_style("cover-title", style.cover_title, align=TA_CENTER, first_indent=0.0)
        unit = self.para_style("cover-unit", TextStyle(role="hei", size_pt=18), align=TA_CENTER, first_indent=0.0)
        drill = self.para_style("cover-drill", style.title, align=TA_CENTER, first_indent=0.0)
        size = max(14.0, style.body.size_pt)
        label = self.para_style("cover-label", style.body, align=TA_LEFT, first_indent=0.0, size=size)
        role = self.role(style.body)
        content: list[Flowable] = [Spacer(1, 30 * MM)]
        if d.enterprise:
            content += [self.para(d.enterprise, unit, "hei"), Spacer(1, 12 * MM)]
        content.append(self.marked(d.title, title, self.role(style.cover_title), [Mark(self.key(), d.title, self.level(0))]))
        content += [Spacer(1, 8 * MM), self.para(self.balanced(d.drill_title, drill), drill, self.role(style.title)),
                    Spacer(1, 20 * MM)]
        rows = [[self.para(k + "：", label, role), self.para(v, label, role)] for k, v in d.cover]
        label_w = max(stringWidth(k + "：", label.fontName, size) for k, _v in d.cover) + 8
        table = RLTable(rows, colWidths=[label_w, min(self.text_w - label_w, 80 * MM)], hAlign="CENTER")
        table.setStyle(RLTableStyle([
            ("FONT", (0, 0), (-1, -1), label.fontName, size),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), RULE_WIDTH, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), size * 0.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        content.append(table)
        return [KeepInFrame(self.text_w, self.text_h, content, mode="shrink"), NextPageTemplate("body"), PageBreak()]

    def _contents(self) -> list[Flowable]:
        out = self.page_title(TOC_TITLE)
        for n, (part, key) in enumerate(zip(self.dossier.parts, self.part_keys, strict=True), 1):
            out.append(self.toc_line(TocEntry(key, toc_text(n, part.title), 0)))
        self.used(self.role(self.style.body), ".0123456789")
        return out

    def _part(self, n: int, title: str, key: str, document: ReportDocument) -> list[Flowable]:
        style = self.para_style("part-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                space_after=self.style.body.leading * 0.5)
        sub = self.para_style("part-sub", self.style.body, align=TA_CENTER, first_indent=0.0,
                              space_after=self.style.body.leading)
        self.headings.append((toc_text(n, title), key))
        out: list[Flowable] = [PageBreak(), self.marked(title, style, self.role(self.style.title),
                                                       [Mark(key, flat(title), self.level(0))])]
        if document.subtitle:
            out.append(self.para(document.subtitle, sub, self.role(self.style.body)))
        for section in document.sections:
            out += section_flowables(self, section, section.level + PART_LEVEL, self.key())
        return out

    def part_pages(self) -> list[int]:
        pages = self.toc_pages()
        return [pages.get(toc_text(n, p.title), 0) for n, p in enumerate(self.dossier.parts, 1)]


def _docx(dossier: Dossier, style: HouseStyle, fonts: FontSet, pages: Sequence[int]) -> tuple[bytes, DocxWriter]:
    toc = {toc_text(n, p.title): page for n, (p, page) in enumerate(zip(dossier.parts, pages, strict=True), 1)}
    writer = DocxWriter(_info(dossier), style, fonts, toc)
    centre = '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>'
    if dossier.enterprise:
        writer.out.append(paragraph("BodyText", writer.runs(dossier.enterprise, style.body.role), centre))
    writer.page_title(dossier.title, new_page=False, before=60)
    writer.page_title(dossier.drill_title, new_page=False)
    for label, value in dossier.cover:
        writer.out.append(paragraph("BodyText", writer.runs(f"{label}：{value}", style.body.role), centre))
    headings: list[tuple[int, str, str]] = []
    for n, part in enumerate(dossier.parts, 1):
        headings.append((PART_LEVEL, toc_text(n, part.title), ""))
        headings += [(4, s.title, "") for s in part.document.sections]  # counted, not listed: parts only
    writer.toc(TOC_TITLE, headings)
    for part in dossier.parts:
        writer.heading(part.title, PART_LEVEL, new_page=True)
        if part.document.subtitle:
            writer.out.append(paragraph("BodyText", writer.runs(part.document.subtitle, style.body.role), centre))
        for section in part.document.sections:
            section_docx(writer, section, section.level + PART_LEVEL)
    return writer.finish(cover=True, check=lambda: None), writer


def render_dossier(dossier: Dossier, fmt: Format, target: Path | BinaryIO, *, style: HouseStyle,
                   fonts: FontSet | None = None, cancel: Callable[[], bool] | None = None) -> DossierResult:
    """Draw the dossier and write it to ``target`` (a path, written atomically, or a stream). The
    Word file needs the page numbers: the PDF is laid out first (and not written)."""
    fonts = fonts or find_fonts()
    renderer = _DossierPdf(dossier, style, fonts, cancel)
    pdf = renderer.render()
    pages = renderer.part_pages()
    headings = [toc_text(n, p.title) for n, p in enumerate(dossier.parts, 1)]
    if fmt == "pdf":
        data = pdf
        result = ExportResult(format="pdf", pages=renderer.page_count, headings=headings, fonts=renderer.font_lines(),
                              warnings=renderer.warnings, toc=dict(zip(headings, pages, strict=True)))
    else:
        data, writer = _docx(dossier, style, fonts, pages)
        result = ExportResult(format="docx", pages=None, headings=headings, fonts=writer.font_lines(),
                              warnings=list(writer.warnings))
    if isinstance(target, str | os.PathLike):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    return DossierResult(result, pages)


def dossier_bytes(dossier: Dossier, fmt: Format, *, style: HouseStyle, fonts: FontSet | None = None) -> bytes:
    buffer = io.BytesIO()
    render_dossier(dossier, fmt, buffer, style=style, fonts=fonts)
    return buffer.getvalue()
