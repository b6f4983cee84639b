"""Teams queries: what the window, the CLI and (later) the home page read.

- ``readiness_of(session, as_of)`` — every live team's readiness (``models.teams.rules.readiness``)
  in one pass: a handful of grouped set queries (members by status, each member's latest
  certificate of each type, equipment by condition, the last training and drill, the next 7 days of
  the teams' duty points), never a query per team. The answer is kept per database as of the audit
  trail's last row (every change to what it reads goes through the unit of work and the trail), so
  the list asking again — a page, a count, a sort — costs one read of the trail's head.
- ``count`` / ``page`` / ``rows`` — the team list (``TeamFilter``: text, type, specialty, region with
  its streets, owner or served enterprise, readiness status; sorting by ``SORT_KEYS``), rows with
  their readiness. Everything but the readiness filter and sort is SQL; those two use the kept
  readiness (a city has hundreds of teams, not hundreds of thousands).
- ``team_detail`` — one team: its fields, enterprises served, members with their certificates, what
  the member rules flag and which required certificates are missing, training, equipment, duty
  points, its readiness with every factor, and its alerts.
- ``roster`` — a duty point's shifts over a period with the people on them, handovers and swaps,
  and every problem (``rules.roster_problems``; a person booked at another point at the same time
  too), with the coverage.
- ``due`` — plain rows for the home page later (certificates expired or expiring, agreements
  expiring, roster gaps and shifts without a leader in the next 7 days, teams not ready), most urgent
  first. Like ``models.drills.findings.due`` and ``models.supplies.queries.alerts`` it takes
  ``as_of`` and returns the module's own rows.
- lookups for the forms: ``team_choices``, ``points``, ``member_choices``.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Engine, String, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from models.core.audit import head_stamp
from models.core.days import as_date
from models.core.entities import AuditLog, Region
from models.core.errors import NotFoundError
from models.core.listing import contains_pattern, order_by_key, window
from models.enterprises.entities import Enterprise
from models.teams import rules
from models.teams.entities import (
    DutyAssignment,
    DutyPoint,
    DutyShift,
    DutySwap,
    HandoverLog,
    MemberCertificate,
    RescueTeam,
    TeamEnterprise,
    TeamEquipment,
    TeamMember,
    TrainingRecord,
)
from models.teams.rules import Readiness, RosterProblem, ShiftFacts
from models.teams.service import scan_rows

# ---- readiness of every team in one pass


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class _TeamRow:
    id: int
    name: str
    kind: str
    headcount: int
    specialties: tuple[str, ...]
    agreement_party: str
    agreement_expires_on: date | None
    turnout_minutes: int | None


def _shifts(session: Session, point_ids: Sequence[int] | Any, start: date, end: date,
            names: dict[int, str] | None = None) -> list[ShiftFacts]:
    """The live shifts of duty days ``start``…``end`` of the points (ids or an id subquery), with
    their people, in time order."""
    query = (select(DutyShift.id, DutyShift.point_id, DutyShift.day, DutyShift.kind, DutyShift.starts_at,
                    DutyShift.ends_at, DutyAssignment.name, DutyAssignment.phone, DutyAssignment.role,
                    DutyAssignment.member_id)
             .outerjoin(DutyAssignment, and_(DutyAssignment.shift_id == DutyShift.id, DutyAssignment.deleted_at.is_(None)))
             .where(DutyShift.deleted_at.is_(None), DutyShift.point_id.in_(point_ids),
                    DutyShift.day >= start, DutyShift.day <= end)
             .order_by(DutyShift.starts_at, DutyShift.id, DutyAssignment.sort_order, DutyAssignment.id))
    return _facts_of(_plain(session.connection(), query), names or {})


def _facts_of(found: Iterable[Any], names: dict[int, str]) -> list[ShiftFacts]:
    labels = _kind_labels()
    by_id: dict[int, list[Any]] = {}
    people: dict[int, list[rules.OnDuty]] = defaultdict(list)
    for r in found:
        if r[0] not in by_id:
            by_id[r[0]] = list(r[:6])
        if r[6] is not None:
            people[r[0]].append(rules.OnDuty(r[6], r[7] or "", r[8], r[9]))
    out = []
    days: dict[Any, date | None] = {}
    for sid, (_id, pid, day, kind, s, e) in by_id.items():
        when = days.get(day)
        if when is None:
            when = days[day] = as_date(day)
        out.append(ShiftFacts(pid, when, kind, labels.get(kind, kind), _moment(s), _moment(e),  # type: ignore[arg-type]
                              tuple(people.get(sid, ())), sid, names.get(pid, "")))
    return out


def _plain(conn: Any, query: Any) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the driver gives them (plain tuples, no result processing): for the
    large reads of integers, text and days (``_day`` reads a day either way), where making a row
    object per row cost twice the query itself."""
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _kind_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for shift_set in rules.duty_rules().shift_sets.values():
        for k in shift_set.shifts:
            out.setdefault(k.key, k.label)
    return out


