"""Oversight rules for inspections, hidden hazards and the blacklist (H1, E2): pure functions of the
facts and ``as_of``, their numbers in reference data (``models/oversight/refdata/hazards.json`` and
``blacklist.json``, each with its source). Nothing here reads the clock or the database.

- The catalogue (``catalog()``): hazard levels with their default rectification days, statuses with
  the moves allowed from each (待整改 → 整改中 / 待复查, 整改中 → 待复查, 待复查 → 已销号 / 整改中), categories,
  penalty kinds, campaign kinds, and how many days ahead a deadline counts as coming due.
- The lifecycle (``transition_error``): a move the reference data does not allow is refused with a
  Chinese sentence naming both statuses; 挂牌督办 is for 重大隐患 only (``supervision_error``).
- Deadlines (``default_deadline``, ``is_overdue``, ``overdue_days``, ``deadline_state``): a hazard is
  overdue when it is not 已销号 and its deadline (the one the service keeps, after any extension) is
  before ``as_of``; the deadline day itself is still in time.
- The blacklist suggestion (``blacklist_reasons``, ``blacklist_candidates``): each criterion of
  ``blacklist.json`` counts something per enterprise — hazards and 重大 hazards found and penalties
  decided within the window (``window_start`` < day ≤ ``as_of``, the window ``window_months`` long),
  hazards overdue at ``as_of`` — and a count at or above its threshold is a reason, a Chinese sentence
  such as “12个月内发现隐患 6 项（阈值 5 项）”. Any reason makes the enterprise a candidate; a person decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from models.core.reference import refdata
from models.teams.rules import add_months

OPEN, RECTIFYING, RECHECK, CLOSED = "open", "rectifying", "recheck", "closed"
GENERAL, MAJOR = "general", "major"


def _load(name: str) -> dict[str, Any]:
    return refdata("models.oversight.refdata", name)  # type: ignore[no-any-return]


# ---- the catalogue


@dataclass(frozen=True)
class HazardCatalog:
    levels: dict[str, str]
    default_days: dict[str, int]
    statuses: dict[str, str]
    next_statuses: dict[str, tuple[str, ...]]
    categories: dict[str, str]
    penalty_kinds: dict[str, str]
    campaign_kinds: dict[str, str]
    coming_due_days: int
    source: str

    def level_label(self, key: str) -> str:
        return self.levels.get(key, key)

    def status_label(self, key: str) -> str:
        return self.statuses.get(key, key)

    def category_label(self, key: str) -> str:
        return self.categories.get(key, key)

    def penalty_label(self, key: str) -> str:
        return self.penalty_kinds.get(key, key)

    def campaign_label(self, key: str) -> str:
        return self.campaign_kinds.get(key, key)


@cache
def catalog() -> HazardCatalog:
    doc = _load("hazards")
    return HazardCatalog(
        levels={x["key"]: x["label"] for x in doc["levels"]},
        default_days={x["key"]: int(x["default_days"]) for x in doc["levels"]},
        statuses={x["key"]: x["label"] for x in doc["statuses"]},
        next_statuses={x["key"]: tuple(x["next"]) for x in doc["statuses"]},
        categories={x["key"]: x["label"] for x in doc["categories"]},
        penalty_kinds={x["key"]: x["label"] for x in doc["penalty_kinds"]},
        campaign_kinds={x["key"]: x["label"] for x in doc["campaign_kinds"]},
        coming_due_days=int(doc["coming_due_days"]),
        source=str(doc["source"]),
    )


# ---- the lifecycle


def allowed_next(status: str) -> tuple[str, ...]:
    return catalog().next_statuses.get(status, ())


def transition_error(current: str, target: str) -> str | None:
    """None when a hazard may move from ``current`` to ``target``; else why not, in Chinese."""
    cat = catalog()
    if target in allowed_next(current):
        return None
    now, to = cat.status_label(current), cat.status_label(target)
    if current == CLOSED:
        return f"该隐患已销号，不能再改为“{to}”。"
    if current == target:
        return f"该隐患已是“{now}”状态。"
    choices = "、".join(f"“{cat.status_label(s)}”" for s in allowed_next(current))
    return f"隐患当前为“{now}”，不能直接改为“{to}”（只能改为{choices}）。"


def supervision_error(level: str, status: str, supervised: bool) -> str | None:
    """None when the hazard may be put under 挂牌督办; else why not."""
    if level != MAJOR:
        return "只有重大隐患才能挂牌督办。"
    if status == CLOSED:
        return "该隐患已销号，无需挂牌督办。"
    if supervised:
        return "该隐患已在挂牌督办中。"
    return None


def extension_error(status: str, old_deadline: date, new_deadline: date) -> str | None:
    if status == CLOSED:
        return "该隐患已销号，不能再延期。"
    if new_deadline <= old_deadline:
        return f"新整改期限应晚于原整改期限（{old_deadline.isoformat()}）。"
    return None


# ---- deadlines


def default_deadline(level: str, found_on: date) -> date:
    """The rectification deadline when the inspector sets none: ``default_days`` of the level."""
    days = catalog().default_days.get(level, catalog().default_days[GENERAL])
    return found_on + timedelta(days=days)


def is_overdue(status: str, deadline: date, as_of: date) -> bool:
    return status != CLOSED and deadline < as_of


def overdue_days(status: str, deadline: date, as_of: date) -> int:
    """Days past the deadline (0 when in time or closed)."""
    return (as_of - deadline).days if is_overdue(status, deadline, as_of) else 0


@dataclass(frozen=True)
class DeadlineState:
    """Where a hazard's deadline stands on ``as_of``: overdue (danger), coming due (warning) or fine."""

    key: str  # overdue | coming_due | ok | closed
    days: int  # days left (negative: overdue)
    text: str

    @property
    def severity(self) -> str | None:
        return {"overdue": "danger", "coming_due": "warning"}.get(self.key)


