"""Import an existing plan from a Word .docx file into the document model (P8).

``import_docx(path_or_bytes)`` reads the body in order — paragraphs and tables interleaved, as
the XML body children come (content controls and custom XML are looked into) — and returns the
document, the images it holds (keyed by SHA-256) and a report in Chinese. Nothing is dropped
silently: every paragraph and table of the body ends up in the document or is named in the
report (tables of contents, charts, SmartArt, embedded objects, linked or EMF/WMF images,
footnotes, tracked deletions, headers and footers). A file that is not a readable .docx raises
``WordImportError`` (a ``DeskError``) and nothing is returned.

How a paragraph is classified, in this order:
1. TOC styles ("toc 1" … / "目录 1" …) and table-of-contents content controls: skipped, counted in
   the report (the table of contents is generated again from the sections).
2. The first "Title"/"标题" styled paragraph before any heading: the document title.
3. Explicit headings: a style named "Heading 1"…"Heading 9" or "标题 1"…"标题 9" (Chinese Word
   stores its built-in headings under the English name) or with an outline level, found along
   the ``basedOn`` chain; the paragraph's own ``w:outlineLvl`` (0–8; 9 = body text) overrides its
   style. Level = the number.
4. Word automatic numbering (``w:numPr`` on the paragraph or its style): the label Word would
   show is computed from the numbering definition (``lvlText`` with each level's ``numFmt`` —
   decimal, 一二三 counting, 壹贰叁, 甲乙丙, letters, roman, circled — and counters kept per
   abstract numbering definition, restarted by ``startOverride``). Bullets → bullet list. A
   label like 第一章 / 第一节 / 一、 / （一） / 1.1 / 1.1.1 on heading-like text → heading. A
   plain "1." label → heading only when the same list also has "1.1"-style levels in the
   document (an outline list), else a numbered-list item; （1）, a), ① … → numbered-list item.
5. Typed numbering at the start of the text, ranked 第X章 > 第X节 > 一、 > （一） > 1 > 1.1 > 1.1.1 >
   … > （1）: a heading when the text after the number is heading-like. Typed "•", "●", "■" …
   → bullet list.
6. Everything else: a paragraph.

"Heading-like": 1–40 characters after the number, no 。；！？ inside, not ending in ，、：.
Runs of two or more consecutive "1." or "（1）" candidates with nothing between them are list
items, not headings (a heading is followed by its content).

Levels of numbered headings: a numbering kind that also appears on an explicit heading takes
that heading's level ("Heading 1: 第一章 总则" teaches 第X章 = 1). The other kinds present in the
document are ranked in the order above and placed below the most recent explicit heading. The
numbers themselves are removed from section titles — the document renumbers 1 / 1.1 / 1.1.1 —
and the report says so. A level jump (1 → 3) nests one level deeper.

Text before the first heading goes into a preface section (``template_key`` ``PREFACE``, not
numbered). Tables: ``gridSpan`` → colspan, ``vMerge`` → rowspan, leading ``tblHeader`` rows →
header rows (none marked: the first row is taken as the header). Images (``a:blip r:embed``,
VML ``v:imagedata``) → ``Image`` blocks: PNG and JPEG as they are, GIF/BMP/TIFF converted to PNG
with Pillow; a following "Caption"/"题注" paragraph (or one starting "图1") becomes the caption.
Page breaks (``w:br w:type="page"``, ``pageBreakBefore``) → ``PageBreak``. Text boxes → ordinary
paragraphs after their anchor paragraph.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from models.core.errors import DeskError
from plans.document import (
    PREFACE,
    Block,
    BulletList,
    Cell,
    Document,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    Table,
    new_key,
)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_V = "urn:schemas-microsoft-com:vml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_Element = Any  # lxml elements (python-docx's oxml classes); lxml ships no type stubs


class WordImportError(DeskError):
    """The file cannot be read as a Word .docx document."""


@dataclass
class ImportResult:
    document: Document
    images: dict[str, tuple[bytes, str]]  # sha256 → (bytes, mime)
    report: list[str]


# ------------------------------------------------------------------------------- numbering text

_CN = "[一二三四五六七八九十百零〇两]+"
_UNIT_START = set("年月日时分秒号个人台套吨米千万亿元%‰℃度倍次辆只株项层楼栋室级")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({_CN}|\d+)\s*章(?:[\s、．.：:]\s*|(?=\S)|$)(.*)$", re.DOTALL)),
    ("section", re.compile(rf"^第\s*({_CN}|\d+)\s*节(?:[\s、．.：:]\s*|(?=\S)|$)(.*)$", re.DOTALL)),
    ("paren_cn", re.compile(rf"^[（(]\s*({_CN})\s*[）)]\s*[、．.]?\s*(.*)$", re.DOTALL)),
    ("cn", re.compile(rf"^({_CN})\s*[、．.]\s*(.*)$", re.DOTALL)),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、．.]?\s*(.*)$", re.DOTALL)),
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){0,8})(?:[.．、](?!\d)\s*|\s+|(?=[^\d\s.．、])|$)(.*)$",
                           re.DOTALL)),
]
_KIND_RANK = ["chapter", "section", "cn", "paren_cn"] + [f"decimal{i}" for i in range(1, 10)] + ["paren_arabic"]
_LIST_LIKE_KINDS = ("decimal1", "paren_arabic")
_STRONG_KINDS = {"chapter", "section", "cn", "paren_cn"} | {f"decimal{i}" for i in range(2, 10)}
_SENTENCE_MARKS = set("。；;！!？?")
_BULLET_CHARS = "•●○◆◇■□▪▫◎★☆➢➤►▶✓√·"


@dataclass(frozen=True)
class NumberLabel:
    """A number written at the start of a paragraph."""

    kind: str  # chapter, section, cn, paren_cn, decimal1 … decimal9, paren_arabic
    label: str  # as written: "第一章", "（一）", "3.1.2"
    rest: str  # the text after it


def split_number(text: str) -> NumberLabel | None:
    """The heading number at the start of ``text`` (第一章, 第一节, 一、, （一）, 1 / 1. / 1、, 1.1,
    1.1.1 …, （1）), or ``None``. Decimal numbers followed by a unit (3.5米, 2024年) are not numbers."""
    stripped = text.strip()
    for kind, pattern in _PATTERNS:
        m = pattern.match(stripped)
        if not m:
            continue
        rest = m.group(2).strip()
        label = stripped[: len(stripped) - len(m.group(2))].strip() if m.group(2) else stripped
        if kind == "decimal":
            number = m.group(1)
            depth = len(re.split(r"[.．]", number))
            separator = stripped[len(number):len(number) + 1]
            if rest and rest[0] in _UNIT_START:
                return None
            if depth == 1 and separator not in (".", "．", "、") and not separator.isspace():
                return None  # "1总则" / "2024" — a bare number needs a separator
            kind = f"decimal{depth}"
        return NumberLabel(kind, label, rest)
    return None


def heading_like(text: str) -> bool:
    """Short, no sentence punctuation inside, not ending like a clause."""
    text = text.strip()
    return 0 < len(text) <= 40 and not (_SENTENCE_MARKS & set(text)) and text[-1] not in "，,、：:"


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _cn_legal(n: int) -> str:
    return _cn_number(n).translate(str.maketrans("零一二三四五六七八九十", "零壹贰叁肆伍陆柒捌玖拾"))


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """The counter ``n`` in a Word ``numFmt``."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "ideographDigital", "koreanCounting"):
        return _cn_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _cn_legal(n)
    if fmt in ("ideographTraditional",):
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt in ("ideographZodiac",):
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12] if n > 0 else str(n)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


