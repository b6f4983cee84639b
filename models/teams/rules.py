
"""Teams rules (T1–T3): pure functions of the facts and ``as_of``, their numbers in reference data
(``models/teams/refdata/*.json``, each with its source). Nothing here reads the clock or the database.

- The catalogue (``catalog()``): team types, specialties, positions, member statuses, certificate
  types and when each is required (``required_certificates``), equipment groups and conditions,
  training kinds.
- Members (``member_issues``): the mine-rescue age and experience limits by position (《矿山救援规程》
  2024, for teams whose specialties include 矿山) and the medical check interval.
- Alerts (``certificate_alert``, ``agreement_alert``): expired, or expiring within 30 / 90 days
  (the tighter window wins; the day of expiry itself is still valid).
- Readiness (``readiness``): 就绪 / 基本就绪 / 不就绪 from explained factors — no national standard
  grades readiness (domain.md §5), so the rule is spelled out in ``refdata/readiness.json``: each
  factor green/amber/red by its thresholds, a weighted score, and a critical factor in red or a
  score below the line makes a team 不就绪. Every factor carries its value, threshold, status and a
  Chinese explanation of what pulls the team down ("3 名队员证书已过期", "12月8日（周二）夜班无带班领导").
- The roster: shift times from a duty point's shift set (``duty.json``), a period generated from a
  rotation (``rotation``: leaders in their own rotation, staff in order), and its checks
  (``roster_problems``): a person double-booked, rest between shifts below the minimum, a shift
  without a 带班领导 or below the minimum staff, and a gap (time of a duty day no shift covers) —
  each a ``RosterProblem`` row (day, shift, kind, message); ``coverage`` is the share of a window
  covered by a shift with its leader and staff (the readiness factor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from models.core.reference import refdata

FOREVER = date(9999, 12, 31)  # a certificate without expiry, as the queries compare it
WEEKDAYS = "一二三四五六日"


def _load(name: str) -> dict[str, Any]:
    return refdata("models.teams.refdata", name)  # type: ignore[no-any-return]


def day_label(day: date) -> str:
    """“12月8日（周二）”: a duty day as the roster and its problems name it."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def _hm(moment: datetime, day: date) -> str:
    """“17:30”, or “次日08:30” when ``moment`` falls on the day after ``day``."""
    prefix = "" if moment.date() <= day else "次日" if moment.date() == day + timedelta(days=1) else \
        f"{moment.month}月{moment.day}日"
    return f"{prefix}{moment:%H:%M}"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%" if abs(value * 100 - round(value * 100)) < 0.05 else f"{value * 100:.1f}%"


# ---- the catalogue


@dataclass(frozen=True)
class Condition:
    """When a certificate is required: every key given must match (an empty condition matches all)."""

    team_types: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()  # any of them
    positions: frozenset[str] = frozenset()

    def matches(self, team_kind: str, specialties: Iterable[str], position: str) -> bool:
        if self.team_types and team_kind not in self.team_types:
            return False
        if self.specialties and not self.specialties.intersection(specialties):
            return False
        return not self.positions or position in self.positions


@dataclass(frozen=True)
class CertificateType:
    key: str
    label: str
    required_when: tuple[Condition, ...]
    note: str = ""


@dataclass(frozen=True)
class Catalog:
    team_types: Mapping[str, str]
    specialties: Mapping[str, str]
    positions: Mapping[str, str]
    member_statuses: Mapping[str, str]
    certificate_types: Mapping[str, CertificateType]
    equipment_groups: Mapping[str, str]
    equipment_conditions: Mapping[str, str]
    training_kinds: Mapping[str, str]
    training_results: tuple[str, ...]
    source: str

    def certificate_label(self, key: str) -> str:
        found = self.certificate_types.get(key)
        return found.label if found else key

    def specialty_labels(self, keys: Iterable[str]) -> list[str]:
        return [self.specialties.get(k, k) for k in keys]


def _labels(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(i["key"]): str(i["label"]) for i in items}


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    certs = {}
    for item in data["certificate_types"]:
        conds = tuple(Condition(frozenset(c.get("team_types", ())), frozenset(c.get("specialties", ())),
                                frozenset(c.get("positions", ()))) for c in item.get("required_when", ()))
        certs[str(item["key"])] = CertificateType(str(item["key"]), str(item["label"]), conds, str(item.get("note", "")))
    out = Catalog(_labels(data["team_types"]), _labels(data["specialties"]), _labels(data["positions"]),
                  _labels(data["member_statuses"]), certs, _labels(data["equipment_groups"]),
                  _labels(data["equipment_conditions"]), _labels(data["training_kinds"]),
                  tuple(data.get("training_results", ())), str(data["source"]))
    for name, needed in (("team_types", ("professional", "part_time", "agreement")),
                         ("member_statuses", ("on_duty", "leave", "left")),
                         ("equipment_conditions", ("good",)), ("training_kinds", ("training", "drill"))):
        missing = [k for k in needed if k not in getattr(out, name)]
        if missing:
            raise ValueError(f"队伍参考数据 {name} 缺少 {'、'.join(missing)}")
    return out


@cache
def catalog() -> Catalog:
    return parse_catalog(_load("catalog"))


