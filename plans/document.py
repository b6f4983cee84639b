"""The format-neutral document model: document → sections (a tree) → blocks.

The Word/PDF renderers draw it, the editor edits it, the database stores it. Nothing here knows a
file format.

Blocks: ``Paragraph``, ``BulletList``, ``NumberedList``, ``Table`` (of ``Cell``), ``Image`` (bytes
live elsewhere, keyed by SHA-256), ``PageBreak``.

Merged table cells use the HTML representation: a row lists only the cells that *start* in it,
left to right; a cell spanning ``colspan`` columns and ``rowspan`` rows covers those positions, and
covered positions are simply omitted from the rows below/right. ``Table.layout()`` recovers each
cell's grid position (the HTML table algorithm: a cell goes into the leftmost column of its row
not covered by a cell above), ``Table.grid()`` gives the full rectangle. This round-trips through
JSON unchanged and maps directly to python-docx ``cell.merge`` and reportlab ``SPAN``.

JSON (``to_json``/``from_json``): plain dicts. Every block has a ``"type"`` tag
(``paragraph``, ``bullet_list``, ``numbered_list``, ``table``, ``image``, ``page_break``); a
section is ``{"type": "section", "key", "title", "required", "template_key", "blocks", "children"}``;
a document is ``{"type": "document", "version": SCHEMA_VERSION, "title", "meta", "sections"}``.
The database stores each section's ``blocks_to_json(section.blocks)`` (a list of block dicts) in a
row of its own (see ``flatten``/``from_flat``); the schema version is the document's.

Editing: every tree operation (``add_section``, ``remove_section``, ``rename_section``,
``set_blocks``, ``move_up``, ``move_down``, ``indent``, ``outdent``, ``move_section``) is a pure
function — it returns a **new** ``Document`` and leaves its argument untouched, so the editor's
undo stack is simply the list of previous documents. Operations address sections by ``key`` and
raise ``SectionEditError`` (a Chinese sentence) when the move is impossible; ``can_move`` tells the
editor beforehand so it can disable the button. No operation except ``remove_section`` drops a
block.

Numbering (``numbered``) is recomputed from the tree in GB/T 29639 style: 1, 1.1, 1.1.1 …
Sections whose ``template_key`` is ``PREFACE`` (text that came before the first heading of an
imported Word file) carry no number and do not use one up.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeAlias

from models.core.errors import DeskError

SCHEMA_VERSION = 1
PREFACE = "preface"
MAX_KEY_LENGTH = 40  # plan_section.key is String(40)


class DocumentFormatError(DeskError):
    """Stored document data that cannot be read (damaged, or written by a newer program)."""


class SectionEditError(DeskError):
    """An editing operation on the section tree that is not possible."""


# ---------------------------------------------------------------------------------------- blocks


@dataclass
class Paragraph:
    text: str


@dataclass
class BulletList:
    items: list[str] = field(default_factory=list)


@dataclass
class NumberedList:
    items: list[str] = field(default_factory=list)


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class PlacedCell:
    """A cell at its grid position (0-based ``row``/``col`` of its top-left corner)."""

    row: int
    col: int
    cell: Cell


@dataclass
class Table:
    """Rows list only the cells that start in them (see the module docstring on merged cells)."""

    rows: list[list[Cell]] = field(default_factory=list)
    header_rows: int = 1

    def layout(self) -> list[PlacedCell]:
        """Every cell with its grid position, row by row (the HTML table algorithm)."""
        taken: set[tuple[int, int]] = set()
        placed: list[PlacedCell] = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                placed.append(PlacedCell(r, c, cell))
                for dr in range(max(cell.rowspan, 1)):
                    for dc in range(max(cell.colspan, 1)):
                        taken.add((r + dr, c + dc))
                c += max(cell.colspan, 1)
        return placed

    def column_count(self) -> int:
        return max((p.col + max(p.cell.colspan, 1) for p in self.layout()), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """``len(rows)`` × ``column_count()``: a cell at its top-left corner, ``None`` where a
        position is covered by a merged cell or left empty by a short row.

        A rowspan reaching past the last row is cut at the last row.
        """
        width = self.column_count()
        out: list[list[Cell | None]] = [[None] * width for _ in self.rows]
        for p in self.layout():
            out[p.row][p.col] = p.cell
        return out


@dataclass
class Image:
    """An image shown in the text; the bytes are stored elsewhere under ``sha256`` (hex)."""

    sha256: str
    mime: str
    caption: str = ""
    width_mm: float | None = None


@dataclass
class PageBreak:
    pass


Block: TypeAlias = Paragraph | BulletList | NumberedList | Table | Image | PageBreak


# -------------------------------------------------------------------------------------- sections


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    required: bool = False
    template_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"type": "section", "key": self.key, "title": self.title, "required": self.required,
                "template_key": self.template_key, "blocks": blocks_to_json(self.blocks),
                "children": [c.to_json() for c in self.children]}

    @classmethod
    def from_json(cls, data: Any) -> Section:
        return _section_from_json(data, "section")


@dataclass
class Document:
    title: str
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": "document", "version": SCHEMA_VERSION, "title": self.title, "meta": dict(self.meta),
                "sections": [s.to_json() for s in self.sections]}

    @classmethod
    def from_json(cls, data: Any) -> Document:
        where = "document"
        obj = _expect_dict(data, where, "document")
        version = obj.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise _format_error(where, "缺少格式版本号")
        if version > SCHEMA_VERSION:
            raise DocumentFormatError(
                f"此文档由较新版本的程序保存（格式版本 {version}，本程序只认识到 {SCHEMA_VERSION}），"
                "请升级程序后再打开。")
        title = _expect_str(obj, "title", where)
        meta_raw = obj.get("meta", {})
        if not isinstance(meta_raw, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in meta_raw.items()):
            raise _format_error(where, "“meta”应为文字键值对")
        sections_raw = obj.get("sections", [])
        if not isinstance(sections_raw, list):
            raise _format_error(where, "“sections”应为列表")
        doc = cls(title=title, sections=[_section_from_json(s, f"sections[{i}]")
                                         for i, s in enumerate(sections_raw)], meta=dict(meta_raw))
        seen: set[str] = set()
        for s in iter_sections(doc):
            if s.key in seen:
                raise _format_error("document", f"章节标识“{s.key}”重复")
            seen.add(s.key)
        return doc


def new_key() -> str:
    """A fresh section key (32 hex digits)."""
    return uuid.uuid4().hex


# ------------------------------------------------------------------------------------------ JSON

_BLOCK_TYPES: dict[type, str] = {Paragraph: "paragraph", BulletList: "bullet_list", NumberedList: "numbered_list",
                                 Table: "table", Image: "image", PageBreak: "page_break"}


def block_to_json(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, BulletList | NumberedList):
        return {"type": _BLOCK_TYPES[type(block)], "items": list(block.items)}
    if isinstance(block, Table):
        rows = []
        for row in block.rows:
            out_row = []
            for cell in row:
                item: dict[str, Any] = {"text": cell.text}
                if cell.colspan != 1:
                    item["colspan"] = cell.colspan
                if cell.rowspan != 1:
                    item["rowspan"] = cell.rowspan
                out_row.append(item)
            rows.append(out_row)
        return {"type": "table", "header_rows": block.header_rows, "rows": rows}
    if isinstance(block, Image):
        return {"type": "image", "sha256": block.sha256, "mime": block.mime, "caption": block.caption,
                "width_mm": block.width_mm}
    if isinstance(block, PageBreak):
        return {"type": "page_break"}
    raise TypeError(f"not a block: {block!r}")


def blocks_to_json(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block_to_json(b) for b in blocks]


def block_from_json(data: Any, where: str = "block") -> Block:
    obj = _expect_dict(data, where, "block")
    kind = obj.get("type")
    if kind == "paragraph":
        return Paragraph(_expect_str(obj, "text", where))
    if kind in ("bullet_list", "numbered_list"):
        items = obj.get("items")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _format_error(where, "列表项应为文字列表")
        return BulletList(list(items)) if kind == "bullet_list" else NumberedList(list(items))
    if kind == "table":
        header_rows = _expect_int(obj, "header_rows", where, default=1, minimum=0)
        rows_raw = obj.get("rows")
        if not isinstance(rows_raw, list):
            raise _format_error(where, "表格缺少“rows”")
        rows: list[list[Cell]] = []
        for r, row in enumerate(rows_raw):
            if not isinstance(row, list):
                raise _format_error(f"{where}.rows[{r}]", "表格行应为列表")
            cells = []
            for c, cell in enumerate(row):
                cw = f"{where}.rows[{r}][{c}]"
                cobj = _expect_dict(cell, cw, "cell")
                cells.append(Cell(_expect_str(cobj, "text", cw), _expect_int(cobj, "colspan", cw, 1, 1),
                                  _expect_int(cobj, "rowspan", cw, 1, 1)))
            rows.append(cells)
        return Table(rows, header_rows)
    if kind == "image":
        width = obj.get("width_mm")
        if width is not None and (isinstance(width, bool) or not isinstance(width, int | float)):
            raise _format_error(where, "图片宽度应为数字")
        return Image(_expect_str(obj, "sha256", where), _expect_str(obj, "mime", where),
                     _expect_str(obj, "caption", where, default=""),
                     float(width) if width is not None else None)
    if kind == "page_break":
        return PageBreak()
    raise _format_error(where, f"未知的内容类型“{kind}”")


def blocks_from_json(data: Any, where: str = "blocks") -> list[Block]:
    if not isinstance(data, list):
        raise _format_error(where, "内容应为列表")
    return [block_from_json(b, f"{where}[{i}]") for i, b in enumerate(data)]


def _section_from_json(data: Any, where: str) -> Section:
    obj = _expect_dict(data, where, "section")
    key = _expect_str(obj, "key", where)
    if not key:
        raise _format_error(where, "章节标识为空")
    template_key = obj.get("template_key")
    if template_key is not None and not isinstance(template_key, str):
        raise _format_error(where, "“template_key”应为文字")
    required = obj.get("required", False)
    if not isinstance(required, bool):
        raise _format_error(where, "“required”应为是/否")
    children_raw = obj.get("children", [])
    if not isinstance(children_raw, list):
        raise _format_error(where, "“children”应为列表")
    return Section(key=key, title=_expect_str(obj, "title", where),
                   blocks=blocks_from_json(obj.get("blocks", []), f"{where}.blocks"),
                   children=[_section_from_json(c, f"{where}.children[{i}]") for i, c in enumerate(children_raw)],
                   required=required, template_key=template_key)


def _format_error(where: str, message: str) -> DocumentFormatError:
    return DocumentFormatError(f"文档数据有误（位置 {where}）：{message}。")


def _expect_dict(data: Any, where: str, kind: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _format_error(where, "应为键值对")
    tag = data.get("type")
    if kind in ("document", "section") and tag not in (None, kind):
        raise _format_error(where, f"类型应为“{kind}”，实为“{tag}”")
    return data


def _expect_str(obj: dict[str, Any], name: str, where: str, default: str | None = None) -> str:
    value = obj.get(name, default)
    if not isinstance(value, str):
        raise _format_error(where, f"“{name}”应为文字")
    return value


def _expect_int(obj: dict[str, Any], name: str, where: str, default: int, minimum: int) -> int:
    value = obj.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _format_error(where, f"“{name}”应为不小于 {minimum} 的整数")
    return value


# --------------------------------------------------------------------------- storage (flat rows)


@dataclass
class FlatSection:
    """One section as the database stores it (parents before children).

    Field names match ``models.plans.service.SectionInput``: ``SectionInput(**vars(flat))``.
    """

    key: str
    title: str
    parent_key: str | None = None
    position: int = 0
    required: bool = False
    template_key: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)


class FlatLike(Protocol):
    key: str
    title: str
    parent_key: str | None
    position: int
    required: bool
    template_key: str | None
    blocks: list[dict[str, Any]]


def flatten(document: Document) -> list[FlatSection]:
    """The section tree as rows, parents before children, with their block JSON."""
    out: list[FlatSection] = []

    def walk(sections: list[Section], parent: str | None) -> None:
        for pos, s in enumerate(sections):
            out.append(FlatSection(s.key, s.title, parent, pos, s.required, s.template_key,
                                   blocks_to_json(s.blocks)))
            walk(s.children, s.key)

    walk(document.sections, None)
    return out


def from_flat(title: str, rows: Iterable[FlatLike], meta: dict[str, str] | None = None) -> Document:
    """Rebuild the tree from stored rows (any order; siblings sorted by ``position``).

    A row whose parent is missing is kept at the top level rather than lost.
    """
    items = list(rows)
    sections = {r.key: Section(r.key, r.title, blocks_from_json(r.blocks, f"section {r.key}"), [],
                               r.required, r.template_key) for r in items}
    order = {r.key: (r.position, i) for i, r in enumerate(items)}
    roots: list[Section] = []
    for r in sorted(items, key=lambda r: order[r.key]):
        parent = sections.get(r.parent_key) if r.parent_key else None
        if parent is not None and parent is not sections[r.key]:
            parent.children.append(sections[r.key])
        else:
            roots.append(sections[r.key])
    return Document(title, roots, dict(meta or {}))


# ---------------------------------------------------------------------------------- tree queries


def iter_sections(document: Document) -> Iterator[Section]:
    """Every section, depth first, in reading order."""

    def walk(sections: list[Section]) -> Iterator[Section]:
        for s in sections:
            yield s
            yield from walk(s.children)

    return walk(document.sections)


def find_section(document: Document, key: str) -> Section | None:
    return next((s for s in iter_sections(document) if s.key == key), None)


def parent_key_of(document: Document, key: str) -> str | None:
    """The key of the section's parent (``None`` at the top level or when ``key`` is unknown)."""
    found = _locate(document, key)
    return found[2].key if found and found[2] else None


