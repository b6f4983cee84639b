
"""Drill frequency obligations (D2): pure functions of the facts and ``as_of``, rules as data.

The obligations come from ``refdata/drill_rules.json`` with their sources (domain.md §2): every
enterprise drills its 综合 or 专项 plans once a calendar year and its 现场处置方案 once a calendar
half-year; hazardous-goods, mining, metal-smelting, urban-rail, construction and crowded-place
units drill their plans once a half-year (and report it). A region may tighten a period (``regional``),
never loosen it. Counts are per enterprise: one drill exercising several plans meets every
obligation whose plan kinds it touches.

How a due date is found, per obligation: the periods are calendar years or half-years. The last
qualifying drill (held on or before ``as_of``) satisfies its own period; the first period after it
— or, without any drill, the period in which the enterprise's first plan of those kinds was
published — is the one that must be met next. Its last day is the due date; when that day is
already past the obligation is overdue by the days since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from models.core.reference import refdata


@dataclass(frozen=True)
class Obligation:
    key: str
    label: str
    plan_kinds: frozenset[str]
    period_months: int  # 12: a calendar year; 6: a calendar half-year; 3: a quarter
    flags: frozenset[str]  # empty: every enterprise
    report_to_regulator: bool
    source: str


@dataclass(frozen=True)
class DrillRules:
    obligations: tuple[Obligation, ...]
    regional: tuple[Mapping[str, Any], ...]
    source: str

    def period_for(self, obligation: Obligation, region_code: str | None) -> int:
        """The obligation's period in a region: the shortest of the national and the regional ones."""
        months = obligation.period_months
        for item in self.regional:
            if item["obligation"] == obligation.key and region_code and region_code.startswith(str(item["region"])):
                months = min(months, int(item["period_months"]))
        return months


def parse_rules(data: Mapping[str, Any]) -> DrillRules:
    obligations = tuple(Obligation(
        key=o["key"], label=o["label"], plan_kinds=frozenset(o["plan_kinds"]), period_months=int(o["period_months"]),
        flags=frozenset(o.get("flags", ())), report_to_regulator=bool(o.get("report_to_regulator")),
        source=o["source"]) for o in data["obligations"])
    for o in obligations:
        if o.period_months not in (1, 2, 3, 4, 6, 12, 24):
            raise ValueError(f"演练周期 {o.period_months} 个月不能整分一年（{o.key}）")
    return DrillRules(obligations, tuple(data.get("regional", ())), data["source"])


@cache
def load_drill_rules() -> DrillRules:
    return parse_rules(refdata("models.drills.refdata", "drill_rules"))