def required_certificates(team_kind: str, specialties: Iterable[str], position: str,
                          cat: Catalog | None = None) -> tuple[str, ...]:
    """The certificate types a member in ``position`` of a team of ``team_kind`` with ``specialties``
    must hold (in the catalogue's order)."""
    cat = cat or catalog()
    key = (id(cat), team_kind, tuple(sorted(specialties)), position)
    found = _REQUIRED.get(key)
    if found is None or found[0] is not cat:
        needed = tuple(c.key for c in cat.certificate_types.values()
                       if any(cond.matches(team_kind, key[2], position) for cond in c.required_when))
        found = _REQUIRED[key] = (cat, needed)
    return found[1]


_REQUIRED: dict[tuple[int, str, tuple[str, ...], str], tuple[Catalog, tuple[str, ...]]] = {}


# ---- alerts


@dataclass(frozen=True)
class Window:
    days: int
    kind: str
    label: str
    severity: str


@dataclass(frozen=True)
class AlertRules:
    certificate_windows: tuple[Window, ...]  # tightest first
    agreement_windows: tuple[Window, ...]
    labels: Mapping[str, str]
    severities: Mapping[str, str]
    source: str


def _windows(items: Iterable[Mapping[str, Any]]) -> tuple[Window, ...]:
    out = tuple(sorted((Window(int(w["days"]), str(w["kind"]), str(w["label"]), str(w.get("severity", "warning")))
                        for w in items), key=lambda w: w.days))
    if any(w.days < 0 for w in out):
        raise ValueError("到期预警天数不能为负数")
    return out


def parse_alert_rules(data: Mapping[str, Any]) -> AlertRules:
    return AlertRules(_windows(data["certificate_windows"]), _windows(data["agreement_windows"]),
                      dict(data["labels"]), dict(data["severities"]), str(data["source"]))


@cache
def alert_rules() -> AlertRules:
    return parse_alert_rules(_load("alerts"))


@dataclass(frozen=True)
class Alert:
    kind: str  # expired | expiring_30 | expiring_90
    label: str
    detail: str  # the Chinese sentence with the dates
    severity: str  # danger | warning

    def __str__(self) -> str:
        return f"{self.label}（{self.detail}）"


def _expiry(expires_on: date | None, as_of: date, windows: tuple[Window, ...], rules: AlertRules) -> Alert | None:
    if expires_on is None:
        return None
    left = (expires_on - as_of).days
    if left < 0:
        return Alert("expired", rules.labels["expired"], f"有效期至 {expires_on.isoformat()}，已过期 {-left} 天",
                     rules.severities["expired"])
    for w in windows:
        if left <= w.days:
            when = "今天到期" if left == 0 else f"还有 {left} 天到期"
            return Alert(w.kind, w.label, f"有效期至 {expires_on.isoformat()}，{when}", w.severity)
    return None


def certificate_alert(expires_on: date | None, as_of: date, rules: AlertRules | None = None) -> Alert | None:
    """Expired (``as_of`` after the 有效期至), within the tightest window (``expires_on − as_of`` ≤ its
    days), or None (also for a certificate without expiry)."""
    rules = rules or alert_rules()
    return _expiry(expires_on, as_of, rules.certificate_windows, rules)


def agreement_alert(expires_on: date | None, as_of: date, rules: AlertRules | None = None) -> Alert | None:
    """The same for a 协议 team's agreement (a missing expiry is readiness's concern, not an alert)."""
    rules = rules or alert_rules()
    return _expiry(expires_on, as_of, rules.agreement_windows, rules)


def certificate_valid(issued_on: date | None, expires_on: date | None, as_of: date) -> bool:
    """Valid on ``as_of``: issued by then (or no issue date) and not expired (the expiry day counts)."""
    return (issued_on is None or issued_on <= as_of) and (expires_on is None or as_of <= expires_on)


# ---- members


@dataclass(frozen=True)
class MemberLimit:
    key: str
    label: str
    specialties: frozenset[str]
    positions: frozenset[str]
    max_age: int | None
    min_years: int | None


@dataclass(frozen=True)
class MemberRules:
    limits: tuple[MemberLimit, ...]
    medical_check_months: int | None
    source: str


def parse_member_rules(data: Mapping[str, Any]) -> MemberRules:
    limits = tuple(MemberLimit(str(x["key"]), str(x["label"]), frozenset(x.get("specialties", ())),
                               frozenset(x["positions"]), x.get("max_age"), x.get("min_years")) for x in data["limits"])
    months = data.get("medical_check_months")
    return MemberRules(limits, int(months) if months else None, str(data["source"]))


@cache
def member_rules() -> MemberRules:
    return parse_member_rules(_load("members"))


def age_on(born_on: date, as_of: date) -> int:
    """Full years (周岁) on ``as_of``: a birthday makes the year full on the day itself."""
    return as_of.year - born_on.year - ((as_of.month, as_of.day) < (born_on.month, born_on.day))


