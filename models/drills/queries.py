"""Drill queries: filters, list rows and pages, and the frequency obligations of every enterprise.

``obligations(session, as_of=…)`` answers, for each enterprise (or one), each of its obligations
(``models.drills.rules``): the last qualifying drill, the next due date and the days left or
overdue. One query gives, per enterprise and obligation, the last qualifying drill and the first
plan of its kinds (grouped in SQL, the kinds from the rules' reference data); the rule turns them
into due periods, so the whole city is one pass over one row per enterprise.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Engine,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from models.core.audit import head_stamp
from models.core.days import month_index, month_start
from models.core.entities import AuditLog, Industry, Region
from models.core.listing import contains_pattern, order_by_key, window
from models.drills import scoring
from models.drills.entities import DRILL_STATUSES, HELD_STATUSES, Drill, DrillPlan
from models.drills.rules import (
    DrillRules,
    Obligation,
    ObligationStatus,
    applicable,
    load_drill_rules,
    obligation_status,
)
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
    enterprise_blacklisted_on: date | None = None  # the enterprise is on the blacklist since

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
                             Drill.held_on, Drill.location, Drill.status, Drill.version,
                             Enterprise.blacklisted_on.label("enterprise_blacklisted_on")), f)
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
    """One enterprise's obligations; immutable, as ``obligations`` hands the same ones out again
    while nothing they depend on changed."""

    enterprise_id: int
    enterprise: str
    flags: tuple[str, ...]
    obligations: tuple[ObligationStatus, ...]

    @property
    def overdue(self) -> list[ObligationStatus]:
        return [o for o in self.obligations if o.overdue]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


EPOCH = date(2000, 1, 1)
_ID_BITS = 32  # a drill's key: its day (days since EPOCH) and its id in one integer, ordered as (day, id)
_MASK = (1 << _ID_BITS) - 1


def _drill_key(dialect: str) -> ColumnElement[int]:
    """``(held_on − EPOCH) · 2³² + id``: the largest is the last drill, ties on a day to the larger id."""
    if dialect == "sqlite":
        days: ColumnElement[Any] = cast(func.julianday(Drill.held_on) - func.julianday(EPOCH.isoformat()), Integer)
    else:
        days = Drill.held_on - literal(EPOCH, Date)
    return cast(days, BigInteger) * (1 << _ID_BITS) + Drill.id


# What decides an enterprise's obligations: (name, industry id, region id, medium or larger, hazardous
# chemicals above the threshold, then per obligation the last drill's key, then per obligation the
# first plan's publish date (as the database gives it)).
_Facts = tuple[Any, ...]


def _facts(conn: Connection, obs: Sequence[Obligation], as_of: date,
           enterprise_ids: Sequence[int] | None = None) -> dict[int, _Facts]:
    """Per live enterprise (all, or ``enterprise_ids``; by name, as the database sorts them) what decides
    its obligations, in three grouped queries: the enterprises; per enterprise and obligation the ``max`` drill key over its held drills
    whose plans are of the obligation's kinds (the kinds from the rules' reference data); per
    enterprise and obligation the ``min`` publish date of its live plans of those kinds."""
    key = _drill_key(conn.dialect.name)
    ents = select(Enterprise.id, Enterprise.name, Enterprise.industry_id, Enterprise.region_id,
                  Enterprise.medium_or_larger, Enterprise.hazchem_use_above_threshold).where(
        Enterprise.deleted_at.is_(None)).order_by(Enterprise.name, Enterprise.id)
    last = (select(Drill.enterprise_id, *[func.max(case((Plan.kind.in_(sorted(ob.plan_kinds)), key))) for ob in obs])
            .join(DrillPlan, DrillPlan.drill_id == Drill.id).join(Plan, Plan.id == DrillPlan.plan_id)
            .where(Drill.deleted_at.is_(None), DrillPlan.deleted_at.is_(None), Drill.status.in_(HELD_STATUSES),
                   Drill.held_on.is_not(None), Drill.held_on <= as_of)
            .group_by(Drill.enterprise_id))
    first = (select(Plan.enterprise_id, *[type_coerce(func.min(case((Plan.kind.in_(sorted(ob.plan_kinds)),
                                                                     Plan.publish_date))), String) for ob in obs])
             .where(Plan.deleted_at.is_(None), Plan.publish_date.is_not(None), Plan.status != "retired")
             .group_by(Plan.enterprise_id))
    out: dict[int, _Facts] = {}
    chunks: list[Sequence[int] | None] = [None] if enterprise_ids is None else [
        enterprise_ids[i:i + 500] for i in range(0, len(enterprise_ids), 500)]
    none = (None,) * len(obs)
    for chunk in chunks:
        e, la, fi = ents, last, first
        if chunk is not None:
            e, la, fi = (e.where(Enterprise.id.in_(chunk)), la.where(Drill.enterprise_id.in_(chunk)),
                         fi.where(Plan.enterprise_id.in_(chunk)))
        lasts = {r[0]: tuple(r[1:]) for r in conn.execute(la).all()}
        firsts = {r[0]: tuple(r[1:]) for r in conn.execute(fi).all()}
        for r in conn.execute(e).all():
            out[r[0]] = (*r[1:], *lasts.get(r[0], none), *firsts.get(r[0], none))
    return out


class _Statuses:
    """Turns facts into ``EnterpriseObligations`` on one ``as_of``, working out each kind of
    enterprise's rule flags and obligations, each region's periods and each day's period once."""

    def __init__(self, conn: Connection, rules: DrillRules, as_of: date) -> None:
        self.rules, self.obs, self.as_of = rules, rules.obligations, as_of
        self.industry_flags = {i: tuple(f or ()) for i, f in conn.execute(select(Industry.id, Industry.flags))}
        self.regions = dict(conn.execute(select(Region.id, Region.code)).all())
        self.flags: dict[tuple[int, bool, bool], tuple[str, ...]] = {}
        self.todo: dict[tuple[tuple[str, ...], str], list[tuple[Obligation, int, int, int]]] = {}
        self.days: dict[int, date] = {}
        self.published: dict[date | str, date] = {}

    def __call__(self, eid: int, facts: _Facts) -> EnterpriseObligations:
        name, industry, region, medium, hazchem = facts[:5]
        fkey = (industry, bool(medium), bool(hazchem))
        flags = self.flags.get(fkey)
        if flags is None:
            flags = self.flags[fkey] = enterprise_rules.rule_flags(
                self.industry_flags.get(industry, ()),
                {"medium_or_larger": medium, "hazchem_use_above_threshold": hazchem})
        code = self.regions.get(region) or ""
        todo = self.todo.get((flags, code))
        if todo is None:  # (obligation, its period here, where its drill key and its first plan are in the facts)
            n = len(self.obs)
            todo = self.todo[(flags, code)] = [
                (ob, self.rules.period_for(ob, code) if self.rules.regional else ob.period_months, 5 + i, 5 + n + i)
                for i, ob in enumerate(self.obs) if applicable(ob, flags)]
        days, published_on, as_of = self.days, self.published, self.as_of
        statuses = []
        for ob, months, at_key, at_first in todo:
            k = facts[at_key]
            held: tuple[date, int] | None = None
            if k is not None:
                day = days.get(k >> _ID_BITS)
                if day is None:
                    day = days[k >> _ID_BITS] = EPOCH + timedelta(days=k >> _ID_BITS)
                held = (day, k & _MASK)
            f = facts[at_first]
            published: date | None = None
            if f is not None:
                published = published_on.get(f)
                if published is None:
                    published = published_on[f] = _day(f)
            statuses.append(obligation_status(ob, months, held, published, as_of))
        out = _new(EnterpriseObligations)  # as EnterpriseObligations(…) makes it, without a frozen __init__
        out.__dict__.update(enterprise_id=eid, enterprise=name, flags=flags, obligations=tuple(statuses))
        return out