def deadline_state(status: str, deadline: date, as_of: date, within: int | None = None) -> DeadlineState:
    """“已逾期 N 天” / “今天到期” / “还有 N 天”; coming due within ``coming_due_days`` (or ``within``
    when larger)."""
    days = (deadline - as_of).days
    if status == CLOSED:
        return DeadlineState("closed", days, "已销号")
    if days < 0:
        return DeadlineState("overdue", days, f"已逾期 {-days} 天")
    text = "今天到期" if days == 0 else f"还有 {days} 天"
    window = max(catalog().coming_due_days, within or 0)
    return DeadlineState("coming_due" if days <= window else "ok", days, text)


# ---- the blacklist suggestion


@dataclass(frozen=True)
class Criterion:
    key: str  # hazards | major_hazards | overdue_hazards | penalties
    label: str
    threshold: int
    unit: str


@dataclass(frozen=True)
class BlacklistRules:
    window_months: int
    criteria: tuple[Criterion, ...]
    source: str


@cache
def blacklist_rules() -> BlacklistRules:
    doc = _load("blacklist")
    return BlacklistRules(int(doc["window_months"]),
                          tuple(Criterion(c["key"], c["label"], int(c["threshold"]), c.get("unit", "项"))
                                for c in doc["criteria"]),
                          str(doc["source"]))


def window_start(as_of: date, months: int | None = None) -> date:
    """The day before the window opens: counted days are ``window_start < day ≤ as_of``."""
    return add_months(as_of, -(blacklist_rules().window_months if months is None else months))


def in_window(day: date, as_of: date) -> bool:
    return window_start(as_of) < day <= as_of


@dataclass(frozen=True)
class BlacklistFacts:
    """What the suggestion counts for one enterprise (``counts`` by criterion key)."""

    enterprise_id: int
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Reason:
    key: str
    count: int
    threshold: int
    text: str


def blacklist_reasons(counts: Mapping[str, int], rules: BlacklistRules | None = None) -> list[Reason]:
    """Every criterion whose count reaches its threshold, in the reference data's order."""
    rules = rules or blacklist_rules()
    out = []
    for c in rules.criteria:
        n = int(counts.get(c.key, 0))
        if n >= c.threshold:
            out.append(Reason(c.key, n, c.threshold, f"{c.label} {n} {c.unit}（阈值 {c.threshold} {c.unit}）"))
    return out


def blacklist_candidates(facts: Iterable[BlacklistFacts], rules: BlacklistRules | None = None) -> dict[int, list[Reason]]:
    """Enterprise id → its reasons, for the enterprises with at least one."""
    out = {}
    for f in facts:
        reasons = blacklist_reasons(f.counts, rules)
        if reasons:
            out[f.enterprise_id] = reasons
    return out
