"""Build: the classified paragraphs and tables as the section tree of a ``Document``, the annexes
beside it, and the lines of the report that say what was inferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plans.document import (
    PREFACE,
    Block,
    BulletList,
    Document,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    Table,
    iter_sections,
    new_key,
)
from plans.template import Template, TemplateSection
from plans.word_import.classify import classify
from plans.word_import.frontmatter import PART_LABELS, Front, Wording, squash
from plans.word_import.numbering import label_kind
from plans.word_import.ooxml import part_xml, plain
from plans.word_import.reader import Para, Reader, TableItem, excerpt

_NESTED_BULLETS = ("◦", "▪")
_DROPPED_ROLES = ("cover", "front", "annex_index")


@dataclass
class ImportedAnnex:
    """An annex (附件) of the Word document.

    ``status``: ``generated`` (built by the product from live data — its "数据来源：" line — and
    generated again when the plan is printed), ``separate`` (only the 另行装订 note, or marked so
    in the annex index), ``content`` (text of its own: kept in the document as an unnumbered
    section at the end, the model having no place for an annex's content) or ``listed`` (named in
    the annex index, no pages in the file). ``key``: the template annex with the same title.
    """

    number: int
    title: str
    key: str | None
    status: str
    source: str = ""
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"附件{self.number}　{self.title}" if self.title else f"附件{self.number}"


@dataclass
class _ListRun:
    """The list block being filled: nested items go into its last item."""

    block: BulletList | NumberedList
    ilvl: int  # Word level of its items (automatic numbering); -1 for typed numbers
    kind: str | None  # typed numbers: the kind of its items' labels ("decimal1")


class Builder:
    """Turns the classified paragraphs and tables into the section tree."""

    def __init__(self, reader: Reader, front: Front, wording: Wording, template: Template | None) -> None:
        self.reader = reader
        self.front = front
        self.wording = wording
        self.template = template
        self.roots: list[Section] = []
        self.stack: list[tuple[int, Section]] = []
        self.preface: Section | None = None
        self.stripped: list[str] = []
        self.nested_items = 0
        self.restarted: list[str] = []
        self.list_run: _ListRun | None = None
        self.annex_sections: dict[int, Section] = {}
        self.annexes: list[ImportedAnnex] = []
        self.matched: Template | None = None
        self.matched_sections = 0
        self.by_heading = {id(a.heading): a for a in front.annexes if a.heading is not None}

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

    # --- lists

    def add_item(self, p: Para) -> None:
        """A list item; one nested below the list's items (a deeper Word level, or a typed "（1）"
        under "1." items) goes into the last item as a line of its own, with its label."""
        kind: type[BulletList] | type[NumberedList] = BulletList if p.kind == "bullet" else NumberedList
        blocks = self.target().blocks
        run = self.list_run if self.list_run is not None and blocks and blocks[-1] is self.list_run.block else None
        auto = p.num_label is not None
        depth = 0
        if run is not None and run.block.items:
            if auto and run.ilvl >= 0 and p.num_ilvl > run.ilvl:
                depth = p.num_ilvl - run.ilvl
            elif not auto and run.kind and p.list_label and label_kind(p.list_label) != run.kind:
                depth = 1
        if run is not None and depth:
            label = p.list_label if p.kind == "number" else _NESTED_BULLETS[min(depth, 2) - 1]
            space = " " if label[-1:].isascii() else ""
            run.block.items[-1] += "\n" + "　" * (depth - 1) + label + space + p.text
            self.nested_items += 1
            return
        if run is not None and type(run.block) is kind:
            run.block.items.append(p.text)
            if auto and 0 <= p.num_ilvl < run.ilvl:
                run.ilvl = p.num_ilvl
            return
        block = kind([p.text])
        blocks.append(block)
        self.list_run = _ListRun(block, p.num_ilvl if auto else -1,
                                 label_kind(p.list_label) if not auto and p.list_label else None)
        if auto and kind is NumberedList and p.num_value > 1:
            self.restarted.append(p.list_label or str(p.num_value))

    # --- headings

    def heading(self, p: Para) -> None:
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
        while self.stack and self.stack[-1][0] >= p.level:
            self.stack.pop()
        (self.stack[-1][1].children if self.stack else self.roots).append(section)
        self.stack.append((p.level, section))
        for block in after:
            self.emit(block)

    def annex(self, p: Para) -> None:
        """An annex heading: what follows is the annex's, in a section of its own (level 0)."""
        found = self.by_heading.get(id(p))
        if found is None:
            return  # the title line under a bare "附件N"
        title = f"附件{found.number}　{found.title}" if found.title else f"附件{found.number}"
        section = Section(new_key(), title, template_key=PREFACE)
        self.annex_sections[id(p)] = section
        self.stack = [(0, section)]
        for piece in p.pieces:
            if not isinstance(piece, str | PageBreak):
                self.emit(piece)

    def paragraph(self, p: Para) -> None:
        if p.role == "title":
            self.emit_pieces([x for x in p.pieces if not isinstance(x, str | PageBreak)])
            return
        if p.role == "annex":
            self.annex(p)
            return
        if p.kind in ("empty", "skip"):
            if p.kind == "skip":
                self.reader.note("toc")
            return
        if p.kind == "heading":
            self.heading(p)
            return
        if p.page_break_before and self.started():
            self.emit(PageBreak())
        if p.kind in ("bullet", "number"):
            for piece in p.pieces:
                if not isinstance(piece, str):
                    self.emit(piece)
            self.add_item(p)
            return
        if p.kind == "caption":
            blocks = self.target().blocks
            last = blocks[-1] if blocks else None
            if isinstance(last, Image) and not last.caption:
                last.caption = p.text
                return
        self.emit_pieces(p.pieces)

    # --- the document

    def build(self, title_hint: str) -> tuple[Document, list[str]]:
        """The document and the lines of the report: the summary, then what was inferred."""
        items = self.reader.items
        classify([x for x in items if isinstance(x, Para) and not x.role])
        for item in items:
            if item.role in ("annex_index", "annex"):
                self._drop_closing_breaks()  # the annexes start on a page of their own anyway
            if item.role in _DROPPED_ROLES:
                continue
            if isinstance(item, TableItem):
                self.emit(item.table)
                for image in item.images:
                    self.emit(image)
            else:
                self.paragraph(item)
        self._drop_closing_breaks()
        self._annexes()
        if "toc" in self.front.parts:
            self.reader.notes.pop("toc", None)  # said with the front matter
        tops = {id(s) for s in self.annex_sections.values()}
        headings = sum(1 for s in iter_sections(Document("", self.roots)) if s is not self.preface and id(s) not in tops)
        if not headings and self.preface is not None:
            self.preface.title = "正文"
            self.reader.note("no_heading")
        if self.stripped:
            self.reader.notes["numbers"] = [self.stripped[0]] + [""] * (len(self.stripped) - 1)
        if self.nested_items:
            self.reader.notes["nested_list"] = [""] * self.nested_items
        if self.restarted:
            self.reader.notes["list_restart"] = self.restarted
        front = self.front
        title, title_from = front.title, front.title_from
        if not title and title_hint.strip():
            title, title_from = " ".join(title_hint.split()), "properties"
        front.title, front.title_from = title, title_from
        document = Document(title, self.roots, {"source": "word_import"})
        self._match_template(document)
        return document, [_summary(document, headings), *self._inferred()]

    def _drop_closing_breaks(self) -> None:
        """Page breaks closing the body (before the annexes, at the end): layout, not content."""
        if self.started():
            blocks = self.target().blocks
            while blocks and isinstance(blocks[-1], PageBreak):
                blocks.pop()

    def _annexes(self) -> None:
        """Each annex: dropped when generated or bound separately, else kept as an unnumbered
        section at the end; the annexes only listed in the index are named."""
        notes = set(self.wording.separate_notes)
        for found in self.front.annexes:
            section = self.annex_sections.get(id(found.heading)) if found.heading is not None else None
            if section is None:
                self.annexes.append(ImportedAnnex(found.number, found.title, found.key,
                                                  "separate" if found.separate else "listed"))
                continue
            blocks = section.blocks
            source = ""
            first = blocks[0] if blocks else None
            if isinstance(first, Paragraph) and first.text.startswith(self.wording.source_prefix):
                source = first.text[len(self.wording.source_prefix):].strip()
                blocks = blocks[1:]
            texts = [b for b in blocks if not isinstance(b, PageBreak)]
            if source:
                status = "generated"
            elif not section.children and all(isinstance(b, Paragraph) and squash(b.text) in notes for b in texts):
                status = "separate"
            else:
                status = "content"
                self.roots.append(section)
            self.annexes.append(ImportedAnnex(found.number, found.title, found.key, status, source, list(blocks),
                                              list(section.children)))

    # --- the template

    def _match_template(self, document: Document) -> None:
        """With a template whose annexes are the document's (and the product's front matter, or
        half of the template's sections by title): the sections take the template's keys."""
        template = self.template
        if template is None:
            return
        pairs: list[tuple[Section, TemplateSection]] = []
        used: set[str] = set()
        by_title: dict[str, list[TemplateSection]] = {}
        for ts in template.iter_sections():
            by_title.setdefault(squash(ts.title), []).append(ts)

        def walk(sections: list[Section], choices: tuple[TemplateSection, ...]) -> None:
            for s in sections:
                if s.template_key == PREFACE:
                    continue
                title = squash(s.title)
                ts = next((c for c in choices if squash(c.title) == title and c.key not in used), None)
                if ts is None:
                    same = [c for c in by_title.get(title, []) if c.key not in used]
                    ts = same[0] if len(by_title.get(title, [])) == 1 and same else None
                if ts is not None:
                    used.add(ts.key)
                    pairs.append((s, ts))
                walk(s.children, ts.children if ts is not None else ())

        walk(document.sections, template.sections)
        annexes = [squash(a.title) for a in self.front.annexes]
        if annexes != [squash(a.title) for a in template.annexes]:
            return
        product = self.front.cover and any(p in self.front.parts for p in ("decree", "signoff", "revisions"))
        if not pairs or not (product or 2 * len(pairs) >= len(template.iter_sections())):
            return
        for s, ts in pairs:
            s.key, s.template_key, s.required = ts.key, ts.key, ts.required
        self.matched, self.matched_sections = template, len(pairs)

    # --- the report

    def _inferred(self) -> list[str]:
        front = self.front
        out: list[str] = []
        title = front.title
        where = {"cover_field": "封面的“预案名称”一栏", "cover": "封面", "body_title": "正文前的标题",
                 "title_style": "“标题”样式的段落", "bold_centred": "文档开头居中加粗的段落",
                 "heading1": "文档唯一的一级标题", "properties": "文档属性中的标题"}.get(front.title_from)
        if title and where:
            out.append(f"预案名称“{excerpt(title, 40)}”取自{where}。")
        else:
            out.append("未能识别预案名称（没有封面标题、“标题”样式的段落或居中加粗的首段）：预案名称以导入时填写的为准。")
        fields = front.fields
        plan_no, version = fields.get("plan_no", ""), fields.get("version_label", "")
        if plan_no and version:
            out.append(f"预案编号“{plan_no}”和版本号“{version}”取自封面。")
        elif plan_no:
            out.append(f"预案编号“{plan_no}”取自封面（封面上没有版本号）。")
        elif front.cover:
            out.append("封面上没有预案编号：预案编号以导入时填写的为准。"
                       + (f"版本号“{version}”取自封面。" if version else ""))
        else:
            out.append("文档中没有带“预案编号”的封面：预案编号以导入时填写的为准（不取文件名）。")
        parts = [PART_LABELS[p] for p in dict.fromkeys(front.parts) if p != "annex_index"]
        if parts:
            out.append(f"已略去{'、'.join(parts)}：导出和打印时由系统按预案记录重新生成。")
        if front.shifted:
            kept = "" if front.title_from == "heading1" or squash(front.shifted) == squash(title) else \
                "（已另有预案名称，该标题作为正文段落保留）"
            out.append(f"文档只有一个一级标题“{excerpt(front.shifted, 30)}”，其后是带编号的二级标题：它被当作预案名称"
                       f"{kept}，其余标题各升一级，二级标题成为章。")
        out += self._annex_lines()
        if self.matched is not None:
            out.append(f"章节和附件与“{self.matched.name}”模板（第 {self.matched.version} 版）对应："
                       f"{self.matched_sections} 个章节沿用模板的章节。")
        return out

    def _annex_lines(self) -> list[str]:
        out: list[str] = []
        if not self.annexes:
            return out

        def names(status: str) -> str:
            chosen = [a.heading for a in self.annexes if a.status == status]
            return "、".join(chosen[:4]) + (f"等 {len(chosen)} 个附件" if len(chosen) > 4 else "")

        by = {a.status for a in self.annexes}
        out.append(f"识别出 {len(self.annexes)} 个附件，未作为正文章节导入（不占章节编号）。")
        if "generated" in by:
            sources = "、".join(dict.fromkeys(a.source.split("，")[0] for a in self.annexes if a.status == "generated"))
            out.append(f"{names('generated')}由系统根据台账数据生成（数据来源：{sources}），未导入，导出时按最新数据"
                       "重新生成；如在 Word 中改过其内容，请到相应台账中修改。")
        if "separate" in by:
            out.append(f"{names('separate')}另行装订，文档中没有其内容，未导入。")
        if "content" in by:
            out.append(f"{names('content')}的内容已导入为正文末尾不编号的章节：预案的附件由模板规定、导出时生成，"
                       "文档中没有存放附件内容的位置，请核对后整理。")
        if "listed" in by:
            out.append(f"{names('listed')}只在附件目录中列出，文档中没有其内容。")
        if self.front.index_lines:
            listed = f"（列出 {self.front.index_entries} 个附件）" if self.front.index_entries else ""
            out.append(f"附件目录{listed}未导入：由系统按附件重新生成。")
        return out


def _summary(document: Document, headings: int) -> str:
    paragraphs = items = tables = images = 0
    for s in iter_sections(document):
        for b in s.blocks:
            if isinstance(b, Paragraph):
                paragraphs += 1
            elif isinstance(b, BulletList | NumberedList):
                items += len(b.items)
            elif isinstance(b, Table):
                tables += 1
            elif isinstance(b, Image):
                images += 1
    summary = f"已导入 {headings} 个章节、{paragraphs} 段文字、{items} 个列表项、{tables} 个表格、{images} 张图片。"
    if not document.sections:
        summary += "文档中没有可导入的正文内容。"
    return summary


def header_footer_text(document: Any) -> str:
    texts: list[str] = []
    for rel in document.part.rels.values():
        if rel.is_external or not (rel.reltype.endswith("/header") or rel.reltype.endswith("/footer")):
            continue
        text = " ".join(plain(part_xml(rel.target_part)).split())
        if text and text not in texts:
            texts.append(text)
    return "；".join(texts)
