
"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6), 主体标识码 —
the organisation code of GB 11714 (9), and a check character (1). The alphabet has 31 symbols
(no I, O, S, V, Z); the check character makes the weighted sum divisible by 31.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from models.core.reference import refdata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28

# GB 11714-1997 organisation code: 8 body characters (digits or capital letters) + check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The check character for the first 17 characters (which must be in the alphabet)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def normalize(code: str) -> str:
    """Strip spaces and full-width characters users paste from documents; upper-case."""
    trans = {0x3000: None, 0x20: None}
    out = code.translate(trans).strip()
    out = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in out)
    return out.upper()


def problem(code: str) -> str | None:
    """None when ``code`` is a valid USCC, else a Chinese sentence saying what is wrong."""
    if not code:
        return "不能为空"
    if len(code) != 18:
        return f"应为 18 位，现为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"含有不允许的字符“{''.join(bad)}”（不使用 I、O、S、V、Z）"
    if check_char(code[:17]) != code[17]:
        return "校验位不正确，请核对是否录入有误"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def make(registration: str, category: str, region6: str, org_body8: str) -> str:
    """Compose a valid code (used by the demo data generator and tests)."""
    org = org_body8 + org_check_char(org_body8)
    first17 = registration + category + region6 + org
    return first17 + check_char(first17)


# --- unit facts the plan rules key on beside the industry (reference data with its source) ----------


@dataclass(frozen=True)
class UnitFact:
    """A fact about an enterprise itself (not its industry) that rules key on, as a rule flag."""

    field: str  # the Enterprise column
    flag: str  # the flag the rules name (models/plans/refdata/plan_rules.json)
    label: str
    help: str
    source: str


@cache
def unit_facts() -> tuple[UnitFact, ...]:
    """The shipped unit facts (``models/enterprises/refdata/unit_facts.json``)."""
    return tuple(UnitFact(**item) for item in refdata("models.enterprises.refdata", "unit_facts")["facts"])


def rule_flags(industry_flags: Iterable[str], facts: Mapping[str, object]) -> tuple[str, ...]:
    """The flags the rules key on for an enterprise: its industry's, plus each unit fact it has
    (``facts``: the Enterprise fields by name)."""
    flags = list(dict.fromkeys(industry_flags))
    flags += [f.flag for f in unit_facts() if facts.get(f.field) and f.flag not in flags]
    return tuple(flags)