_new = object.__new__


@dataclass
class _Summary:
    """The obligations of every enterprise on one ``as_of``, as of one point of the audit trail."""

    as_of: date
    stamp: int  # the trail's last row id when the facts were read
    facts: dict[int, _Facts]
    results: dict[int, EnterpriseObligations]
    order: list[int]  # enterprise ids by name, as the database sorts them


_SUMMARIES: weakref.WeakKeyDictionary[Engine, _Summary] = weakref.WeakKeyDictionary()
_SUMMARY_LOCK = threading.Lock()
# The tables the facts are read from: a change to any other cannot change an obligation.
_READS = frozenset({"enterprise", "region", "industry", "plan", "drill", "drill_plan"})
_MOVES = ('"enterprise_id"', '"drill_id"', '"plan_id"')  # a record moved to another owner: start over
_INCREMENTAL_LIMIT = 2000  # trail rows; more, and reading everything again is as quick


def _touched(conn: Connection, since: int, until: int) -> set[int] | None:
    """The enterprises whose facts the trail rows after ``since`` up to ``until`` may have changed;
    None when they cannot be told apart (reference rows changed, records purged or moved, many rows)."""
    rows = conn.execute(select(AuditLog.entity, AuditLog.entity_id, AuditLog.action, AuditLog.changes).where(
        AuditLog.id > since, AuditLog.id <= until, AuditLog.entity.in_(_READS))
        .limit(_INCREMENTAL_LIMIT + 1)).all()
    if len(rows) > _INCREMENTAL_LIMIT:
        return None
    ids: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id, action, changes in rows:
        if entity in ("industry", "region") or action == "purge" or (
                action != "insert" and entity != "enterprise" and any(m in changes for m in _MOVES)):
            return None
        ids[entity].add(entity_id)
    out = set(ids.get("enterprise", ()))
    for cls, query in ((Plan, select(Plan.id, Plan.enterprise_id)), (Drill, select(Drill.id, Drill.enterprise_id)),
                       (DrillPlan, select(DrillPlan.id, Drill.enterprise_id).join(Drill, Drill.id == DrillPlan.drill_id))):
        wanted = ids.get(cls.__tablename__, set())  # type: ignore[attr-defined]
        if wanted:
            found = dict(conn.execute(query.where(cls.id.in_(sorted(wanted)))).all())
            if len(found) != len(wanted):
                return None
            out.update(found.values())
    return out