# ------------------------------------------------------------------------------ styles, numbering

_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TOC_STYLE_RE = re.compile(r"^(?:toc|目录)\s*[1-9]?$|^toc heading$|^目录标题$", re.IGNORECASE)
_CAPTION_NAMES = {"caption", "题注"}
_TITLE_NAMES = {"title", "标题"}


def _val(el: _Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_w("val"), default)


def _on(el: _Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return el is not None and el.get(_w("val"), "true") not in ("0", "false", "off")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class _Styles:
    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id: dict[str, _Element] = {}
        self.default_paragraph: str | None = None
        for st in root.iterchildren(_w("style")):
            sid = st.get(_w("styleId"))
            if sid is None:
                continue
            self.by_id[sid] = st
            if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
                self.default_paragraph = sid

    def names(self, sid: str | None) -> list[str]:
        """The style's name and aliases ("heading 1,标题 1,H1"), lower-cased."""
        st = self.by_id.get(sid or "")
        if st is None:
            return []
        name = _val(st.find(_w("name")), sid) or ""
        aliases = _val(st.find(_w("aliases")), "") or ""
        return [n.strip().lower() for n in (name + "," + aliases).split(",") if n.strip()]

    def chain(self, sid: str | None) -> Iterator[tuple[str, _Element]]:
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen and len(seen) < 30:
            seen.add(sid)
            st = self.by_id[sid]
            yield sid, st
            sid = _val(st.find(_w("basedOn")))

    def heading_level(self, sid: str | None) -> int | None:
        for s, st in self.chain(sid):
            for name in self.names(s):
                m = _HEADING_STYLE_RE.match(name)
                if m:
                    return int(m.group(1))
            lvl = st.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            if lvl is not None:
                value = _int(_val(lvl), 9)
                return value + 1 if 0 <= value <= 8 else None
        return None

    def is_named(self, sid: str | None, names: set[str]) -> bool:
        return any(n in names for n in self.names(sid))

    def is_toc(self, sid: str | None) -> bool:
        return any(_TOC_STYLE_RE.match(n) for n in self.names(sid))

    def num_pr(self, sid: str | None) -> tuple[str, int | None] | None:
        for _s, st in self.chain(sid):
            num = st.find(f"{_w('pPr')}/{_w('numPr')}")
            if num is not None:
                num_id = _val(num.find(_w("numId")))
                if num_id is None:
                    continue
                ilvl = num.find(_w("ilvl"))
                return num_id, _int(_val(ilvl), 0) if ilvl is not None else None
        return None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    pstyle: str | None = None
    legal: bool = False


class _Numbering:
    """Word numbering definitions and the running counters that give each paragraph its label."""

    def __init__(self, document: Any, styles: _Styles) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId → numbering style it takes levels from
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles = styles
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        root = self._root(document)
        if root is None:
            return
        for ab in root.iterchildren(_w("abstractNum")):
            aid = ab.get(_w("abstractNumId")) or ""
            self.abstract[aid] = {_int(lvl.get(_w("ilvl")), 0): self._level(lvl) for lvl in ab.iterchildren(_w("lvl"))}
            link = _val(ab.find(_w("numStyleLink")))
            if link:
                self.style_link[aid] = link
        for num in root.iterchildren(_w("num")):
            nid = num.get(_w("numId")) or ""
            aid = _val(num.find(_w("abstractNumId")), "") or ""
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for ov in num.iterchildren(_w("lvlOverride")):
                ilvl = _int(ov.get(_w("ilvl")), 0)
                so = ov.find(_w("startOverride"))
                if so is not None:
                    starts[ilvl] = _int(_val(so), 1)
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    levels[ilvl] = self._level(lvl)
            self.nums[nid] = (aid, starts, levels)

    @staticmethod
    def _root(document: Any) -> _Element | None:
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/numbering") and not rel.is_external:
                return _part_xml(rel.target_part)
        return None

    @staticmethod
    def _level(lvl: _Element) -> _Level:
        return _Level(start=_int(_val(lvl.find(_w("start"))), 1), fmt=_val(lvl.find(_w("numFmt")), "decimal") or "decimal",
                      text=_val(lvl.find(_w("lvlText")), "") or "", pstyle=_val(lvl.find(_w("pStyle"))),
                      legal=_on(lvl.find(_w("isLgl"))))

    def abstract_id(self, num_id: str) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid = entry[0]
        link = self.style_link.get(aid)
        if link and not self.abstract.get(aid):
            linked = self.styles.num_pr(link)
            if linked and linked[0] in self.nums and linked[0] != num_id:
                return self.nums[linked[0]][0]
        return aid

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        entry = self.nums.get(num_id)
        aid = self.abstract_id(num_id)
        if entry is None or aid is None:
            return None
        return entry[2].get(ilvl) or self.abstract.get(aid, {}).get(ilvl)

    def ilvl_for_style(self, num_id: str, style_id: str | None) -> int:
        aid = self.abstract_id(num_id)
        for ilvl, lvl in self.abstract.get(aid or "", {}).items():
            if style_id and lvl.pstyle == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, _Level] | None:
        """Advance the counters for a paragraph at (num_id, ilvl); its label and level definition."""
        aid = self.abstract_id(num_id)
        level = self.level(num_id, ilvl)
        if aid is None or level is None:
            return None
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used:
            self.used.add(num_id)
            for lvl_no, start in self.nums[num_id][1].items():
                if 0 <= lvl_no < 9:
                    counters[lvl_no] = start - 1
        ilvl = max(0, min(ilvl, 8))
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt == "bullet":
            return level.text, level

        def part(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9:
                return ""
            lv = self.level(num_id, k) or _Level()
            value = counters[k] if counters[k] is not None else lv.start
            assert value is not None
            return format_number(value, "decimal" if level.legal and k < ilvl else lv.fmt)

        return re.sub(r"%([1-9])", part, level.text), level


# ------------------------------------------------------------------------------------- reading

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
    "nested_list": "多级列表（{n} 项）已合并为一级列表。",
    "no_heading": "没有识别到任何标题，全部内容已导入到一个章节中，请在编辑器中分节。",
}