def _facts(session: Session, as_of: date, team_ids: Sequence[int] | None = None) -> dict[int, tuple[_TeamRow, rules.TeamFacts]]:
    """What readiness reads of every live team (or of ``team_ids``), in grouped queries."""
    cat, alerts = rules.catalog(), rules.alert_rules()
    conn = session.connection()  # Core rows: the ORM's result machinery is not needed for plain columns
    live_team = RescueTeam.deleted_at.is_(None)
    teams_q = select(RescueTeam.id, RescueTeam.name, RescueTeam.kind, RescueTeam.headcount, RescueTeam.specialties,
                     RescueTeam.agreement_party, RescueTeam.agreement_expires_on, RescueTeam.turnout_minutes).where(live_team)
    if team_ids is not None:
        teams_q = teams_q.where(RescueTeam.id.in_(team_ids))

    def scoped(column: Any) -> Any:  # every team: the rows of deleted teams are left out below, cheaper than a join
        return column.in_(team_ids) if team_ids is not None else column.is_not(None)

    teams = {r[0]: _TeamRow(r[0], r[1], r[2], r[3], tuple(r[4] or ()), r[5], as_date(r[6]), r[7])
             for r in conn.execute(teams_q).all()}
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    on_duty: dict[int, int] = defaultdict(int)
    on_leave: dict[int, int] = defaultdict(int)
    for tid, mid, position, status in _plain(conn,
            select(TeamMember.team_id, TeamMember.id, TeamMember.position, TeamMember.status)
            .where(TeamMember.deleted_at.is_(None), TeamMember.status != "left", scoped(TeamMember.team_id))):
        members[tid].append((mid, position))
        if status == "on_duty":
            on_duty[tid] += 1
        elif status == "leave":
            on_leave[tid] += 1
    held: dict[int, dict[str, date]] = defaultdict(dict)
    # the latest expiry as the database gives it (SQLite: text), parsed once per distinct day here
    until = type_coerce(func.max(func.coalesce(MemberCertificate.expires_on, literal(rules.FOREVER, Date))), String)
    days: dict[Any, date] = {}
    for mid, cert_type, best in _plain(conn,
            select(MemberCertificate.member_id, MemberCertificate.cert_type, until)
            .join(TeamMember, TeamMember.id == MemberCertificate.member_id)
            .where(MemberCertificate.deleted_at.is_(None), TeamMember.deleted_at.is_(None), TeamMember.status != "left",
                   scoped(TeamMember.team_id),
                   or_(MemberCertificate.issued_on.is_(None), MemberCertificate.issued_on <= as_of))
            .group_by(MemberCertificate.member_id, MemberCertificate.cert_type)):
        day = days.get(best)
        if day is None:
            day = days[best] = as_date(best)  # type: ignore[assignment]
        held[mid][cert_type] = day  # type: ignore[assignment]
    kit: dict[int, tuple[int, int, int]] = {}
    for tid, total, good, repair in conn.execute(
            select(TeamEquipment.team_id, func.sum(TeamEquipment.quantity),
                   func.sum(case((TeamEquipment.condition == "good", TeamEquipment.quantity), else_=0)),
                   func.sum(case((TeamEquipment.condition == "repair", TeamEquipment.quantity), else_=0)))
            .where(TeamEquipment.deleted_at.is_(None), scoped(TeamEquipment.team_id))
            .group_by(TeamEquipment.team_id)).all():
        kit[tid] = (int(total or 0), int(good or 0), int(repair or 0))
    last: dict[tuple[int, str], date] = {}
    for tid, kind, day in conn.execute(
            select(TrainingRecord.team_id, TrainingRecord.kind, func.max(TrainingRecord.held_on))
            .where(TrainingRecord.deleted_at.is_(None), TrainingRecord.member_id.is_(None),
                   TrainingRecord.held_on <= as_of, scoped(TrainingRecord.team_id))
            .group_by(TrainingRecord.team_id, TrainingRecord.kind)).all():
        last[(tid, kind)] = as_date(day)  # type: ignore[assignment]
    rosters = _roster_facts(session, as_of, team_ids)
    out = {}
    for tid, t in teams.items():
        total, good, repair = kit.get(tid, (0, 0, 0))
        certs = rules.certificate_facts(members.get(tid, ()), held, t.kind, t.specialties, as_of, cat=cat, alerts=alerts)
        out[tid] = (t, rules.TeamFacts(
            kind=t.kind, headcount=t.headcount, on_duty=on_duty.get(tid, 0), on_leave=on_leave.get(tid, 0),
            certificates=certs, equipment_total=total, equipment_good=good, equipment_repair=repair,
            last_training=last.get((tid, "training")), last_drill=last.get((tid, "drill")), roster=rosters.get(tid),
            agreement_party=t.agreement_party, agreement_expires_on=t.agreement_expires_on,
            turnout_minutes=t.turnout_minutes))
    return out


def _roster_facts(session: Session, as_of: date, team_ids: Sequence[int] | None) -> dict[int, rules.RosterFacts]:
    """Per team with a live duty point: the readiness window's coverage and problems (its points'
    shifts only)."""
    duty = rules.duty_rules()
    days = rules.readiness_rules().factor("roster").days if any(
        f.key == "roster" for f in rules.readiness_rules().factors) else 7
    end = as_of + timedelta(days=days - 1)
    team = DutyPoint.team_id.in_(team_ids) if team_ids is not None else DutyPoint.team_id.is_not(None)
    points = {r[0]: r[1:] for r in session.connection().execute(
        select(DutyPoint.id, DutyPoint.team_id, DutyPoint.shift_set, DutyPoint.min_staff, DutyPoint.leader_required,
               DutyPoint.name).where(DutyPoint.deleted_at.is_(None), team)).all()}
    if not points:
        return {}
    point_ids = select(DutyPoint.id).where(DutyPoint.deleted_at.is_(None), team)
    by_point: dict[int, list[ShiftFacts]] = defaultdict(list)
    for s in _shifts(session, point_ids, as_of - timedelta(days=1), end):
        by_point[s.point_id].append(s)
    acc: dict[int, list[Any]] = {}
    for pid, (tid, shift_set, min_staff, leader_required, name) in points.items():
        pr = rules.PointRules(shift_set, min_staff, leader_required, name)
        shifts = by_point.get(pid, [])
        ok, total = rules.coverage(shifts, pr, as_of, end, rules=duty)
        problems = rules.roster_problems(shifts, {pid: pr}, as_of, end, rules=duty, people=False) if ok < total else []
        a = acc.setdefault(tid, [0.0, 0.0, []])
        a[0] += ok
        a[1] += total
        a[2] += problems
    return {tid: rules.RosterFacts(ok, total, tuple(p)) for tid, (ok, total, p) in acc.items()}


@dataclass
class _Kept:
    as_of: date
    stamp: int
    results: dict[int, Readiness]


