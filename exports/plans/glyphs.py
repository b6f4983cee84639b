"""The pre-print check's font part: which characters of a printed plan the chosen fonts cannot draw.

``glyph_findings(doc, style)`` goes over every text the renderers draw — cover, 发布令, sign-off,
revision record, headings, body blocks, tables, annexes, running header, page numbers — in the
font role each is drawn in (``exports.styles``), and returns ``plans.completeness.Finding``s:

- an error for characters no font on the machine (nor the one shipped with the application) has:
  they would print as blanks or boxes;
- a warning for characters the style's font lacks that are drawn in a fallback font, so the user
  knows the page mixes fonts before it goes to the archive.

The pre-print check (``plans.plans.preprint.preprint_check``) takes it as its ``glyphs`` argument
from the window and the CLI, which know the house style chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from exports.fonts import FontSet, GlyphLog, Role, find_fonts
from exports.pdf import PdfRenderer
from exports.styles import HouseStyle
from plans.completeness import Finding, Severity
from plans.document import Block, BulletList, NumberedList, Table, block_text
from plans.document import Paragraph as DocParagraph
from plans.plans.print_model import PrintDocument


def glyph_findings(doc: PrintDocument, style: HouseStyle, fonts: FontSet | None = None) -> list[Finding]:
    fonts = fonts or find_fonts()
    log = GlyphLog(fonts)
    style = style.for_layout(doc.layout)
    body, role = style.body, PdfRenderer.role

    def add(r: str, text: str) -> None:
        if text:
            log.add(cast(Role, r), text)

    add(role(style.cover_title), doc.title)
    add(role(style.title), doc.title + doc.decree_title + doc.signoff_title + doc.revisions_title + doc.toc_title
        + doc.annex_index_title)
    add("hei", doc.enterprise_name)
    add(role(body), "".join(f.label + "：" + f.value for f in doc.cover))
    add(role(body), "".join(doc.decree) + doc.signer_label + doc.signer + doc.decree_date_label + doc.decree_date)
    table, head = style.table.role, style.table.header_role
    add(head, "".join(doc.signoff_columns) + "".join(doc.revision_columns))
    add(table, "".join(s.role + s.name + s.date for s in doc.signoffs))
    add(table, "".join(r.version + r.date + r.reason + r.text + r.by for r in doc.revisions))
    for section in doc.sections:
        add(role(style.heading(section.level)), section.heading(style.numbering))
        _blocks(section.blocks, style, add)
    for annex in doc.annexes:
        add(role(style.heading(1)), annex.heading + annex.source)
        _blocks(annex.blocks, style, add)
    add(style.header.role, doc.header_text)
    add(style.page_number.role, style.page_number.text(1234567890, 1234567890))
    if doc.watermark:
        add(style.watermark.role, doc.watermark)
    findings = [Finding(line, Severity.ERROR, "", "document") for line in log.warnings("打印时")]
    findings += [Finding(f"所选字体缺字，{line}。", Severity.WARNING, "", "document") for line in log.fallbacks()]
    return findings


def _blocks(blocks: Sequence[Block], style: HouseStyle, add: Callable[[str, str], None]) -> None:
    body = PdfRenderer.role(style.body)
    for block in blocks:
        if isinstance(block, Table):
            heads = block.rows[:block.header_rows]
            add(style.table.header_role, "".join(c.text for row in heads for c in row))
            add(style.table.role, "".join(c.text for row in block.rows[block.header_rows:] for c in row))
        elif isinstance(block, DocParagraph | BulletList | NumberedList):
            add(body, block_text(block) + ("•" if isinstance(block, BulletList) else ""))
        else:
            add(style.caption.role, block_text(block))


def glyph_check(style: HouseStyle, fonts: FontSet | None = None) -> Callable[[PrintDocument], list[Finding]]:
    """``glyph_findings`` for one style, as the pre-print check takes it."""
    return lambda doc: glyph_findings(doc, style, fonts)

