"""The generic Word layout (python-docx): the blocks of ``plans.document`` as a .docx.

``DocxWriter`` writes any document — a plan (``exports.plans.docx``), a drill report, a roster —
in a house style: titles, headings in Word's built-in styles (bookmarked, so a ``TOC`` field and
the navigation pane work), paragraphs, bullet and numbered lists (each numbered list restarts at
1), tables, images with captions, page breaks, a table of contents; and the page frame: A4 page
setup, the running header over a rule, ``PAGE``/``NUMPAGES`` page numbers in the style's format, an
optional cover page without header or number, the watermark. A kind of document writes its body
with these pieces into ``out`` and calls ``finish``.

How it is built, and why:

- python-docx supplies the package (default template), the style/numbering/settings parts, the
  headers and footers, image parts and core properties. The *body* is written as WordprocessingML
  text and parsed once: creating thousands of paragraphs and table cells through python-docx
  objects is far too slow for a 200-page plan (the budget is one second), and string building
  keeps the per-paragraph cost to a few microseconds.
- Styles are the template's built-ins redefined from the house style — ``Normal``, ``Body Text``,
  ``Title``, ``Heading 1``–``Heading 4``, ``List Bullet``, ``List Number``, ``caption``,
  ``toc 1``–``toc 3``, ``header``, ``footer``, ``Table Grid`` — plus 表格文字 and 表头文字, and
  what a kind of document adds (``extra_styles``). Every ``w:rFonts`` names the role's font for
  ``w:eastAsia`` *and* ``w:ascii``/``w:hAnsi``/``w:cs``, with no theme font attribute left (a
  theme attribute would win over the explicit name and Chinese would fall back to a Latin font).
  The font names are the ones Word/WPS know (``FontFace.docx_name``): the file is opened on other
  machines.
- Glyphs: a character the role's font has no glyph for is written in a run of its own whose
  ``w:rFonts`` name the first font of the role's chain (``FontSet.chain``: the font shipped with
  the application first) that has it; a list's bullet or number and the watermark use a font
  that has all of their characters. So every run names a font that can draw it.
- Page numbers are ``PAGE``/``NUMPAGES`` fields. A cover is page 1 but shows neither header nor
  number (a different first page), so "共 N 页" counts every printed page. GB/T 9704 "— N —" uses
  odd and even footers (odd right, even left, one character in).
- Tables: fixed layout, column widths by ``exports.layout.column_widths`` (the PDF's rule, with
  Word's cell margins), header rows repeated (``w:tblHeader``), rows never split (``w:cantSplit``),
  merged cells as ``w:gridSpan``/``w:vMerge`` — exactly what python-docx ``cell.merge`` writes.
- The watermark ("草稿"/"作废") is Word's own text watermark: a VML WordArt shape
  (``v:shape`` + ``v:textpath``, id ``PowerPlusWaterMarkObject…``) in every header (the cover's
  too), behind the text; LibreOffice 7.4 shows it as well (checked by converting to PDF).
- The same document gives the same bytes: core property dates come from the content
  (``DocumentInfo.created``), and the zip is rewritten with fixed member dates.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

import docx
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm

from exports.fonts import FontFace, FontSet, GlyphLog, Role
from exports.layout import DocumentInfo, column_widths
from exports.styles import MM, HouseStyle, TextStyle
from exports.typeset import rules, title_lines
from plans.document import (
    Block,
    BulletList,
    Cell,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    PlacedCell,
    Table,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from lxml import etree

ROLE_LABELS: dict[str, str] = {"song": "宋体", "fang": "仿宋", "hei": "黑体", "kai": "楷体", "title": "小标宋"}
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
BULLET = "•"

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
_DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())
_THEME_ATTRS = tuple(qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PLACEHOLDER = re.compile(r"\{(page|pages)\}")
_EMU_PER_MM = 36000
_HEADER_FILL = "E6E6E6"  # 0.9 gray, as the PDF
_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_TABLE_BORDERS = "<w:tblBorders>" + "".join(
    _BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
# Cell margins as the PDF pads its cells (exports.pdf CELL_PAD_X/CELL_PAD_Y: 4 pt left and right,
# 2.5 pt above, 3.5 pt below): same column widths, same wrapping, same row heights.
CELL_MARGIN_TW = 80  # left and right (4 pt)
CELL_TOP_TW = 50  # 2.5 pt
CELL_BOTTOM_TW = 60  # 3.5 pt less the 0.5 pt rule that Word and LibreOffice add to a row's height
CELL_PAD_PT = 2 * CELL_MARGIN_TW / 20  # both side margins, in points (the width column_widths adds to text)
TABLE_BEFORE_PT = 3.0  # the PDF's space above a table (after a paragraph)
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# East Asian line breaking in every style: 禁则 on (w:kinsoku, with the product's own lists of marks
# in the settings), closing marks may hang (w:overflowPunct) rather than push a character down, and
# Latin words and numbers wrap whole (w:wordWrap on; off would cut "29639-2020" mid-word, which the
# PDF never does — CJK text breaks between characters either way).
ASIAN_BREAKING = "<w:kinsoku/><w:wordWrap/><w:overflowPunct/>"
# No paragraph snaps to the document grid (``doc_grid``): on a character grid whose pitch is below
# the font size (GB/T 9704: 15.8 pt for 16 pt type) LibreOffice 7.4 gives every character two cells
# (14 a line) and stretches the 目次's tabs; the lines' pitch is their exact spacing and the 28
# characters come from the body's character spacing (``grid_tracking_tw``), which Word, WPS and
# LibreOffice all apply alike.
NO_SNAP = '<w:snapToGrid w:val="0"/>'

# Settings elements that must come after w:updateFields (CT_Settings is a sequence).
_AFTER_UPDATE_FIELDS = {qn(f"w:{n}") for n in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


# Settings elements after w:noLineBreaksBefore (where there is no w:characterSpacingControl).
_AFTER_KINSOKU = {qn(f"w:{n}") for n in (
    "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
    "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving",
    "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields")} | _AFTER_UPDATE_FIELDS


# ------------------------------------------------------------------------------------------- units


def tw_mm(mm: float) -> int:
    """Millimetres → twentieths of a point (twips)."""
    return round(mm * 1440 / 25.4)


def tw(pt: float) -> int:
    return round(pt * 20)


def _hp(pt: float) -> int:
    """Points → half-points (``w:sz``)."""
    return round(pt * 2)


# ------------------------------------------------------------------------------------------- text


def _clean(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("", text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(_clean(text)).replace('"', "&quot;")


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<w:t{space}>{_esc(text)}</w:t>"


def _runs(text: str, rpr: str = "") -> str:
    """One run of ``text``: line breaks become ``w:br``, tabs ``w:tab``."""
    text = _clean(text)
    if not text:
        return ""
    if "\n" not in text and "\t" not in text:
        return f"<w:r>{rpr}{_t(text)}</w:r>"
    parts: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(_t(piece))
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def paragraph(style_id: str, content: str = "", ppr: str = "") -> str:
    """A paragraph; ``ppr`` is what follows ``w:pStyle`` inside ``w:pPr`` (in schema order)."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{ppr}</w:pPr>{content}</w:p>'