_KEPT: weakref.WeakKeyDictionary[Engine, _Kept] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def readiness_of(session: Session, as_of: date, team_ids: Sequence[int] | None = None) -> dict[int, Readiness]:
    """Team id → its readiness on ``as_of``, for every live team (or ``team_ids``: read for those
    only). The answer for every team is kept per database as of the audit trail's last row: asked
    again with nothing written since, the same answer is handed out; after writes, only the teams the
    trail's new rows concern are read and worked out again (anything it cannot tell apart — a record
    moved to another team, a purge, many rows — and another ``as_of`` read everything). The dict
    handed out is never changed afterwards."""
    if team_ids is not None:
        return {tid: rules.readiness(f, as_of) for tid, (_t, f) in _facts(session, as_of, team_ids).items()}
    engine = session.get_bind().engine  # type: ignore[union-attr]
    stamp = head_stamp(session)
    with _LOCK:
        kept = _KEPT.get(engine)
    if kept is not None and kept.as_of == as_of and kept.stamp == stamp:
        return kept.results
    results: dict[int, Readiness] | None = None
    if kept is not None and kept.as_of == as_of and kept.stamp < stamp:
        touched = _touched(session, kept.stamp, stamp)
        if touched is not None:
            fresh = {tid: rules.readiness(f, as_of) for tid, (_t, f) in _facts(session, as_of, sorted(touched)).items()} \
                if touched else {}
            results = {tid: r for tid, r in kept.results.items() if tid not in touched}
            results.update(fresh)
    if results is None:
        collecting = gc.isenabled()
        gc.disable()  # ≈ 100,000 small objects that mostly stay: collecting while they are made finds nothing
        try:
            results = {tid: rules.readiness(f, as_of) for tid, (_t, f) in _facts(session, as_of).items()}
        finally:
            if collecting:
                gc.enable()
    with _LOCK:
        _KEPT[engine] = _Kept(as_of, stamp, results)
    return results


# What readiness reads, by table: how a trail row of the table leads to its team (None: the row is the team).
_TEAM_OF: dict[str, Any] = {
    "rescue_team": None,
    "team_member": lambda ids: select(TeamMember.id, TeamMember.team_id).where(TeamMember.id.in_(ids)),
    "member_certificate": lambda ids: select(MemberCertificate.id, TeamMember.team_id).join(
        TeamMember, TeamMember.id == MemberCertificate.member_id).where(MemberCertificate.id.in_(ids)),
    "team_equipment": lambda ids: select(TeamEquipment.id, TeamEquipment.team_id).where(TeamEquipment.id.in_(ids)),
    "training_record": lambda ids: select(TrainingRecord.id, TrainingRecord.team_id).where(TrainingRecord.id.in_(ids)),
    "duty_point": lambda ids: select(DutyPoint.id, DutyPoint.team_id).where(DutyPoint.id.in_(ids)),
    "duty_shift": lambda ids: select(DutyShift.id, DutyPoint.team_id).join(
        DutyPoint, DutyPoint.id == DutyShift.point_id).where(DutyShift.id.in_(ids)),
    "duty_assignment": lambda ids: select(DutyAssignment.id, DutyPoint.team_id).join(
        DutyShift, DutyShift.id == DutyAssignment.shift_id).join(DutyPoint, DutyPoint.id == DutyShift.point_id)
    .where(DutyAssignment.id.in_(ids)),
}
_MOVES = ('"team_id"', '"member_id"', '"point_id"', '"shift_id"')  # a record moved to another team: start over
_INCREMENTAL_LIMIT = 2000  # trail rows; more, and reading everything again is as quick


def _touched(session: Session, since: int, until: int) -> set[int] | None:
    """The teams whose readiness the trail rows after ``since`` up to ``until`` may have changed;
    None when they cannot be told apart."""
    found = session.execute(select(AuditLog.entity, AuditLog.entity_id, AuditLog.action, AuditLog.changes).where(
        AuditLog.id > since, AuditLog.id <= until, AuditLog.entity.in_(list(_TEAM_OF)))
        .limit(_INCREMENTAL_LIMIT + 1)).all()
    if len(found) > _INCREMENTAL_LIMIT:
        return None
    ids: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id, action, changes in found:
        if action == "purge" or (action != "insert" and entity != "rescue_team" and any(m in changes for m in _MOVES)):
            return None
        ids[entity].add(entity_id)
    out = set(ids.pop("rescue_team", ()))
    for entity, wanted in ids.items():
        rows = dict(session.execute(_TEAM_OF[entity](sorted(wanted))).all())
        if len(rows) != len(wanted):
            return None
        out.update(t for t in rows.values() if t is not None)
    return out


def team_facts(session: Session, team_id: int, as_of: date) -> rules.TeamFacts | None:
    found = _facts(session, as_of, [team_id]).get(team_id)
    return found[1] if found else None


# ---- the team list


@dataclass(frozen=True)
class TeamFilter:
    as_of: date
    text: str = ""  # name, leader, base, duty phone, filing number (every word)
    kind: str = ""  # professional | part_time | agreement
    specialty: str = ""  # a specialty key
    region_id: int | None = None  # a region and everything under it
    owner_enterprise_id: int | None = None
    enterprise_id: int | None = None  # teams serving this enterprise
    status: str = ""  # green | amber | red (readiness)
    government: bool | None = None  # True: no owner enterprise; False: an enterprise's own
    deleted: bool = False  # the recycle bin instead


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    kind: str
    specialties: tuple[str, ...]
    region_id: int | None
    region: str
    owner_enterprise_id: int | None
    owner_enterprise: str
    leader: str
    leader_phone: str
    duty_phone: str
    headcount: int
    turnout_minutes: int | None
    agreement_party: str
    agreement_expires_on: date | None
    version: int
    deleted: bool
    readiness: Readiness | None  # None in the recycle bin

    @property
    def kind_label(self) -> str:
        return rules.catalog().team_types.get(self.kind, self.kind)

    @property
    def specialty_labels(self) -> list[str]:
        return rules.catalog().specialty_labels(self.specialties)

    @property
    def status_label(self) -> str:
        return self.readiness.label if self.readiness else ""

    def as_json(self) -> dict[str, object]:
        r = self.readiness
        return {"id": self.id, "name": self.name, "kind": self.kind_label, "specialties": self.specialty_labels,
                "region": self.region, "owner_enterprise_id": self.owner_enterprise_id,
                "owner_enterprise": self.owner_enterprise or None, "leader": self.leader, "duty_phone": self.duty_phone,
                "headcount": self.headcount, "turnout_minutes": self.turnout_minutes,
                "agreement_party": self.agreement_party or None,
                "agreement_expires_on": self.agreement_expires_on.isoformat() if self.agreement_expires_on else None,
                "status": r.label if r else None, "status_key": r.status if r else None,
                "score": round(r.score, 1) if r else None,
                "factors": {f.key: f.as_json() for f in r.factors} if r else {},
                "reasons": r.reasons if r else []}


SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "name": (RescueTeam.name,),
    "kind": (RescueTeam.kind, RescueTeam.name),
    "region": (Region.sort_order, RescueTeam.name),
    "headcount": (RescueTeam.headcount,),
    "turnout": (RescueTeam.turnout_minutes,),
    "agreement": (RescueTeam.agreement_expires_on,),
}
SORT_KEYS = (*SORT_COLUMNS, "readiness")  # readiness: 不就绪 first, then 基本就绪, 就绪 (by score within)
NULLS_LAST = ("turnout", "agreement", "region")


def _region_scope(region_id: int) -> Any:
    code = select(Region.code).where(Region.id == region_id).scalar_subquery()
    return select(Region.id).where(or_(Region.id == region_id, Region.parent_code == code,
                                       Region.parent_code.in_(select(Region.code).where(Region.parent_code == code))))


def _where(f: TeamFilter) -> list[Any]:
    where: list[Any] = [RescueTeam.deleted_at.is_not(None) if f.deleted else RescueTeam.deleted_at.is_(None)]
    if f.kind:
        where.append(RescueTeam.kind == f.kind)
    if f.specialty:  # a JSON list of keys: the key in quotes in its text (keys are plain identifiers)
        where.append(cast(RescueTeam.specialties, String).like(contains_pattern(f'"{f.specialty}"'), escape="\\"))
    if f.region_id is not None:
        where.append(RescueTeam.region_id.in_(_region_scope(f.region_id)))
    if f.owner_enterprise_id is not None:
        where.append(RescueTeam.owner_enterprise_id == f.owner_enterprise_id)
    if f.enterprise_id is not None:
        where.append(RescueTeam.id.in_(select(TeamEnterprise.team_id).where(
            TeamEnterprise.enterprise_id == f.enterprise_id, TeamEnterprise.deleted_at.is_(None))))
    if f.government is not None:
        where.append(RescueTeam.owner_enterprise_id.is_(None) if f.government else
                     RescueTeam.owner_enterprise_id.is_not(None))
    for word in f.text.split():
        pattern = contains_pattern(word)
        where.append(or_(*(c.like(pattern, escape="\\") for c in (
            RescueTeam.name, RescueTeam.leader, RescueTeam.base_address, RescueTeam.duty_phone, RescueTeam.filing_no,
            RescueTeam.agreement_party))))
    return where


def _status_ids(session: Session, f: TeamFilter) -> list[int] | None:
    if not f.status or f.deleted:
        return None
    return sorted(tid for tid, r in readiness_of(session, f.as_of).items() if r.status == f.status)


_COLUMNS = (RescueTeam.id, RescueTeam.name, RescueTeam.kind, RescueTeam.specialties, RescueTeam.region_id,
            func.coalesce(Region.name, "").label("region"), RescueTeam.owner_enterprise_id,
            func.coalesce(Enterprise.name, "").label("owner_enterprise"), RescueTeam.leader, RescueTeam.leader_phone,
            RescueTeam.duty_phone, RescueTeam.headcount, RescueTeam.turnout_minutes, RescueTeam.agreement_party,
            RescueTeam.agreement_expires_on, RescueTeam.version, RescueTeam.deleted_at)


def _base(f: TeamFilter, ids: list[int] | None) -> Any:
    query = (select(*_COLUMNS).outerjoin(Region, Region.id == RescueTeam.region_id)
             .outerjoin(Enterprise, Enterprise.id == RescueTeam.owner_enterprise_id).where(*_where(f)))
    if ids is not None:
        query = query.where(RescueTeam.id.in_(ids))
    return query


def count(session: Session, f: TeamFilter) -> int:
    ids = _status_ids(session, f)
    if ids is not None and not ids:
        return 0
    query = select(func.count()).select_from(RescueTeam).where(*_where(f))
    if ids is not None:
        query = query.where(RescueTeam.id.in_(ids))
    return int(session.scalar(query) or 0)


def _rows(session: Session, found: Sequence[Any], f: TeamFilter) -> list[TeamRow]:
    ready = {} if f.deleted else readiness_of(session, f.as_of)
    return [TeamRow(r.id, r.name, r.kind, tuple(r.specialties or ()), r.region_id, r.region, r.owner_enterprise_id,
                    r.owner_enterprise, r.leader, r.leader_phone, r.duty_phone, r.headcount, r.turnout_minutes,
                    r.agreement_party, as_date(r.agreement_expires_on), r.version, r.deleted_at is not None,
                    ready.get(r.id)) for r in found]


def page(session: Session, f: TeamFilter, *, offset: int = 0, limit: int = 100, sort: str = "name",
         descending: bool = False, total: int | None = None) -> list[TeamRow]:
    """Rows ``offset`` … ``offset + limit`` of the list in ``sort`` order (``SORT_KEYS``)."""
    ids = _status_ids(session, f)
    if ids is not None and not ids:
        return []
    if sort == "readiness":
        ordered = _by_readiness(session, f, ids, descending)
        chunk = ordered[offset:offset + limit]
        found = {r.id: r for r in session.execute(_base(f, chunk))} if chunk else {}
        return _rows(session, [found[i] for i in chunk if i in found], f)
    if sort not in SORT_COLUMNS:
        raise ValueError(f"unknown sort key {sort!r}")
    reverse, start, size = window(offset, limit, total)
    query = order_by_key(_base(f, ids), SORT_COLUMNS, sort, descending, RescueTeam.id, nulls_last=NULLS_LAST,
                         reverse=reverse)
    found_rows = list(session.execute(query.offset(start).limit(size)))
    if reverse:
        found_rows.reverse()
    return _rows(session, found_rows, f)


def _by_readiness(session: Session, f: TeamFilter, ids: list[int] | None, descending: bool) -> list[int]:
    query = select(RescueTeam.id, RescueTeam.name).where(*_where(f))
    if ids is not None:
        query = query.where(RescueTeam.id.in_(ids))
    ready = readiness_of(session, f.as_of) if not f.deleted else {}
    found = sorted(session.execute(query).all(), key=lambda r: r[1])  # by name within a status, as the list sorts
    ranked = sorted(found, key=lambda r: (ready[r[0]].rank, ready[r[0]].score) if r[0] in ready else (9, 0.0),
                    reverse=descending)
    return [r[0] for r in ranked]


def rows(session: Session, f: TeamFilter, *, sort: str = "name", descending: bool = False) -> list[TeamRow]:
    """Every row the filter selects (the CLI, exports)."""
    return page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


