"""Classification: what each paragraph read is (title, heading and its level, list item, caption,
body); the rules are those of the package docstring.
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
    split_number,
)
from plans.word_import.reader import Para

_CAPTION_TEXT_RE = re.compile(rf"^(?:图|图片)\s*(?:\d+|{CN})")


def _label_kind(label: str) -> str | None:
    """The numbering kind of a label on its own ("第一章", "（一）", "1.1")."""
    m = split_number(label + " 标题")
    return m.kind if m is not None else None


def classify(paras: list[Para]) -> None:
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
                    kind in STRONG_KINDS or (kind == "decimal1" and p.num_abstract in outline_lists)):
                p.kind, p.number, p.title, seen_heading = "candidate", NumberLabel(kind, p.num_label, p.text), \
                    p.text, True
            else:
                p.kind = "number"
        elif p.text[0] in BULLET_CHARS or p.text[:2] in ("- ", "* "):
            p.kind = "bullet"
            p.text = p.text.lstrip(BULLET_CHARS + "-* \t\u3000")
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
        if kind in LIST_LIKE_KINDS:
            while j + 1 < len(content) and content[j + 1].kind == "candidate" and content[j + 1].number is not None \
                    and content[j + 1].number.kind == kind:  # type: ignore[union-attr]
                j += 1
            if j > i:
                for q in content[i:j + 1]:
                    q.kind, q.text, q.number = "number", q.title, None
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