_p = paragraph


def _field(instruction: str, result: str, rpr: str = "") -> str:
    """A complex field (``begin`` / instruction / ``separate`` / cached result / ``end``)."""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {_esc(instruction)} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            + (f"<w:r>{rpr}{_t(result)}</w:r>" if result else "")
            + f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def display_width(text: str) -> float:
    """Width in half-ems of the longest line: CJK and full-width characters count 2, others 1.2
    (Latin letters and digits are wider than half an em in most fonts that stand in for 宋体).

    Counted through GB 18030, in C: one byte for ASCII, two for a CJK character."""
    widest = 0.0
    for line in text.split("\n"):
        n = len(line)
        wide = len(line.encode("gb18030", "replace")) - n
        widest = max(widest, wide * 2 + (n - wide) * 1.2)
    return widest


def _heading_style(level: int) -> int:
    """The ``Heading n`` style of a heading at ``level`` (1 = chapter; deeper than 4 → Heading 4)."""
    return min(max(level, 1), 4)


def toc_bookmark(n: int) -> str:
    """The hidden bookmark of the ``n``-th heading (Word's own TOC bookmarks are ``_Toc`` + digits)."""
    return f"_Toc{n:09d}"


_TINY = '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
# The body's last paragraph after a closing table, and a page break that has no paragraph to go on
HAIRLINE = _p("Normal", "", NO_SNAP + '<w:spacing w:before="0" w:after="0" w:line="20"'
              ' w:lineRule="exact"/>' + _TINY)
PAGE_BREAK = "<!--page break-->"
_PAGE_BREAK_PARAGRAPH = ('<w:p><w:pPr><w:pStyle w:val="Normal"/><w:snapToGrid w:val="0"/><w:spacing w:before="0"'
                         f' w:after="0" w:line="20" w:lineRule="exact"/>{_TINY}</w:pPr>'
                         f'<w:r>{_TINY}<w:br w:type="page"/></w:r></w:p>')
_PARAGRAPH_HEAD = re.compile(r'<w:p><w:pPr><w:pStyle w:val="[^"]*"/>(?:<w:keepNext/>)?(?:<w:keepLines/>)?')
_CELL_MARGINS = (f'<w:tblCellMar><w:top w:w="{CELL_TOP_TW}" w:type="dxa"/><w:left w:w="{CELL_MARGIN_TW}" w:type="dxa"/>'
                 f'<w:bottom w:w="{CELL_BOTTOM_TW}" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TW}" w:type="dxa"/>'
                 "</w:tblCellMar>")


def _resolve_page_breaks(out: list[str]) -> list[str]:
    """Each ``PAGE_BREAK`` marker as ``w:pageBreakBefore`` of the paragraph after it (the PDF's
    page break: the next block at the new page's top, no empty line above it); before a table
    or at the end, a hair-thin paragraph holding the break."""
    if PAGE_BREAK not in out:
        return out
    result: list[str] = []
    pending = False
    for item in out:
        if item == PAGE_BREAK:
            if pending:
                result.append(_PAGE_BREAK_PARAGRAPH)
            pending = True
            continue
        if pending:
            head = _PARAGRAPH_HEAD.match(item)
            if head is None:
                result.append(_PAGE_BREAK_PARAGRAPH)
            elif not item.startswith("<w:pageBreakBefore/>", head.end()):
                item = item[:head.end()] + "<w:pageBreakBefore/>" + item[head.end():]
            pending = False
        result.append(item)
    if pending:
        result.append(_PAGE_BREAK_PARAGRAPH)
    return result


# ----------------------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class ParaStyle:
    """The paragraph and run properties of one style (sizes in points, indents in characters)."""

    font: str
    size: float
    leading: float | None = None  # exact line height in points; None: single spacing
    bold: bool = False
    before: float = 0.0
    after: float = 0.0
    first_chars: float = 0.0
    left_chars: float = 0.0
    hanging_chars: float = 0.0
    right_chars: float = 0.0
    jc: str | None = None
    keep_next: bool = False
    keep_lines: bool = False
    outline: int | None = None
    tabs: str = ""
    numpr: str = ""
    tracking_tw: int = 0  # character spacing (twips) that fits the grid's characters on a line

    def ppr(self) -> str:
        out = []
        if self.keep_next:
            out.append("<w:keepNext/>")
        if self.keep_lines:
            out.append("<w:keepLines/>")
        out.append("<w:widowControl/>")
        if self.numpr:
            out.append(self.numpr)
        if self.tabs:
            out.append(self.tabs)
        out.append(ASIAN_BREAKING)
        out.append(NO_SNAP)
        line = (f' w:line="{tw(self.leading)}" w:lineRule="exact"' if self.leading
                else ' w:line="240" w:lineRule="auto"')
        out.append(f'<w:spacing w:before="{tw(self.before)}" w:beforeLines="0" w:after="{tw(self.after)}"'
                   f' w:afterLines="0"{line}/>')
        char = tw(self.size)
        ind = [f'w:left="{round((self.left_chars + self.hanging_chars) * char)}"',
               f'w:leftChars="{round((self.left_chars + self.hanging_chars) * 100)}"',
               f'w:right="{round(self.right_chars * char)}"', f'w:rightChars="{round(self.right_chars * 100)}"']
        if self.hanging_chars:
            ind += [f'w:hanging="{round(self.hanging_chars * char)}"',
                    f'w:hangingChars="{round(self.hanging_chars * 100)}"']
        else:
            ind += [f'w:firstLine="{round(self.first_chars * char)}"',
                    f'w:firstLineChars="{round(self.first_chars * 100)}"']
        out.append(f"<w:ind {' '.join(ind)}/>")
        if self.jc:
            out.append(f'<w:jc w:val="{self.jc}"/>')
        if self.outline is not None:
            out.append(f'<w:outlineLvl w:val="{self.outline}"/>')
        return f"<w:pPr>{''.join(out)}</w:pPr>"

    def rpr(self) -> str:
        return _rpr(self.font, self.size, self.bold, tracking_tw=self.tracking_tw)