@dataclass
class _Para:
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
    num_level: _Level | None = None
    num_ilvl: int = 0
    num_abstract: str | None = None
    # decided by _classify: empty, skip (table of contents), title, heading (after "candidate": a
    # numbered heading awaiting its level), bullet, number (numbered-list item), caption, body
    kind: str = "body"
    level: int = 0
    number: NumberLabel | None = None
    title: str = ""


@dataclass
class _TableItem:
    table: Table
    images: list[Image] = field(default_factory=list)


class _Reader:
    def __init__(self, document: Any) -> None:
        self.doc = document
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        self.images: dict[str, tuple[bytes, str]] = {}
        self.items: list[_Para | _TableItem] = []
        self.notes: dict[str, list[str]] = {}
        self.pending: list[str] = []  # notes of the paragraph being read, placed once its text is known
        self.para_count = 0
        self.unsupported_mimes: set[str] = set()

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
    def read_body(self, parent: _Element) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions
            if tag == _w("p"):
                self.read_paragraph(child)
            elif tag == _w("tbl"):
                self.read_table(child)
            elif tag == _w("sdt"):
                if self._is_toc_sdt(child):
                    count = sum(1 for p in child.iter(_w("p")) if _plain(p).strip())
                    for _ in range(max(count, 1)):
                        self.note("toc")
                    continue
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.read_body(content)
            elif tag in (_w("customXml"), _w("ins"), _w("moveTo")):
                self.read_body(child)
            elif tag in (_w("del"), _w("moveFrom")):
                self.note("deleted")
            elif tag == _w("altChunk"):
                self.note("altchunk")
            elif tag in _IGNORED_BODY:
                continue
            elif _plain(child).strip():
                self.note("unknown", _excerpt(_plain(child)))

    @staticmethod
    def _is_toc_sdt(sdt: _Element) -> bool:
        gallery = sdt.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
        return gallery is not None and "contents" in (_val(gallery, "") or "").lower()

    def read_paragraph(self, p: _Element) -> None:
        self.para_count += 1
        pieces: list[str | Block] = []
        boxes: list[_Element] = []
        self.pending = []
        self._inline(p, pieces, boxes)
        text = "".join(x for x in pieces if isinstance(x, str)).strip()
        where = f"“{_excerpt(text)}”" if text else f"第 {self.para_count} 段"
        for code in self.pending:
            self.note(code, where)
        self.pending = []

        ppr = p.find(_w("pPr"))
        style = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        style = style or self.styles.default_paragraph
        para = _Para(self.para_count, pieces, style, text)
        para.toc = self.styles.is_toc(style)
        para.title_style = self.styles.is_named(style, _TITLE_NAMES)
        para.caption = self.styles.is_named(style, _CAPTION_NAMES)
        para.explicit_level = self.styles.heading_level(style)
        if ppr is not None:
            outline = ppr.find(_w("outlineLvl"))
            if outline is not None:
                value = _int(_val(outline), 9)
                para.explicit_level = value + 1 if 0 <= value <= 8 else None
            para.page_break_before = _on(ppr.find(_w("pageBreakBefore")))
        self._numbering(para, ppr, style)
        self.items.append(para)
        for box in boxes:
            self.note("textbox", f"“{_excerpt(text)}”" if text else "")
            self.read_body(box)

    def _numbering(self, para: _Para, ppr: _Element | None, style: str | None) -> None:
        num = ppr.find(_w("numPr")) if ppr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if num is not None:
            num_id = _val(num.find(_w("numId")))
            ilvl_el = num.find(_w("ilvl"))
            ilvl = _int(_val(ilvl_el), 0) if ilvl_el is not None else None
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

    # ---- inline content
    def _inline(self, el: _Element, pieces: list[str | Block], boxes: list[_Element]) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _IGNORED_INLINE:
                continue
            if tag == _w("t"):
                pieces.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                pieces.append("\t")
            elif tag == _w("br"):
                pieces.append(PageBreak() if child.get(_w("type")) == "page" else "\n")
            elif tag == _w("cr"):
                pieces.append("\n")
            elif tag == _w("noBreakHyphen"):
                pieces.append("-")
            elif tag == _w("sym"):
                code = _hex(child.get(_w("char")))
                if code is not None and not 0xE000 <= code <= 0xF8FF:
                    pieces.append(chr(code))
                else:
                    self.note_here("symbol")
            elif tag in (_w("del"), _w("moveFrom")):
                self.note_here("deleted")
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                self.note_here("footnote")
            elif tag == _w("drawing"):
                self._drawing(child, pieces, boxes)
            elif tag == _w("pict"):
                self._vml(child, pieces, boxes, ole=False)
            elif tag == _w("object"):
                self._vml(child, pieces, boxes, ole=True)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                chosen = choice if choice is not None else child.find(f"{{{_MC}}}Fallback")
                if chosen is not None:
                    self._inline(chosen, pieces, boxes)
            elif tag in (f"{{{_M}}}oMath", f"{{{_M}}}oMathPara"):
                formula = "".join(t.text or "" for t in child.iter(f"{{{_M}}}t"))
                if formula:
                    pieces.append(f"［公式：{formula}］")
                self.note_here("equation")
            else:  # runs, hyperlinks, insertions, fields, smart tags, inline content controls …
                self._inline(child, pieces, boxes)

    def _drawing(self, drawing: _Element, pieces: list[str | Block], boxes: list[_Element]) -> None:
        extent = drawing.find(f".//{{{_WP}}}extent")
        width_mm = round(_int(extent.get("cx"), 0) / 36000, 1) if extent is not None else None
        blips = _own(drawing, f"{{{_A}}}blip")
        found = False
        for blip in blips:
            rid = blip.get(f"{{{_R}}}embed")
            if rid:
                image = self._image(rid, width_mm if len(blips) == 1 else None)
                if image is not None:
                    pieces.append(image)
                found = True
            elif blip.get(f"{{{_R}}}link"):
                self.note_here("linked_image")
                found = True
        for box in _own(drawing, _w("txbxContent")):
            boxes.append(box)
            found = True
        if any(True for _ in drawing.iter(f"{{{_C}}}chart")):
            self.note_here("chart")
            found = True
        if any(True for _ in drawing.iter(f"{{{_DGM}}}relIds")):
            self.note_here("smartart")
            found = True
        if not found:
            self.note_here("shape")

    def _vml(self, el: _Element, pieces: list[str | Block], boxes: list[_Element], *, ole: bool) -> None:
        if ole:
            self.note_here("ole")
        for data in _own(el, f"{{{_V}}}imagedata"):
            rid = data.get(f"{{{_R}}}id")
            if rid:
                image = self._image(rid, None)
                if image is not None:
                    pieces.append(image)
        for box in _own(el, _w("txbxContent")):
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
        return Image(digest, mime, "", width_mm if width_mm else None)

    # ---- tables
    def read_table(self, tbl: _Element) -> None:
        images: list[Image] = []
        rows: list[list[Cell]] = []
        anchors: dict[int, Cell] = {}
        header_rows = 0
        counting = True
        for tr in _children(tbl, "tr"):
            trpr = tr.find(_w("trPr"))
            if counting and trpr is not None and _on(trpr.find(_w("tblHeader"))):
                header_rows += 1
            else:
                counting = False
            row: list[Cell] = []
            col = 0
            before = _int(_val(trpr.find(_w("gridBefore"))) if trpr is not None else None, 0)
            if before > 0:
                row.append(Cell("", before))
                col = before
            for tc in _children(tr, "tc"):
                tcpr = tc.find(_w("tcPr"))
                span = max(1, _int(_val(tcpr.find(_w("gridSpan"))) if tcpr is not None else None, 1))
                text = self._cell_text(tc, images)
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                hmerge = tcpr.find(_w("hMerge")) if tcpr is not None else None
                anchor = anchors.get(col)
                if vmerge is not None and _val(vmerge, "continue") != "restart" and anchor is not None \
                        and anchor.colspan == span:
                    anchor.rowspan += 1
                    if text:
                        anchor.text = f"{anchor.text}\n{text}" if anchor.text else text
                elif hmerge is not None and _val(hmerge, "continue") != "restart" and row:
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
        self.items.append(_TableItem(Table(rows, header_rows), images))

    def _cell_text(self, tc: _Element, images: list[Image]) -> str:
        lines: list[str] = []
        for child in tc.iterchildren():
            if child.tag == _w("p"):
                pieces: list[str | Block] = []
                boxes: list[_Element] = []
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
                    text = (text + "\n" + _plain(box).strip()).strip()
                    self.note("textbox", "表格中")
                lines.append(text)
            elif child.tag == _w("tbl"):
                self.note("nested_table")
                lines.append("\n".join(" | ".join(_plain(c).strip() for c in _children(r, "tc"))
                                       for r in _children(child, "tr")))
            elif child.tag in (_w("sdt"), _w("customXml")):
                content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
                if content is not None:
                    lines.append(self._cell_text(content, images))
        return "\n".join(lines).strip()