def is_numbered(section: Section) -> bool:
    return section.template_key != PREFACE


def numbered(document: Document) -> list[tuple[str, Section]]:
    """Every section in reading order with its number ("1", "3.1.2"); "" for unnumbered ones."""
    out: list[tuple[str, Section]] = []

    def walk(sections: list[Section], prefix: str, counting: bool) -> None:
        n = 0
        for s in sections:
            if counting and is_numbered(s):
                n += 1
                number = f"{prefix}{n}"
                out.append((number, s))
                walk(s.children, number + ".", True)
            else:
                out.append(("", s))
                walk(s.children, "", False)

    walk(document.sections, "", True)
    return out


def numbers(document: Document) -> dict[str, str]:
    """Section key → number."""
    return {s.key: n for n, s in numbered(document)}


def heading(number: str, section: Section) -> str:
    """"3.1 信息报告", or the bare title for an unnumbered section."""
    return f"{number} {section.title}" if number else section.title


# ------------------------------------------------------------------------------------ plain text


def block_text(block: Block) -> str:
    """The words of a block for search and comparison (no markup; page breaks have none)."""
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList | NumberedList):
        return "\n".join(block.items)
    if isinstance(block, Table):
        return "\n".join("\t".join(c.text for c in row) for row in block.rows)
    if isinstance(block, Image):
        return block.caption
    return ""


