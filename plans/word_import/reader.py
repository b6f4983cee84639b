"""Reading the body: paragraphs and tables in order, their pieces (text, images, page breaks),
and the notes of everything that is not imported.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from plans.document import (
    Block,
    Cell,
    Image,
    PageBreak,
    Table,
)
from plans.word_import.numbering import NumberLabel
from plans.word_import.ooxml import (
    NS_A,
    NS_C,
    NS_DGM,
    NS_M,
    NS_MC,
    NS_R,
    NS_V,
    NS_WP,
    Element,
    on,
    plain,
    to_int,
    val,
    w,
)
from plans.word_import.styles import CAPTION_NAMES, TITLE_NAMES, Level, Numbering, Styles

_NOTE_TEXT: dict[str, str] = {
    "toc": "目录（{n} 段）未导入：目录由系统按章节重新生成。",
    "deleted": "修订记录中已删除的文字（{n} 处）未导入。",
    "footnote": "脚注或尾注（{n} 处）未导入，请在相应位置补写{where}。",
    "chart": "图表（{n} 个）无法导入，请在 Word 中另存为图片后插入{where}。",
    "smartart": "SmartArt 图示（{n} 个）无法导入，请在 Word 中另存为图片后插入{where}。",
    "shape": "不含文字或图片的自选图形（{n} 个）未导入{where}。",
    "linked_image": "链接到外部文件的图片（{n} 张）未导入，请插入图片本身{where}。",
    "broken_image": "找不到图片数据（{n} 张），文件可能不完整{where}。",
    "unsupported_image": "不支持的图片格式（{n} 张：{detail}）未导入，请转换为 PNG 或 JPEG 后插入{where}。",
    "converted_image": "GIF、BMP 或 TIFF 图片（{n} 张）已转换为 PNG。",
    "textbox": "文本框中的文字（{n} 处）已作为普通段落导入到文本框所在位置之后{where}。",
    "equation": "公式（{n} 个）已按文字导入，格式可能丢失，请核对{where}。",
    "ole": "嵌入的对象（{n} 个，如 Visio 图、Excel 表）未导入，若有预览图片已作为图片导入{where}。",
    "symbol": "符号字体中的特殊符号（{n} 个）未导入{where}。",
    "nested_table": "表格中的嵌套表格（{n} 个）已并入所在单元格的文字。",
    "table_image": "表格中的图片（{n} 张）已放在该表格之后。",
    "altchunk": "嵌入的外部文档内容（{n} 处）未导入，请在 Word 中将其转换为正文后再导入。",
    "unknown": "无法识别的内容（{n} 处）未导入{where}。",
    "headers": "页眉页脚中的文字未导入（打印时使用系统的页眉页脚）：{detail}。",
    "numbers": "标题前的编号（{n} 个，如“{detail}”）已去掉，系统按 1、1.1、1.1.1 重新编号。",
    "nested_list": "多级列表的下级项目（{n} 项）放在所属的上级项目之内，另起一行并保留原编号（文档中的列表只有一级）。",
    "list_restart": "接着前文编号的列表（{n} 个，如从“{detail}”起）导入后从 1 开始编号。",
    "no_heading": "没有识别到任何标题，全部内容已导入到一个章节中，请在编辑器中分节。",
}


@dataclass
class Para:
    no: int
    pieces: list[str | Block]
    style: str | None
    text: str = ""
    explicit_level: int | None = None
    title_style: bool = False
    toc: bool = False
    caption: bool = False
    page_break_before: bool = False
    num_label: str | None = None
    num_level: Level | None = None
    num_ilvl: int = 0
    num_abstract: str | None = None
    num_value: int = 1  # the Word counter of an automatically numbered paragraph at its level
    bold: bool = False  # every run with text is bold
    centred: bool = False
    size: float = 0.0  # the largest font size of its text, in points
    ends_page: bool = False  # a page break after its text, or a section break on a new page
    # decided by frontmatter before classify: cover, front (other front matter; both dropped), title
    # (the document title), annex_index (dropped), annex (an annex heading); "" for the body
    role: str = ""
    annex: int = -1  # the annex an annex heading or annex body paragraph belongs to
    # decided by classify: empty, skip (table of contents), heading (after "candidate": a numbered
    # heading awaiting its level), bullet, number (numbered-list item), caption, body
    kind: str = "body"
    level: int = 0
    number: NumberLabel | None = None
    title: str = ""
    list_label: str = ""  # a numbered-list item's own label ("（1）", "a)"), kept for nested items


@dataclass
class TableItem:
    table: Table
    images: list[Image] = field(default_factory=list)
    role: str = ""  # as Para.role
    annex: int = -1


class Reader:
    def __init__(self, document: Any) -> None:
        self.doc = document
        self.styles = Styles(document)
        self.numbering = Numbering(document, self.styles)
        self.images: dict[str, tuple[bytes, str]] = {}
        self.items: list[Para | TableItem] = []
        self.notes: dict[str, list[str]] = {}
        self.pending: list[str] = []  # notes of the paragraph being read, placed once its text is known
        self.para_count = 0
        self.unsupported_mimes: set[str] = set()
        self.text_width_mm = _text_width_mm(document)

    # ---- notes
    def note(self, code: str, detail: str = "") -> None:
        self.notes.setdefault(code, []).append(detail)

    def note_here(self, code: str) -> None:
        self.pending.append(code)

    def report(self) -> list[str]:
        out: list[str] = []
        for code, text in _NOTE_TEXT.items():
            details = self.notes.get(code)
            if not details:
                continue
            places = list(dict.fromkeys(d for d in details if d))
            where = ("，位置：" + "、".join(places[:5]) + ("等" if len(places) > 5 else "")) if places else ""
            detail = "、".join(sorted(self.unsupported_mimes)) if code == "unsupported_image" else (
                places[0] if places else "")
            out.append(text.format(n=len(details), where=where, detail=detail))
        return out

    # ---- body
    def read_body(self, parent: Element) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions
            if tag == w("p"):
                self.read_paragraph(child)
            elif tag == w("tbl"):
                self.read_table(child)
            elif tag == w("sdt"):
                if self._is_toc_sdt(child):
                    count = sum(1 for p in child.iter(w("p")) if plain(p).strip())
                    for _ in range(max(count, 1)):
                        self.note("toc")
                    continue
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.read_body(content)
            elif tag in (w("customXml"), w("ins"), w("moveTo")):
                self.read_body(child)
            elif tag in (w("del"), w("moveFrom")):
                self.note("deleted")
            elif tag == w("altChunk"):
                self.note("altchunk")
            elif tag in _IGNORED_BODY:
                continue
            elif plain(child).strip():
                self.note("unknown", excerpt(plain(child)))

    @staticmethod
    def _is_toc_sdt(sdt: Element) -> bool:
        gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
        return gallery is not None and "contents" in (val(gallery, "") or "").lower()

    def read_paragraph(self, p: Element) -> None:
        self.para_count += 1
        pieces: list[str | Block] = []
        boxes: list[Element] = []
        self.pending = []
        self._inline(p, pieces, boxes)
        text = "".join(x for x in pieces if isinstance(x, str)).strip()
        where = f"“{excerpt(text)}”" if text else f"第 {self.para_count} 段"
        for code in self.pending:
            self.note(code, where)
        self.pending = []

        ppr = p.find(w("pPr"))
        style = val(ppr.find(w("pStyle"))) if ppr is not None else None
        style = style or self.styles.default_paragraph
        para = Para(self.para_count, pieces, style, text)
        para.toc = self.styles.is_toc(style)
        para.title_style = self.styles.is_named(style, TITLE_NAMES)
        para.caption = self.styles.is_named(style, CAPTION_NAMES)
        para.explicit_level = self.styles.heading_level(style)
        if ppr is not None:
            outline = ppr.find(w("outlineLvl"))
            if outline is not None:
                value = to_int(val(outline), 9)
                para.explicit_level = value + 1 if 0 <= value <= 8 else None
            para.page_break_before = on(ppr.find(w("pageBreakBefore")))
        self._numbering(para, ppr, style)
        self._looks(para, p, ppr, style)
        self.items.append(para)
        for box in boxes:
            self.note("textbox", f"“{excerpt(text)}”" if text else "")
            self.read_body(box)

    def _looks(self, para: Para, p: Element, ppr: Element | None, style: str | None) -> None:
        """Bold, centred, font size and page end: what tells a title or a cover from body text."""
        para.title_style = para.title_style or self.styles.is_based_on(style, TITLE_NAMES)
        jc = ppr.find(w("jc")) if ppr is not None else None
        para.centred = (val(jc) if jc is not None else self.styles.justification(style)) == "center"
        bold: list[bool] = []
        sizes: list[float] = []
        for run in _own(p, w("r")):
            if not any((t.text or "").strip() for t in run.iterchildren(w("t"))):
                continue
            rpr = run.find(w("rPr"))
            rstyle = val(rpr.find(w("rStyle"))) if rpr is not None else None

            def prop(tag: str, rpr: Element | None = rpr, rstyle: str | None = rstyle) -> Element | None:
                found = rpr.find(w(tag)) if rpr is not None else None
                if found is None:
                    found = self.styles.run_property(rstyle, tag)
                if found is None:
                    found = self.styles.run_property(style, tag)
                return found

            b = prop("b")
            bold.append(on(b) if b is not None else self.styles.default_bold)
            sz = prop("sz")
            sizes.append(to_int(val(sz), 0) / 2 if sz is not None else self.styles.default_size)
        para.bold = bool(bold) and all(bold)
        para.size = max(sizes, default=0.0)
        text_seen = False
        for piece in para.pieces:
            if isinstance(piece, str):
                text_seen = text_seen or bool(piece.strip())
            elif isinstance(piece, PageBreak) and text_seen:
                para.ends_page = True
        sect = ppr.find(w("sectPr")) if ppr is not None else None
        if sect is not None and val(sect.find(w("type")), "nextPage") != "continuous":
            para.ends_page = True

    def _numbering(self, para: Para, ppr: Element | None, style: str | None) -> None:
        num = ppr.find(w("numPr")) if ppr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if num is not None:
            num_id = val(num.find(w("numId")))
            ilvl_el = num.find(w("ilvl"))
            ilvl = to_int(val(ilvl_el), 0) if ilvl_el is not None else None
        if num_id is None:
            from_style = self.styles.num_pr(style)
            if from_style is not None:
                num_id, style_ilvl = from_style
                ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return
        if ilvl is None:
            ilvl = self.numbering.ilvl_for_style(num_id, style)
        result = self.numbering.next_label(num_id, ilvl)
        if result is None:
            return
        label, level = result
        if level.fmt == "none" or (not label.strip() and level.fmt != "bullet"):
            return
        para.num_label, para.num_level, para.num_ilvl = label.strip(), level, ilvl
        para.num_abstract = self.numbering.abstract_id(num_id)
        para.num_value = self.numbering.last_value

    # ---- inline content
    def _inline(self, el: Element, pieces: list[str | Block], boxes: list[Element]) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _IGNORED_INLINE:
                continue
            if tag == w("t"):
                pieces.append(child.text or "")
            elif tag in (w("tab"), w("ptab")):
                pieces.append("\t")
            elif tag == w("br"):
                pieces.append(PageBreak() if child.get(w("type")) == "page" else "\n")
            elif tag == w("cr"):
                pieces.append("\n")
            elif tag == w("noBreakHyphen"):
                pieces.append("-")
            elif tag == w("sym"):
                code = _hex(child.get(w("char")))
                if code is not None and not 0xE000 <= code <= 0xF8FF:
                    pieces.append(chr(code))
                else:
                    self.note_here("symbol")
            elif tag in (w("del"), w("moveFrom")):
                self.note_here("deleted")
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                self.note_here("footnote")
            elif tag == w("drawing"):
                self._drawing(child, pieces, boxes)
            elif tag == w("pict"):
                self._vml(child, pieces, boxes, ole=False)
            elif tag == w("object"):
                self._vml(child, pieces, boxes, ole=True)
            elif tag == f"{{{NS_MC}}}AlternateContent":
                choice = child.find(f"{{{NS_MC}}}Choice")
                chosen = choice if choice is not None else child.find(f"{{{NS_MC}}}Fallback")
                if chosen is not None:
                    self._inline(chosen, pieces, boxes)
            elif tag in (f"{{{NS_M}}}oMath", f"{{{NS_M}}}oMathPara"):
                formula = "".join(t.text or "" for t in child.iter(f"{{{NS_M}}}t"))
                if formula:
                    pieces.append(f"［公式：{formula}］")
                self.note_here("equation")
            else:  # runs, hyperlinks, insertions, fields, smart tags, inline content controls …
                self._inline(child, pieces, boxes)

    def _drawing(self, drawing: Element, pieces: list[str | Block], boxes: list[Element]) -> None:
        extent = drawing.find(f".//{{{NS_WP}}}extent")
        width_mm = round(to_int(extent.get("cx"), 0) / 36000, 1) if extent is not None else None
        blips = _own(drawing, f"{{{NS_A}}}blip")
        found = False
        for blip in blips:
            rid = blip.get(f"{{{NS_R}}}embed")
            if rid:
                image = self._image(rid, width_mm if len(blips) == 1 else None)
                if image is not None:
                    pieces.append(image)
                found = True
            elif blip.get(f"{{{NS_R}}}link"):
                self.note_here("linked_image")
                found = True
        for box in _own(drawing, w("txbxContent")):
            boxes.append(box)
            found = True
        if any(True for _ in drawing.iter(f"{{{NS_C}}}chart")):
            self.note_here("chart")
            found = True
        if any(True for _ in drawing.iter(f"{{{NS_DGM}}}relIds")):
            self.note_here("smartart")
            found = True
        if not found:
            self.note_here("shape")

    def _vml(self, el: Element, pieces: list[str | Block], boxes: list[Element], *, ole: bool) -> None:
        if ole:
            self.note_here("ole")
        for data in _own(el, f"{{{NS_V}}}imagedata"):
            rid = data.get(f"{{{NS_R}}}id")
            if rid:
                image = self._image(rid, None)
                if image is not None:
                    pieces.append(image)
        for box in _own(el, w("txbxContent")):
            boxes.append(box)

    def _image(self, rid: str, width_mm: float | None) -> Image | None:
        part = self.doc.part.related_parts.get(rid)
        if part is None:
            self.note_here("broken_image")
            return None
        blob: bytes = part.blob
        mime = _sniff(blob) or getattr(part, "content_type", "")
        if mime in ("image/gif", "image/bmp", "image/tiff"):
            converted = _to_png(blob)
            if converted is None:
                self.unsupported_mimes.add(_MIME_NAMES.get(mime, mime))
                self.note_here("unsupported_image")
                return None
            blob, mime = converted, "image/png"
            self.note("converted_image")
        if mime not in ("image/png", "image/jpeg"):
            self.unsupported_mimes.add(_MIME_NAMES.get(mime, mime or "未知"))
            self.note_here("unsupported_image")
            return None
        digest = hashlib.sha256(blob).hexdigest()
        self.images[digest] = (blob, mime)
        if width_mm and self.text_width_mm and abs(width_mm - self.text_width_mm) <= _FULL_WIDTH_MM:
            width_mm = None  # as wide as the text: shown at the full text width, whatever the page
        return Image(digest, mime, "", width_mm if width_mm else None)

    # ---- tables
    def read_table(self, tbl: Element) -> None:
        images: list[Image] = []
        rows: list[list[Cell]] = []
        anchors: dict[int, Cell] = {}
        header_rows = 0
        counting = True
        for tr in _children(tbl, "tr"):
            trpr = tr.find(w("trPr"))
            if counting and trpr is not None and on(trpr.find(w("tblHeader"))):
                header_rows += 1
            else:
                counting = False
            row: list[Cell] = []
            col = 0
            before = to_int(val(trpr.find(w("gridBefore"))) if trpr is not None else None, 0)
            if before > 0:
                row.append(Cell("", before))
                col = before
            for tc in _children(tr, "tc"):
                tcpr = tc.find(w("tcPr"))
                span = max(1, to_int(val(tcpr.find(w("gridSpan"))) if tcpr is not None else None, 1))
                text = self._cell_text(tc, images)
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                hmerge = tcpr.find(w("hMerge")) if tcpr is not None else None
                anchor = anchors.get(col)
                if vmerge is not None and val(vmerge, "continue") != "restart" and anchor is not None \
                        and anchor.colspan == span:
                    anchor.rowspan += 1
                    if text:
                        anchor.text = f"{anchor.text}\n{text}" if anchor.text else text
                elif hmerge is not None and val(hmerge, "continue") != "restart" and row:
                    row[-1].colspan += span
                    if text:
                        row[-1].text = f"{row[-1].text}\n{text}" if row[-1].text else text
                else:
                    cell = Cell(text, span)
                    row.append(cell)
                    anchors[col] = cell
                col += span
            rows.append(row)
        if header_rows == 0 and len(rows) > 1:
            header_rows = 1
        self.items.append(TableItem(Table(rows, header_rows), images))

    def _cell_text(self, tc: Element, images: list[Image]) -> str:
        lines: list[str] = []
        for child in tc.iterchildren():
            if child.tag == w("p"):
                pieces: list[str | Block] = []
                boxes: list[Element] = []
                self.pending = []
                self._inline(child, pieces, boxes)
                for code in self.pending:
                    self.note(code, "表格中")
                self.pending = []
                text = "".join(x for x in pieces if isinstance(x, str)).strip()
                found = [x for x in pieces if isinstance(x, Image)]
                for _ in found:
                    self.note("table_image")
                images += found
                for box in boxes:
                    text = (text + "\n" + plain(box).strip()).strip()
                    self.note("textbox", "表格中")
                lines.append(text)
            elif child.tag == w("tbl"):
                self.note("nested_table")
                lines.append("\n".join(" | ".join(plain(c).strip() for c in _children(r, "tc"))
                                       for r in _children(child, "tr")))
            elif child.tag in (w("sdt"), w("customXml")):
                content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
                if content is not None:
                    lines.append(self._cell_text(content, images))
        return "\n".join(lines).strip()


_IGNORED_BODY = {w(t) for t in ("sectPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd",
                                 "commentRangeStart", "commentRangeEnd", "moveFromRangeStart", "moveFromRangeEnd",
                                 "moveToRangeStart", "moveToRangeEnd")}
_IGNORED_INLINE = {w(t) for t in ("pPr", "rPr", "delText", "instrText", "delInstrText", "fldChar",
                                   "lastRenderedPageBreak", "commentReference", "annotationRef", "bookmarkStart",
                                   "bookmarkEnd", "proofErr", "softHyphen", "sdtPr", "sdtEndPr", "permStart",
                                   "permEnd", "commentRangeStart", "commentRangeEnd", "footnoteRef", "endnoteRef",
                                   "separator", "continuationSeparator", "dayShort", "monthShort", "yearShort",
                                   "dayLong", "monthLong", "yearLong", "pgNum")}
_MIME_NAMES = {"image/x-emf": "EMF", "image/x-wmf": "WMF", "image/svg+xml": "SVG", "image/gif": "GIF",
               "image/bmp": "BMP", "image/tiff": "TIFF"}


_FULL_WIDTH_MM = 0.6


def _text_width_mm(document: Any) -> float | None:
    """The text width of the body's (last) section: page width less the left and right margins."""
    sect = document.element.body.find(w("sectPr"))
    if sect is None:
        return None
    size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
    if size is None or margins is None:
        return None
    width = to_int(size.get(w("w")), 0) - to_int(margins.get(w("left")), 0) - to_int(margins.get(w("right")), 0)
    return round(width * 25.4 / 1440, 1) if width > 0 else None