def add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(d, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class MemberIssue:
    kind: str  # age | experience | medical
    message: str
    basis: str = ""  # the limit's label ("矿山救援中队指挥员")


def member_issues(*, position: str, born_on: date | None, experience_years: int | None,
                  medical_checked_on: date | None, specialties: Iterable[str], as_of: date,
                  rules: MemberRules | None = None, cat: Catalog | None = None) -> list[MemberIssue]:
    """What puts a member outside the rules on ``as_of``: over the age limit or under the experience
    of their position (where a limit applies to the team's specialties), and the medical check
    overdue (none recorded, or more than ``medical_check_months`` ago)."""
    rules = rules or member_rules()
    cat = cat or catalog()
    specs = frozenset(specialties)
    title = cat.positions.get(position, position)
    out: list[MemberIssue] = []
    for limit in rules.limits:
        if position not in limit.positions or (limit.specialties and not limit.specialties & specs):
            continue
        if limit.max_age is not None and born_on is not None:
            age = age_on(born_on, as_of)
            if age > limit.max_age:
                out.append(MemberIssue("age", f"{title}年龄 {age} 周岁，超过{limit.label}上限 {limit.max_age} 周岁",
                                       limit.label))
        if limit.min_years is not None:
            if experience_years is None:
                out.append(MemberIssue("experience", f"未填写从业年限（{limit.label}须不少于 {limit.min_years} 年）",
                                       limit.label))
            elif experience_years < limit.min_years:
                out.append(MemberIssue("experience", f"{title}从业 {experience_years} 年，少于{limit.label}要求的 "
                                                     f"{limit.min_years} 年", limit.label))
    if rules.medical_check_months:
        if medical_checked_on is None:
            out.append(MemberIssue("medical", "没有体检记录"))
        elif as_of > add_months(medical_checked_on, rules.medical_check_months):
            out.append(MemberIssue("medical", f"最近体检 {medical_checked_on.isoformat()}，已超过 "
                                              f"{rules.medical_check_months} 个月"))
    return out


# ---- duty: shift sets, rotation, checks


@dataclass(frozen=True)
class ShiftKind:
    key: str
    label: str
    start: time
    hours: float
    day_offset: int = 0  # the shift starts this many days after its duty day (a three-shift night)

    def times(self, day: date) -> tuple[datetime, datetime]:
        """When this shift of duty day ``day`` starts and ends."""
        start = datetime.combine(day + timedelta(days=self.day_offset), self.start)
        return start, start + timedelta(hours=self.hours)


@dataclass(frozen=True)
class ShiftSet:
    key: str
    label: str
    shifts: tuple[ShiftKind, ...]  # in the order they run in a duty day

    def kind(self, key: str) -> ShiftKind | None:
        return next((s for s in self.shifts if s.key == key), None)

    def day_start(self, day: date) -> datetime:
        """When duty day ``day`` begins: its first shift's start."""
        return min(s.times(day)[0] for s in self.shifts)

    @property
    def day_hours(self) -> float:
        return sum(s.hours for s in self.shifts)


@dataclass(frozen=True)
class DutyRules:
    shift_sets: Mapping[str, ShiftSet]
    point_kinds: Mapping[str, tuple[str, str]]  # key -> (label, default shift set)
    roles: Mapping[str, str]
    min_staff: int
    leader_required: bool
    min_rest_hours: float
    max_people_per_shift: int
    source: str


def parse_duty_rules(data: Mapping[str, Any]) -> DutyRules:
    sets: dict[str, ShiftSet] = {}
    for item in data["shift_sets"]:
        kinds = []
        for s in item["shifts"]:
            hh, mm = (int(x) for x in str(s["start"]).split(":"))
            hours = float(s["hours"])
            if not 0 < hours <= 24:
                raise ValueError(f"班次 {s['key']} 的时长应在 0 到 24 小时之间")
            kinds.append(ShiftKind(str(s["key"]), str(s["label"]), time(hh, mm), hours, int(s.get("day_offset", 0))))
        shift_set = ShiftSet(str(item["key"]), str(item["label"]), tuple(kinds))
        if len({k.key for k in kinds}) != len(kinds):
            raise ValueError(f"班次组 {shift_set.key} 中有重复的班次")
        sets[shift_set.key] = shift_set
    kinds_ = {str(p["key"]): (str(p["label"]), str(p["shift_set"])) for p in data["point_kinds"]}
    for key, (_label, set_key) in kinds_.items():
        if set_key not in sets:
            raise ValueError(f"值班点类型 {key} 的默认班次 {set_key} 不存在")
    roles = _labels(data["roles"])
    if set(roles) != {"leader", "staff"}:
        raise ValueError("值班角色应为 leader（带班领导）和 staff（值班员）")
    return DutyRules(sets, kinds_, roles, int(data["min_staff"]), bool(data["leader_required"]),
                     float(data["min_rest_hours"]), int(data.get("max_people_per_shift", 20)), str(data["source"]))


@cache
def duty_rules() -> DutyRules:
    return parse_duty_rules(_load("duty"))


@dataclass(frozen=True)
class OnDuty:
    """A person on a shift."""

    name: str
    phone: str = ""
    role: str = "staff"  # leader | staff
    member_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return person_key(self.name, self.phone)


def person_key(name: str, phone: str) -> tuple[str, str]:
    """Who a person is on the roster: their name without spaces and the digits of their phone."""
    return "".join(name.split()), "".join(ch for ch in phone if ch.isdigit())


@dataclass(frozen=True)
class ShiftFacts:
    """What the checks read of a shift (a stored ``DutyShift`` with its people, or a planned one)."""

    point_id: int
    day: date
    kind: str
    label: str
    starts_at: datetime
    ends_at: datetime
    people: tuple[OnDuty, ...] = ()
    id: int | None = None
    point: str = ""  # the point's name, for messages across points

    @property
    def leaders(self) -> int:
        return sum(1 for p in self.people if p.role == "leader")

    @property
    def staff(self) -> int:
        return sum(1 for p in self.people if p.role == "staff")


@dataclass(frozen=True)
class PointRules:
    """What the checks need of a duty point."""

    shift_set: str
    min_staff: int = 1
    leader_required: bool = True
    name: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    phone: str = ""
    member_id: int | None = None


@dataclass(frozen=True)
class RotationPattern:
    """How a period is filled: ``leaders`` take turns (one per duty day, or per shift), ``staff``
    take turns in the order given, ``staff_per_shift`` at a time; ``kinds`` limits the shifts
    generated (empty: every shift of the set)."""

    leaders: tuple[Person, ...] = ()
    staff: tuple[Person, ...] = ()
    staff_per_shift: int = 1
    leader_per: str = "day"  # day | shift
    kinds: tuple[str, ...] = ()
    first_leader: int = 0  # where each rotation starts (to continue a previous period)
    first_staff: int = 0


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def rotation(shift_set: ShiftSet, start: date, end: date, pattern: RotationPattern,
             point_id: int = 0) -> list[ShiftFacts]:
    """The shifts of duty days ``start``…``end`` (inclusive) with their people from ``pattern``."""
    kinds = [k for k in shift_set.shifts if not pattern.kinds or k.key in pattern.kinds]
    out: list[ShiftFacts] = []
    n = 0
    for d, day in enumerate(days_between(start, end)):
        for kind in kinds:
            people: list[OnDuty] = []
            if pattern.leaders:
                turn = (d if pattern.leader_per == "day" else n) + pattern.first_leader
                leader = pattern.leaders[turn % len(pattern.leaders)]
                people.append(OnDuty(leader.name, leader.phone, "leader", leader.member_id))
            if pattern.staff:
                for j in range(min(pattern.staff_per_shift, len(pattern.staff))):
                    person = pattern.staff[(pattern.first_staff + n * pattern.staff_per_shift + j) % len(pattern.staff)]
                    people.append(OnDuty(person.name, person.phone, "staff", person.member_id))
            s, e = kind.times(day)
            out.append(ShiftFacts(point_id, day, kind.key, kind.label, s, e, tuple(people)))
            n += 1
    return out


PROBLEM_KINDS: dict[str, str] = {"gap": "无人值班", "no_leader": "无带班领导", "understaffed": "值班人数不足",
                                 "double_booked": "重复排班", "short_rest": "休息不足"}


@dataclass(frozen=True)
class RosterProblem:
    """One problem of a roster: the duty day, the shift (id and label; a gap names the shift kind
    that would cover it, when one does), its kind and the Chinese message."""

    day: date
    shift_id: int | None
    shift: str
    kind: str
    message: str
    point_id: int | None = None
    person: str = ""
    starts_at: datetime | None = None  # the shift's time, or the gap's
    ends_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return PROBLEM_KINDS.get(self.kind, self.kind)

    def as_json(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "shift_id": self.shift_id, "shift": self.shift, "kind": self.kind,
                "kind_label": self.kind_label, "message": self.message, "point_id": self.point_id,
                "person": self.person or None,
                "starts_at": self.starts_at.isoformat(timespec="minutes") if self.starts_at else None,
                "ends_at": self.ends_at.isoformat(timespec="minutes") if self.ends_at else None}


def _merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _uncovered(start: datetime, end: datetime, covered: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out = []
    at = start
    for s, e in covered:
        if e <= at:
            continue
        if s >= end:
            break
        if s > at:
            out.append((at, s))
        at = max(at, e)
    if at < end:
        out.append((at, end))
    return out


def _duty_day_of(shift_set: ShiftSet, moment: datetime) -> date:
    """The duty day ``moment`` belongs to (a night after midnight belongs to the day before)."""
    day = moment.date()
    while shift_set.day_start(day) > moment:
        day -= timedelta(days=1)
    while shift_set.day_start(day + timedelta(days=1)) <= moment:
        day += timedelta(days=1)
    return day


def _shift_phrase(shift: ShiftFacts) -> str:
    where = f"（{shift.point}）" if shift.point else ""
    return f"{day_label(shift.day)}{shift.label}{where}"


def roster_problems(shifts: Sequence[ShiftFacts], points: Mapping[int, PointRules], start: date, end: date, *,
                    rules: DutyRules | None = None, people: bool = True) -> list[RosterProblem]:
    """Every problem of duty days ``start``…``end`` (inclusive) of the points in ``points``.

    ``shifts`` are the live shifts with their people: of those points over the period (the day before
    too, so the rest before the first shift and a night reaching into the period count), and any
    other point's shifts of the same people (a person double-booked across points). Checks, by the
    duty rules (``duty.json``): a shift without a 带班领导 (when the point requires one) or with fewer
    值班员 than the point's minimum; time of a duty day no shift covers (a gap, merged per stretch);
    a person on two shifts that overlap; a person resting less than ``min_rest_hours`` between two
    duties (shifts back to back at one point are one duty). Problems are reported on the shifts of
    the period at the points asked; in day, time and kind order. ``people=False`` leaves out the
    checks of people (double bookings, rest): what coverage is about, for readiness."""
    rules = rules or duty_rules()
    out: list[RosterProblem] = []
    in_scope = [s for s in shifts if s.point_id in points and start <= s.day <= end]
    for s in in_scope:
        point = points[s.point_id]
        if point.leader_required and s.leaders == 0:
            out.append(RosterProblem(s.day, s.id, s.label, "no_leader", f"{day_label(s.day)}{s.label}无带班领导",
                                     s.point_id, "", s.starts_at, s.ends_at))
        if s.staff < point.min_staff:
            out.append(RosterProblem(s.day, s.id, s.label, "understaffed",
                                     f"{day_label(s.day)}{s.label}值班员 {s.staff} 人，少于最低 {point.min_staff} 人",
                                     s.point_id, "", s.starts_at, s.ends_at))
    for point_id, point in points.items():
        shift_set = rules.shift_sets.get(point.shift_set)
        if shift_set is None:
            continue
        window = (shift_set.day_start(start), shift_set.day_start(end + timedelta(days=1)))
        covered = _merge((s.starts_at, s.ends_at) for s in shifts if s.point_id == point_id)
        for gs, ge in _uncovered(*window, covered):
            day = _duty_day_of(shift_set, gs)
            match = next((k for k in shift_set.shifts if k.times(day) == (gs, ge)), None)
            label = match.label if match else ""
            hours = (ge - gs).total_seconds() / 3600
            span = f"{_hm(gs, day)}—{_hm(ge, day)}"
            what = f"{label}（{span}）" if label else f"{span}（{hours:g} 小时）"
            out.append(RosterProblem(day, None, label, "gap", f"{day_label(day)}{what}无人值班", point_id, "", gs, ge))
    by_person: dict[tuple[str, str], list[tuple[ShiftFacts, OnDuty]]] = defaultdict(list)
    for s in shifts if people else ():
        for p in s.people:
            by_person[p.key].append((s, p))
    min_rest = timedelta(hours=rules.min_rest_hours)
    for duties in by_person.values():
        if len(duties) < 2:
            continue
        duties.sort(key=lambda sp: (sp[0].starts_at, sp[0].ends_at, sp[0].point_id))
        name = duties[0][1].name

        def reported(s: ShiftFacts) -> bool:
            return s.point_id in points and start <= s.day <= end

        for i, (a, _pa) in enumerate(duties):  # overlaps: every later shift starting before this one ends
            for b, _pb in duties[i + 1:]:
                if b.starts_at >= a.ends_at:
                    break
                if b is a or (b.id is not None and b.id == a.id):
                    continue  # one shift (the service refuses a person twice on a shift)
                target = b if reported(b) else a
                if reported(target):
                    other = a if target is b else b
                    out.append(RosterProblem(target.day, target.id, target.label, "double_booked",
                                             f"{name} 同时排在{_shift_phrase(target)}和{_shift_phrase(other)}",
                                             target.point_id, name, target.starts_at, target.ends_at))
        # rest: between one duty and the next; shifts back to back at one point are one duty
        last, stretch_end, stretch_point = duties[0][0], duties[0][0].ends_at, duties[0][0].point_id
        for s, _p in duties[1:]:
            if s is last:
                continue
            if s.starts_at == stretch_end and s.point_id == stretch_point:
                stretch_end, last = max(stretch_end, s.ends_at), s
                continue
            rest = s.starts_at - stretch_end
            if timedelta(0) <= rest < min_rest and reported(s):
                out.append(RosterProblem(s.day, s.id, s.label, "short_rest",
                                         f"{name} 在{_shift_phrase(last)}之后只休息 {rest.total_seconds() / 3600:g} 小时"
                                         f"就上{_shift_phrase(s)}（应不少于 {rules.min_rest_hours:g} 小时）",
                                         s.point_id, name, s.starts_at, s.ends_at))
            if rest < timedelta(0):  # overlapping (reported above): the duty lasts until the later end, there
                if s.ends_at > stretch_end:
                    stretch_end, stretch_point = s.ends_at, s.point_id
            else:
                stretch_end, stretch_point = s.ends_at, s.point_id
            last = s
    order = {k: n for n, k in enumerate(PROBLEM_KINDS)}
    out.sort(key=lambda p: (p.day, p.starts_at or datetime.min, order.get(p.kind, 99), p.person, p.message))
    return out


def coverage(shifts: Sequence[ShiftFacts], point: PointRules, start: date, end: date, *,
             rules: DutyRules | None = None) -> tuple[float, float]:
    """(hours fully staffed, hours in the window) for duty days ``start``…``end`` of one point:
    an hour counts when a shift covers it that has its 带班领导 (when required) and at least the
    minimum 值班员. ``shifts`` are the point's live shifts."""
    rules = rules or duty_rules()
    shift_set = rules.shift_sets.get(point.shift_set)
    if shift_set is None:
        return 0.0, 0.0
    ws, we = shift_set.day_start(start), shift_set.day_start(end + timedelta(days=1))
    good = _merge((max(s.starts_at, ws), min(s.ends_at, we)) for s in shifts
                  if (s.leaders or not point.leader_required) and s.staff >= point.min_staff
                  and s.starts_at < we and s.ends_at > ws)
    ok = sum((e - s).total_seconds() for s, e in good) / 3600
    return ok, (we - ws).total_seconds() / 3600


# ---- readiness


STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, "na": 3}


@dataclass(frozen=True)
class FactorRule:
    key: str
    label: str
    measure: str  # share | days_since | days_left | minutes
    green: float
    amber: float
    weight: float
    critical: bool
    applies_to: frozenset[str]  # team types (empty: every team)
    if_missing: str  # the status without data
    source: str
    days: int = 7  # the roster window
    also_with_duty_point: bool = False
    by_type: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # team type -> (green, amber)

    def for_type(self, kind: str) -> FactorRule:
        """The rule with a team type's own thresholds (``by_type``), if it has any."""
        if kind not in self.by_type:
            return self
        key = (id(self), kind)
        found = _FOR_TYPE.get(key)
        if found is None or found[0] is not self:
            green, amber = self.by_type[kind]
            found = _FOR_TYPE[key] = (self, replace(self, green=green, amber=amber, by_type={}))
        return found[1]

    @property
    def higher_is_better(self) -> bool:
        return self.measure in ("share", "days_left")

    def status_of(self, value: float | None) -> str:
        if value is None:
            return self.if_missing
        if self.higher_is_better:
            return "green" if value >= self.green else "amber" if value >= self.amber else "red"
        return "green" if value <= self.green else "amber" if value <= self.amber else "red"

    def threshold_text(self) -> str:
        key = (self.measure, self.green, self.amber)
        text = _THRESHOLDS.get(key)
        if text is None:
            text = _THRESHOLDS[key] = self._threshold_text()
        return text

    def _threshold_text(self) -> str:
        if self.measure == "share":
            return f"≥ {percent(self.green)} 达标，≥ {percent(self.amber)} 接近"
        if self.measure == "days_left":
            return f"剩余 ≥ {self.green:g} 天达标，未过期为接近"
        unit = "天" if self.measure == "days_since" else "分钟"
        return f"≤ {self.green:g} {unit}达标，≤ {self.amber:g} {unit}接近"


_FOR_TYPE: dict[tuple[int, str], tuple[FactorRule, FactorRule]] = {}
_THRESHOLDS: dict[tuple[str, float, float], str] = {}


@dataclass(frozen=True)
class ReadinessRules:
    factors: tuple[FactorRule, ...]
    points: Mapping[str, float]
    ready_at: float
    not_ready_below: float
    status_labels: Mapping[str, str]
    factor_status_labels: Mapping[str, str]
    source: str

    def factor(self, key: str) -> FactorRule:
        return next(f for f in self.factors if f.key == key)


FACTOR_KEYS = ("staffing", "certificates", "equipment", "training", "drill", "roster", "agreement", "turnout")
MEASURES = ("share", "days_since", "days_left", "minutes")


def parse_readiness_rules(data: Mapping[str, Any]) -> ReadinessRules:
    factors = []
    for f in data["factors"]:
        rule = FactorRule(str(f["key"]), str(f["label"]), str(f["measure"]), float(f["green"]), float(f["amber"]),
                          float(f["weight"]), bool(f.get("critical")), frozenset(f.get("applies_to", ())),
                          str(f.get("if_missing", "red")), str(f.get("source", "")), int(f.get("days", 7)),
                          bool(f.get("also_with_duty_point")),
                          {str(k): (float(v["green"]), float(v["amber"])) for k, v in f.get("by_type", {}).items()})
        if rule.key not in FACTOR_KEYS:
            raise ValueError(f"未知的就绪因素 {rule.key}（可用：{'、'.join(FACTOR_KEYS)}）")
        if rule.measure not in MEASURES:
            raise ValueError(f"就绪因素 {rule.key} 的计量方式 {rule.measure} 无效")
        for green, amber in ((rule.green, rule.amber), *rule.by_type.values()):
            if (green < amber) if rule.higher_is_better else (green > amber):
                raise ValueError(f"就绪因素 {rule.key} 的“达标”阈值应比“接近”阈值更严")
        if rule.weight < 0 or rule.if_missing not in ("green", "amber", "red"):
            raise ValueError(f"就绪因素 {rule.key} 的权重或缺数据时的状态无效")
        factors.append(rule)
    points = {k: float(v) for k, v in data["points"].items()}
    return ReadinessRules(tuple(factors), points, float(data["ready_at"]), float(data["not_ready_below"]),
                          dict(data["status_labels"]), dict(data["factor_status_labels"]), str(data["source"]))


@cache
def readiness_rules() -> ReadinessRules:
    return parse_readiness_rules(_load("readiness"))


@dataclass(frozen=True)
class CertificateFacts:
    """A team's required certificates on ``as_of``: how many (member × type) are required and valid,
    and the members behind the gaps."""

    required: int = 0
    valid: int = 0
    expired_members: int = 0  # members holding a required certificate that has expired
    missing_members: int = 0  # members lacking a required certificate altogether (or not yet issued)
    expiring_members: int = 0  # members with a required certificate expiring within the tightest window


def certificate_facts(members: Iterable[tuple[int, str]], held: Mapping[int, Mapping[str, date]], team_kind: str,
                      specialties: Iterable[str], as_of: date, *, cat: Catalog | None = None,
                      alerts: AlertRules | None = None) -> CertificateFacts:
    """``members``: (member id, position) of the members on strength (not 离队); ``held``: per member
    and certificate type the latest expiry of the certificates issued by ``as_of`` (``FOREVER``
    without expiry)."""
    cat, alerts = cat or catalog(), alerts or alert_rules()
    specs = tuple(specialties)
    soon = alerts.certificate_windows[0].days if alerts.certificate_windows else 0
    required = valid = expired = missing = expiring = 0
    cache_: dict[str, tuple[str, ...]] = {}
    for member_id, position in members:
        needed = cache_.get(position)
        if needed is None:
            needed = cache_[position] = required_certificates(team_kind, specs, position, cat)
        if not needed:
            continue
        mine = held.get(member_id, {})
        gone = lacking = close = False
        for cert in needed:
            required += 1
            until = mine.get(cert)
            if until is None:
                lacking = True
            elif until < as_of:
                gone = True
            else:
                valid += 1
                close |= (until - as_of).days <= soon and until != FOREVER
        expired += gone
        missing += lacking
        expiring += close
    return CertificateFacts(required, valid, expired, missing, expiring)


@dataclass(frozen=True)
class RosterFacts:
    """A team's duty points over the readiness window: fully staffed hours of all hours, and the
    problems found (first ones explain the factor)."""

    ok_hours: float
    total_hours: float
    problems: tuple[RosterProblem, ...] = ()


@dataclass(frozen=True)
class TeamFacts:
    """What readiness reads of a team on ``as_of``."""

    kind: str
    headcount: int
    on_duty: int = 0
    on_leave: int = 0
    certificates: CertificateFacts = field(default_factory=CertificateFacts)
    equipment_total: int = 0
    equipment_good: int = 0
    equipment_repair: int = 0
    last_training: date | None = None
    last_drill: date | None = None
    roster: RosterFacts | None = None  # None: the team has no duty point
    agreement_party: str = ""
    agreement_expires_on: date | None = None
    turnout_minutes: int | None = None


@dataclass(frozen=True)
class Factor:
    """One factor of a team's readiness: its value (a share 0–1, days or minutes; None without
    data), the value as text, the threshold, the status (green/amber/red, na when it does not apply)
    and the explanation."""

    key: str
    label: str
    value: float | None
    value_text: str
    threshold: str
    status: str
    explanation: str
    weight: float
    critical: bool

    @property
    def status_label(self) -> str:
        return readiness_rules().factor_status_labels.get(self.status, self.status)

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "value": self.value, "value_text": self.value_text,
                "threshold": self.threshold, "status": self.status, "status_label": self.status_label,
                "explanation": self.explanation, "weight": self.weight, "critical": self.critical}