_IGNORED_BODY = {_w(t) for t in ("sectPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd",
                                 "commentRangeStart", "commentRangeEnd", "moveFromRangeStart", "moveFromRangeEnd",
                                 "moveToRangeStart", "moveToRangeEnd")}
_IGNORED_INLINE = {_w(t) for t in ("pPr", "rPr", "delText", "instrText", "delInstrText", "fldChar",
                                   "lastRenderedPageBreak", "commentReference", "annotationRef", "bookmarkStart",
                                   "bookmarkEnd", "proofErr", "softHyphen", "sdtPr", "sdtEndPr", "permStart",
                                   "permEnd", "commentRangeStart", "commentRangeEnd", "footnoteRef", "endnoteRef",
                                   "separator", "continuationSeparator", "dayShort", "monthShort", "yearShort",
                                   "dayLong", "monthLong", "yearLong", "pgNum")}
_MIME_NAMES = {"image/x-emf": "EMF", "image/x-wmf": "WMF", "image/svg+xml": "SVG", "image/gif": "GIF",
               "image/bmp": "BMP", "image/tiff": "TIFF"}


def _own(el: _Element, tag: str) -> list[_Element]:
    """Descendants ``tag`` of a drawing that are not inside one of its text boxes (those are read
    with the text box's paragraphs)."""
    box = _w("txbxContent")
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