def _own(el: Element, tag: str) -> list[Element]:
    """Descendants ``tag`` of a drawing that are not inside one of its text boxes (those are read
    with the text box's paragraphs)."""
    box = w("txbxContent")
    out = []
    for node in el.iter(tag):
        ancestor = node.getparent()
        inside = False
        while ancestor is not None and ancestor is not el:
            if ancestor.tag == box:
                inside = True
                break
            ancestor = ancestor.getparent()
        if not inside:
            out.append(node)
    return out


def _hex(text: str | None) -> int | None:
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def _children(el: Element, name: str) -> Iterator[Element]:
    """Direct children ``w:name``, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag == w(name):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, name)
        elif child.tag == w("customXml"):
            yield from _children(child, name)


def excerpt(text: str, n: int = 16) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "…"


def _sniff(blob: bytes) -> str | None:
    if blob.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if blob.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if blob[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if blob.startswith(b"BM"):
        return "image/bmp"
    if blob[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None


def _to_png(blob: bytes) -> bytes | None:
    """GIF/BMP/TIFF → PNG with Pillow (installed with reportlab); ``None`` when it cannot."""
    try:
        from PIL import Image as PILImage
    except ImportError:
        return None
    try:
        with PILImage.open(io.BytesIO(blob)) as img:
            out = io.BytesIO()
            img.save(out, format="PNG")
            return out.getvalue()
    except (OSError, ValueError, SyntaxError):
        return None