def plain_text(section: Section, *, recursive: bool = False) -> str:
    """Title, paragraphs, list items, table cells and image captions, one per line.

    Only the section itself unless ``recursive`` (each section row is indexed on its own).
    """
    parts = [section.title] + [t for t in (block_text(b) for b in section.blocks) if t]
    if recursive:
        parts += [plain_text(c, recursive=True) for c in section.children]
    return "\n".join(p for p in parts if p)


def document_text(document: Document) -> str:
    """The whole document's plain text: title then every section."""
    return "\n".join([document.title] + [plain_text(s) for s in iter_sections(document)])


# ------------------------------------------------------------------------------------ tree edits

Direction = Literal["up", "down", "in", "out"]


def _locate(document: Document, key: str) -> tuple[list[Section], int, Section | None] | None:
    """(sibling list, index in it, parent or None) of the section ``key``."""

    def walk(sections: list[Section], parent: Section | None) -> tuple[list[Section], int, Section | None] | None:
        for i, s in enumerate(sections):
            if s.key == key:
                return sections, i, parent
            found = walk(s.children, s)
            if found:
                return found
        return None

    return walk(document.sections, None)


def _copy_and_locate(document: Document, key: str) -> tuple[Document, list[Section], int, Section | None]:
    doc = copy.deepcopy(document)
    found = _locate(doc, key)
    if found is None:
        raise SectionEditError(f"找不到章节（标识 {key}），它可能已被删除。")
    return doc, *found


