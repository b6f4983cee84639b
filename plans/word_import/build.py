"""Build: the classified paragraphs and tables as the section tree of a ``Document``.
"""

from __future__ import annotations

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
    new_key,
)
from plans.word_import.classify import classify
from plans.word_import.ooxml import part_xml, plain
from plans.word_import.reader import Para, Reader, TableItem


class Builder:
    """Turns the classified paragraphs and tables into the section tree."""

    def __init__(self, reader: Reader) -> None:
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
        self.counts["heading"] += 1
        while self.stack and self.stack[-1][0] >= p.level:
            self.stack.pop()
        (self.stack[-1][1].children if self.stack else self.roots).append(section)
        self.stack.append((p.level, section))
        for block in after:
            self.emit(block)

    def paragraph(self, p: Para) -> None:
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
        paras = [x for x in self.reader.items if isinstance(x, Para)]
        classify(paras)
        for item in self.reader.items:
            if isinstance(item, TableItem):
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


def header_footer_text(document: Any) -> str:
    texts: list[str] = []
    for rel in document.part.rels.values():
        if rel.is_external or not (rel.reltype.endswith("/header") or rel.reltype.endswith("/footer")):
            continue
        text = " ".join(plain(part_xml(rel.target_part)).split())
        if text and text not in texts:
            texts.append(text)
    return "；".join(texts)
