"""Chinese line breaking (禁则) and title breaking, independent of any renderer.

The rules are data (``exports/styles/typesetting.json``, with their source): which marks may not
start a line (，。、；：》）” …) and which may not end one (（《“ …), which pairs are never split
(——, ……), how much a line may be squeezed to pull a mark back onto it and how far it may be
stretched when a character is pushed down instead.

``units`` cuts a text into what a line break may fall between: one CJK character, one mark, a
Latin word or number with its joiners ("GB/T", "29639-2020", "0531-88888888", "3.5"), a space.
A space between a short word and a number ("GB/T 29639") or between a number and a short unit
("30 m3") glues them. ``break_lines`` fills lines greedily with the prohibitions applied: when the
next line would start with a closing mark it is pulled back onto the line (the line is squeezed by
at most ``squeeze_limit_em``), else the line's last character goes down with it; a line never ends
with an opening mark. Each ``Line`` says how much it must be stretched or squeezed to be justified.

``title_lines`` breaks a title at word boundaries (after 有限公司, before 综合应急预案 …, from the
same file) into lines of balanced length, falling back to the allowed character breaks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations, pairwise
from typing import Any


@dataclass(frozen=True)
class Rules:
    cannot_start: frozenset[str]
    cannot_end: frozenset[str]
    inseparable: tuple[str, ...]
    latin_joiners: str
    squeeze_limit_em: float
    squeeze_min_gaps: int
    stretch_limit_em: float
    glue_word_max_chars: int
    glue_unit_max_chars: int
    break_after: tuple[str, ...]
    break_before: tuple[str, ...]
    source: str


@cache
def rules() -> Rules:
    """The shipped typesetting rules."""
    data: dict[str, Any] = json.loads(
        resources.files("exports.styles").joinpath("typesetting.json").read_text(encoding="utf-8"))
    lb, tb = data["line_breaking"], data["title_breaks"]
    return Rules(
        cannot_start=frozenset(lb["cannot_start"]), cannot_end=frozenset(lb["cannot_end"]),
        inseparable=tuple(lb["inseparable"]), latin_joiners=lb["latin_joiners"],
        squeeze_limit_em=float(lb["squeeze_limit_em"]), squeeze_min_gaps=int(lb["squeeze_min_gaps"]),
        stretch_limit_em=float(lb["stretch_limit_em"]), glue_word_max_chars=int(lb["glue_word_max_chars"]),
        glue_unit_max_chars=int(lb["glue_unit_max_chars"]),
        break_after=tuple(tb["after"]), break_before=tuple(tb["before"]), source=data["source"])


@cache
def _token_re() -> re.Pattern[str]:
    r = rules()
    joiners = re.escape(r.latin_joiners)
    word = rf"[A-Za-z0-9\u00C0-\u024F²³]+(?:[{joiners}]+[A-Za-z0-9\u00C0-\u024F²³]+)*%?"
    pairs = "|".join(re.escape(p) for p in r.inseparable)
    return re.compile(rf"(?:{pairs})|{word}|[ \t]+|.", re.S)


@dataclass(frozen=True)
class Unit:
    text: str
    width: float  # the advance of its characters (tracking included)
    space: bool = False  # a breakable space, dropped at a line's ends
    glue: bool = False  # a space that must not break ("GB/T 29639")

    @property
    def latin(self) -> bool:
        return self.text[:1].isascii() and self.text[:1].isalnum()


def units(text: str, advance: Callable[[str], float]) -> list[Unit]:
    """``text`` (one line: no line breaks) cut into units; ``advance(s)`` is the width of ``s``."""
    r = rules()
    tokens = _token_re().findall(text)
    out: list[Unit] = []
    for i, tok in enumerate(tokens):
        if tok.isspace():
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            glue = bool(before and after) and (
                (_is_word(before) and len(before) <= r.glue_word_max_chars and after[:1].isdigit())
                or (before[-1:].isdigit() and after.isalpha() and after.isascii()
                    and len(after) <= r.glue_unit_max_chars))
            out.append(Unit(tok, advance(tok), space=not glue, glue=glue))
        else:
            out.append(Unit(tok, advance(tok)))
    return out


def _is_word(token: str) -> bool:
    return token[:1].isascii() and token[:1].isalnum()


@dataclass(frozen=True)
class Line:
    start: int  # first unit
    end: int  # one past the last unit (trailing spaces excluded)
    width: float  # natural width: the units' advances less the tracking after the last character
    chars: int  # characters drawn (for spreading the difference)
    last: bool  # the paragraph's last line (not justified)


def _allowed(us: Sequence[Unit], b: int, r: Rules) -> bool:
    """May a line end before unit ``b``?"""
    if b <= 0 or b >= len(us):
        return True
    here, prev = us[b], us[b - 1]
    if here.glue or prev.glue:
        return False
    if prev.space:  # breaks fall at the space itself, not after it
        return False
    if here.space:  # the line ends at the space and the next starts after it
        after = next((u for u in us[b + 1:] if not u.space), None)
        return prev.text[-1:] not in r.cannot_end and (after is None or after.text[:1] not in r.cannot_start)
    return not (here.text[:1] in r.cannot_start or prev.text[-1:] in r.cannot_end)


def break_lines(us: Sequence[Unit], width_of: Callable[[int], float], size: float, tracking: float = 0.0,
                rules_: Rules | None = None) -> list[Line]:
    """Lines over ``us``: line ``n`` is at most ``width_of(n)`` wide, except a squeezed line, which is
    at most ``squeeze_limit_em`` × ``size`` wider (to be drawn squeezed to the width). A unit wider
    than a whole line (a long URL) is cut between its characters."""
    r = rules_ or rules()
    items = list(us)
    lines: list[Line] = []
    k, n = 0, len(items)
    while k < n:
        while k < n and items[k].space:
            k += 1
        if k >= n:
            break
        room = width_of(len(lines))
        total, j = 0.0, k
        while j < n and total + items[j].width - tracking <= room + 1e-6:
            total += items[j].width
            j += 1
        if j == n:
            lines.append(_line(items, k, n, tracking, last=True))
            break
        if j == k:  # one unit wider than the line: cut it into characters
            piece = items[k]
            per = piece.width / max(len(piece.text), 1)
            items[k:k + 1] = [Unit(ch, per) for ch in piece.text]
            n = len(items)
            continue
        b = j
        if not _allowed(items, b, r):
            e, extra = b, total
            while e < n and not _allowed(items, e, r) and items[e].text[:1] in r.cannot_start:
                extra += items[e].width
                e += 1
            gaps = sum(len(u.text) for u in items[k:e]) - 1
            if (e > b and _allowed(items, e, r) and extra - tracking - room <= r.squeeze_limit_em * size
                    and gaps >= r.squeeze_min_gaps):
                b = e
            else:
                back = next((c for c in range(b - 1, k, -1) if _allowed(items, c, r)), None)
                b = back if back is not None else b
        end = b
        while end > k and items[end - 1].space:
            end -= 1
        lines.append(_line(items, k, end, tracking, last=False))
        k = b
    return lines


def _line(us: Sequence[Unit], start: int, end: int, tracking: float, *, last: bool) -> Line:
    end = max(start, end)
    while end > start and us[end - 1].space:
        end -= 1
    width = sum(u.width for u in us[start:end]) - (tracking if end > start else 0.0)
    return Line(start, end, width, sum(len(u.text) for u in us[start:end]), last)


def spacing(line: Line, room: float, size: float, *, justify: bool, rules_: Rules | None = None) -> float:
    """The character spacing to add to a line's tracking so that it fills ``room``: negative for a
    squeezed line, 0 for the last line, or when stretching would spread the characters too far."""
    r = rules_ or rules()
    if line.chars < 2:
        return 0.0
    extra = (room - line.width) / (line.chars - 1)
    if extra < 0:
        return extra
    if not justify or line.last or extra > r.stretch_limit_em * size:
        return 0.0
    return extra


# ---- titles

def title_lines(text: str, room: float, measure: Callable[[str], float], *, max_lines: int = 4) -> list[str]:
    """``text`` in as few lines of at most ``room`` as it needs, broken at word boundaries (the
    ``title_breaks`` of the rules, then the boundaries between Chinese and Latin text) and balanced:
    of the breaks that fit, the one whose longest line is shortest. Without a word boundary that
    fits, the allowed character breaks are used the same way."""
    text = " ".join(text.split())
    if not text or measure(text) <= room:
        return [text] if text else []
    r = rules()
    words = sorted(_word_breaks(text, r))
    us = units(text, measure)
    offsets, pos = [], 0
    for u in us:
        offsets.append(pos)
        pos += len(u.text)
    chars = sorted({offsets[b] for b in range(1, len(us)) if _allowed(us, b, r)})
    for candidates in (words, chars):
        for count in range(2, max_lines + 1):
            best = _balanced(text, candidates, count, room, measure)
            if best:
                return best
    return [line.strip() for line in _greedy(text, room, measure)]


def _word_breaks(text: str, r: Rules) -> set[int]:
    found: set[int] = set()
    for word in r.break_after:
        start = 0
        while (at := text.find(word, start)) >= 0:
            found.add(at + len(word))
            start = at + 1
    for word in r.break_before:
        start = 0
        while (at := text.find(word, start)) >= 0:
            found.add(at)
            start = at + 1
    for i in range(1, len(text)):
        if text[i] == " ":
            found.add(i)
    return {i for i in found if 0 < i < len(text)}


def _balanced(text: str, candidates: Sequence[int], count: int, room: float,
              measure: Callable[[str], float]) -> list[str] | None:
    if len(candidates) < count - 1 or len(candidates) > 40:
        return None
    best: tuple[float, list[str]] | None = None
    for cut in combinations(candidates, count - 1):
        bounds = (0, *cut, len(text))
        lines = [text[a:b].strip() for a, b in pairwise(bounds)]
        if any(not line for line in lines):
            continue
        longest = max(measure(line) for line in lines)
        if longest <= room and (best is None or longest < best[0]):
            best = (longest, lines)
    return best[1] if best else None


def _greedy(text: str, room: float, measure: Callable[[str], float]) -> list[str]:
    us = units(text, measure)
    lines = break_lines(us, lambda _n: room, size=measure("国"))
    return ["".join(u.text for u in us[line.start:line.end]) for line in lines]
