"""Classification: what each body paragraph is (heading and its level, list item, caption, body);
the rules are those of the package docstring. Front matter, the title and annex headings were
taken before (``frontmatter``).
"""

from __future__ import annotations

import re

from plans.word_import.numbering import (
    BULLET_CHARS,
    CN,
    KIND_RANK,
    LIST_LIKE_KINDS,
    STRONG_KINDS,
    NumberLabel,
    heading_like,
    label_kind,
    split_number,
)
from plans.word_import.reader import Para

_CAPTION_TEXT_RE = re.compile(rf"^(?:图|图片)\s*(?:\d+|{CN})")


def classify(paras: list[Para]) -> None:
    """Decide what each paragraph is (see the module docstring). The title, front matter and annex
    headings are not among ``paras`` (``frontmatter`` took them)."""
    outline_lists = {p.num_abstract for p in paras if p.num_label and p.num_ilvl > 0
                     and (label_kind(p.num_label) or "").startswith("decimal")
                     and label_kind(p.num_label) != "decimal1"}
    learned: dict[str, int] = {}  # numbering kind → level, from explicit headings
    for p in paras:
        has_objects = any(not isinstance(x, str) for x in p.pieces)
        if not p.text:
            p.kind = "body" if has_objects else "empty"
        elif p.toc:
            p.kind = "skip"
        elif p.explicit_level is not None:
            p.kind, p.level = "heading", p.explicit_level
            m = split_number(p.text)
            p.number = m if m is not None and m.rest else None
            p.title = m.rest if p.number is not None and m is not None else p.text
            kind = m.kind if p.number is not None and m is not None else (
                label_kind(p.num_label) if p.num_label else None)
            if kind is not None and kind.startswith("decimal") and int(kind[7:]) > p.level:
                p.level = int(kind[7:])  # "1.1.1.1.1" in Heading 4 (the deepest style an export uses)
            if kind is not None:
                learned.setdefault(kind, p.level)
        elif p.num_label is not None and p.num_level is not None:
            if p.num_level.fmt == "bullet":
                p.kind = "bullet"
                continue
            kind = label_kind(p.num_label)
            if kind is not None and heading_like(p.text) and (
                    kind in STRONG_KINDS or (kind == "decimal1" and p.num_abstract in outline_lists)):
                p.kind, p.number, p.title = "candidate", NumberLabel(kind, p.num_label, p.text), p.text
            else:
                p.kind, p.list_label = "number", p.num_label
        elif p.text[0] in BULLET_CHARS or p.text[:2] in ("- ", "* "):
            p.kind = "bullet"
            p.text = p.text.lstrip(BULLET_CHARS + "-* \t\u3000")
        else:
            m = split_number(p.text)
            if m is not None and heading_like(m.rest):
                p.kind, p.number, p.title = "candidate", m, m.rest
            else:
                p.kind = "caption" if p.caption or _CAPTION_TEXT_RE.match(p.text) else "body"

    # Runs of consecutive "1." / "（1）" candidates are list items, not headings; a run mixing the
    # two whose first kind comes twice or more is one list with nested items ("1. 2. （1）（2） 3.").
    content = [p for p in paras if p.kind not in ("empty", "skip")]
    i = 0
    while i < len(content):
        j = i
        while _list_like(content[i]) and j + 1 < len(content) and _list_like(content[j + 1]):
            j += 1
        if j > i:
            run = content[i:j + 1]
            kinds = [q.number.kind for q in run if q.number is not None]
            if kinds.count(kinds[0]) < 2 or len(set(kinds)) == 1:
                run = run[:next((k for k, kind in enumerate(kinds) if kind != kinds[0]), len(run))]
                j = i + len(run) - 1
            if len(run) > 1:
                for q in run:
                    assert q.number is not None
                    q.kind, q.text, q.list_label, q.number = "number", q.title, q.number.label, None
        i = j + 1

    # Levels of numbered headings.
    ranked = sorted({p.number.kind for p in paras if p.kind == "candidate" and p.number
                     and p.number.kind not in learned}, key=KIND_RANK.index)
    base = 0
    for p in paras:
        if p.kind == "heading":
            base = p.level
        elif p.kind == "candidate" and p.number:
            p.kind = "heading"
            p.level = learned.get(p.number.kind) or base + ranked.index(p.number.kind) + 1
            p.title = p.title or p.text


def _list_like(p: Para) -> bool:
    return p.kind == "candidate" and p.number is not None and p.number.kind in LIST_LIKE_KINDS