def _order(conn: Connection) -> list[int]:
    return list(conn.scalars(select(Enterprise.id).where(Enterprise.deleted_at.is_(None))
                             .order_by(Enterprise.name, Enterprise.id)))


def obligations(session: Session, *, as_of: date, enterprise_id: int | None = None) -> list[EnterpriseObligations]:
    """Each live enterprise's drill obligations on ``as_of`` (one enterprise with ``enterprise_id``),
    by name.

    What decides them is read in three grouped queries (``_facts``) and the rule
    (``models.drills.rules.obligation_status``) applied to each. For every enterprise the answer is
    kept per database as of the audit trail's last row: asked again, only the enterprises the trail
    says were changed since are read and worked out again (anything it cannot tell apart — reference
    rows, purges, many changes — and a new ``as_of`` read everything)."""
    rules = load_drill_rules()
    conn = session.connection()  # Core rows: the ORM's result machinery is not needed for plain columns
    if enterprise_id is not None:
        statuses = _Statuses(conn, rules, as_of)
        return [statuses(eid, f) for eid, f in _facts(conn, rules.obligations, as_of, [enterprise_id]).items()]
    engine = conn.engine
    stamp = head_stamp(conn)
    with _SUMMARY_LOCK:
        summary = _SUMMARIES.get(engine)
        if summary is not None and summary.as_of == as_of and summary.stamp <= stamp:
            if summary.stamp < stamp:
                summary = _refreshed(conn, rules, summary, stamp)
        else:
            summary = None
        if summary is None:
            statuses = _Statuses(conn, rules, as_of)
            collecting = gc.isenabled()
            gc.disable()  # ≈ 100,000 small objects that all stay: collecting while they are made finds nothing
            try:
                facts = _facts(conn, rules.obligations, as_of)
                results = {eid: statuses(eid, f) for eid, f in facts.items()}
            finally:
                if collecting:
                    gc.enable()
            summary = _Summary(as_of, stamp, facts, results, list(facts))  # read by name
        _SUMMARIES[engine] = summary
        return [summary.results[eid] for eid in summary.order]


def _refreshed(conn: Connection, rules: DrillRules, summary: _Summary, stamp: int) -> _Summary | None:
    """``summary`` brought up to ``stamp`` (None: read everything again)."""
    touched = _touched(conn, summary.stamp, stamp)
    if touched is None:
        return None
    fresh = _facts(conn, rules.obligations, summary.as_of, sorted(touched)) if touched else {}
    statuses = _Statuses(conn, rules, summary.as_of)
    reorder = False
    for eid in touched:
        old = summary.facts.get(eid)
        new = fresh.get(eid)
        if new is None:
            reorder |= summary.facts.pop(eid, None) is not None
            summary.results.pop(eid, None)
            continue
        reorder |= old is None or old[0] != new[0]
        summary.facts[eid] = new
        summary.results[eid] = statuses(eid, new)
    summary.stamp = stamp
    if reorder:
        summary.order = _order(conn)
    return summary


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


# ---- the home page's figures


def held_by_month(session: Session, as_of: date, *, back: int = 6, ahead: int = 6) -> list[tuple[date, int, int]]:
    """For the calendar months from ``back`` - 1 months before ``as_of``'s to ``ahead`` after it: the
    drills held in each (实施日期 in the month, up to ``as_of``) and the frequency obligations still to be
    met that fall due in it (their next due date on ``as_of``: overdue ones count in ``as_of``'s month)."""
    index = month_index(as_of)
    starts = [month_start(m) for m in range(index - back + 1, index + ahead + 2)]
    months = len(starts) - 1
    first = starts[0]

    def slot(day: date) -> int:
        return month_index(day) - month_index(first)

    held = [0] * months
    for day in session.execute(select(Drill.held_on).where(
            Drill.deleted_at.is_(None), Drill.status.in_(HELD_STATUSES), Drill.held_on >= first,
            Drill.held_on <= as_of)).scalars():
        held[slot(day)] += 1
    required = [0] * months
    for ent in obligations(session, as_of=as_of):
        for o in ent.obligations:
            if o.applicable and o.due is not None and o.due < starts[-1]:
                required[max(slot(o.due), back - 1)] += 1
    return [(starts[n], held[n], required[n]) for n in range(months)]