def _part_xml(part: Any) -> _Element:
    element = getattr(part, "element", None)
    return element if element is not None else etree.fromstring(part.blob)


def _hex(text: str | None) -> int | None:
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def _children(el: _Element, name: str) -> Iterator[_Element]:
    """Direct children ``w:name``, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag == _w(name):
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _children(content, name)
        elif child.tag == _w("customXml"):
            yield from _children(child, name)


def _plain(el: _Element) -> str:
    """All visible text under an element (paragraphs on separate lines)."""
    out: list[str] = []
    for node in el.iter(_w("t"), _w("tab"), _w("p"), f"{{{_M}}}t"):
        if node.tag == _w("p"):
            if out and out[-1] != "\n":
                out.append("\n")
        elif node.tag == _w("tab"):
            out.append("\t")
        else:
            out.append(node.text or "")
    return "".join(out)


def _excerpt(text: str, n: int = 16) -> str:
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


# ------------------------------------------------------------------------------- classification

_CAPTION_TEXT_RE = re.compile(rf"^(?:图|图片)\s*(?:\d+|{_CN})")


def _label_kind(label: str) -> str | None:
    """The numbering kind of a label on its own ("第一章", "（一）", "1.1")."""
    m = split_number(label + " 标题")
    return m.kind if m is not None else None


def _classify(paras: list[_Para]) -> None:
    """Decide what each paragraph is (see the module docstring)."""
    outline_lists = {p.num_abstract for p in paras if p.num_label and p.num_ilvl > 0
                     and (_label_kind(p.num_label) or "").startswith("decimal")
                     and _label_kind(p.num_label) != "decimal1"}
    seen_heading = title_taken = False
    learned: dict[str, int] = {}  # numbering kind → level, from explicit headings
    for p in paras:
        has_objects = any(not isinstance(x, str) for x in p.pieces)
        if not p.text:
            p.kind = "body" if has_objects else "empty"
        elif p.toc:
            p.kind = "skip"
        elif p.title_style and not seen_heading and not title_taken:
            p.kind, title_taken = "title", True
        elif p.explicit_level is not None:
            p.kind, p.level, seen_heading = "heading", p.explicit_level, True
            m = split_number(p.text)
            p.number = m if m is not None and m.rest else None
            p.title = m.rest if p.number is not None and m is not None else p.text
            kind = m.kind if p.number is not None and m is not None else (
                _label_kind(p.num_label) if p.num_label else None)
            if kind is not None:
                learned.setdefault(kind, p.level)
        elif p.num_label is not None and p.num_level is not None:
            if p.num_level.fmt == "bullet":
                p.kind = "bullet"
                continue
            kind = _label_kind(p.num_label)
            if kind is not None and heading_like(p.text) and (
                    kind in _STRONG_KINDS or (kind == "decimal1" and p.num_abstract in outline_lists)):
                p.kind, p.number, p.title, seen_heading = "candidate", NumberLabel(kind, p.num_label, p.text), \
                    p.text, True
            else:
                p.kind = "number"
        elif p.text[0] in _BULLET_CHARS or p.text[:2] in ("- ", "* "):
            p.kind = "bullet"
            p.text = p.text.lstrip(_BULLET_CHARS + "-* \t\u3000")
        else:
            m = split_number(p.text)
            if m is not None and heading_like(m.rest):
                p.kind, p.number, p.title, seen_heading = "candidate", m, m.rest, True
            else:
                p.kind = "caption" if p.caption or _CAPTION_TEXT_RE.match(p.text) else "body"

    # Runs of consecutive "1." / "（1）" candidates are list items, not headings.
    content = [p for p in paras if p.kind not in ("empty", "skip")]
    i = 0
    while i < len(content):
        kind = content[i].number.kind if content[i].kind == "candidate" and content[i].number else None
        j = i
        if kind in _LIST_LIKE_KINDS:
            while j + 1 < len(content) and content[j + 1].kind == "candidate" and content[j + 1].number is not None \
                    and content[j + 1].number.kind == kind:  # type: ignore[union-attr]
                j += 1
            if j > i:
                for q in content[i:j + 1]:
                    q.kind, q.text, q.number = "number", q.title, None
        i = j + 1

    # Levels of numbered headings.
    ranked = sorted({p.number.kind for p in paras if p.kind == "candidate" and p.number
                     and p.number.kind not in learned}, key=_KIND_RANK.index)
    base = 0
    for p in paras:
        if p.kind == "heading":
            base = p.level
        elif p.kind == "candidate" and p.number:
            p.kind = "heading"
            p.level = learned.get(p.number.kind) or base + ranked.index(p.number.kind) + 1
            p.title = p.title or p.text


# --------------------------------------------------------------------------------------- build


class _Builder:
    """Turns the classified paragraphs and tables into the section tree."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.roots: list[Section] = []
        self.stack: list[tuple[int, Section]] = []
        self.preface: Section | None = None
        self.stripped: list[str] = []
        self.nested_items = 0
        self.counts = {"heading": 0, "paragraph": 0, "item": 0, "table": 0, "image": 0}

    def started(self) -> bool:
        return bool(self.stack) or self.preface is not None

    def target(self) -> Section:
        if self.stack:
            return self.stack[-1][1]
        if self.preface is None:
            self.preface = Section(new_key(), "前言", template_key=PREFACE)
            self.roots.insert(0, self.preface)
        return self.preface

    def emit(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.counts["paragraph"] += 1
        elif isinstance(block, Image):
            self.counts["image"] += 1
        elif isinstance(block, Table):
            self.counts["table"] += 1
        self.target().blocks.append(block)

    def emit_pieces(self, pieces: list[str | Block]) -> None:
        """Text runs become paragraphs, split where an image or a page break sits in the text."""
        text = ""
        for piece in pieces:
            if isinstance(piece, str):
                text += piece
                continue
            if text.strip():
                self.emit(Paragraph(text.strip()))
            text = ""
            self.emit(piece)
        if text.strip():
            self.emit(Paragraph(text.strip()))

    def add_item(self, kind: type[BulletList] | type[NumberedList], text: str) -> None:
        self.counts["item"] += 1
        blocks = self.target().blocks
        last = blocks[-1] if blocks else None
        if isinstance(last, BulletList | NumberedList) and type(last) is kind:
            last.items.append(text)
        else:
            blocks.append(kind([text]))

    def heading(self, p: _Para) -> None:
        before: list[Block] = []
        after: list[Block] = []
        text_seen = False
        for piece in p.pieces:
            if isinstance(piece, str):
                text_seen = text_seen or bool(piece.strip())
            elif isinstance(piece, PageBreak) and not text_seen:
                before.append(piece)  # a page break typed before the heading belongs before it
            else:
                after.append(piece)
        if p.page_break_before:
            before.insert(0, PageBreak())
        if self.started():
            for block in before:
                self.emit(block)
        if p.number is not None and p.title != p.text:
            self.stripped.append(p.number.label)
        section = Section(new_key(), " ".join(p.title.split()) or p.text)
        self.counts["heading"] += 1
        while self.stack and self.stack[-1][0] >= p.level:
            self.stack.pop()
        (self.stack[-1][1].children if self.stack else self.roots).append(section)
        self.stack.append((p.level, section))
        for block in after:
            self.emit(block)

    def paragraph(self, p: _Para) -> None:
        if p.kind in ("empty", "skip", "title"):
            if p.kind == "skip":
                self.reader.note("toc")
            elif p.kind == "title":
                self.emit_pieces([x for x in p.pieces if not isinstance(x, str)])
            return
        if p.kind == "heading":
            self.heading(p)
            return
        if p.page_break_before and self.started():
            self.emit(PageBreak())
        if p.kind in ("bullet", "number"):
            self.nested_items += p.num_ilvl > 0
            for piece in p.pieces:
                if not isinstance(piece, str):
                    self.emit(piece)
            self.add_item(BulletList if p.kind == "bullet" else NumberedList, p.text)
            return
        if p.kind == "caption":
            blocks = self.target().blocks
            last = blocks[-1] if blocks else None
            if isinstance(last, Image) and not last.caption:
                last.caption = p.text
                return
        self.emit_pieces(p.pieces)

    def build(self, title: str) -> tuple[Document, str]:
        paras = [x for x in self.reader.items if isinstance(x, _Para)]
        _classify(paras)
        for item in self.reader.items:
            if isinstance(item, _TableItem):
                self.emit(item.table)
                for image in item.images:
                    self.emit(image)
            else:
                self.paragraph(item)
        if not self.counts["heading"] and self.preface is not None:
            self.preface.title = "正文"
            self.reader.note("no_heading")
        if self.stripped:
            self.reader.notes["numbers"] = [self.stripped[0]] + [""] * (len(self.stripped) - 1)
        if self.nested_items:
            self.reader.notes["nested_list"] = [""] * self.nested_items
        c = self.counts
        summary = (f"已导入 {c['heading']} 个章节、{c['paragraph']} 段文字、{c['item']} 个列表项、"
                   f"{c['table']} 个表格、{c['image']} 张图片。")
        if not self.roots:
            summary += "文档中没有可导入的正文内容。"
        doc_title = next((p.text for p in paras if p.kind == "title"), "") or title
        return Document(doc_title, self.roots, {"source": "word_import"}), summary


def _header_footer_text(document: Any) -> str:
    texts: list[str] = []
    for rel in document.part.rels.values():
        if rel.is_external or not (rel.reltype.endswith("/header") or rel.reltype.endswith("/footer")):
            continue
        text = " ".join(_plain(_part_xml(rel.target_part)).split())
        if text and text not in texts:
            texts.append(text)
    return "；".join(texts)


# ---------------------------------------------------------------------------------------- entry

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Source = str | os.PathLike[str] | bytes | BinaryIO


def _read_source(source: Source) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), path.stem
        except FileNotFoundError:
            raise WordImportError(f"找不到文件“{path.name}”。") from None
        except IsADirectoryError:
            raise WordImportError(f"“{path.name}”是文件夹，不是 Word 文档。") from None
        except PermissionError:
            raise WordImportError(f"没有权限读取文件“{path.name}”，请检查文件是否被其他程序占用。") from None
        except OSError as exc:
            raise WordImportError(f"无法读取文件“{path.name}”：{exc.strerror or exc}。") from None
    return source.read(), ""