# ---- one team


@dataclass(frozen=True)
class CertificateRow:
    id: int
    member_id: int
    member: str
    cert_type: str
    number: str
    issued_on: date | None
    expires_on: date | None
    issuer: str
    valid: bool
    alert: rules.Alert | None
    scans: int
    version: int

    @property
    def type_label(self) -> str:
        return rules.catalog().certificate_label(self.cert_type)


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    position: str
    born_on: date | None
    age: int | None
    phone: str
    status: str
    medical_checked_on: date | None
    experience_years: int | None
    joined_on: date | None
    version: int
    issues: tuple[rules.MemberIssue, ...] = ()
    certificates: tuple[CertificateRow, ...] = ()
    missing: tuple[str, ...] = ()  # labels of required certificate types without a valid one

    @property
    def position_label(self) -> str:
        return rules.catalog().positions.get(self.position, self.position)

    @property
    def status_label(self) -> str:
        return rules.catalog().member_statuses.get(self.status, self.status)


@dataclass(frozen=True)
class TrainingRow:
    id: int
    kind: str
    held_on: date
    content: str
    hours: float
    participants: int | None
    result: str
    member_id: int | None
    member: str
    version: int

    @property
    def kind_label(self) -> str:
        return rules.catalog().training_kinds.get(self.kind, self.kind)


@dataclass(frozen=True)
class EquipmentRow:
    id: int
    name: str
    spec: str
    category: str
    quantity: int
    unit: str
    condition: str
    notes: str

    @property
    def category_label(self) -> str:
        return rules.catalog().equipment_groups.get(self.category, self.category)

    @property
    def condition_label(self) -> str:
        return rules.catalog().equipment_conditions.get(self.condition, self.condition)


@dataclass(frozen=True)
class PointRow:
    id: int
    name: str
    kind: str
    team_id: int | None
    team: str
    region: str
    phone: str
    address: str
    shift_set: str
    min_staff: int
    leader_required: bool
    version: int

    @property
    def kind_label(self) -> str:
        return rules.duty_rules().point_kinds.get(self.kind, (self.kind, ""))[0]

    @property
    def shift_set_label(self) -> str:
        found = rules.duty_rules().shift_sets.get(self.shift_set)
        return found.label if found else self.shift_set

    @property
    def point_rules(self) -> rules.PointRules:
        return rules.PointRules(self.shift_set, self.min_staff, self.leader_required, self.name)


@dataclass(frozen=True)
class TeamDetail:
    row: TeamRow
    base_address: str
    filed_on: date | None
    filing_no: str
    notes: str
    enterprises: tuple[tuple[int, str], ...]  # served: (id, name)
    members: tuple[MemberRow, ...]
    training: tuple[TrainingRow, ...]  # newest first
    equipment: tuple[EquipmentRow, ...]
    points: tuple[PointRow, ...]
    readiness: Readiness
    alerts: tuple[DueItem, ...]


def team_detail(session: Session, team_id: int, as_of: date, *, training_limit: int = 200) -> TeamDetail:
    """Everything the team page shows of one team on ``as_of`` (also of a team in the recycle bin):
    members on strength first, by position then name."""
    team = session.get(RescueTeam, team_id)
    if team is None:
        raise NotFoundError(RescueTeam.__label__, team_id)
    f = TeamFilter(as_of=as_of, deleted=team.is_deleted)
    found = session.execute(_base(f, [team_id])).one()
    facts = _facts(session, as_of, [team_id]).get(team_id) if not team.is_deleted else None
    readiness = rules.readiness(facts[1] if facts else rules.TeamFacts(team.kind, team.headcount), as_of)
    row = replace(_rows(session, [found], f)[0], readiness=readiness)
    cat = rules.catalog()
    members_found = session.execute(select(TeamMember).where(TeamMember.team_id == team_id,
                                                             TeamMember.deleted_at.is_(None))).scalars().all()
    member_ids = [m.id for m in members_found]
    certs: dict[int, list[CertificateRow]] = defaultdict(list)
    cert_rows = list(session.scalars(select(MemberCertificate).where(
        MemberCertificate.member_id.in_(member_ids), MemberCertificate.deleted_at.is_(None))
        .order_by(MemberCertificate.expires_on, MemberCertificate.id))) if member_ids else []
    scans = scan_rows(session, [c.id for c in cert_rows])
    names = {m.id: m.name for m in members_found}
    for c in cert_rows:
        valid = rules.certificate_valid(c.issued_on, c.expires_on, as_of)
        certs[c.member_id].append(CertificateRow(c.id, c.member_id, names[c.member_id], c.cert_type, c.number,
                                                 c.issued_on, c.expires_on, c.issuer, valid,
                                                 rules.certificate_alert(c.expires_on, as_of), scans.get(c.id, 0),
                                                 c.version))
    order = {k: n for n, k in enumerate(cat.positions)}
    members = []
    for m in sorted(members_found, key=lambda m: (m.status == "left", order.get(m.position, 99), m.name, m.id)):
        mine = tuple(certs.get(m.id, ()))
        missing: tuple[str, ...] = ()
        if m.status != "left":
            need = rules.required_certificates(team.kind, team.specialties or (), m.position, cat)
            have = {c.cert_type for c in mine if c.valid}
            missing = tuple(cat.certificate_label(k) for k in need if k not in have)
        issues = tuple(rules.member_issues(position=m.position, born_on=m.born_on, experience_years=m.experience_years,
                                           medical_checked_on=m.medical_checked_on, specialties=team.specialties or (),
                                           as_of=as_of)) if m.status != "left" else ()
        members.append(MemberRow(m.id, m.name, m.position, m.born_on,
                                 rules.age_on(m.born_on, as_of) if m.born_on else None, m.phone, m.status,
                                 m.medical_checked_on, m.experience_years, m.joined_on, m.version, issues, mine, missing))
    training = tuple(TrainingRow(t.id, t.kind, t.held_on, t.content, t.hours, t.participants, t.result, t.member_id,
                                 names.get(t.member_id, "") if t.member_id else "", t.version)
                     for t in session.scalars(select(TrainingRecord).where(
                         TrainingRecord.team_id == team_id, TrainingRecord.deleted_at.is_(None))
                         .order_by(TrainingRecord.held_on.desc(), TrainingRecord.id.desc()).limit(training_limit)))
    equipment = tuple(EquipmentRow(e.id, e.name, e.spec, e.category, e.quantity, e.unit, e.condition, e.notes)
                      for e in session.scalars(select(TeamEquipment).where(
                          TeamEquipment.team_id == team_id, TeamEquipment.deleted_at.is_(None)).order_by(TeamEquipment.id)))
    served = tuple((i, n) for i, n in session.execute(select(Enterprise.id, Enterprise.name).join(
        TeamEnterprise, TeamEnterprise.enterprise_id == Enterprise.id).where(
        TeamEnterprise.team_id == team_id, TeamEnterprise.deleted_at.is_(None), Enterprise.deleted_at.is_(None))
        .order_by(Enterprise.name, Enterprise.id)).all())
    return TeamDetail(row, team.base_address, team.filed_on, team.filing_no, team.notes, served, tuple(members),
                      training, equipment, tuple(points(session, team_id=team_id)), readiness,
                      tuple(d for d in due(session, as_of=as_of, team_ids=[team_id], red_teams=False)))