@dataclass(frozen=True)
class Readiness:
    status: str  # green | amber | red
    label: str  # 就绪 | 基本就绪 | 不就绪
    score: float  # weighted points 0–100 of the factors that apply
    factors: tuple[Factor, ...]

    @property
    def rank(self) -> int:
        """0 不就绪, 1 基本就绪, 2 就绪 (the list sorts by it)."""
        return STATUS_ORDER[self.status]

    @property
    def pulling_down(self) -> list[Factor]:
        """The factors not green, worst first (red before amber, critical and heavier first)."""
        bad = [f for f in self.factors if f.status in ("red", "amber")]
        return sorted(bad, key=lambda f: (STATUS_ORDER[f.status], not f.critical, -f.weight))

    @property
    def reasons(self) -> list[str]:
        return [f.explanation for f in self.pulling_down]

    def factor(self, key: str) -> Factor | None:
        return next((f for f in self.factors if f.key == key), None)

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "label": self.label, "score": round(self.score, 1),
                "factors": [f.as_json() for f in self.factors], "reasons": self.reasons}


def _applies(rule: FactorRule, facts: TeamFacts) -> bool:
    if not rule.applies_to or facts.kind in rule.applies_to:
        return True
    return rule.also_with_duty_point and facts.roster is not None


def _factor(rule: FactorRule, facts: TeamFacts, as_of: date) -> Factor:
    value: float | None
    text: str
    why: str
    if rule.key == "staffing":
        value = facts.on_duty / facts.headcount if facts.headcount > 0 else None
        text = f"{facts.on_duty}/{facts.headcount} 人" + (f"（{percent(value)}）" if value is not None else "")
        short = facts.headcount - facts.on_duty
        why = f"在岗 {facts.on_duty} 人，编制 {facts.headcount} 人"
        if short > 0:
            why += f"，缺 {short} 人" + (f"（其中 {facts.on_leave} 人休假）" if facts.on_leave else "")
    elif rule.key == "certificates":
        c = facts.certificates
        value = c.valid / c.required if c.required else None
        text = f"{c.valid}/{c.required} 项" + (f"（{percent(value)}）" if value is not None else "")
        parts = []
        if c.expired_members:
            parts.append(f"{c.expired_members} 名队员证书已过期")
        if c.missing_members:
            parts.append(f"{c.missing_members} 名队员缺少必备证书")
        if c.expiring_members and not parts:
            parts.append(f"{c.expiring_members} 名队员证书即将到期")
        why = "，".join(parts) if parts else f"必备证书 {c.required} 项均有效"
        if not c.required:
            return Factor(rule.key, rule.label, None, "无必备证书", rule.threshold_text(), "na",
                          "按队员职务和队伍专业没有必备证书", rule.weight, rule.critical)
    elif rule.key == "equipment":
        value = facts.equipment_good / facts.equipment_total if facts.equipment_total else None
        text = f"{facts.equipment_good}/{facts.equipment_total} 件" + (f"（{percent(value)}）" if value is not None else "")
        if value is None:
            why = "未登记装备"
        else:
            bad = facts.equipment_total - facts.equipment_good
            why = f"装备 {facts.equipment_total} 件，完好 {facts.equipment_good} 件"
            if bad:
                scrapped = bad - facts.equipment_repair
                why += "，" + "、".join(p for p in (f"待修 {facts.equipment_repair} 件" if facts.equipment_repair else "",
                                                   f"报废 {scrapped} 件" if scrapped else "") if p)
    elif rule.key in ("training", "drill"):
        last = facts.last_training if rule.key == "training" else facts.last_drill
        what = "训练" if rule.key == "training" else "演练"
        value = float((as_of - last).days) if last is not None else None
        text = f"{value:g} 天" if value is not None else f"无{what}记录"
        why = f"上次{what} {last.isoformat()}，已 {value:g} 天" if last is not None and value is not None else \
            f"没有{what}记录"
        if value is not None and value > rule.green:
            why += f"（应不超过 {rule.green:g} 天）"
    elif rule.key == "roster":
        r = facts.roster
        value = r.ok_hours / r.total_hours if r is not None and r.total_hours else None
        text = percent(value) if value is not None else "未排值班"
        if r is None:
            why = "没有值班点，未排值班表"
        elif not r.problems:
            why = f"未来 {rule.days} 天值班齐全"
        else:
            shown = [p.message for p in r.problems[:3]]
            more = f"等 {len(r.problems)} 处" if len(r.problems) > 3 else ""
            why = "；".join(shown) + more
    elif rule.key == "agreement":
        exp = facts.agreement_expires_on
        value = float((exp - as_of).days) if exp is not None else None
        party = f"协议单位 {facts.agreement_party}，" if facts.agreement_party else "未填写协议单位，"
        if exp is None:
            text, why = "未填写", party + "未填写协议有效期"
        elif value is not None and value < 0:
            text, why = f"已过期 {-value:g} 天", party + f"协议已于 {exp.isoformat()} 过期"
        else:
            text = f"剩余 {value:g} 天"
            why = party + f"有效期至 {exp.isoformat()}" + ("，今天到期" if value == 0 else f"，还有 {value:g} 天")
    else:  # turnout
        value = float(facts.turnout_minutes) if facts.turnout_minutes is not None else None
        text = f"{value:g} 分钟" if value is not None else "未填写"
        why = f"出动时间 {value:g} 分钟" if value is not None else "未填写出动时间"
    status = rule.status_of(value)
    return Factor(rule.key, rule.label, value, text, rule.threshold_text(), status, why, rule.weight, rule.critical)