def _clean_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise SectionEditError("章节标题不能为空。")
    return text


def add_section(document: Document, title: str, *, parent_key: str | None = None, after_key: str | None = None,
                key: str | None = None, blocks: list[Block] | None = None, required: bool = False,
                template_key: str | None = None) -> Document:
    """A new section: right after ``after_key`` (as its sibling) when given, else as the last child
    of ``parent_key`` (or last at the top level). ``key`` defaults to ``new_key()``: pass one to
    know it."""
    key = key or new_key()
    if len(key) > MAX_KEY_LENGTH:
        raise SectionEditError(f"章节标识过长（最多 {MAX_KEY_LENGTH} 个字符）。")
    if find_section(document, key) is not None:
        raise SectionEditError(f"章节标识“{key}”已存在。")
    section = Section(key, _clean_title(title), copy.deepcopy(blocks or []), [], required, template_key)
    if after_key is not None:
        doc, siblings, i, parent = _copy_and_locate(document, after_key)
        if parent_key is not None and (parent is None or parent.key != parent_key):
            raise SectionEditError("新章节的位置不一致：指定的前一章节不在指定的上级章节下。")
        siblings.insert(i + 1, section)
        return doc
    if parent_key is None:
        doc = copy.deepcopy(document)
        doc.sections.append(section)
        return doc
    doc, siblings, i, _ = _copy_and_locate(document, parent_key)
    siblings[i].children.append(section)
    return doc