# ---- lookups


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def team_choices(session: Session) -> list[Choice]:
    return [Choice(i, n) for i, n in session.execute(select(RescueTeam.id, RescueTeam.name).where(
        RescueTeam.deleted_at.is_(None)).order_by(RescueTeam.name, RescueTeam.id))]


def member_choices(session: Session, team_id: int) -> list[Choice]:
    """The team's members on strength (a roster's people, a training's participant)."""
    cat = rules.catalog()
    return [Choice(i, f"{n}（{cat.positions.get(p, p)}）") for i, n, p in session.execute(
        select(TeamMember.id, TeamMember.name, TeamMember.position).where(
            TeamMember.team_id == team_id, TeamMember.deleted_at.is_(None), TeamMember.status != "left")
        .order_by(TeamMember.name, TeamMember.id))]


def points(session: Session, *, team_id: int | None = None, kind: str = "") -> list[PointRow]:
    """Live duty points (of one team, or of one kind), duty rooms first, by name."""
    query = (select(DutyPoint.id, DutyPoint.name, DutyPoint.kind, DutyPoint.team_id,
                    func.coalesce(RescueTeam.name, ""), func.coalesce(Region.name, ""), DutyPoint.phone, DutyPoint.address,
                    DutyPoint.shift_set, DutyPoint.min_staff, DutyPoint.leader_required, DutyPoint.version)
             .outerjoin(RescueTeam, RescueTeam.id == DutyPoint.team_id)
             .outerjoin(Region, Region.id == DutyPoint.region_id)
             .where(DutyPoint.deleted_at.is_(None))
             .order_by(DutyPoint.kind, DutyPoint.name, DutyPoint.id))
    if team_id is not None:
        query = query.where(DutyPoint.team_id == team_id)
    if kind:
        query = query.where(DutyPoint.kind == kind)
    return [PointRow(*r) for r in session.execute(query)]


def main_duty_room(session: Session) -> PointRow | None:
    """The duty room of the highest region (the city's before a district's; then the oldest): where a
    command without a point prints or exports."""
    found = session.execute(select(DutyPoint.id).outerjoin(Region, Region.id == DutyPoint.region_id).where(
        DutyPoint.deleted_at.is_(None), DutyPoint.kind == "duty_room")
        .order_by(func.coalesce(Region.level, 99), DutyPoint.id).limit(1)).scalar()
    return point(session, found) if found is not None else None


def point(session: Session, point_id: int) -> PointRow:
    found = [p for p in points(session) if p.id == point_id]
    if not found:
        raise NotFoundError(DutyPoint.__label__, point_id)
    return found[0]


# ---- a duty point's roster


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    role: str
    name: str
    phone: str
    member_id: int | None
    version: int

    @property
    def role_label(self) -> str:
        return rules.duty_rules().roles.get(self.role, self.role)


@dataclass(frozen=True)
class HandoverRow:
    id: int
    handed_at: datetime
    from_name: str
    to_name: str
    open_matters: str
    notes: str
    version: int


@dataclass(frozen=True)
class SwapRow:
    id: int
    assignment_id: int
    from_name: str
    to_name: str
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True)
class ShiftRow:
    id: int
    day: date
    kind: str
    label: str
    starts_at: datetime
    ends_at: datetime
    notes: str
    version: int
    people: tuple[AssignmentRow, ...] = ()
    handovers: tuple[HandoverRow, ...] = ()
    swaps: tuple[SwapRow, ...] = ()
    problems: tuple[RosterProblem, ...] = ()

    @property
    def leaders(self) -> list[AssignmentRow]:
        return [p for p in self.people if p.role == "leader"]

    @property
    def staff(self) -> list[AssignmentRow]:
        return [p for p in self.people if p.role == "staff"]


@dataclass(frozen=True)
class Roster:
    point: PointRow
    start: date
    end: date
    shifts: tuple[ShiftRow, ...]
    problems: tuple[RosterProblem, ...]  # every problem of the period (gaps have no shift)
    ok_hours: float
    total_hours: float

    @property
    def coverage(self) -> float:
        return self.ok_hours / self.total_hours if self.total_hours else 0.0

    def as_json(self) -> dict[str, object]:
        return {"point_id": self.point.id, "point": self.point.name, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "coverage": round(self.coverage, 4),
                "shifts": [{"id": s.id, "day": s.day.isoformat(), "kind": s.kind, "label": s.label,
                            "starts_at": s.starts_at.isoformat(timespec="minutes"),
                            "ends_at": s.ends_at.isoformat(timespec="minutes"),
                            "leaders": [{"name": p.name, "phone": p.phone} for p in s.leaders],
                            "staff": [{"name": p.name, "phone": p.phone} for p in s.staff],
                            "handovers": len(s.handovers), "problems": [p.kind for p in s.problems]}
                           for s in self.shifts],
                "problems": [p.as_json() for p in self.problems]}