def readiness(facts: TeamFacts, as_of: date, rules: ReadinessRules | None = None) -> Readiness:
    """The team's readiness on ``as_of`` (see the module docstring and ``refdata/readiness.json``).

    Each factor that applies to the team is green, amber or red by its thresholds (its value
    without data: the factor's ``if_missing``); the score is the weighted mean of the factors'
    points. 不就绪 when a critical factor is red or the score is below ``not_ready_below``; 就绪 when
    no factor is red and the score reaches ``ready_at``; else 基本就绪."""
    rules = rules or readiness_rules()
    factors = []
    for rule in rules.factors:
        if not _applies(rule, facts):
            factors.append(Factor(rule.key, rule.label, None, "不适用", rule.threshold_text(), "na",
                                  "不适用于该类型的队伍", rule.weight, rule.critical))
            continue
        factors.append(_factor(rule.for_type(facts.kind), facts, as_of))
    counted = [f for f in factors if f.status != "na"]
    total = sum(f.weight for f in counted)
    score = sum(f.weight * rules.points[f.status] for f in counted) / total if total else rules.points["green"]
    if any(f.status == "red" and f.critical for f in counted) or score < rules.not_ready_below:
        status = "red"
    elif score >= rules.ready_at and not any(f.status == "red" for f in counted):
        status = "green"
    else:
        status = "amber"
    return Readiness(status, rules.status_labels[status], score, tuple(factors))