def _open(data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise WordImportError("这是旧版 Word 97-2003 文档（.doc）或加了密码的文档，无法直接导入。"
                              "请先在 Word 或 WPS 中取消密码并“另存为”Word 文档（.docx）后再导入。")
    if not data.startswith(b"PK\x03\x04"):
        raise WordImportError("该文件不是 Word 文档（.docx）：文件内容不是 Word 格式，可能是改了扩展名的其他文件"
                              "（如文本文件）或已损坏。请在 Word 或 WPS 中打开并另存为 .docx 后再导入。")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WordImportError("Word 文档已损坏或不完整（无法解压），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    except (PackageNotFoundError, KeyError) as exc:
        raise WordImportError("该文件不是有效的 Word 文档（.docx）：缺少 Word 文档的组成部分，"
                              "可能是其他格式的压缩包，或文件已损坏。") from exc
    except etree.XMLSyntaxError as exc:
        raise WordImportError("Word 文档的内容已损坏（XML 格式错误），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    except ValueError as exc:
        raise WordImportError("该文件不是 Word 文档（.docx），可能是 Excel、PowerPoint 或其他 Office 文件。") from exc


def import_docx(source: Source) -> ImportResult:
    """Read a .docx (path, bytes or binary file object) into a document; see the module docstring.

    The document title is the "Title"-styled paragraph before the first heading, else the file's
    core property title, else the file name without extension.
    """
    data, name = _read_source(source)
    document = _open(data)
    reader = _Reader(document)
    try:
        reader.read_body(document.element.body)
        header_text = _header_footer_text(document)
    except etree.XMLSyntaxError as exc:
        raise WordImportError("Word 文档的内容已损坏（XML 格式错误），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    if header_text:
        reader.notes["headers"] = [f"“{_excerpt(header_text, 40)}”"]
    title_hint = (document.core_properties.title or "").strip() or name
    model, summary = _Builder(reader).build(title_hint)
    if name:
        model.meta["source_name"] = name
    return ImportResult(model, reader.images, [summary, *reader.report()])