def roster(session: Session, point_id: int, start: date, end: date) -> Roster:
    """A point's duty days ``start``…``end``: shifts with their people (ids and versions for edits),
    handovers and swaps, and every problem — a person double-booked here or at another point, rest
    too short (the day before the period counted), no leader, too few staff, gaps."""
    if end < start:
        raise ValueError("roster() needs start <= end")
    here = point(session, point_id)
    pr = here.point_rules
    names = {p.id: p.name for p in points(session)}
    facts = _shifts(session, [point_id], start - timedelta(days=1), end, names)
    people = sorted({p.name for s in facts for p in s.people})
    others: list[ShiftFacts] = []
    if people:  # the same people on other points' shifts around the period (double bookings, rest)
        window_start = datetime.combine(start - timedelta(days=2), datetime.min.time())
        window_end = datetime.combine(end + timedelta(days=3), datetime.min.time())
        other_ids = select(DutyAssignment.shift_id).join(DutyShift, DutyShift.id == DutyAssignment.shift_id).where(
            DutyAssignment.deleted_at.is_(None), DutyAssignment.name.in_(people), DutyShift.deleted_at.is_(None),
            DutyShift.point_id != point_id, DutyShift.starts_at < window_end, DutyShift.ends_at > window_start,
            DutyShift.point_id.in_(select(DutyPoint.id).where(DutyPoint.deleted_at.is_(None))))
        query = (select(DutyShift.id, DutyShift.point_id, DutyShift.day, DutyShift.kind, DutyShift.starts_at,
                        DutyShift.ends_at, DutyAssignment.name, DutyAssignment.phone, DutyAssignment.role,
                        DutyAssignment.member_id)
                 .join(DutyAssignment, and_(DutyAssignment.shift_id == DutyShift.id, DutyAssignment.deleted_at.is_(None)))
                 .where(DutyShift.id.in_(other_ids)).order_by(DutyShift.starts_at, DutyShift.id))
        others = _facts_of(_plain(session.connection(), query), names)
    problems = rules.roster_problems([*facts, *others], {point_id: pr}, start, end)
    ok, total = rules.coverage(facts, pr, start, end)
    in_period = [s for s in facts if start <= s.day <= end]
    ids = [s.id for s in in_period if s.id is not None]
    detail: dict[int, tuple[Any, ...]] = {}
    assignments: dict[int, list[AssignmentRow]] = defaultdict(list)
    handovers: dict[int, list[HandoverRow]] = defaultdict(list)
    swaps: dict[int, list[SwapRow]] = defaultdict(list)
    for i in range(0, len(ids), 2000):
        chunk = ids[i:i + 2000]
        for sid, notes, version in session.execute(select(DutyShift.id, DutyShift.notes, DutyShift.version)
                                                   .where(DutyShift.id.in_(chunk))):
            detail[sid] = (notes, version)
        for r in session.execute(select(DutyAssignment.shift_id, DutyAssignment.id, DutyAssignment.role,
                                        DutyAssignment.name, DutyAssignment.phone, DutyAssignment.member_id,
                                        DutyAssignment.version)
                                 .where(DutyAssignment.shift_id.in_(chunk), DutyAssignment.deleted_at.is_(None))
                                 .order_by(DutyAssignment.role, DutyAssignment.sort_order, DutyAssignment.id)):
            assignments[r[0]].append(AssignmentRow(*r[1:]))
        for r in session.execute(select(HandoverLog.shift_id, HandoverLog.id, HandoverLog.handed_at, HandoverLog.from_name,
                                        HandoverLog.to_name, HandoverLog.open_matters, HandoverLog.notes,
                                        HandoverLog.version)
                                 .where(HandoverLog.shift_id.in_(chunk), HandoverLog.deleted_at.is_(None))
                                 .order_by(HandoverLog.handed_at, HandoverLog.id)):
            handovers[r[0]].append(HandoverRow(*r[1:]))
        for r in session.execute(select(DutySwap.shift_id, DutySwap.id, DutySwap.assignment_id, DutySwap.from_name,
                                        DutySwap.to_name, DutySwap.reason, DutySwap.created_at, DutySwap.created_by)
                                 .where(DutySwap.shift_id.in_(chunk)).order_by(DutySwap.id)):
            swaps[r[0]].append(SwapRow(*r[1:]))
    by_shift: dict[int | None, list[RosterProblem]] = defaultdict(list)
    for p in problems:
        by_shift[p.shift_id].append(p)
    order = {"leader": 0, "staff": 1}
    shifts = tuple(ShiftRow(s.id, s.day, s.kind, s.label, s.starts_at, s.ends_at, detail[s.id][0], detail[s.id][1],
                            tuple(sorted(assignments.get(s.id, ()), key=lambda a: order.get(a.role, 9))),
                            tuple(handovers.get(s.id, ())), tuple(swaps.get(s.id, ())), tuple(by_shift.get(s.id, ())))
                   for s in in_period if s.id is not None)
    return Roster(here, start, end, shifts, tuple(problems), ok, total)


# ---- due items


@dataclass(frozen=True)
class DueItem:
    """One thing to attend to: a certificate expired or expiring, an agreement expiring, a roster
    gap or a shift without its leader in the next days, a team not ready. ``due_on`` is the date it
    is about (an expiry, a duty day; None for a team's status)."""

    kind: str  # certificate | agreement | roster | readiness
    severity: str  # danger | warning
    due_on: date | None
    title: str  # what it is about: the team, or the duty point
    detail: str  # the Chinese sentence
    team_id: int | None = None
    point_id: int | None = None
    member_id: int | None = None
    certificate_id: int | None = None
    shift_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "severity": self.severity, "due_on": self.due_on.isoformat() if self.due_on else None,
                "title": self.title, "detail": self.detail, "team_id": self.team_id, "point_id": self.point_id,
                "member_id": self.member_id, "certificate_id": self.certificate_id, "shift_id": self.shift_id}


DUE_KINDS = {"certificate": "证书", "agreement": "救援协议", "roster": "值班", "readiness": "队伍就绪"}
ROSTER_DUE = ("gap", "no_leader", "understaffed")