def remove_section(document: Document, key: str, *, keep_children: bool = False) -> Document:
    """Without the section (and its subsections, unless ``keep_children``: they take its place)."""
    doc, siblings, i, _ = _copy_and_locate(document, key)
    removed = siblings.pop(i)
    if keep_children:
        siblings[i:i] = removed.children
    return doc


def rename_section(document: Document, key: str, title: str) -> Document:
    doc, siblings, i, _ = _copy_and_locate(document, key)
    siblings[i].title = _clean_title(title)
    return doc


def set_blocks(document: Document, key: str, blocks: list[Block]) -> Document:
    """The section's body replaced by ``blocks`` (copied)."""
    doc, siblings, i, _ = _copy_and_locate(document, key)
    siblings[i].blocks = copy.deepcopy(blocks)
    return doc


def can_move(document: Document, key: str, direction: Direction) -> bool:
    found = _locate(document, key)
    if found is None:
        return False
    siblings, i, parent = found
    if direction == "up":
        return i > 0
    if direction == "down":
        return i < len(siblings) - 1
    if direction == "in":
        return i > 0
    return parent is not None


_CANNOT = {"up": "已是同级第一个章节，不能再上移。", "down": "已是同级最后一个章节，不能再下移。",
           "in": "前面没有同级章节，不能降级。", "out": "已是第一级章节，不能再升级。"}


def _move(document: Document, key: str, direction: Direction) -> Document:
    if not can_move(document, key, direction):
        if find_section(document, key) is None:
            raise SectionEditError(f"找不到章节（标识 {key}），它可能已被删除。")
        raise SectionEditError(_CANNOT[direction])
    doc, siblings, i, parent = _copy_and_locate(document, key)
    section = siblings[i]
    if direction == "up":
        siblings[i - 1], siblings[i] = siblings[i], siblings[i - 1]
    elif direction == "down":
        siblings[i + 1], siblings[i] = siblings[i], siblings[i + 1]
    elif direction == "in":
        siblings.pop(i)
        siblings[i - 1].children.append(section)
    else:
        assert parent is not None
        siblings.pop(i)
        found = _locate(doc, parent.key)
        assert found is not None
        grand_siblings, j, _ = found
        grand_siblings.insert(j + 1, section)
    return doc


def move_up(document: Document, key: str) -> Document:
    """Swap with the previous sibling."""
    return _move(document, key, "up")


def move_down(document: Document, key: str) -> Document:
    """Swap with the next sibling."""
    return _move(document, key, "down")


def indent(document: Document, key: str) -> Document:
    """Become the last child of the previous sibling (降级: 3.2 → 3.1.x)."""
    return _move(document, key, "in")


def outdent(document: Document, key: str) -> Document:
    """Become the next sibling of the parent (升级: 3.1.2 → 3.2); later siblings stay put."""
    return _move(document, key, "out")


def move_section(document: Document, key: str, parent_key: str | None, index: int) -> Document:
    """Move to position ``index`` among the children of ``parent_key`` (top level for ``None``),
    counted after the section has been taken out (drag and drop)."""
    if parent_key is not None:
        target = find_section(document, parent_key)
        if target is None:
            raise SectionEditError(f"找不到目标章节（标识 {parent_key}）。")
        moving = find_section(document, key)
        if moving is not None and any(s.key == parent_key for s in _subtree(moving)):
            raise SectionEditError("不能把章节移到它自己或它的下级章节之下。")
    doc, siblings, i, _ = _copy_and_locate(document, key)
    section = siblings.pop(i)
    if parent_key is None:
        dest = doc.sections
    else:
        found = _locate(doc, parent_key)
        assert found is not None
        dest = found[0][found[1]].children
    dest.insert(max(0, min(index, len(dest))), section)
    return doc


def _subtree(section: Section) -> Iterator[Section]:
    yield section
    for c in section.children:
        yield from _subtree(c)