def _fonts_xml(font: str) -> str:
    f = _attr(font)
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>'


def _rpr(font: str, size: float, bold: bool = False, color: str | None = None, tracking_tw: int = 0) -> str:
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    c = f'<w:color w:val="{color}"/>' if color else '<w:color w:val="auto"/>'
    t = f'<w:spacing w:val="{tracking_tw}"/>' if tracking_tw else ""
    return f'<w:rPr>{_fonts_xml(font)}{b}{c}{t}<w:sz w:val="{_hp(size)}"/><w:szCs w:val="{_hp(size)}"/></w:rPr>'


def style_xml(style_id: str, name: str, props: ParaStyle, *, based_on: str | None = "Normal",
              next_id: str | None = None, custom: bool = False, priority: int | None = None,
              quick: bool = False) -> str:
    """A paragraph style definition."""
    flags = (' w:customStyle="1"' if custom else "") + (' w:default="1"' if style_id == "Normal" else "")
    head = f'<w:style w:type="paragraph"{flags} w:styleId="{style_id}">'
    parts = [head, f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if quick:
        parts.append("<w:qFormat/>")
    parts += [props.ppr(), props.rpr(), "</w:style>"]
    return "".join(parts)


class WordFonts:
    """Role → the font name written into the file, and the names of the fonts that draw what a
    role's font lacks."""

    def __init__(self, fonts: FontSet, style: HouseStyle) -> None:
        self.fonts = fonts
        self.names: dict[str, str] = {}
        self.lines: list[str] = []
        for role in sorted(style.roles() | {"song"}):
            face = fonts.face(cast(Role, role))  # the house style's roles are font roles
            name = face.docx_name or face.family
            self.names[role] = name
            self.lines.append(f"{ROLE_LABELS.get(role, role)}：Word 文件中使用“{name}”")

    def __call__(self, role: str) -> str:
        return self.names.get(role) or self.names["song"]

    def name(self, face: FontFace, role: str) -> str:
        """The name of ``face`` in the file: the role's name for the role's own font, else the
        family of the font that stands in for it."""
        return self(role) if face is self.fonts.face(cast(Role, role)) else face.family

    def covering(self, text: str, role: str) -> str:
        """The name of a font that draws every character of ``text`` for ``role``."""
        return self.name(self.fonts.face_for(text, cast(Role, role)), role)


def grid_tracking_tw(style: HouseStyle) -> int:
    """The character spacing (twips, w:spacing) of text at the body size that puts exactly
    ``chars_per_line`` characters on a line of the text width (GB/T 9704: −5, 28 × 15.75 pt in
    442.2 pt); 0 without a grid. Rounded down so that the last character still fits."""
    body = style.body
    if not has_grid(style):
        return 0
    pitch = style.page.text_width_mm * MM / body.chars_per_line
    return math.floor((pitch - body.size_pt) * 20)


def has_grid(style: HouseStyle) -> bool:
    """Whether the style's body sits on a character grid (GB/T 9704: 28 characters × 22 lines)."""
    return bool(style.body.chars_per_line and style.body.lines_per_page)


def doc_grid(style: HouseStyle) -> str:
    """The section's ``w:docGrid``. With a character grid (GB/T 9704: 22 lines × 28 characters): a
    line grid whose pitch is the body's leading (22 lines on the text block) and the character
    pitch that fills a line with ``chars_per_line`` characters (``w:charSpace``: 4096ths of a
    point added to the Normal font size; Word shows 28 characters a line when the grid is switched
    to lines and characters). Not ``linesAndChars``: LibreOffice 7.4 then fits one character less
    on every line whenever the pitch is not a whole number of points at least the font size (and
    a paragraph snapped to it gets 14), even with no paragraph snapped — the 28 characters come
    from the body's character spacing (``grid_tracking_tw``). Without a grid: none."""
    body = style.body
    if not has_grid(style):
        return f'<w:docGrid w:linePitch="{tw(body.leading)}"/>'
    pitch = style.page.text_width_mm * MM / body.chars_per_line
    char_space = round((pitch - body.size_pt) * 4096)
    return f'<w:docGrid w:type="lines" w:linePitch="{tw(body.leading)}" w:charSpace="{char_space}"/>'


def text_props(ts: TextStyle, fonts: WordFonts, **kw: object) -> ParaStyle:
    values: dict[str, object] = {"font": fonts(ts.role), "size": ts.size_pt, "leading": ts.leading,
                                 "bold": ts.bold, "before": ts.space_before_pt, "after": ts.space_after_pt}
    values.update(kw)
    return ParaStyle(**values)  # type: ignore[arg-type]


def _styles_xml(style: HouseStyle, fonts: WordFonts, extra: Sequence[str]) -> tuple[str, list[str]]:
    """(docDefaults, style definitions) for the house style; ``extra`` definitions follow Title."""
    body = style.body
    text_width = tw_mm(style.page.text_width_mm)
    grid = grid_tracking_tw(style)
    normal = text_props(body, fonts, before=0.0, after=0.0, jc="both", tracking_tw=grid)
    body_text = text_props(body, fonts, first_chars=body.first_line_indent_chars or 2, jc="both", tracking_tw=grid)
    title = text_props(style.title, fonts, jc="center", keep_next=True,
                       after=max(style.title.space_after_pt, body.leading))
    caption = text_props(style.caption, fonts, jc="center", before=3.0, after=max(style.caption.space_after_pt, 6.0))
    table = style.table
    table_text = ParaStyle(font=fonts(table.role), size=table.size_pt, leading=table.leading_pt, jc="left")
    table_head = ParaStyle(font=fonts(table.header_role), size=table.size_pt, leading=table.leading_pt, jc="center")
    header = text_props(style.header, fonts, jc="center", leading=None)
    footer = ParaStyle(font=fonts(style.page_number.role), size=style.page_number.size_pt, jc="center")
    bullet = text_props(body, fonts, left_chars=body.first_line_indent_chars or 2, hanging_chars=1.5,
                        numpr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', jc="both", tracking_tw=grid)
    number = text_props(body, fonts, left_chars=body.first_line_indent_chars or 2, hanging_chars=2,
                        numpr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>', jc="both", tracking_tw=grid)
    tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/></w:tabs>'
    defs = [
        style_xml("Normal", "Normal", normal, based_on=None, quick=True),
        style_xml("BodyText", "Body Text", body_text, next_id="BodyText", quick=True),
        style_xml("Title", "Title", title, next_id="BodyText", priority=10, quick=True),
        *extra,
    ]
    for level in range(1, 5):
        ts = style.heading(level)
        props = text_props(ts, fonts, first_chars=ts.indent_chars, keep_next=True, keep_lines=True,
                           outline=level - 1, jc="left",
                           tracking_tw=grid if ts.size_pt == body.size_pt else 0)
        defs.append(style_xml(f"Heading{level}", f"heading {level}", props, next_id="BodyText", priority=9,
                              quick=True))
    defs += [
        style_xml("ListBullet", "List Bullet", bullet),
        style_xml("ListNumber", "List Number", number),
        style_xml("Caption", "caption", caption, next_id="BodyText", priority=35, quick=True),
        style_xml("TableText", "表格文字", table_text, custom=True, quick=True),
        style_xml("TableHeading", "表头文字", table_head, based_on="TableText", custom=True, quick=True),
    ]
    for level in range(1, 4):
        props = text_props(body, fonts, before=0.0, after=0.0, left_chars=float(level - 1), tabs=tabs, jc="left",
                           tracking_tw=grid)
        defs.append(style_xml(f"TOC{level}", f"toc {level}", props, next_id="BodyText", priority=39))
    defs += [
        style_xml("Header", "header", header),
        style_xml("Footer", "footer", footer),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        f'{_CELL_MARGINS}'
        "</w:tblPr></w:style>",
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        f'<w:uiPriority w:val="59"/><w:tblPr>{_TABLE_BORDERS}</w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    defaults = ("<w:docDefaults><w:rPrDefault><w:rPr>"
                f'{_fonts_xml(fonts(body.role))}<w:sz w:val="{_hp(body.size_pt)}"/><w:szCs w:val="{_hp(body.size_pt)}"/>'
                '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                "</w:pPrDefault></w:docDefaults>")
    return defaults, defs


def _install_styles(document: DocxDocument, style: HouseStyle, fonts: WordFonts, extra: Sequence[str]) -> None:
    root = document.styles.element
    defaults, defs = _styles_xml(style, fonts, extra)
    latent = root.find(qn("w:latentStyles"))
    for child in list(root):
        root.remove(child)
    fragment = parse_xml(f'<w:styles {_DECLS}>{defaults}{"".join(defs)}</w:styles>')
    new = list(fragment)
    root.append(new[0])
    if latent is not None:
        root.append(latent)
    for element in new[1:]:
        root.append(element)
    for rfonts in root.iter(qn("w:rFonts")):  # nothing may point at the (Latin) theme fonts
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(attr, None)


def _install_numbering(document: DocxDocument, style: HouseStyle, fonts: WordFonts, lists: int) -> None:
    """Bullets (numId 1), numbers (numId 2) and one restarted instance per numbered list (3…), each
    in a font that has its characters."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    role = style.body.role

    def abstract(num_id: int, fmt: str, text: str, shown: str) -> str:
        font = _fonts_xml(fonts.covering(shown, role))
        return (f'<w:abstractNum w:abstractNumId="{num_id}"><w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/><w:rPr>{font}</w:rPr></w:lvl></w:abstractNum>')

    nums = ['<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>',
            '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>']
    nums += [f'<w:num w:numId="{n}"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0">'
             '<w:startOverride w:val="1"/></w:lvlOverride></w:num>' for n in range(3, 3 + lists)]
    fragment = parse_xml(f"<w:numbering {_DECLS}>{abstract(1, 'bullet', BULLET, BULLET)}"
                         f"{abstract(2, 'decimal', '%1.', '0123456789.')}{''.join(nums)}</w:numbering>")
    for element in list(fragment):
        numbering.append(element)


# ---------------------------------------------------------------------------------- headers, footers


def _watermark_run(text: str, style: HouseStyle, fonts: WordFonts, n: int) -> str:
    """Word's own text watermark (Design → Watermark): a VML WordArt shape behind the text."""
    wm = style.watermark
    gray = max(0, min(255, round(wm.gray * 255)))
    color = f"#{gray:02x}{gray:02x}{gray:02x}"
    width = max(len(text), 1) * wm.size_pt
    rotation = round(-wm.angle) % 360
    font = _attr(fonts.covering(text, wm.role))
    return (
        '<w:r><w:rPr><w:noProof/></w:rPr><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
        ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>'
        '<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
        '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
        '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
        '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"'
        ' o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
        '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
        '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        f'<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s{2049 + n}" type="#_x0000_t136"'
        f' style="position:absolute;margin-left:0;margin-top:0;width:{width:g}pt;height:{wm.size_pt:g}pt;'
        f'rotation:{rotation};z-index:-251654144;mso-wrap-edited:f;mso-position-horizontal:center;'
        'mso-position-horizontal-relative:margin;mso-position-vertical:center;'
        f'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="{color}" stroked="f">'
        f'<v:fill opacity=".5"/><v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt"'
        f' string="{_attr(text)}"/><w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>')


def _fill(story: object, xml: str) -> None:
    element = story.part.element  # type: ignore[attr-defined]
    for child in list(element):
        element.remove(child)
    for child in parse_xml(f"<w:hdr {_DECLS}>{xml}</w:hdr>"):
        element.append(child)


# ---------------------------------------------------------------------------------------- package


def footer_distance_mm(style: HouseStyle, fonts: FontSet) -> float:
    """Word's footer distance (paper edge to the bottom of the footer's line) that puts the page
    number's baseline where the PDF draws it (``page.footer_mm``; GB/T 9704: 26.3 mm, the 一字线
    of "— N —" 7 mm below the text block): the baseline sits the font's descent above the line's
    bottom, in Word and LibreOffice alike."""
    from reportlab.pdfbase import pdfmetrics

    number = style.page_number
    face = fonts.face(cast(Role, number.role))
    descent = abs(pdfmetrics.getFont(fonts.reportlab_font(face)).face.descent) / 1000 * number.size_pt
    return max(style.page.footer_mm - descent / MM, 0.0)


def _page_setup(document: DocxDocument, style: HouseStyle, fonts: FontSet) -> None:
    page = style.page
    section = document.sections[0]
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    section.top_margin, section.bottom_margin = Mm(page.top_mm), Mm(page.bottom_mm)
    section.left_margin, section.right_margin = Mm(page.left_mm), Mm(page.right_mm)
    section.header_distance = Mm(page.header_mm)
    section.footer_distance = Mm(footer_distance_mm(style, fonts))
    section.gutter = 0
    sect_pr = section._sectPr
    for attr in ("rsidR", "rsidRPr", "rsidSect"):
        sect_pr.attrib.pop(qn(f"w:{attr}"), None)
    old = sect_pr.find(qn("w:docGrid"))
    grid = parse_xml(f"<w:sectPr {_DECLS}>{doc_grid(style)}</w:sectPr>")[0]
    if old is not None:
        old.addprevious(grid)
        sect_pr.remove(old)
    else:
        sect_pr.append(grid)


def _settings(document: DocxDocument) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields", {qn("w:val"): "true"})
        anchor = next((c for c in settings if c.tag in _AFTER_UPDATE_FIELDS or not c.tag.startswith(
            "{" + _NS["w"])), None)
        if anchor is None:
            settings.append(update)
        else:
            anchor.addprevious(update)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _kinsoku_lists(settings)


def _kinsoku_lists(settings: object) -> None:
    """The marks that may not end or start a line (``exports/styles/typesetting.json``, the PDF's
    rules) as Word's custom 禁则 lists for Chinese (``w:noLineBreaksAfter``/``Before``), right after
    ``w:characterSpacingControl`` as CT_Settings orders them."""
    r = rules()
    element = cast("etree._Element", settings)
    for name in ("noLineBreaksAfter", "noLineBreaksBefore"):
        for old in element.findall(qn(f"w:{name}")):
            element.remove(old)
    after = "".join(sorted(r.cannot_end))
    before = "".join(sorted(r.cannot_start))
    new = parse_xml(f'<w:settings {_DECLS}><w:noLineBreaksAfter w:lang="zh-CN" w:val="{_attr(after)}"/>'
                    f'<w:noLineBreaksBefore w:lang="zh-CN" w:val="{_attr(before)}"/></w:settings>')
    anchor = element.find(qn("w:characterSpacingControl"))
    items = list(new)
    if anchor is not None:
        for item in reversed(items):
            anchor.addnext(item)
        return
    follow = next((c for c in element if c.tag in _AFTER_KINSOKU), None)
    for item in items:
        if follow is None:
            element.append(item)
        else:
            follow.addprevious(item)


def _drop_template_parts(document: DocxDocument) -> None:
    """The template's thumbnail (a blank page), app.xml ("Microsoft Macintosh Word"), custom XML
    and ``stylesWithEffects`` (theme-font styles Word 2010 would read instead of ours)."""
    unwanted = {RT.THUMBNAIL, RT.EXTENDED_PROPERTIES, RT.CUSTOM_XML,
                "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
    for rels in (document.part.package.rels, document.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
            del rels[rid]


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _core_properties(document: DocxDocument, info: DocumentInfo) -> datetime:
    created = _utc_naive(info.created)
    cp = document.core_properties
    cp.title = info.title[:255]
    cp.author = info.author[:255]
    cp.last_modified_by = info.author[:255]
    cp.subject = info.subject[:255]
    cp.keywords = ", ".join(k for k in info.keywords if k)[:255]
    cp.category = info.category[:255]
    cp.content_status = info.status[:255]
    cp.identifier = info.identifier[:255]
    cp.version = info.version[:255]
    cp.language = "zh-CN"
    cp.comments = ""
    cp.revision = 1
    cp.created = created
    cp.modified = created
    cp.last_printed = created
    return created


def _deterministic_zip(data: bytes, when: datetime) -> bytes:
    """The package again with fixed member dates and attributes (python-docx stamps the clock)."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second) if when.year >= 1980 \
        else _FIXED_ZIP_DATE
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


# ------------------------------------------------------------------------------------------- body


class DocxWriter:
    """One Word file being written: the body's WordprocessingML as text (see the module docstring
    on speed) in ``out``, then ``finish`` puts styles, numbering, page frame and body together."""

    def __init__(self, info: DocumentInfo, style: HouseStyle, fonts: FontSet,
                 toc_pages: Mapping[str, int] | None = None) -> None:
        self.info = info
        self.style = style
        self.fonts = WordFonts(fonts, style)
        self.document = docx.Document()
        body = self.document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.toc_pages = toc_pages or {}
        self.out: list[str] = []
        self.text_width = tw_mm(style.page.text_width_mm)
        self.numbered_lists = 0
        self.drawings = 0
        self.headings_done = 0
        self.extra_bookmarks: dict[str, str] = {}  # TOC entries that are no heading → their bookmark
        self.bookmark_ids = 0
        self.warnings: list[str] = []
        self.glyphs = GlyphLog(fonts)
        self.image_rids: dict[str, tuple[str, int, int]] = {}

    # --- text in a role's font

    def runs(self, text: str, role: str) -> str:
        """Runs of ``text`` in the paragraph style's font (of ``role``); what that font has no
        glyph for goes into runs naming a font that has it."""
        self.glyphs.add(cast(Role, role), text)
        fonts = self.fonts.fonts
        if fonts.covers(text, cast(Role, role)):
            return _runs(text)
        own = fonts.face(cast(Role, role))
        return "".join(_runs(run) if face is own else _runs(run, f"<w:rPr>{_fonts_xml(face.family)}</w:rPr>")
                       for face, run in fonts.runs(text, cast(Role, role)))

    # --- titles, headings and the table of contents

    def balanced(self, text: str, role: str, size: float, room_tw: int | None = None) -> str:
        """A title broken at word boundaries into lines of balanced length (``exports.typeset.title_lines``,
        as the PDF breaks it), measured in the role's font; the lines are joined by line breaks
        (``w:br`` in the runs)."""
        advance = self.fonts.fonts.advance(cast(Role, role))
        room = (self.text_width if room_tw is None else room_tw) / 20
        if "\n" not in text and advance(text, size) <= room:
            return text  # one line, its spacing kept ("目　　次")
        return "\n".join(title_lines(" ".join(text.split("\n")), room, lambda t: advance(t, size)))

    def page_title(self, text: str, *, new_page: bool = True, before: float = 0.0) -> None:
        """A centred title (发布令, 目次, the document's title …), balanced over its lines."""
        ts = self.style.title
        ppr = ("<w:pageBreakBefore/>" if new_page else "") + (
            f'<w:spacing w:before="{tw(before)}"/>' if before else "")
        self.out.append(_p("Title", self.runs(self.balanced(text, ts.role, ts.size_pt), ts.role), ppr))

    def toc(self, title: str, headings: list[tuple[int, str, str]]) -> None:
        """A table of contents under ``title``: a TOC field whose cached result already lists the
        headings with their pages (``toc_pages``).

        ``headings`` are (level, text, note) of every heading in the order ``heading`` will be
        called, then the annexes; the note (e.g. "另行装订") stands in for the page number, as in
        the PDF. An entry with a note is linked to ``bookmark_for(text)`` (an annex bound
        separately: its line in the annex index), the others to their headings.
        """
        entries: list[tuple[int, str, str, str]] = []
        n = 0
        for level, text, note in headings:
            if note:
                entries.append((1, self.bookmark_for(text), text, note))
                continue
            n += 1
            if _heading_style(level) <= 3:
                entries.append((_heading_style(level), toc_bookmark(n), text, note))
        self.page_title(title)
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve"> {_esc(TOC_INSTRUCTION)} </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        if not entries:
            self.out.append(_p("TOC1", begin + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
            return
        for i, (level, bookmark, text, note) in enumerate(entries):
            end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
            self.out.append(_p(f"TOC{level}", (begin if i == 0 else "") + self.toc_entry(text, bookmark, note) + end))

    def toc_entry(self, text: str, bookmark: str | None, note: str = "") -> str:
        """A hyperlink to ``bookmark`` (None: no link): the text, a tab (the style's dot leader)
        and the page (a ``PAGEREF`` field whose cached result is ``toc_pages[text]``) or the note."""
        role = self.style.body.role
        page = self.toc_pages.get(text)
        if note:
            number = "<w:r><w:tab/></w:r>" + self.runs(note, role)
        elif page is not None and bookmark is not None:
            number = "<w:r><w:tab/></w:r>" + _field(f"PAGEREF {bookmark} \\h", str(page),
                                                     self._rpr_for(str(page), role))
        else:
            number = ""
        if bookmark is None:
            return self.runs(text, role) + number
        return f'<w:hyperlink w:anchor="{bookmark}" w:history="1">{self.runs(text, role)}{number}</w:hyperlink>'

    def bookmark_for(self, text: str) -> str:
        """The bookmark of a TOC entry that is no heading (an annex bound separately), by its text."""
        name = self.extra_bookmarks.get(text)
        if name is None:
            name = self.extra_bookmarks[text] = f"_Toc9{len(self.extra_bookmarks) + 1:08d}"
        return name

    def bookmarked(self, name: str, content: str) -> str:
        """``content`` inside the bookmark ``name``."""
        self.bookmark_ids += 1
        n = 100000 + self.bookmark_ids
        return f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{content}<w:bookmarkEnd w:id="{n}"/>'

    def _rpr_for(self, text: str, role: str) -> str:
        """No run properties when the role's font draws ``text``, else the fonts of one that does."""
        self.glyphs.add(cast(Role, role), text)
        face = self.fonts.fonts.face_for(text, cast(Role, role))
        return "" if face is self.fonts.fonts.face(cast(Role, role)) else f"<w:rPr>{_fonts_xml(face.family)}</w:rPr>"

    def heading(self, text: str, level: int, *, new_page: bool = False, flush: bool = False,
                after: float | None = None) -> None:
        """A heading in Word's built-in style (levels past 4 share Heading 4's look, with their own
        outline level), bookmarked for the TOC;
        ``flush``: no first-line indent (annex headings start at the margin); ``new_page``: it
        starts a page, with no space above it (the PDF drops the space at a page's top);
        ``after``: its own space below (points)."""
        self.headings_done += 1
        n = self.headings_done
        name = toc_bookmark(n)
        spacing = ""
        if new_page or after is not None:
            attrs = ' w:before="0" w:beforeLines="0"' if new_page else ""
            if after is not None:
                attrs += f' w:after="{tw(after)}" w:afterLines="0"'
            spacing = f"<w:spacing{attrs}/>"
        ppr = ("<w:pageBreakBefore/>" if new_page else "") + spacing + (
            '<w:ind w:firstLine="0" w:firstLineChars="0"/>' if flush else "")
        if level > 4:  # Heading 4 drawn, the real depth kept for the navigation pane and a re-import
            ppr += f'<w:outlineLvl w:val="{min(level, 9) - 1}"/>'

        self.out.append(f'<w:p><w:pPr><w:pStyle w:val="Heading{_heading_style(level)}"/>{ppr}</w:pPr>'
                        f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{self.runs(text, self.style.heading(level).role)}'
                        f'<w:bookmarkEnd w:id="{n}"/></w:p>')

    # --- blocks

    def blocks(self, blocks: list[Block]) -> None:
        """The blocks in the body's styles. As in the PDF: a paragraph or list right before a table
        keeps the table's 3 pt above it (its own space below), and a page break starts the next
        paragraph on a new page (``w:pageBreakBefore``: no empty line at the new page's top)."""
        out = self.out
        role = self.style.body.role
        before_table = f'<w:spacing w:after="{tw(TABLE_BEFORE_PT)}" w:afterLines="0"/>'
        for i, block in enumerate(blocks):
            gap = before_table if i + 1 < len(blocks) and isinstance(blocks[i + 1], Table) else ""
            if isinstance(block, Paragraph):
                out.append(_p("BodyText", self.runs(block.text, role), gap))
            elif isinstance(block, BulletList):
                out.extend(_p("ListBullet", self.runs(item, role), gap if n == len(block.items) - 1 else "")
                           for n, item in enumerate(block.items))
            elif isinstance(block, NumberedList):
                self.numbered_lists += 1
                num = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{2 + self.numbered_lists}"/></w:numPr>'
                out.extend(_p("ListNumber", self.runs(item, role), num + (gap if n == len(block.items) - 1 else ""))
                           for n, item in enumerate(block.items))
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Image):
                self.image(block)
            elif isinstance(block, PageBreak):
                out.append(PAGE_BREAK)

    def table(self, table: Table, *, weights: list[float] | None = None, row_height_mm: float | None = None,
              centre: bool = False) -> None:
        """A grid table: header rows repeated, rows kept whole, merged cells, widths by content
        (``weights``: shares of the text width instead); ``row_height_mm``: the body rows' least
        height (they grow with their content: ``hRule="atLeast"``).

        Columns whose body cells hold at most four characters are centred (as in the PDF). Rows
        are never split (``w:cantSplit``) and the header rows repeat on every page
        (``w:tblHeader``); ``w:keepNext`` on every paragraph of the header rows keeps them with the
        first body row, and on the last but one row keeps the last two rows together, so a page
        never ends with a header alone nor starts with a table's last row alone. (The PDF keeps
        two body rows under the header; the first body row is not kept with the second here:
        LibreOffice 7.4 drops the rows after it from the layout when a kept first row, rows that
        cannot split and a page break meet — 18 of the 60 rows of a test table vanished.)
        """
        placed = table.layout()  # once: Table.grid() would run the layout twice more
        nrows = len(table.rows)
        ncols = max((p.col + max(p.cell.colspan, 1) for p in placed), default=0)
        if not ncols or not nrows:
            return
        grid: list[list[Cell | None]] = [[None] * ncols for _ in range(nrows)]
        # who covers which position: (origin row, origin col) for every position of a merged cell
        cover: dict[tuple[int, int], tuple[int, int]] = {}
        for pc in placed:
            grid[pc.row][pc.col] = pc.cell
            if pc.cell.rowspan == 1 and pc.cell.colspan == 1:
                cover[(pc.row, pc.col)] = (pc.row, pc.col)
                continue
            for dr in range(max(pc.cell.rowspan, 1)):
                for dc in range(max(pc.cell.colspan, 1)):
                    if pc.row + dr < nrows and pc.col + dc < ncols:
                        cover[(pc.row + dr, pc.col + dc)] = (pc.row, pc.col)
        heads = min(max(table.header_rows, 0), nrows)
        widths = self._column_widths(placed, nrows, ncols, heads, weights)
        height = f'<w:trHeight w:val="{tw_mm(row_height_mm)}" w:hRule="atLeast"/>' if row_height_mm else ""
        centred = [centre or all(len(cell.text) <= 4 for cell in (row[c] for row in grid[heads:]) if cell is not None)
                   for c in range(ncols)]
        parts = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
                 f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>{_TABLE_BORDERS}'
                 f'<w:tblLayout w:type="fixed"/>{_CELL_MARGINS}<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0"'
                 ' w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
        parts.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
        parts.append("</w:tblGrid>")
        empty_cache: dict[tuple[int, int, bool, bool], str] = {}
        ts = self.style.table
        kept = set(range(min(heads, nrows - 1)))  # the header rows, with the first body row
        if nrows - heads >= 4:
            kept.add(nrows - 2)  # the last two rows go together
        keep = "<w:keepNext/>"
        for r in range(nrows):
            head = r < heads
            style_id = "TableHeading" if head else "TableText"
            ppr = keep if r in kept else ""
            role = ts.header_role if head else ts.role
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{_HEADER_FILL}"/>' if head else ""
            row_height = height if r >= heads else ""
            parts.append(f"<w:tr><w:trPr><w:cantSplit/>{row_height}{'<w:tblHeader/>' if head else ''}</w:trPr>")
            c = 0
            while c < ncols:
                origin = cover.get((r, c))
                if origin is None:  # left empty by a short row
                    parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/>{shade}</w:tcPr>'
                                 f"{_p(style_id, '', ppr)}</w:tc>")
                    c += 1
                    continue
                cell = grid[origin[0]][origin[1]]
                assert cell is not None
                span = min(max(cell.colspan, 1), ncols - origin[1])
                width = sum(widths[origin[1]:origin[1] + span])
                grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                tall = min(max(cell.rowspan, 1), nrows - origin[0]) > 1
                if origin[0] == r:
                    vmerge = '<w:vMerge w:val="restart"/>' if tall else ""
                    jc = '<w:jc w:val="center"/>' if centred[origin[1]] and not head else ""
                    parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{vmerge}{shade}'
                                 f'<w:vAlign w:val="center"/></w:tcPr>'
                                 f'{_p(style_id, self.runs(cell.text, role), ppr + jc)}</w:tc>')
                else:
                    key = (width, span, head, bool(ppr))
                    if key not in empty_cache:
                        empty_cache[key] = (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}'
                                            f'<w:vMerge/>{shade}<w:vAlign w:val="center"/></w:tcPr>'
                                            f"{_p(style_id, '', ppr)}</w:tc>")
                    parts.append(empty_cache[key])
                c = origin[1] + span
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.out.append("".join(parts))
        # a paragraph after every table: keeps two tables apart and gives the text room to breathe
        self.out.append(self.after_table())

    def after_table(self) -> str:
        """The paragraph after a table: the PDF's space below a table (0.4 of the body's leading),
        off the grid, its mark in a hair-thin font."""
        return _p("Normal", "", NO_SNAP + '<w:spacing w:before="0" w:beforeLines="0" w:after="0"'
                  f' w:afterLines="0" w:line="{tw(self.style.body.leading * 0.4)}" w:lineRule="exact"/>'
                  '<w:ind w:firstLine="0" w:firstLineChars="0"/>' + _TINY)

    def end(self) -> None:
        """Word ends the body with a paragraph; after a closing table it is a hair-thin one, so a
        document that just fits (a one-page card) gets no empty last page. A page break waiting
        for the next paragraph becomes that paragraph's ``w:pageBreakBefore``."""
        self.out = _resolve_page_breaks(self.out)
        if self.out and self.out[-1] == self.after_table():
            self.out[-1] = HAIRLINE

    def _column_widths(self, placed: list[PlacedCell], nrows: int, ncols: int, heads: int,
                       weights: list[float] | None) -> list[int]:
        """Widths (twips) filling the text width: ``weights`` as shares, else the rule both
        renderers use (``exports.layout.column_widths``), measured in the fonts of this machine
        for the table's roles, with Word's cell margins."""
        total = self.text_width
        if weights and len(weights) == ncols:
            scale = sum(weights)
            widths = [round(total * w / scale) for w in weights]
        else:
            ts = self.style.table
            texts = [[""] * ncols for _ in range(nrows)]
            spanned: set[tuple[int, int]] = set()
            for pc in placed:
                texts[pc.row][pc.col] = pc.cell.text
                if pc.cell.colspan > 1 or pc.cell.rowspan > 1:
                    spanned |= {(c, r) for r in range(pc.row, min(pc.row + max(pc.cell.rowspan, 1), nrows))
                                for c in range(pc.col, pc.col + max(pc.cell.colspan, 1))}
            body = self.fonts.fonts.advance(cast(Role, ts.role))
            head = self.fonts.fonts.advance(cast(Role, ts.header_role))
            shares = column_widths(texts, header_rows=heads, available=total / 20, size=ts.size_pt,
                                   pad=CELL_PAD_PT, spanned=spanned,
                                   measure=lambda text, header: (head if header else body)(text, ts.size_pt))
            widths = [tw(w) for w in shares]
        widths[-1] += total - sum(widths)
        return widths

    def image(self, block: Image) -> None:
        caption = self.style.caption.role
        found = self.info.images.get(block.sha256)
        if found is None:
            self.warnings.append(f"图片“{block.caption or block.sha256[:12]}”的内容缺失，已用文字代替。")
            self.out.append(_p("Caption", self.runs("［图片缺失］", caption)))
        else:
            drawing = self._drawing(block, found[0])
            if drawing is None:
                self.out.append(_p("Caption", self.runs("［图片格式无法识别］", caption)))
            else:
                # 3 pt above as in the PDF; single spacing (exact would clip the picture to one
                # line) in a hair-thin font, so the line is as tall as the picture
                self.out.append(_p("Normal", drawing, '<w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="60"'
                                   ' w:beforeLines="0" w:after="0" w:afterLines="0" w:line="240" w:lineRule="auto"/>'
                                   '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>' + _TINY))
        if block.caption:
            self.out.append(_p("Caption", self.runs(block.caption, caption)))

    def _drawing(self, block: Image, data: bytes) -> str | None:
        if block.sha256 not in self.image_rids:
            try:
                rid, picture = self.document.part.get_or_add_image(io.BytesIO(data))
            except (UnrecognizedImageError, ValueError, OSError) as exc:
                self.warnings.append(f"图片“{block.caption or block.sha256[:12]}”无法识别（{type(exc).__name__}），"
                                     "已用文字代替。")
                return None
            self.image_rids[block.sha256] = (rid, int(picture.width), int(picture.height))
        rid, natural_w, natural_h = self.image_rids[block.sha256]
        page = self.style.page
        max_w = page.text_width_mm * _EMU_PER_MM
        width = min(block.width_mm * _EMU_PER_MM, max_w) if block.width_mm else max_w
        height = width * natural_h / natural_w if natural_w else width * 0.6
        max_h = (page.text_height_mm * 0.85 - (self.style.caption.leading * 2 / MM if block.caption else 0)) * _EMU_PER_MM
        if height > max_h:
            width, height = width * max_h / height, max_h
        cx, cy = round(width), round(height)
        self.drawings += 1
        n = self.drawings
        name = f"图片 {n}"
        return (f'<w:r>{_TINY}<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:docPr id="{n}" name="{name}" descr="{_attr(block.caption)}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
                "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")

    # --- the page frame and the file

    def _footer_paragraph(self, align: str) -> str:
        pn = self.style.page_number
        role = pn.role
        digits = self._rpr_for("0123456789", role)
        pieces: list[str] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(pn.format):
            pieces.append(self.runs(pn.format[pos:m.start()], role))
            pieces.append(_field("PAGE" if m.group(1) == "page" else "NUMPAGES", "1", digits))
            pos = m.end()
        pieces.append(self.runs(pn.format[pos:], role))
        char = tw(pn.size_pt)
        inset = pn.inset_chars
        ind = ""
        if align == "right" and inset:
            ind = f'<w:ind w:right="{round(inset * char)}" w:rightChars="{round(inset * 100)}"/>'
        elif align == "left" and inset:
            ind = f'<w:ind w:left="{round(inset * char)}" w:leftChars="{round(inset * 100)}"/>'
        return _p("Footer", "".join(pieces), f'{ind}<w:jc w:val="{align}"/>')

    def _headers_and_footers(self, has_cover: bool) -> None:
        document, info, style = self.document, self.info, self.style
        section = document.sections[0]
        outside = style.page_number.position == "outside"
        document.settings.odd_and_even_pages_header_footer = outside
        section.different_first_page_header_footer = has_cover
        marks = iter(range(1, 10))
        if info.watermark:
            self.glyphs.add(cast(Role, style.watermark.role), info.watermark)

        def header(with_text: bool) -> str:
            mark = _watermark_run(info.watermark, style, self.fonts, next(marks)) if info.watermark else ""
            if with_text:  # the running header over a rule, as in the PDF
                border = '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>'
                return _p("Header", mark + self.runs(info.header_text, style.header.role), border)
            return _p("Header", mark)

        _fill(section.header, header(True))
        _fill(section.footer, self._footer_paragraph("right" if outside else "center"))
        if outside:
            _fill(section.even_page_header, header(True))
            _fill(section.even_page_footer, self._footer_paragraph("left"))
        if has_cover:  # the cover: the watermark only, no running header, no page number
            _fill(section.first_page_header, header(False))
            _fill(section.first_page_footer, _p("Footer"))

    def font_lines(self) -> list[str]:
        """Which font name each role has in the file, then what fell back to which font."""
        return self.fonts.lines + self.glyphs.fallbacks()

    def finish(self, *, cover: bool, check: Callable[[], None], extra_styles: Sequence[str] = ()) -> bytes:
        """The file's bytes: styles (``extra_styles`` after Title), numbering, page setup, header
        and footers (``cover``: the first page has neither), settings, the body, core properties;
        ``check()`` is called before the package is saved and after it is zipped."""
        document, style = self.document, self.style
        _install_styles(document, style, self.fonts, extra_styles)
        _install_numbering(document, style, self.fonts, self.numbered_lists)
        _page_setup(document, style, self.fonts.fonts)
        # before the body is filled: python-docx looks for the previous section's headers by an
        # XPath over the whole body
        self._headers_and_footers(cover)
        _settings(document)
        self.end()
        body = document.element.body
        fragment = parse_xml(f"<w:body {_DECLS}>{''.join(self.out)}</w:body>")
        sect_pr = body.find(qn("w:sectPr"))
        body.remove(sect_pr)
        body.extend(fragment)
        body.append(sect_pr)
        _drop_template_parts(document)
        created = _core_properties(document, self.info)
        self.warnings += self.glyphs.warnings("Word 文件中")
        check()
        raw = io.BytesIO()
        document.save(raw)
        data = _deterministic_zip(raw.getvalue(), created)
        check()
        return data