# ---- periods


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day

    def label(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months == 12 and self.start.month == 1:
            return f"{self.start.year}年"
        if months == 6:
            return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
        if months == 24:
            return f"{self.start.year}—{self.end.year}年"
        return f"{self.start.year}年{self.start.month}—{self.end.month}月"


def period_of(day: date, months: int) -> Period:
    """The calendar period of ``months`` containing ``day`` (24: two years from an even year)."""
    if months >= 12:
        years = months // 12
        return _period(day.year - (day.year % years if years > 1 else 0), 0, months)
    return _period(day.year, (day.month - 1) // months, months)


@cache
def _period(year: int, index: int, months: int) -> Period:
    if months >= 12:
        return Period(date(year, 1, 1), date(year + months // 12 - 1, 12, 31))
    start = date(year, index * months + 1, 1)
    end_month = start.month + months
    end = (date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)) - timedelta(days=1)
    return Period(start, end)


def next_period(period: Period, months: int) -> Period:
    return period_of(period.end + timedelta(days=1), months)


# ---- the obligations of one enterprise


@dataclass(frozen=True)
class ObligationStatus:
    key: str
    label: str
    source: str
    period: str  # the period to meet next ("2026年下半年")
    last_drill: date | None
    last_drill_id: int | None
    due: date | None  # None: not applicable yet (no plan of these kinds)
    days_left: int | None  # negative: overdue by that many days
    applicable: bool
    note: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class HeldDrill:
    id: int
    held_on: date
    plan_kinds: frozenset[str]


def applicable(obligation: Obligation, flags: Iterable[str]) -> bool:
    return not obligation.flags or bool(obligation.flags & set(flags))


def obligations_for(flags: Iterable[str], first_plans: Mapping[str, date], drills: Sequence[HeldDrill], as_of: date,
                    *, region_code: str | None = None, rules: DrillRules | None = None) -> list[ObligationStatus]:
    """Every obligation of an enterprise with rule ``flags`` (its industry's and unit facts), the first
    publish date of its live plans by kind (``first_plans``) and its held drills, on ``as_of``."""
    rules = rules or load_drill_rules()
    flag_set = set(flags)
    out: list[ObligationStatus] = []
    for ob in rules.obligations:
        if ob.flags and not ob.flags & flag_set:
            continue
        months = rules.period_for(ob, region_code) if rules.regional else ob.period_months
        last: HeldDrill | None = None
        for d in drills:
            if d.held_on <= as_of and not d.plan_kinds.isdisjoint(ob.plan_kinds) and (
                    last is None or (d.held_on, d.id) > (last.held_on, last.id)):
                last = d
        starts = [day for kind, day in first_plans.items() if kind in ob.plan_kinds and day is not None]
        out.append(obligation_status(ob, months, (last.held_on, last.id) if last else None,
                                     min(starts) if starts else None, as_of))
    return out


def obligation_status(ob: Obligation, months: int, last: tuple[date, int] | None, first_plan: date | None,
                      as_of: date) -> ObligationStatus:
    """One obligation on ``as_of`` from what decides it: the last qualifying drill (its day and id, held
    on or before ``as_of``) and the first publish date of a live plan of its kinds, its period
    ``months`` long. The whole rule; ``obligations_for`` and the query for every enterprise
    (``models.drills.queries.obligations``, which aggregates these two in SQL) both end here."""
    if last is not None:
        label, end = _after(last[0], months)
    elif first_plan is not None:
        label, end = _from(first_plan, months)
    else:
        return _not_applicable(ob)
    status = _new(ObligationStatus)  # as ObligationStatus(…) makes it, without a frozen __init__'s setattr per field
    status.__dict__.update(key=ob.key, label=ob.label, source=ob.source, period=label,
                           last_drill=last[0] if last else None, last_drill_id=last[1] if last else None,
                           due=end, days_left=(end - as_of).days, applicable=True, note="")
    return status


_new = object.__new__


@cache
def _after(day: date, months: int) -> tuple[str, date]:
    """The period to meet after a drill on ``day``: the one after its own."""
    target = next_period(period_of(day, months), months)
    return _label(target), target.end


@cache
def _from(day: date, months: int) -> tuple[str, date]:
    """Without a drill: the period in which the first plan was published."""
    target = period_of(day, months)
    return _label(target), target.end


@cache
def _not_applicable(ob: Obligation) -> ObligationStatus:
    return ObligationStatus(ob.key, ob.label, ob.source, "", None, None, None, None, False, "尚无此类已发布的预案")


@cache
def _label(period: Period) -> str:
    return period.label()


# ---- the annual drill plan (年度演练计划)


@dataclass(frozen=True)
class SuggestedDrill:
    """One drill of an annual plan: the month suggested, the plan kinds it should exercise (one plan of
    each group), and the obligations it meets."""

    month: date  # the first day of the suggested month
    period: str
    kind_groups: tuple[frozenset[str], ...]  # e.g. ({"comprehensive", "special"}, {"onsite", "card"})
    obligations: tuple[str, ...]  # labels


def annual_plan(flags: Iterable[str], plan_kinds: Iterable[str], year: int, *, region_code: str | None = None,
                rules: DrillRules | None = None, suggested: Mapping[str, Sequence[int]] | None = None
                ) -> list[SuggestedDrill]:
    """The drills an enterprise with rule ``flags`` and live plans of ``plan_kinds`` must hold in
    ``year``: every applicable obligation once in each of its periods, the obligations falling in
    the same half-year met by one drill (one plan of each kind group the drill must exercise)."""
    rules = rules or load_drill_rules()
    suggested = suggested if suggested is not None else load_suggested_months()
    kinds = set(plan_kinds)
    slots: dict[tuple[date, date], list[tuple[Obligation, int]]] = {}
    for ob in rules.obligations:
        if not applicable(ob, flags) or not (ob.plan_kinds & kinds):
            continue
        months = rules.period_for(ob, region_code)
        if months >= 12:
            first = period_of(date(year, 1, 1), months)
            periods = [first] if first.start.year == year else []  # a two-year period: in its first year
        else:
            periods = [period_of(date(year, 1 + i * months, 1), months) for i in range(12 // months)]
        choices = list(suggested.get(ob.key, ()))
        for index, period in enumerate(periods):
            month = choices[min(index, len(choices) - 1)] if choices else period.start.month
            month = min(max(month, period.start.month), period.end.month)
            half = period_of(date(year, month, 1), 6)
            slots.setdefault((half.start, half.end), []).append((ob, month))
    out = []
    for (start, end), items in sorted(slots.items()):
        groups: list[frozenset[str]] = []
        for ob, _month in items:
            group = frozenset(ob.plan_kinds & kinds)
            if not any(g <= group or group <= g for g in groups):
                groups.append(group)
            else:  # the narrower requirement decides what the drill must include
                groups = [g if not (group <= g) else group for g in groups]
        groups = sorted(set(groups), key=lambda g: sorted(g))
        month = min(m for _ob, m in items)
        out.append(SuggestedDrill(date(year, month, 1), Period(start, end).label(), tuple(groups),
                                  tuple(ob.label for ob, _m in items)))
    return out


@cache
def load_suggested_months() -> dict[str, tuple[int, ...]]:
    return {k: tuple(v) for k, v in refdata("models.drills.refdata", "drill_rules").get("suggested_months", {}).items()}
