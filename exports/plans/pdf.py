"""A plan as PDF: its front matter around the generic layout of ``exports.pdf``.

``render_pdf(doc, target, style=…, fonts=…, cancel=…)`` draws a ``PrintDocument``: for a plan
(``layout == "plan"``) the cover (no header, no page number), the 发布令, the 编制/审核/批准
sign-off table and the revision history, the 目次, the numbered body, the annex index (附件 list;
annexes bound separately are marked 另行装订) and every generated annex on a page of its own. A
应急处置卡 (``"card"``) is the title and the body only, shrunk a little to stay on one page.
The running header (plan number, version, control status), the watermark (草稿/作废) and the
file's metadata come from the print model (``exports.plans.info``); pages, page numbers,
bookmarks, fonts and glyph fallback, tables and the other blocks from ``exports.pdf``.

The outline: front-matter pages, body headings nested by level, the annex index and the annexes
at level 0 (it opens showing level 0). The output is what ``multiBuild`` with a
``TableOfContents`` and a NumberedCanvas would give, at the cost of one ``build``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    Spacer,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.pdf import RULE_WIDTH, Mark, PdfRenderer, TocEntry, flat
from exports.plans.info import SEPARATE, document_info
from exports.result import ExportResult
from exports.styles import MM, HouseStyle, TextStyle
from plans.plans.print_model import PrintAnnex, PrintDocument

TOC_DEPTH = 3  # body headings of levels 1–3 go into the 目次


def render_pdf(doc: PrintDocument, target: Path | BinaryIO, *, style: HouseStyle, fonts: FontSet | None = None,
               cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Draw ``doc`` in ``style`` and write the finished PDF to ``target`` (a path, written
    atomically, or a binary stream, written once at the end). Raises ``Cancelled`` when
    ``cancel()`` turns true; nothing is written then."""
    style = style.for_layout(doc.layout)
    renderer = PlanPdf(doc, style, fonts or find_fonts(), cancel)
    data = renderer.render()
    if isinstance(target, str | os.PathLike):
        write_atomically(Path(target), data)
    else:
        target.write(data)
    separate = {renderer.annex_keys[a.key] for a in doc.annexes if a.separate}
    return ExportResult(format="pdf", pages=renderer.page_count, headings=doc.headings(style.numbering),
                        fonts=renderer.font_lines(), warnings=renderer.warnings, toc=renderer.toc_pages(separate))


