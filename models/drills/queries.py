"""Drill queries: filters, list rows and pages, and the frequency obligations of every enterprise.

``obligations(session, as_of=…)`` answers, for each enterprise (or one), each of its obligations
(``models.drills.rules``): the last qualifying drill, the next due date and the days left or
overdue. It reads three aggregates — the enterprises with their rule flags and region, the first
publish date of their live plans by kind, and their held drills by plan kind — and computes the
rest in Python, so the whole city is one pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from models.core.entities import Industry, Region
from models.core.listing import contains_pattern, order_by_key, window
from models.drills import scoring
from models.drills.entities import DRILL_STATUSES, HELD_STATUSES, Drill, DrillPlan
from models.drills.rules import HeldDrill, ObligationStatus, obligations_for
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan


@dataclass(frozen=True)
class DrillFilter:
    enterprise_id: int | None = None
    status: str | None = None
    since: datetime | None = None  # planned at or after
    until: datetime | None = None  # planned before
    department_id: int | None = None
    region_code: str | None = None  # the region and everything under it
    industry_ids: tuple[int, ...] = ()  # an industry and those under it
    text: str = ""  # title, number, location, enterprise name (every word)
    deleted: bool = False


@dataclass(frozen=True)
class DrillRow:
    id: int
    enterprise_id: int
    enterprise: str
    drill_no: str
    title: str
    content_type: str
    form: str
    purpose: str
    planned_at: datetime
    held_on: date | None
    location: str
    status: str
    version: int
    plans: tuple[str, ...]  # "plan number 标题 (第 N 版)"
    score: float | None = None  # the evaluation's total over the submitted sheets (0–100)
    grade: str = ""

    @property
    def status_label(self) -> str:
        return DRILL_STATUSES.get(self.status, self.status)


SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "planned_at": (Drill.planned_at,), "enterprise": (Enterprise.name, Drill.planned_at), "title": (Drill.title,),
    "status": (Drill.status, Drill.planned_at), "drill_no": (Drill.drill_no,)}


def _filtered(query: Select[Any], f: DrillFilter) -> Select[Any]:
    query = query.join(Enterprise, Enterprise.id == Drill.enterprise_id)
    query = query.where(Drill.deleted_at.is_not(None) if f.deleted else Drill.deleted_at.is_(None))
    if f.enterprise_id is not None:
        query = query.where(Drill.enterprise_id == f.enterprise_id)
    if f.status:
        query = query.where(Drill.status == f.status)
    if f.since is not None:
        query = query.where(Drill.planned_at >= f.since)
    if f.until is not None:
        query = query.where(Drill.planned_at < f.until)
    if f.department_id is not None:
        query = query.where(Enterprise.department_id == f.department_id)
    if f.industry_ids:
        query = query.where(Enterprise.industry_id.in_(f.industry_ids))
    if f.region_code:
        query = query.join(Region, Region.id == Enterprise.region_id).where(
            Region.code.like(f.region_code.rstrip("0") + "%"))
    for word in f.text.split():
        pattern = contains_pattern(word)
        query = query.where(Drill.title.like(pattern, escape="\\") | Drill.drill_no.like(pattern, escape="\\")
                            | Drill.location.like(pattern, escape="\\") | Enterprise.name.like(pattern, escape="\\"))
    return query


def count(session: Session, f: DrillFilter = DrillFilter()) -> int:
    return int(session.scalar(_filtered(select(func.count(Drill.id)), f)) or 0)


def page(session: Session, f: DrillFilter = DrillFilter(), *, offset: int = 0, limit: int = 100,
         sort: str = "planned_at", descending: bool = False, total: int | None = None) -> list[DrillRow]:
    reverse, start, size = window(offset, limit, total)
    query = _filtered(select(Drill.id, Drill.enterprise_id, Enterprise.name.label("enterprise"), Drill.drill_no,
                             Drill.title, Drill.content_type, Drill.form, Drill.purpose, Drill.planned_at,
                             Drill.held_on, Drill.location, Drill.status, Drill.version), f)
    query = order_by_key(query, SORT_COLUMNS, sort, descending, Drill.id, reverse=reverse)
    rows = list(session.execute(query.offset(start).limit(size)))
    if reverse:
        rows.reverse()
    ids = [r.id for r in rows]
    plans, scored = _plans_of(session, ids), scoring.scores(session, ids)
    return [DrillRow(**r._mapping, plans=tuple(plans.get(r.id, ())),
                     score=scored[r.id].total if r.id in scored else None,
                     grade=scored[r.id].grade if r.id in scored else "") for r in rows]


def rows(session: Session, f: DrillFilter = DrillFilter()) -> list[DrillRow]:
    return page(session, f, offset=0, limit=1_000_000)


def _plans_of(session: Session, drill_ids: Sequence[int]) -> dict[int, list[str]]:
    if not drill_ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    query = (select(DrillPlan.drill_id, Plan.plan_no, Plan.title, DrillPlan.plan_version)
             .join(Plan, Plan.id == DrillPlan.plan_id)
             .where(DrillPlan.drill_id.in_(drill_ids), DrillPlan.deleted_at.is_(None)).order_by(DrillPlan.id))
    for drill_id, plan_no, title, number in session.execute(query):
        out[drill_id].append(f"{plan_no} {title}" + (f"（第 {number} 版）" if number else "（草稿）"))
    return out


# ---- frequency obligations


@dataclass(frozen=True)
class EnterpriseObligations:
    enterprise_id: int
    enterprise: str
    flags: tuple[str, ...]
    obligations: list[ObligationStatus]

    @property
    def overdue(self) -> list[ObligationStatus]:
        return [o for o in self.obligations if o.overdue]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def obligations(session: Session, *, as_of: date, enterprise_id: int | None = None) -> list[EnterpriseObligations]:
    """Each live enterprise's drill obligations on ``as_of`` (one enterprise with ``enterprise_id``).

    Dates are read as the database gives them and parsed once here (``date.fromisoformat``), the
    industries' flags once per industry, the rule flags once per kind of enterprise: at city scale
    the rows, not the rule, are what costs."""
    conn = session.connection()  # Core rows: the ORM's result machinery is not needed for plain columns
    industry_flags = {i: tuple(f or ()) for i, f in conn.execute(select(Industry.id, Industry.flags))}
    ents = (select(Enterprise.id, Enterprise.name, Enterprise.industry_id, Region.code,
                   Enterprise.medium_or_larger, Enterprise.hazchem_use_above_threshold)
            .join(Region, Region.id == Enterprise.region_id)
            .where(Enterprise.deleted_at.is_(None)).order_by(Enterprise.name, Enterprise.id))
    first = (select(Plan.enterprise_id, Plan.kind, type_coerce(func.min(Plan.publish_date), String))
             .where(Plan.deleted_at.is_(None), Plan.publish_date.is_not(None), Plan.status != "retired")
             .group_by(Plan.enterprise_id, Plan.kind))
    held = (select(Drill.enterprise_id, Drill.id, type_coerce(Drill.held_on, String), Plan.kind)
            .join(DrillPlan, DrillPlan.drill_id == Drill.id).join(Plan, Plan.id == DrillPlan.plan_id)
            .where(Drill.deleted_at.is_(None), DrillPlan.deleted_at.is_(None), Drill.status.in_(HELD_STATUSES),
                   Drill.held_on.is_not(None), Drill.held_on <= as_of))
    if enterprise_id is not None:
        ents = ents.where(Enterprise.id == enterprise_id)
        first = first.where(Plan.enterprise_id == enterprise_id)
        held = held.where(Drill.enterprise_id == enterprise_id)
    firsts: dict[int, dict[str, date]] = defaultdict(dict)
    for eid, kind, day in conn.execute(first):
        firsts[eid][kind] = _day(day)
    kinds: dict[int, dict[int, set[str]]] = defaultdict(dict)
    days: dict[int, date] = {}
    for eid, did, day, kind in conn.execute(held):
        kinds[eid].setdefault(did, set()).add(kind)
        if did not in days:
            days[did] = _day(day)
    flag_cache: dict[tuple[int, bool, bool], tuple[str, ...]] = {}
    out = []
    for row in conn.execute(ents):
        key = (row.industry_id, bool(row.medium_or_larger), bool(row.hazchem_use_above_threshold))
        flags = flag_cache.get(key)
        if flags is None:
            flags = flag_cache[key] = enterprise_rules.rule_flags(industry_flags.get(row.industry_id, ()),
                                                                  row._mapping)
        drills = [HeldDrill(did, days[did], frozenset(ks)) for did, ks in kinds.get(row.id, {}).items()]
        out.append(EnterpriseObligations(row.id, row.name, flags, obligations_for(
            flags, firsts.get(row.id, {}), drills, as_of, region_code=row.code)))
    return out


@dataclass(frozen=True)
class DayDrill:
    id: int
    day: date
    time: str
    enterprise: str
    title: str
    status: str
    form: str


def planned_between(session: Session, start: date, end: date, f: DrillFilter = DrillFilter()) -> list[DayDrill]:
    """The drills planned from ``start`` up to (not including) ``end`` with the filter's conditions,
    by day and time — what the calendar's month and week views show."""
    query = _filtered(select(Drill.id, Drill.planned_at, Enterprise.name, Drill.title, Drill.status, Drill.form),
                      replace(f, since=datetime.combine(start, time()), until=datetime.combine(end, time()))
                      ).order_by(Drill.planned_at, Drill.id)
    return [DayDrill(i, at.date(), at.strftime("%H:%M"), name, title, status, form)
            for i, at, name, title, status, form in session.execute(query)]


def month(session: Session, year: int, month_: int, f: DrillFilter = DrillFilter()) -> list[DayDrill]:
    """The drills planned in a calendar month (with the filter's conditions), by day and time."""
    return planned_between(session, date(year, month_, 1), date(year + (month_ == 12), month_ % 12 + 1, 1), f)