def due(session: Session, *, as_of: date, team_ids: Sequence[int] | None = None, red_teams: bool = True,
        roster_days: int = 7) -> list[DueItem]:
    """What needs attention on ``as_of``: certificates of members on strength expired or within the
    widest window (``alerts.json``), agreements of 协议 teams likewise, gaps, shifts without a leader
    or below the minimum staff at every live duty point in the next ``roster_days`` days, and teams
    不就绪 (with their first reasons). Danger first, then by date."""
    out: list[DueItem] = []
    alerts = rules.alert_rules()
    cat = rules.catalog()
    widest = max((w.days for w in alerts.certificate_windows), default=0)
    cert_q = (select(MemberCertificate.id, MemberCertificate.cert_type, MemberCertificate.expires_on, TeamMember.id,
                     TeamMember.name, RescueTeam.id, RescueTeam.name)
              .join(TeamMember, TeamMember.id == MemberCertificate.member_id)
              .join(RescueTeam, RescueTeam.id == TeamMember.team_id)
              .where(MemberCertificate.deleted_at.is_(None), TeamMember.deleted_at.is_(None), TeamMember.status != "left",
                     RescueTeam.deleted_at.is_(None), MemberCertificate.expires_on.is_not(None),
                     MemberCertificate.expires_on <= as_of + timedelta(days=widest)))
    if team_ids is not None:
        cert_q = cert_q.where(RescueTeam.id.in_(team_ids))
    found = session.execute(cert_q).all()
    renewed = _renewed(session, [(r[3], r[1]) for r in found], as_of)
    for cid, cert_type, expires, mid, member, tid, team in found:
        if (mid, cert_type) in renewed:
            continue  # a newer certificate of the same type is valid beyond the window
        alert = rules.certificate_alert(as_date(expires), as_of, alerts)
        if alert is None:
            continue
        out.append(DueItem("certificate", alert.severity, as_date(expires), team,
                           f"{member}的{cat.certificate_label(cert_type)}{alert}", tid, None, mid, cid))
    agree_q = select(RescueTeam.id, RescueTeam.name, RescueTeam.agreement_party, RescueTeam.agreement_expires_on).where(
        RescueTeam.deleted_at.is_(None), RescueTeam.kind == "agreement", RescueTeam.agreement_expires_on.is_not(None),
        RescueTeam.agreement_expires_on <= as_of + timedelta(days=max((w.days for w in alerts.agreement_windows), default=0)))
    if team_ids is not None:
        agree_q = agree_q.where(RescueTeam.id.in_(team_ids))
    for tid, team, party, expires in session.execute(agree_q):
        alert = rules.agreement_alert(as_date(expires), as_of, alerts)
        if alert is not None:
            out.append(DueItem("agreement", alert.severity, as_date(expires), team,
                               f"与{party or '协议单位'}的救援协议{alert}", tid))
    end = as_of + timedelta(days=roster_days - 1)
    plist = [p for p in points(session) if team_ids is None or p.team_id in team_ids]
    if plist:
        names = {p.id: p.name for p in plist}
        by_point: dict[int, list[ShiftFacts]] = defaultdict(list)
        for s in _shifts(session, [p.id for p in plist], as_of - timedelta(days=1), end, names):
            by_point[s.point_id].append(s)
        for p in plist:
            for problem in rules.roster_problems(by_point.get(p.id, []), {p.id: p.point_rules}, as_of, end):
                if problem.kind in ROSTER_DUE:
                    out.append(DueItem("roster", "danger" if problem.kind != "understaffed" else "warning", problem.day,
                                       p.name, problem.message, p.team_id, p.id, shift_id=problem.shift_id))
    if red_teams:
        ready = readiness_of(session, as_of) if team_ids is None else readiness_of(session, as_of, team_ids)
        names_ = dict(session.execute(select(RescueTeam.id, RescueTeam.name).where(
            RescueTeam.id.in_([t for t, r in ready.items() if r.status == "red"]))).all()) if ready else {}
        for tid, r in ready.items():
            if r.status == "red":
                out.append(DueItem("readiness", "danger", None, names_.get(tid, ""),
                                   f"{r.label}：" + "；".join(r.reasons[:3]), tid))
    out.sort(key=lambda d: (d.severity != "danger", d.due_on or as_of, list(DUE_KINDS).index(d.kind), d.title, d.detail))
    return out


def _renewed(session: Session, pairs: Sequence[tuple[int, str]], as_of: date) -> set[tuple[int, str]]:
    """The (member, type) among ``pairs`` that also hold a certificate of that type valid beyond the
    widest alert window (renewed: the old one is no longer a concern)."""
    if not pairs:
        return set()
    widest = max((w.days for w in rules.alert_rules().certificate_windows), default=0)
    members = sorted({m for m, _t in pairs})
    out: set[tuple[int, str]] = set()
    for i in range(0, len(members), 2000):
        out.update((m, t) for m, t in session.execute(select(MemberCertificate.member_id, MemberCertificate.cert_type).where(
            MemberCertificate.member_id.in_(members[i:i + 2000]), MemberCertificate.deleted_at.is_(None),
            or_(MemberCertificate.issued_on.is_(None), MemberCertificate.issued_on <= as_of),
            or_(MemberCertificate.expires_on.is_(None),
                MemberCertificate.expires_on > as_of + timedelta(days=widest)))))
    return out & set(pairs)


@dataclass(frozen=True)
class CertificateAlertRow:
    certificate_id: int
    team_id: int
    team: str
    member_id: int
    member: str
    cert_type: str
    expires_on: date
    alert: rules.Alert

    @property
    def type_label(self) -> str:
        return rules.catalog().certificate_label(self.cert_type)


def certificate_alerts(session: Session, *, as_of: date, team_ids: Sequence[int] | None = None) -> list[CertificateAlertRow]:
    """Certificates expired or expiring (90 / 30 days) of members on strength, not renewed — the
    teams page's alert list."""
    rows_ = [d for d in due(session, as_of=as_of, team_ids=team_ids, red_teams=False, roster_days=0)
             if d.kind == "certificate"]
    if not rows_:
        return []
    info = {cid: (t, m) for cid, t, m in session.execute(select(
        MemberCertificate.id, MemberCertificate.cert_type, TeamMember.name).join(
        TeamMember, TeamMember.id == MemberCertificate.member_id).where(
        MemberCertificate.id.in_([d.certificate_id for d in rows_])))}
    out = []
    for d in rows_:
        assert d.certificate_id is not None and d.member_id is not None and d.team_id is not None and d.due_on
        cert_type, member = info[d.certificate_id]
        alert = rules.certificate_alert(d.due_on, as_of)
        assert alert is not None
        out.append(CertificateAlertRow(d.certificate_id, d.team_id, d.title, d.member_id, member, cert_type, d.due_on,
                                       alert))
    return out
