"""Numbering text: the numbers written at the start of a paragraph (第一章, （一）, 1.1 …), what
counts as heading-like text, and a Word counter in a ``numFmt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN = "[一二三四五六七八九十百零〇两]+"
_UNIT_START = set("年月日时分秒号个人台套吨米千万亿元%‰℃度倍次辆只株项层楼栋室级")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({CN}|\d+)\s*章(?:[\s、．.：:]\s*|(?=\S)|$)(.*)$", re.DOTALL)),
    ("section", re.compile(rf"^第\s*({CN}|\d+)\s*节(?:[\s、．.：:]\s*|(?=\S)|$)(.*)$", re.DOTALL)),
    ("paren_cn", re.compile(rf"^[（(]\s*({CN})\s*[）)]\s*[、．.]?\s*(.*)$", re.DOTALL)),
    ("cn", re.compile(rf"^({CN})\s*[、．.]\s*(.*)$", re.DOTALL)),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、．.]?\s*(.*)$", re.DOTALL)),
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){0,8})(?:[.．、](?!\d)\s*|\s+|(?=[^\d\s.．、])|$)(.*)$",
                           re.DOTALL)),
]
KIND_RANK = ["chapter", "section", "cn", "paren_cn"] + [f"decimal{i}" for i in range(1, 10)] + ["paren_arabic"]
LIST_LIKE_KINDS = ("decimal1", "paren_arabic")
STRONG_KINDS = {"chapter", "section", "cn", "paren_cn"} | {f"decimal{i}" for i in range(2, 10)}
_SENTENCE_MARKS = set("。；;！!？?")
BULLET_CHARS = "•●○◆◇■□▪▫◎★☆➢➤►▶✓√·"


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


def label_kind(label: str) -> str | None:
    """The numbering kind of a label on its own ("第一章", "（一）", "1.1")."""
    m = split_number(label + " 标题")
    return m.kind if m is not None else None


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
