"""Compare two versions of a plan document (P6).

Sections are matched by ``key`` (template keys and editor keys are stable across versions):
- added / removed: the key exists on one side only;
- moved: the parent changed, or the order among siblings that both versions share changed (a
  section is not "moved" just because a sibling was inserted before it — the moved ones are those
  outside the longest common order of the shared siblings);
- renamed: the title changed;
- text: the blocks are aligned (difflib over the blocks' text), then each changed pair is compared
  character by character — Chinese has no spaces — except that runs of Latin letters and digits
  ("V2.0", "2024", "119") count as one token, so a changed number shows as one replacement.

Every piece of text comes as ``Segment``s (``equal`` / ``insert`` / ``delete``). For a side-by-side
view, the left column shows ``left_segments`` (equal + delete, highlight the deletes) and the right
column ``right_segments`` (equal + insert). Tables compare row by row as text (cells separated by
" | "), lists item by item, images by caption and content hash.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from plans.document import (
    Block,
    BulletList,
    Document,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    Table,
    numbered,
)

Op = Literal["equal", "insert", "delete"]
BlockOp = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class BlockDiff:
    """One aligned row of the side-by-side view: an old block, a new block, or both."""

    op: BlockOp
    old_text: str | None
    new_text: str | None
    segments: tuple[Segment, ...]

    @property
    def left_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.op != "insert"]

    @property
    def right_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.op != "delete"]


@dataclass(frozen=True)
class Place:
    """Where a section is in one version."""

    number: str
    title: str
    parent_key: str | None
    index: int  # among its siblings


@dataclass(frozen=True)
class SectionDiff:
    key: str
    old: Place | None
    new: Place | None
    moved: bool = False
    title_segments: tuple[Segment, ...] = ()
    blocks: tuple[BlockDiff, ...] = ()

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None

    @property
    def renamed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.title != self.new.title

    @property
    def text_changed(self) -> bool:
        return any(b.op != "equal" for b in self.blocks)

    @property
    def changed(self) -> bool:
        return self.added or self.removed or self.moved or self.renamed or self.text_changed

    @property
    def title(self) -> str:
        place = self.new or self.old
        assert place is not None
        return place.title


@dataclass(frozen=True)
class DocumentDiff:
    title_segments: tuple[Segment, ...]
    meta_changes: dict[str, tuple[str | None, str | None]]
    # Every section of both versions: the new document's order, removed ones where they used to be.
    sections: tuple[SectionDiff, ...] = field(default_factory=tuple)

    @property
    def title_changed(self) -> bool:
        return any(s.op != "equal" for s in self.title_segments)

    @property
    def added(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.added]

    @property
    def removed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.removed]

    @property
    def moved(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.moved]

    @property
    def renamed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.renamed]

    @property
    def text_changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.text_changed and not s.added and not s.removed]

    @property
    def changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.changed]

    @property
    def has_changes(self) -> bool:
        return self.title_changed or bool(self.meta_changes) or bool(self.changed)

    def summary(self) -> str:
        """One Chinese line, e.g. "新增 2 节，删除 1 节，移动 1 节，改名 1 节，修改内容 3 节"."""
        parts = [(len(self.added), "新增"), (len(self.removed), "删除"), (len(self.moved), "移动"),
                 (len(self.renamed), "改名"), (len(self.text_changed), "修改内容")]
        text = "，".join(f"{label} {n} 节" for n, label in parts if n)
        if self.title_changed:
            text = "预案名称已修改" + ("，" + text if text else "")
        return text or "两个版本内容相同"


# ------------------------------------------------------------------------------------- text diff

_TOKEN_RE = re.compile(r"[A-Za-z0-9０-９Ａ-Ｚａ-ｚ]+(?:[.．:：/\-][A-Za-z0-9０-９]+)*|\s+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """Characters, except that Latin words and numbers (with inner . : / -) stay whole."""
    return _TOKEN_RE.findall(text)


def diff_text(old: str, new: str) -> list[Segment]:
    """Segments turning ``old`` into ``new``: equal parts once, deletes before inserts."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(Segment("insert", "".join(b[j1:j2])))
    return _tidy(raw)


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Fold one-character equal islands between changes into the changes (a reader sees
    "原文→新文" instead of confetti), then merge neighbours of the same kind."""
    out = list(segments)
    changed = True
    while changed:
        changed = False
        for i in range(1, len(out) - 1):
            seg = out[i]
            if seg.op == "equal" and len(seg.text) == 1 and not seg.text.isspace() \
                    and out[i - 1].op != "equal" and out[i + 1].op != "equal":
                out[i:i + 1] = [Segment("delete", seg.text), Segment("insert", seg.text)]
                out = _merge(out)
                changed = True
                break
    return _merge(out)


def _merge(segments: list[Segment]) -> list[Segment]:
    """Adjacent segments of one kind joined; within a change, all deletes before all inserts."""
    out: list[Segment] = []
    i = 0
    while i < len(segments):
        if segments[i].op == "equal":
            text = ""
            while i < len(segments) and segments[i].op == "equal":
                text += segments[i].text
                i += 1
            if text:
                out.append(Segment("equal", text))
            continue
        deleted = inserted = ""
        while i < len(segments) and segments[i].op != "equal":
            if segments[i].op == "delete":
                deleted += segments[i].text
            else:
                inserted += segments[i].text
            i += 1
        if deleted:
            out.append(Segment("delete", deleted))
        if inserted:
            out.append(Segment("insert", inserted))
    return out


# ------------------------------------------------------------------------------------ block diff


def compare_text(block: Block) -> str:
    """A block as the text compared: tables row by row, lists item by item."""
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(f"• {i}" for i in block.items)
    if isinstance(block, NumberedList):
        return "\n".join(f"{n}. {i}" for n, i in enumerate(block.items, 1))
    if isinstance(block, Table):
        return "\n".join(" | ".join(c.text for c in row) for row in block.rows)
    if isinstance(block, Image):
        return f"［图片 {block.sha256[:8]}］{block.caption}"
    if isinstance(block, PageBreak):
        return "［分页］"
    return ""


_PAIR_RATIO = 0.4


def diff_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[BlockDiff]:
    """Aligned blocks: equal ones, changed pairs (``replace`` with character segments), and
    blocks only on one side."""
    a = [compare_text(b) for b in old]
    b = [compare_text(x) for x in new]
    out: list[BlockDiff] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [BlockDiff("equal", t, t, (Segment("equal", t),)) for t in a[i1:i2]]
            continue
        # Pair each old block with the next similar-enough new block, in order.
        j = j1
        for i in range(i1, i2):
            pick = next((k for k in range(j, j2) if _similar(a[i], b[k])), None)
            if pick is None:
                out.append(BlockDiff("delete", a[i], None, (Segment("delete", a[i]),)))
                continue
            out += [BlockDiff("insert", None, t, (Segment("insert", t),)) for t in b[j:pick]]
            out.append(BlockDiff("replace", a[i], b[pick], tuple(diff_text(a[i], b[pick]))))
            j = pick + 1
        out += [BlockDiff("insert", None, t, (Segment("insert", t),)) for t in b[j:j2]]
    return out


def _similar(x: str, y: str) -> bool:
    m = difflib.SequenceMatcher(None, x, y, autojunk=False)
    return m.real_quick_ratio() >= _PAIR_RATIO and m.quick_ratio() >= _PAIR_RATIO and m.ratio() >= _PAIR_RATIO


# ---------------------------------------------------------------------------------- section diff


def _places(document: Document) -> tuple[dict[str, Place], dict[str, Section], dict[str | None, list[str]]]:
    places: dict[str, Place] = {}
    sections: dict[str, Section] = {}
    children: dict[str | None, list[str]] = {}
    number_of = {s.key: n for n, s in numbered(document)}

    def walk(items: list[Section], parent: str | None) -> None:
        children[parent] = [s.key for s in items]
        for i, s in enumerate(items):
            places[s.key] = Place(number_of.get(s.key, ""), s.title, parent, i)
            sections[s.key] = s
            walk(s.children, s.key)

    walk(document.sections, None)
    return places, sections, children


def _moved_keys(old_places: dict[str, Place], new_places: dict[str, Place],
                old_children: dict[str | None, list[str]], new_children: dict[str | None, list[str]]) -> set[str]:
    moved = {k for k in old_places.keys() & new_places.keys() if old_places[k].parent_key != new_places[k].parent_key}
    for parent, new_keys in new_children.items():
        stay_new = [k for k in new_keys if k in old_places and old_places[k].parent_key == parent]
        stay_set = set(stay_new)
        stay_old = [k for k in old_children.get(parent, []) if k in stay_set]
        matcher = difflib.SequenceMatcher(None, stay_old, stay_new, autojunk=False)
        kept = {k for block in matcher.get_matching_blocks() for k in stay_new[block.b:block.b + block.size]}
        moved |= stay_set - kept
    return moved


def diff(old: Document, new: Document) -> DocumentDiff:
    """What changed from ``old`` to ``new``."""
    old_places, old_sections, old_children = _places(old)
    new_places, new_sections, new_children = _places(new)
    moved = _moved_keys(old_places, new_places, old_children, new_children)

    def section_diff(key: str) -> SectionDiff:
        o, n = old_places.get(key), new_places.get(key)
        if o is None:
            assert n is not None
            return SectionDiff(key, None, n, title_segments=(Segment("insert", n.title),),
                               blocks=tuple(diff_blocks([], new_sections[key].blocks)))
        if n is None:
            return SectionDiff(key, o, None, title_segments=(Segment("delete", o.title),),
                               blocks=tuple(diff_blocks(old_sections[key].blocks, [])))
        return SectionDiff(key, o, n, moved=key in moved, title_segments=tuple(diff_text(o.title, n.title)),
                           blocks=tuple(diff_blocks(old_sections[key].blocks, new_sections[key].blocks)))

    order = _merged_order([s.key for _, s in numbered(old)], [s.key for _, s in numbered(new)])
    meta_keys = sorted(old.meta.keys() | new.meta.keys())
    meta_changes = {k: (old.meta.get(k), new.meta.get(k)) for k in meta_keys if old.meta.get(k) != new.meta.get(k)}
    return DocumentDiff(tuple(diff_text(old.title, new.title)), meta_changes,
                        tuple(section_diff(k) for k in order))


def _merged_order(old_keys: list[str], new_keys: list[str]) -> list[str]:
    """The new reading order, each removed section placed after the section that preceded it in
    the old version (or first)."""
    new_set = set(new_keys)
    removed_after: dict[str | None, list[str]] = {}
    previous: str | None = None
    for k in old_keys:
        if k in new_set:
            previous = k
        else:
            removed_after.setdefault(previous, []).append(k)
    out = list(removed_after.get(None, []))
    for k in new_keys:
        out.append(k)
        out += removed_after.get(k, [])
    return out