class PlanPdf(PdfRenderer):
    """One rendering of one printed plan."""

    def __init__(self, doc: PrintDocument, style: HouseStyle, fonts: FontSet,
                 cancel: Callable[[], bool] | None) -> None:
        super().__init__(document_info(doc), style, fonts, cancel)
        self.doc = doc
        self.cover = doc.layout != "card"
        self._indexed = False  # the annex index added the annexes' outline entries
        self.body_keys = [self.key() for _ in doc.sections]
        self.annex_keys = {a.key: self.key() for a in doc.annexes}

    def story(self) -> list[Flowable]:
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
        canvas = Canvas(io.BytesIO())  # for measuring only: some flowables (KeepTogether) need one
        for flowable in content:
            if not isinstance(flowable, CondPageBreak):
                height += flowable.wrapOn(canvas, self.text_w, self.text_h)[1] + flowable.getSpaceBefore() + \
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
        title_style = self.para_style("cover-title", style.cover_title, align=TA_CENTER, first_indent=0.0)
        unit_style = self.para_style("cover-unit", TextStyle(role="hei", size_pt=18), align=TA_CENTER,
                                     first_indent=0.0)
        size = max(14.0, style.body.size_pt)
        label_style = self.para_style("cover-label", style.body, align=TA_LEFT, first_indent=0.0, size=size)
        value_style = self.para_style("cover-value", style.body, align=TA_LEFT, first_indent=0.0, size=size)
        content: list[Flowable] = [Spacer(1, 30 * MM)]
        if doc.enterprise_name:
            content += [self.para(doc.enterprise_name, unit_style, "hei"), Spacer(1, 12 * MM)]
        content.append(self.marked(self.balanced(doc.title, title_style), title_style, self.role(style.cover_title),
                                   [Mark(self.key(), flat(doc.title), self.level(0))]))
        content.append(Spacer(1, 24 * MM))
        role = self.role(style.body)
        if doc.cover:
            rows = [[self.para(f.label + "：", label_style, role), self.para(f.value, value_style, role)]
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

    def _decree(self) -> list[Flowable]:
        doc, style = self.doc, self.style
        body = self.para_style("body", style.body)
        role = self.role(style.body)
        signer = self.para_style("signer", style.body, align=TA_RIGHT, first_indent=0.0,
                                 right_indent=2 * style.body.size_pt)
        out = self.page_title(doc.decree_title)
        out += [self.para(p, body, role) for p in doc.decree]
        out.append(Spacer(1, 2 * style.body.leading))
        out.append(self.para(doc.signer_label + (doc.signer or "　" * 6), signer, role))
        out.append(self.para(doc.decree_date_label + doc.decree_date, signer, role))
        out.append(PageBreak())
        return out

    # 编制/审核/批准 and 修订记录 ---------------------------------------------------------------------

    def _signoff(self) -> list[Flowable]:
        doc = self.doc
        out = self.page_title(doc.signoff_title)
        rows = [list(doc.signoff_columns)] + [[s.role, s.name, "", s.date] for s in doc.signoffs]
        fractions = [0.18, 0.26, 0.30, 0.26] if len(doc.signoff_columns) == 4 else None
        widths = [f * self.text_w for f in fractions] if fractions else None
        heights = [0.0] + [14 * MM] * len(doc.signoffs)  # room to sign; a row grows with its names
        out.append(self.grid(rows, 1, widths=widths, min_heights=heights, center=True))
        out.append(Spacer(1, 2 * self.style.body.leading))
        out += self.page_title(doc.revisions_title)
        revisions = [[r.version, r.date, r.reason, r.text, r.by] for r in doc.revisions]
        blank = [["" for _ in doc.revision_columns] for _ in range(2)]  # lines to fill in by hand
        rows = [list(doc.revision_columns)] + (revisions or blank)
        heights = [0.0] + [0.0 if revisions else 10 * MM] * (len(rows) - 1)
        out.append(self.grid(rows, 1, min_heights=heights))
        out.append(PageBreak())
        return out

    # 目次 ----------------------------------------------------------------------------------------

    def _toc_page(self) -> list[Flowable]:
        doc = self.doc
        out = self.page_title(doc.toc_title)
        for section, key in zip(doc.sections, self.body_keys, strict=True):
            if section.level <= TOC_DEPTH:
                out.append(self.toc_line(TocEntry(key, section.heading(self.style.numbering), section.level - 1)))
        for annex in doc.annexes:
            out.append(self.toc_line(TocEntry(self.annex_keys[annex.key], annex.heading, 0,
                                              SEPARATE if annex.separate else "")))
        self.used(self.role(self.style.body), ".0123456789")
        return out

    # body ----------------------------------------------------------------------------------------

    def _body_title(self) -> list[Flowable]:
        style = self.para_style("body-title", self.style.title, align=TA_CENTER, first_indent=0.0,
                                space_after=self.style.body.leading)
        return [self.para(self.balanced(self.doc.title, style), style, self.role(self.style.title))]

    def _sections(self) -> list[Flowable]:
        out: list[Flowable] = []
        for section, key in zip(self.doc.sections, self.body_keys, strict=True):
            self.check_cancel()
            out += self.section(section.heading(self.style.numbering), section.level, key, section.blocks)
        return out

    # annexes -------------------------------------------------------------------------------------

    def _annex_index(self) -> list[Flowable]:
        """The 附件 page: every annex with its page, or 另行装订; each line adds the annex's
        outline entry (so the outline lists the annexes in their order), and an annex bound
        separately has its destination here."""
        doc = self.doc
        out: list[Flowable] = [PageBreak(), *self.page_title(doc.annex_index_title)]
        for annex in doc.annexes:
            key = self.annex_keys[annex.key]
            self.headings.append((annex.heading, key))
            entry = TocEntry(key, annex.heading, 0, SEPARATE if annex.separate else "")
            out.append(self.toc_line(entry, [Mark(key, annex.heading, self.level(0), here=annex.separate)]))
        if doc.annex_separate_note and any(a.separate for a in doc.annexes):
            note = self.para_style("annex-note", self.style.caption, align=TA_LEFT, first_indent=0.0,
                                   space_before=self.style.body.leading)
            out.append(self.para("注：" + doc.annex_separate_note, note, self.role(self.style.caption)))
        self._indexed = True
        return out

    def _annex(self, annex: PrintAnnex) -> list[Flowable]:
        style = self.style
        ts = style.heading(1)
        head = self.para_style("annex-heading", ts, align=TA_LEFT, first_indent=0.0,
                               space_after=ts.space_after_pt or style.body.leading * 0.5)
        source = self.para_style("annex-source", style.caption, align=TA_LEFT, first_indent=0.0,
                                 space_after=style.body.leading * 0.5)
        key = self.annex_keys[annex.key]
        if self._indexed:  # the index page already added its outline entry
            mark = Mark(key, None)
        else:  # a card: no index page, the annex heading carries its own outline entry
            self.headings.append((annex.heading, key))
            mark = Mark(key, annex.heading, self.level(0))
        out: list[Flowable] = [PageBreak()]
        out.append(self.marked(annex.heading, head, self.role(ts), [mark]))
        if annex.source:
            out.append(self.para(f"数据来源：{annex.source}", source, self.role(style.caption)))
        out += self.blocks(annex.blocks)
        return out
