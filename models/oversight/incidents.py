"""Incident information (事故信息, issue 13 H2): the rules, the write services, the queries, the due
items and the demo of one part of the oversight module, in one file.

- Rules (pure, ``refdata/incidents.json`` with its source, 《生产安全事故报告和调查处理条例》):
  ``grade`` — 特别重大 / 重大 / 较大 / 一般 from deaths, serious injuries and direct loss (万元); the
  highest criterion decides, 以上 includes the number and 以下 excludes it. ``report_timing`` — the
  deadline is ``received_at`` + ``report_within_minutes``; 按时上报, 迟报 N 分钟, and while not yet
  reported 超时未报 N 分钟 (at a given ``now``) or 待上报 inside the hour. ``correction_deadline`` — the
  day (occurred, else received) + the kind's ``correction_days`` (7 for road traffic and fire, 30
  otherwise); an update after it is 逾期补报 (kept, flagged). ``current_figures`` — the latest
  update's (by ``reported_at``), else the first report's.
- Service (through ``models.core.uow.unit_of_work``): ``create_incident`` / ``update_incident`` /
  ``delete_incident`` / ``restore_incident`` (``IncidentData``; the grade computed and stored),
  ``mark_reported``, ``add_update`` / ``delete_update`` (续报/补报, the incident regraded from the
  latest figures), ``link_plan`` / ``unlink_plan`` (预案启动).
- Queries: ``page`` / ``count`` / ``rows`` (``IncidentFilter``: grade, kind, enterprise, received
  between, late only, search) with each row's grade label, received, reported and minutes late;
  ``detail`` with its updates and linked plans; ``grade_counts`` for a period.
- ``incident_due_items``: the ``models.core.due`` items (not yet reported, reported late lately,
  correction windows closing) — module "oversight", record "incident".
- ``demo_incidents``: incidents of every grade over the year before ``as_of``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from models.core.demo import DemoContext, DemoStep
from models.core.due import DueItem, days_between, in_window
from models.core.entities import Region
from models.core.errors import FieldError, NotFoundError, StateError
from models.core.listing import contains_pattern, order_by_key, window
from models.core.records import live_record, raise_errors, squash
from models.core.reference import refdata
from models.core.uow import Command, UnitOfWork
from models.enterprises.entities import Enterprise
from models.oversight.entities import Incident, IncidentPlan, IncidentUpdate
from models.plans.entities import Plan

# ---- rules


def _load(name: str) -> dict[str, Any]:
    return refdata("models.oversight.refdata", name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class GradeBand:
    """One grade and the lower bounds (以上, inclusive) that reach it."""

    key: str
    label: str
    deaths: int
    serious_injuries: int
    direct_loss_wan: float

    @property
    def short_label(self) -> str:
        return self.label.removesuffix("事故")


@dataclass(frozen=True)
class IncidentRules:
    source: str
    report_within_minutes: int
    grades: tuple[GradeBand, ...]  # the highest first
    correction_days: int
    kinds: Mapping[str, str]  # key -> label
    kind_correction_days: Mapping[str, int]

    def grade_label(self, key: str) -> str:
        return next((g.label for g in self.grades if g.key == key), key)

    def grade_rank(self, key: str) -> int:
        """0 for the highest grade."""
        return next((i for i, g in enumerate(self.grades) if g.key == key), len(self.grades))

    def kind_label(self, key: str) -> str:
        return self.kinds.get(key, key)

    def days_for(self, kind: str) -> int:
        return self.kind_correction_days.get(kind, self.correction_days)


def parse_rules(data: Mapping[str, Any]) -> IncidentRules:
    bands = tuple(GradeBand(g["key"], g["label"], int(g["deaths"]), int(g["serious_injuries"]),
                            float(g["direct_loss_wan"])) for g in data["grades"])
    bands = tuple(sorted(bands, key=lambda b: (b.deaths, b.serious_injuries, b.direct_loss_wan), reverse=True))
    default_days = int(data["correction_days"])
    return IncidentRules(str(data["source"]), int(data["report_within_minutes"]), bands, default_days,
                         {k["key"]: k["label"] for k in data["kinds"]},
                         {k["key"]: int(k["correction_days"]) for k in data["kinds"] if "correction_days" in k})


@cache
def incident_rules() -> IncidentRules:
    return parse_rules(_load("incidents"))


def _reaches(value: float, bound: float) -> bool:
    # 以上 includes the number; the loss is compared to the cent of a 万元 (no float dust)
    return round(value, 6) >= bound


def grade(deaths: int, serious_injuries: int, direct_loss_wan: float, rules: IncidentRules | None = None) -> str:
    """The grade key: the highest band any one criterion reaches (以上 includes the number, 以下
    excludes it: 30 deaths 特别重大, 29 重大)."""
    r = rules or incident_rules()
    for band in r.grades:
        if (_reaches(deaths, band.deaths) or _reaches(serious_injuries, band.serious_injuries)
                or _reaches(direct_loss_wan, band.direct_loss_wan)):
            return band.key
    return r.grades[-1].key


def grade_basis(deaths: int, serious_injuries: int, direct_loss_wan: float, rules: IncidentRules | None = None) -> str:
    """Why the figures have their grade, in Chinese: the criteria that reach it (“死亡 3 人（3 人以上为较大事故）”),
    or, for the lowest grade, that every one stays under the next."""
    r = rules or incident_rules()
    key = grade(deaths, serious_injuries, direct_loss_wan, r)
    band = next(b for b in r.grades if b.key == key)
    if band is r.grades[-1]:
        above = r.grades[-2] if len(r.grades) > 1 else band
        return (f"死亡 {deaths} 人、重伤 {serious_injuries} 人、直接经济损失 {_wan(direct_loss_wan)} 万元，"
                f"均低于{above.label}标准（{above.deaths} 人死亡、{above.serious_injuries} 人重伤、"
                f"{_wan(above.direct_loss_wan)} 万元）")
    parts = []
    if _reaches(deaths, band.deaths):
        parts.append(f"死亡 {deaths} 人（{band.deaths} 人以上为{band.label}）")
    if _reaches(serious_injuries, band.serious_injuries):
        parts.append(f"重伤 {serious_injuries} 人（{band.serious_injuries} 人以上为{band.label}）")
    if _reaches(direct_loss_wan, band.direct_loss_wan):
        parts.append(f"直接经济损失 {_wan(direct_loss_wan)} 万元（{_wan(band.direct_loss_wan)} 万元以上为{band.label}）")
    return "；".join(parts)


def grade_label(key: str) -> str:
    return incident_rules().grade_label(key)


def kind_label(key: str) -> str:
    return incident_rules().kind_label(key)


def report_deadline(received_at: datetime, rules: IncidentRules | None = None) -> datetime:
    return received_at + timedelta(minutes=(rules or incident_rules()).report_within_minutes)


def _minutes_after(later: datetime, earlier: datetime) -> int:
    """Whole minutes ``later`` is after ``earlier``, any part of a minute counting as one."""
    return math.ceil((later - earlier).total_seconds() / 60)


TIMING_LABELS = {"on_time": "按时上报", "late": "迟报", "overdue": "超时未报", "pending": "待上报", "unreported": "未上报"}


@dataclass(frozen=True)
class ReportTiming:
    """Whether the 1-hour deadline was kept: ``status`` on_time | late | overdue (not reported, the
    deadline passed at ``now``) | pending (not reported, inside the hour) | unreported (no ``now``
    given); ``minutes_late`` for late and overdue, ``minutes_left`` for pending."""

    deadline: datetime
    status: str
    minutes_late: int | None = None
    minutes_left: int | None = None

    @property
    def late(self) -> bool:
        return self.status in ("late", "overdue")

    @property
    def label(self) -> str:
        if self.status == "late":
            return f"迟报 {_delay(self.minutes_late or 0)}"
        if self.status == "overdue":
            return f"超时未报 {_delay(self.minutes_late or 0)}"
        if self.status == "pending":
            return f"待上报（还剩 {self.minutes_left} 分钟）"
        return TIMING_LABELS[self.status]


def _delay(minutes: int) -> str:
    """“25 分钟”; from two hours on also in hours and days: “1515 分钟（约 25 小时）”, “约 3 天”."""
    if minutes < 120:
        return f"{minutes} 分钟"
    if minutes < 48 * 60:
        return f"{minutes} 分钟（约 {round(minutes / 60)} 小时）"
    return f"{minutes} 分钟（约 {round(minutes / 1440)} 天）"


def report_timing(received_at: datetime, reported_at: datetime | None, *, now: datetime | None = None,
                  rules: IncidentRules | None = None) -> ReportTiming:
    deadline = report_deadline(received_at, rules)
    if reported_at is not None:
        if reported_at <= deadline:
            return ReportTiming(deadline, "on_time")
        return ReportTiming(deadline, "late", minutes_late=_minutes_after(reported_at, deadline))
    if now is None:
        return ReportTiming(deadline, "unreported")
    if now > deadline:
        return ReportTiming(deadline, "overdue", minutes_late=_minutes_after(now, deadline))
    return ReportTiming(deadline, "pending", minutes_left=_minutes_after(deadline, now))


def correction_deadline(kind: str, occurred_at: datetime | None, received_at: datetime,
                        rules: IncidentRules | None = None) -> date:
    """The last day of the 补报 window: the day it occurred (else was received) + the kind's days."""
    r = rules or incident_rules()
    start = (occurred_at or received_at).date()
    return start + timedelta(days=r.days_for(kind))


def update_is_late(kind: str, occurred_at: datetime | None, received_at: datetime, update_at: datetime,
                   rules: IncidentRules | None = None) -> bool:
    """逾期补报: an update reported after the last day of the window (the update is still kept)."""
    return update_at.date() > correction_deadline(kind, occurred_at, received_at, rules)


@dataclass(frozen=True)
class Figures:
    deaths: int = 0
    serious_injuries: int = 0
    direct_loss_wan: float = 0.0

    @property
    def grade(self) -> str:
        return grade(self.deaths, self.serious_injuries, self.direct_loss_wan)

    @property
    def text(self) -> str:
        return f"死亡 {self.deaths} 人，重伤 {self.serious_injuries} 人，直接经济损失 {_wan(self.direct_loss_wan)} 万元"


def _wan(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def current_figures(first: Figures, updates: Sequence[tuple[datetime, Figures]]) -> Figures:
    """The latest update's figures (by reported time; of two at the same time the later given),
    else the first report's."""
    if not updates:
        return first
    latest = max(range(len(updates)), key=lambda i: (updates[i][0], i))
    return updates[latest][1]


def moment_text(value: datetime | None) -> str:
    """“2026-12-03 23:40”."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


# ---- service

ROLE = "staff"
CREATE = Command("oversight.incident.create", "登记事故信息", ROLE)
UPDATE = Command("oversight.incident.update", "修改事故信息", ROLE)
DELETE = Command("oversight.incident.delete", "删除事故信息", ROLE)
RESTORE = Command("oversight.incident.restore", "恢复事故信息", ROLE)
REPORT = Command("oversight.incident.report", "登记事故上报", ROLE)
ADD_UPDATE = Command("oversight.incident.add_update", "登记事故续报", ROLE)
DELETE_UPDATE = Command("oversight.incident.delete_update", "删除事故续报", ROLE)
LINK_PLAN = Command("oversight.incident.link_plan", "关联启动预案", ROLE)
UNLINK_PLAN = Command("oversight.incident.unlink_plan", "取消关联启动预案", ROLE)

MAX_PEOPLE = 100_000
MAX_LOSS_WAN = 100_000_000.0


def _count_errors(cls: type[Any], data: Any) -> list[FieldError]:
    errors = []
    for name in ("deaths", "serious_injuries"):
        value = getattr(data, name)
        if value is None or value < 0:
            errors.append(FieldError(name, cls.field_label(name), "不能为负数" if value is not None else "请填写"))
        elif value > MAX_PEOPLE:
            errors.append(FieldError(name, cls.field_label(name), f"不能超过 {MAX_PEOPLE} 人，请检查是否填错"))
    loss = data.direct_loss_wan
    if loss is None or loss < 0 or math.isnan(loss):
        errors.append(FieldError("direct_loss_wan", cls.field_label("direct_loss_wan"),
                                 "不能为负数" if loss is not None else "请填写（没有损失填 0）"))
    elif loss > MAX_LOSS_WAN:
        errors.append(FieldError("direct_loss_wan", cls.field_label("direct_loss_wan"), "数额过大，请检查单位是否为万元"))
    return errors


def _plausible(cls: type[Any], name: str, value: datetime | None) -> list[FieldError]:
    if value is not None and not 1930 <= value.year <= 2100:
        return [FieldError(name, cls.field_label(name), f"年份 {value.year} 不在 1930–2100 年之间，请检查是否填错")]
    return []


@dataclass
class IncidentData:
    """What the incident form edits (a plain copy); the grade is derived, not edited."""

    title: str = ""
    kind: str = "other"
    enterprise_id: int | None = None
    region_id: int | None = None
    location: str = ""
    occurred_at: datetime | None = None
    received_at: datetime | None = None
    reported_at: datetime | None = None
    reported_to: str = ""
    deaths: int = 0
    serious_injuries: int = 0
    direct_loss_wan: float = 0.0
    summary: str = ""
    reporter: str = ""

    def cleaned(self) -> IncidentData:
        return replace(self, title=squash(self.title), location=squash(self.location),
                       reported_to=squash(self.reported_to), reporter=squash(self.reporter),
                       summary=self.summary.strip(), kind=self.kind or "other",
                       direct_loss_wan=float(self.direct_loss_wan) if self.direct_loss_wan is not None else None)  # type: ignore[arg-type]


def check_incident(data: IncidentData) -> tuple[IncidentData, list[FieldError]]:
    """The cleaned copy and its problems that need no database."""
    clean = data.cleaned()
    label = Incident.field_label
    errors: list[FieldError] = []
    for name, limit in (("title", 128), ("location", 256), ("reported_to", 128), ("reporter", 64)):
        value = getattr(clean, name)
        if len(value) > limit:
            errors.append(FieldError(name, label(name), f"最多 {limit} 个字，现为 {len(value)} 个字"))
    if not clean.title:
        errors.append(FieldError("title", label("title"), "不能为空"))
    kinds = incident_rules().kinds
    if clean.kind not in kinds:
        errors.append(FieldError("kind", label("kind"), "请从 " + "、".join(kinds.values()) + " 中选择"))
    if clean.received_at is None:
        errors.append(FieldError("received_at", label("received_at"), "请填写接报时间（1 小时上报时限从接报时起算）"))
    for name in ("occurred_at", "received_at", "reported_at"):
        errors += _plausible(Incident, name, getattr(clean, name))
    if clean.received_at is not None:
        if clean.reported_at is not None and clean.reported_at < clean.received_at:
            errors.append(FieldError("reported_at", label("reported_at"),
                                     f"不能早于接报时间 {moment_text(clean.received_at)}"))
        if clean.occurred_at is not None and clean.occurred_at > clean.received_at:
            errors.append(FieldError("occurred_at", label("occurred_at"),
                                     f"不能晚于接报时间 {moment_text(clean.received_at)}"))
    errors += _count_errors(Incident, clean)
    return clean, errors


def _check(session: Session, data: IncidentData) -> IncidentData:
    clean, errors = check_incident(data)
    label = Incident.field_label
    if clean.enterprise_id is not None:
        ent = live_record(session, Enterprise, clean.enterprise_id)
        if ent is None:
            errors.append(FieldError("enterprise_id", label("enterprise_id"), "所选企业已不存在，请重新选择"))
        elif clean.region_id is None:
            clean = replace(clean, region_id=ent.region_id)  # where it happened: the enterprise's region
    if clean.region_id is not None and live_record(session, Region, clean.region_id) is None:
        errors.append(FieldError("region_id", label("region_id"), "所选区域已不存在，请重新选择"))
    raise_errors(errors)
    return clean


def _regrade(session: Session, row: Incident, *, extra: IncidentUpdate | None = None,
             without: int | None = None) -> None:
    """Set the grade from the current figures: the latest live update's (``extra`` one being added,
    ``without`` one being removed), else the first report's — read without flushing, so that the
    whole command bumps the incident's version once."""
    with session.no_autoflush:
        found = session.execute(select(IncidentUpdate.id, IncidentUpdate.reported_at, IncidentUpdate.deaths,
                                       IncidentUpdate.serious_injuries, IncidentUpdate.direct_loss_wan)
                                .where(IncidentUpdate.incident_id == row.id, IncidentUpdate.deleted_at.is_(None))
                                .order_by(IncidentUpdate.reported_at, IncidentUpdate.id)).all()
    updates = [(u[1], Figures(u[2], u[3], u[4])) for u in found if u[0] != without]
    if extra is not None:
        updates.append((extra.reported_at, Figures(extra.deaths, extra.serious_injuries, extra.direct_loss_wan)))
    key = current_figures(Figures(row.deaths, row.serious_injuries, row.direct_loss_wan), updates).grade
    if row.grade != key:
        row.grade = key


def create_incident(uow: UnitOfWork, data: IncidentData) -> int:
    uow.require(CREATE)
    clean = _check(uow.session, data)
    row = Incident(**{f.name: getattr(clean, f.name) for f in fields(clean)},
                   grade=grade(clean.deaths, clean.serious_injuries, clean.direct_loss_wan))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_incident(uow: UnitOfWork, incident_id: int, data: IncidentData, expected_version: int) -> int:
    """Save ``data`` over the incident (the first report's figures); returns its new version."""
    uow.require(UPDATE)
    row = uow.get_for_update(Incident, incident_id, expected_version)
    clean = _check(uow.session, data)
    for f in fields(clean):
        value = getattr(clean, f.name)
        if getattr(row, f.name) != value:
            setattr(row, f.name, value)
    _regrade(uow.session, row)
    uow.session.flush()
    return row.version


def delete_incident(uow: UnitOfWork, incident_id: int, expected_version: int) -> None:
    """Move an incident to the recycle bin (its updates and plan links stay with it)."""
    uow.require(DELETE)
    row = uow.get_for_update(Incident, incident_id, expected_version)
    uow.soft_delete(row)
    uow.session.flush()


def restore_incident(uow: UnitOfWork, incident_id: int, expected_version: int) -> int:
    uow.require(RESTORE)
    row = uow.get_from_bin(Incident, incident_id, expected_version, lambda r: f"事故信息“{r.title}”")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_incident(session: Session, incident_id: int) -> tuple[IncidentData, int]:
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFoundError(Incident.__label__, incident_id)
    return IncidentData(**{f.name: getattr(row, f.name) for f in fields(IncidentData)}), row.version


def mark_reported(uow: UnitOfWork, incident_id: int, reported_at: datetime | None, reported_to: str,
                  expected_version: int) -> int:
    """Record that the incident was reported up (when, to whom); returns the incident's new version."""
    uow.require(REPORT)
    row = uow.get_for_update(Incident, incident_id, expected_version)
    label = Incident.field_label
    if row.reported_at is not None:
        raise StateError(f"事故信息“{row.title}”已于 {moment_text(row.reported_at)} 上报；如需更正上报时间，请修改事故信息。")
    errors: list[FieldError] = []
    if reported_at is None:
        errors.append(FieldError("reported_at", label("reported_at"), "请填写上报时间"))
    elif reported_at < row.received_at:
        errors.append(FieldError("reported_at", label("reported_at"), f"不能早于接报时间 {moment_text(row.received_at)}"))
    else:
        errors += _plausible(Incident, "reported_at", reported_at)
    to = squash(reported_to)
    if len(to) > 128:
        errors.append(FieldError("reported_to", label("reported_to"), f"最多 128 个字，现为 {len(to)} 个字"))
    raise_errors(errors)
    row.reported_at = reported_at
    if to:
        row.reported_to = to
    uow.session.flush()
    return row.version


@dataclass
class UpdateData:
    """A 续报/补报: when it was reported and the figures as they now stand."""

    reported_at: datetime | None = None
    deaths: int = 0
    serious_injuries: int = 0
    direct_loss_wan: float = 0.0
    note: str = ""


def add_update(uow: UnitOfWork, incident_id: int, data: UpdateData, expected_version: int) -> int:
    """Keep a dated correction of the figures (an update after the 补报 window is kept and flagged
    逾期补报); the incident is regraded from the latest figures and its version moves. Returns the
    update's id."""
    uow.require(ADD_UPDATE)
    row = uow.get_for_update(Incident, incident_id, expected_version)
    label = IncidentUpdate.field_label
    clean = replace(data, note=data.note.strip())
    errors: list[FieldError] = []
    if clean.reported_at is None:
        errors.append(FieldError("reported_at", label("reported_at"), "请填写续报时间"))
    elif clean.reported_at < row.received_at:
        errors.append(FieldError("reported_at", label("reported_at"), f"不能早于接报时间 {moment_text(row.received_at)}"))
    else:
        errors += _plausible(IncidentUpdate, "reported_at", clean.reported_at)
    errors += _count_errors(IncidentUpdate, clean)
    raise_errors(errors)
    update = IncidentUpdate(incident_id=incident_id, reported_at=clean.reported_at, deaths=clean.deaths,
                            serious_injuries=clean.serious_injuries, direct_loss_wan=float(clean.direct_loss_wan),
                            note=clean.note)
    _regrade(uow.session, row, extra=update)
    uow.add(update)
    uow.touch(row)
    uow.session.flush()
    return update.id


def delete_update(uow: UnitOfWork, update_id: int, expected_version: int) -> int:
    """Remove a 续报 entered by mistake (soft); the incident is regraded. Returns the incident's version."""
    uow.require(DELETE_UPDATE)
    update = uow.get_for_update(IncidentUpdate, update_id, expected_version)
    row = uow.get(Incident, update.incident_id)
    _regrade(uow.session, row, without=update.id)
    uow.soft_delete(update)
    uow.touch(row)
    uow.session.flush()
    return row.version


def link_plan(uow: UnitOfWork, incident_id: int, plan_id: int, *, activated_at: datetime | None = None,
              response_level: str = "", expected_version: int) -> int:
    """Record a plan activated for the incident; returns the link's id."""
    uow.require(LINK_PLAN)
    row = uow.get_for_update(Incident, incident_id, expected_version)
    label = IncidentPlan.field_label
    errors: list[FieldError] = []
    plan = live_record(uow.session, Plan, plan_id)
    if plan is None:
        errors.append(FieldError("plan_id", label("plan_id"), "所选预案已不存在，请重新选择"))
    if activated_at is not None and activated_at < (row.occurred_at or row.received_at):
        errors.append(FieldError("activated_at", label("activated_at"), "不能早于事故发生（接报）时间"))
    level = squash(response_level)
    if len(level) > 16:
        errors.append(FieldError("response_level", label("response_level"), f"最多 16 个字，现为 {len(level)} 个字"))
    raise_errors(errors)
    link = uow.session.scalar(select(IncidentPlan).where(IncidentPlan.incident_id == incident_id,
                                                         IncidentPlan.plan_id == plan_id))
    if link is not None and not link.is_deleted:
        raise StateError(f"预案“{plan.title}”已关联到此事故。")
    if link is None:
        link = IncidentPlan(incident_id=incident_id, plan_id=plan_id, activated_at=activated_at, response_level=level)
        uow.add(link)
    else:
        uow.restore(link)
        link.activated_at = activated_at
        link.response_level = level
    uow.touch(row)
    uow.session.flush()
    return link.id


def unlink_plan(uow: UnitOfWork, link_id: int, expected_version: int) -> None:
    uow.require(UNLINK_PLAN)
    link = uow.get_for_update(IncidentPlan, link_id, expected_version)
    uow.soft_delete(link)
    uow.touch(uow.get(Incident, link.incident_id))
    uow.session.flush()


# ---- queries


@dataclass(frozen=True)
class IncidentFilter:
    now: datetime  # for incidents not yet reported: overdue or still inside the hour
    text: str = ""  # title, location, reporter, enterprise (every word)
    grade: str = ""
    kind: str = ""
    enterprise_id: int | None = None
    start: date | None = None  # received on or after
    end: date | None = None  # received on or before
    late_only: bool = False  # reported late, or not reported and past the deadline at ``now``
    deleted: bool = False  # the recycle bin instead


@dataclass(frozen=True)
class IncidentRow:
    id: int
    title: str
    kind: str
    enterprise_id: int | None
    enterprise: str
    region: str
    location: str
    occurred_at: datetime | None
    received_at: datetime
    reported_at: datetime | None
    reported_to: str
    grade: str
    figures: Figures  # the current ones (the latest update's, else the first report's)
    updates: int
    timing: ReportTiming
    version: int
    deleted: bool

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def minutes_late(self) -> int | None:
        return self.timing.minutes_late

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "kind_label": self.kind_label,
                "enterprise_id": self.enterprise_id, "enterprise": self.enterprise or None,
                "region": self.region or None, "location": self.location,
                "occurred_at": self.occurred_at.isoformat(timespec="minutes") if self.occurred_at else None,
                "received_at": self.received_at.isoformat(timespec="minutes"),
                "reported_at": self.reported_at.isoformat(timespec="minutes") if self.reported_at else None,
                "reported_to": self.reported_to or None,
                "deadline": self.timing.deadline.isoformat(timespec="minutes"),
                "grade": self.grade, "grade_label": self.grade_label, "deaths": self.figures.deaths,
                "serious_injuries": self.figures.serious_injuries, "direct_loss_wan": self.figures.direct_loss_wan,
                "updates": self.updates, "report_status": self.timing.status, "report_label": self.timing.label,
                "late": self.timing.late, "minutes_late": self.minutes_late}


def _grade_rank() -> Any:
    r = incident_rules()
    return case({g.key: i for i, g in enumerate(r.grades)}, value=Incident.grade, else_=len(r.grades))


SORT_KEYS = ("received", "grade", "kind", "enterprise", "reported", "title")
NULLS_LAST = ("reported", "enterprise")


def _sort_columns() -> dict[str, tuple[Any, ...]]:
    return {"received": (Incident.received_at,), "grade": (_grade_rank(), Incident.received_at),
            "kind": (Incident.kind, Incident.received_at), "enterprise": (Enterprise.name, Incident.received_at),
            "reported": (Incident.reported_at,), "title": (Incident.title,)}


def _where(f: IncidentFilter) -> list[Any]:
    where: list[Any] = [Incident.deleted_at.is_not(None) if f.deleted else Incident.deleted_at.is_(None)]
    if f.grade:
        where.append(Incident.grade == f.grade)
    if f.kind:
        where.append(Incident.kind == f.kind)
    if f.enterprise_id is not None:
        where.append(Incident.enterprise_id == f.enterprise_id)
    if f.start is not None:
        where.append(Incident.received_at >= datetime.combine(f.start, time()))
    if f.end is not None:
        where.append(Incident.received_at < datetime.combine(f.end + timedelta(days=1), time()))
    for word in f.text.split():
        pattern = contains_pattern(word)
        where.append(or_(*(c.like(pattern, escape="\\") for c in (
            Incident.title, Incident.location, Incident.reporter, Incident.reported_to, Incident.summary,
            Enterprise.name))))
    return where


def _late_ids(session: Session, f: IncidentFilter) -> list[int] | None:
    """The filter's incidents reported late (or overdue at ``now``): the deadline arithmetic done here,
    the same rule as the rows (incidents are few: hundreds a year in a city)."""
    if not f.late_only:
        return None
    found = session.execute(select(Incident.id, Incident.received_at, Incident.reported_at)
                            .outerjoin(Enterprise, Enterprise.id == Incident.enterprise_id).where(*_where(f))).all()
    rules = incident_rules()
    return [i for i, received, reported in found if report_timing(received, reported, now=f.now, rules=rules).late]


_COLUMNS = (Incident.id, Incident.title, Incident.kind, Incident.enterprise_id,
            func.coalesce(Enterprise.name, "").label("enterprise"), func.coalesce(Region.name, "").label("region"),
            Incident.location, Incident.occurred_at, Incident.received_at, Incident.reported_at, Incident.reported_to,
            Incident.grade, Incident.deaths, Incident.serious_injuries, Incident.direct_loss_wan, Incident.version,
            Incident.deleted_at)


def _base(f: IncidentFilter, ids: list[int] | None) -> Select[Any]:
    query = (select(*_COLUMNS).outerjoin(Enterprise, Enterprise.id == Incident.enterprise_id)
             .outerjoin(Region, Region.id == Incident.region_id).where(*_where(f)))
    if ids is not None:
        query = query.where(Incident.id.in_(ids))
    return query


def count(session: Session, f: IncidentFilter) -> int:
    ids = _late_ids(session, f)
    if ids is not None:
        return len(ids)
    query = select(func.count()).select_from(Incident).outerjoin(Enterprise, Enterprise.id == Incident.enterprise_id)
    return int(session.scalar(query.where(*_where(f))) or 0)


def _updates_of(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[datetime, Figures]]]:
    out: dict[int, list[tuple[datetime, Figures]]] = {}
    if not ids:
        return out
    for iid, at, deaths, injuries, loss in session.execute(
            select(IncidentUpdate.incident_id, IncidentUpdate.reported_at, IncidentUpdate.deaths,
                   IncidentUpdate.serious_injuries, IncidentUpdate.direct_loss_wan)
            .where(IncidentUpdate.incident_id.in_(ids), IncidentUpdate.deleted_at.is_(None))
            .order_by(IncidentUpdate.incident_id, IncidentUpdate.reported_at, IncidentUpdate.id)):
        out.setdefault(iid, []).append((at, Figures(deaths, injuries, loss)))
    return out


def _rows(session: Session, found: Sequence[Any], now: datetime) -> list[IncidentRow]:
    updates = _updates_of(session, [r.id for r in found])
    rules = incident_rules()
    out = []
    for r in found:
        ups = updates.get(r.id, [])
        figures = current_figures(Figures(r.deaths, r.serious_injuries, r.direct_loss_wan), ups)
        out.append(IncidentRow(r.id, r.title, r.kind, r.enterprise_id, r.enterprise, r.region, r.location,
                               r.occurred_at, r.received_at, r.reported_at, r.reported_to, r.grade, figures, len(ups),
                               report_timing(r.received_at, r.reported_at, now=now, rules=rules), r.version,
                               r.deleted_at is not None))
    return out


def page(session: Session, f: IncidentFilter, *, offset: int = 0, limit: int = 100, sort: str = "received",
         descending: bool = True, total: int | None = None) -> list[IncidentRow]:
    """Rows ``offset`` … ``offset + limit`` in ``sort`` order (``SORT_KEYS``; the newest first by default)."""
    ids = _late_ids(session, f)
    if ids is not None and not ids:
        return []
    columns = _sort_columns()
    if sort not in columns:
        raise ValueError(f"unknown sort key {sort!r}")
    reverse, start, size = window(offset, limit, total)
    query = order_by_key(_base(f, ids), columns, sort, descending, Incident.id, nulls_last=NULLS_LAST, reverse=reverse)
    found = list(session.execute(query.offset(start).limit(size)))
    if reverse:
        found.reverse()
    return _rows(session, found, f.now)


def rows(session: Session, f: IncidentFilter, *, sort: str = "received", descending: bool = True) -> list[IncidentRow]:
    """Every row the filter selects (the CLI)."""
    return page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


@dataclass(frozen=True)
class UpdateRow:
    id: int
    reported_at: datetime
    figures: Figures
    note: str
    late: bool  # 逾期补报: after the correction window (kept all the same)
    version: int

    @property
    def grade_label(self) -> str:
        return grade_label(self.figures.grade)


@dataclass(frozen=True)
class PlanLinkRow:
    id: int
    plan_id: int
    plan_no: str
    plan_title: str
    activated_at: datetime | None
    response_level: str
    version: int


@dataclass(frozen=True)
class IncidentDetail:
    row: IncidentRow
    summary: str
    reporter: str
    correction_until: date  # the last day of the 补报 window
    first: Figures  # as first reported
    updates: list[UpdateRow]
    plans: list[PlanLinkRow]

    def correction_open(self, as_of: date) -> bool:
        return as_of <= self.correction_until


def detail(session: Session, incident_id: int, now: datetime) -> IncidentDetail:
    found = session.execute(_base(IncidentFilter(now=now), [incident_id])).first()
    if found is None:
        found = session.execute(_base(IncidentFilter(now=now, deleted=True), [incident_id])).first()
    if found is None:
        raise NotFoundError(Incident.__label__, incident_id)
    row = _rows(session, [found], now)[0]
    obj = session.get(Incident, incident_id)
    assert obj is not None
    rules = incident_rules()
    until = correction_deadline(obj.kind, obj.occurred_at, obj.received_at, rules)
    updates = [UpdateRow(u.id, u.reported_at, Figures(u.deaths, u.serious_injuries, u.direct_loss_wan), u.note,
                         u.reported_at.date() > until, u.version)
               for u in session.scalars(select(IncidentUpdate).where(
                   IncidentUpdate.incident_id == incident_id, IncidentUpdate.deleted_at.is_(None))
                   .order_by(IncidentUpdate.reported_at, IncidentUpdate.id))]
    plans = [PlanLinkRow(link_id, plan_id, plan_no or "", title, at, level, version)
             for link_id, plan_id, plan_no, title, at, level, version in session.execute(
                 select(IncidentPlan.id, IncidentPlan.plan_id, Plan.plan_no, Plan.title, IncidentPlan.activated_at,
                        IncidentPlan.response_level, IncidentPlan.version)
                 .join(Plan, Plan.id == IncidentPlan.plan_id)
                 .where(IncidentPlan.incident_id == incident_id, IncidentPlan.deleted_at.is_(None))
                 .order_by(IncidentPlan.activated_at, IncidentPlan.id))]
    return IncidentDetail(row, obj.summary, obj.reporter, until, Figures(obj.deaths, obj.serious_injuries,
                                                                          obj.direct_loss_wan), updates, plans)


def grade_counts(session: Session, start: date, end: date, *, enterprise_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Incidents received from ``start`` to ``end`` (inclusive) per grade key, every grade present
    (the highest first)."""
    query = (select(Incident.grade, func.count()).where(
        Incident.deleted_at.is_(None), Incident.received_at >= datetime.combine(start, time()),
        Incident.received_at < datetime.combine(end + timedelta(days=1), time())).group_by(Incident.grade))
    if enterprise_ids is not None:
        query = query.where(Incident.enterprise_id.in_(enterprise_ids))
    found = dict(session.execute(query).all())
    return {g.key: int(found.get(g.key, 0)) for g in incident_rules().grades}


# ---- due items

DUE_LABELS = {"incident_unreported": "事故未上报", "incident_late": "事故迟报", "incident_correction": "事故补报期限"}


def _md(value: datetime | date) -> str:
    text = f"{value.month}月{value.day}日"
    return f"{text} {value:%H:%M}" if isinstance(value, datetime) else text


def incident_due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    """Incidents received by ``as_of`` and not yet reported (danger: the 1-hour deadline), reported
    late within the last ``within`` days (warning, "迟报 N 分钟"), and 补报 windows (30 days, 7 for
    road traffic and fire) still open and closing within ``within`` days (warning)."""
    rules = incident_rules()
    longest = max([rules.correction_days, *rules.kind_correction_days.values()])
    end = datetime.combine(as_of + timedelta(days=1), time())
    earliest = as_of - timedelta(days=max(within, longest) + 1)
    query = (select(Incident.id, Incident.title, Incident.kind, Incident.enterprise_id,
                    func.coalesce(Enterprise.name, ""), Incident.occurred_at, Incident.received_at, Incident.reported_at,
                    Incident.grade)
             .outerjoin(Enterprise, Enterprise.id == Incident.enterprise_id)
             .where(Incident.deleted_at.is_(None), Incident.received_at < end,
                    or_(Incident.reported_at.is_(None), Incident.received_at >= datetime.combine(earliest, time())))
             .order_by(Incident.received_at, Incident.id))
    if enterprise_id is not None:
        query = query.where(Incident.enterprise_id == enterprise_id)
    out: list[DueItem] = []
    for iid, title, kind, ent_id, ent, occurred, received, reported, grade_key in session.execute(query):
        deadline = report_deadline(received, rules)
        name = f"{title}（{rules.grade_label(grade_key)}）"
        if reported is None:
            out.append(DueItem("oversight", "incident_unreported", DUE_LABELS["incident_unreported"], "incident", iid,
                               ent_id, ent, name, f"{_md(received)} 接报，应于 {_md(deadline)} 前上报，尚未上报",
                               deadline.date(), days_between(as_of, deadline.date()), "danger"))
        else:
            timing = report_timing(received, reported, rules=rules)
            if timing.late and as_of - timedelta(days=within) <= reported.date() <= as_of:
                out.append(DueItem("oversight", "incident_late", DUE_LABELS["incident_late"], "incident", iid, ent_id,
                                   ent, name, f"迟报 {timing.minutes_late} 分钟（{_md(received)} 接报，"
                                   f"{_md(reported)} 上报，时限 {_md(deadline)}）", deadline.date(),
                                   days_between(as_of, deadline.date()), "warning"))
        until = correction_deadline(kind, occurred, received, rules)
        if as_of <= until and in_window(until, as_of, within):
            out.append(DueItem("oversight", "incident_correction", DUE_LABELS["incident_correction"], "incident", iid,
                               ent_id, ent, name, f"{rules.kind_label(kind)}自发生之日起 {rules.days_for(kind)} 日内，"
                               f"伤亡人数发生变化的应及时补报（截至 {_md(until)}）", until,
                               days_between(as_of, until), "warning"))
    return out


# ---- demo


@dataclass(frozen=True)
class _DemoIncident:
    title: str  # at an enterprise: what happened, after its name
    kind: str
    days_ago: int
    at: time
    deaths: int
    injuries: int
    loss: float
    where: str  # "county": another county of the city; "enterprise": at a demo enterprise; "": on a road here
    location: str
    minutes_to_report: int | None = 35  # None: not reported yet
    update: tuple[int, int, int, float, str] | None = None  # days after, deaths, injuries, loss, note
    industries: tuple[str, ...] = ()  # the enterprise's industry (its code or its parent's)


_DEMO: tuple[_DemoIncident, ...] = (
    _DemoIncident("化工园区储罐区爆炸事故", "hazchem", 290, time(14, 20), 31, 58, 21500.0, "county", "化工园区东区储罐区", 28,
                  (6, 33, 61, 23800.0, "2 名重伤人员经抢救无效死亡，直接经济损失核定增加")),
    _DemoIncident("煤矿井下透水事故", "mining", 200, time(3, 15), 12, 6, 4200.0, "county", "某煤矿 -450 米水平运输大巷", 41),
    _DemoIncident("国道多车相撞事故", "road", 150, time(7, 45), 4, 9, 380.0, "county", "国道 G327 K86+300 处", 50),
    _DemoIncident("火灾事故", "fire", 95, time(23, 40), 2, 12, 1650.0, "enterprise", "地下一层仓储区", 61,
                  (3, 3, 11, 1720.0, "1 名重伤人员经抢救无效死亡"), ("crowded", "trade")),
    _DemoIncident("塔吊倒塌事故", "construction", 70, time(10, 5), 3, 2, 260.0, "enterprise", "在建项目 7 号楼", 47,
                  None, ("construction",)),
    _DemoIncident("粉尘爆燃事故", "industrial", 40, time(16, 30), 1, 3, 85.0, "enterprise", "抛光车间", 55,
                  (36, 1, 4, 96.0, "逾期补报：1 名轻伤人员转为重伤"), ("metallurgy", "manufacturing")),
    _DemoIncident("叉车作业伤害事故", "industrial", 21, time(9, 10), 1, 0, 42.0, "enterprise", "成品仓库装卸区", 30,
                  None, ("manufacturing", "trade")),
    _DemoIncident("电梯困人伤害事故", "equipment", 9, time(19, 25), 0, 1, 6.5, "enterprise", "3 号楼客梯", 25,
                  None, ("crowded", "tourism")),
    _DemoIncident("危化品运输车辆侧翻事故", "road", 3, time(22, 50), 0, 2, 65.0, "", "国道 G205 城区段", 44),
    _DemoIncident("有限空间中毒窒息事故", "hazchem", 1, time(15, 40), 2, 1, 120.0, "enterprise", "污水处理池", None,
                  None, ("hazchem",)),
)
REPORTED_TO = "市人民政府总值班室、省应急管理厅"


def demo_incidents(session_or_uow: UnitOfWork, enterprises: Sequence[Any], as_of: date,
                   rng: random.Random) -> list[int]:
    """Write the demo incidents through the services in ``session_or_uow`` (a unit of work) and return
    their ids: one of every grade over the year before ``as_of`` — the 特别重大 and 重大 ones and a 较大
    road accident in other counties of the city, the rest mostly at the demo's enterprises —, one
    reported late across midnight (23:40 received, 00:41 reported: 1 minute late), a 续报 within the
    window and one 逾期补报, one received the day before and not yet reported, and a plan of the
    enterprise activated for its fire. ``enterprises``: ``models.core.demo.DemoEnterprise`` rows (id,
    name, industry_code, region_code)."""
    uow = session_or_uow
    session = uow.session
    counties = _other_counties(session, {e.region_code for e in enterprises})
    ids: list[int] = []
    fire: tuple[int, int] | None = None  # (incident, enterprise)
    for n, spec in enumerate(_DEMO):
        received = datetime.combine(as_of - timedelta(days=spec.days_ago), spec.at)
        if spec.at != time(23, 40):
            received += timedelta(minutes=rng.randint(0, 9))
        occurred = received - timedelta(minutes=rng.randint(8, 25))
        ent = _pick(enterprises, spec.industries, rng) if spec.where == "enterprise" else None
        region_id, county = counties[n % len(counties)] if spec.where == "county" and counties else (None, "")
        reported = received + timedelta(minutes=spec.minutes_to_report) if spec.minutes_to_report is not None else None
        title = f"{ent.name}{spec.title}" if ent is not None else f"{county}{spec.title}"
        data = IncidentData(title=title[:128], kind=spec.kind, enterprise_id=ent.id if ent is not None else None,
                            region_id=region_id, location=f"{county}{spec.location}", occurred_at=occurred,
                            received_at=received, reported_at=reported, reported_to=REPORTED_TO if reported else "",
                            deaths=spec.deaths, serious_injuries=spec.injuries, direct_loss_wan=spec.loss,
                            summary=f"{_md(occurred)}，{spec.location}发生{spec.title.removesuffix('事故')}，"
                                    f"造成 {spec.deaths} 人死亡、{spec.injuries} 人重伤，"
                                    f"直接经济损失约 {_wan(spec.loss)} 万元。",
                            reporter=rng.choice(("张伟", "王芳", "李强", "刘洋", "陈静")))
        iid = create_incident(uow, data)
        ids.append(iid)
        if spec.update is not None:
            after, deaths, injuries, loss, note = spec.update
            row = session.get(Incident, iid)
            assert row is not None
            add_update(uow, iid, UpdateData(received + timedelta(days=after, hours=2), deaths, injuries, loss, note),
                       row.version)
        if spec.kind == "fire" and ent is not None:
            fire = (iid, ent.id)
    if fire is not None:
        plan_id = session.scalar(select(Plan.id).where(Plan.enterprise_id == fire[1], Plan.deleted_at.is_(None),
                                                       Plan.status != "retired").order_by(Plan.id).limit(1))
        row = session.get(Incident, fire[0])
        if plan_id is not None and row is not None:
            link_plan(uow, fire[0], plan_id, activated_at=row.received_at + timedelta(minutes=15),
                      response_level="Ⅲ级", expected_version=row.version)
    return ids


def _pick(enterprises: Sequence[Any], industries: tuple[str, ...], rng: random.Random) -> Any:
    fitting = [e for e in enterprises if e.industry_code.split(".")[0] in industries] or list(enterprises)
    return rng.choice(fitting) if fitting else None


def _other_counties(session: Session, used_codes: set[str]) -> list[tuple[int, str]]:
    """The city's counties (县, level 2) where the demo's big incidents happen: those no demo
    enterprise sits in first, then any 县, then any district."""
    regions = session.execute(select(Region.id, Region.code, Region.name, Region.parent_code, Region.level)
                              .where(Region.deleted_at.is_(None)).order_by(Region.sort_order, Region.id)).all()
    parent = {r.code: r.parent_code for r in regions}
    level = {r.code: r.level for r in regions}
    used = set()
    for code in used_codes:
        while level.get(code, 0) > 2 and parent.get(code):
            code = parent[code]  # type: ignore[assignment]
        used.add(code)
    districts = [r for r in regions if r.level == 2]
    counties = [r for r in districts if r.name.endswith("县")]
    for found in ([r for r in counties if r.code not in used], counties,
                  [r for r in districts if r.code not in used], districts):
        if found:
            return [(r.id, r.name) for r in found]
    return []


def incidents_step(as_of: date) -> DemoStep:
    """The demo step that runs ``demo_incidents`` (after the enterprises and plans steps)."""

    def run(ctx: DemoContext) -> None:
        ctx.report(0, "正在生成事故信息…")
        with ctx.unit() as uow:
            ids = demo_incidents(uow, ctx.enterprises, as_of, ctx.rng("incidents"))
            ctx.wrote(Incident, ids)
            ctx.wrote(IncidentUpdate, list(uow.session.scalars(select(IncidentUpdate.id).where(
                IncidentUpdate.incident_id.in_(ids)).order_by(IncidentUpdate.id))))
            ctx.wrote(IncidentPlan, list(uow.session.scalars(select(IncidentPlan.id).where(
                IncidentPlan.incident_id.in_(ids)).order_by(IncidentPlan.id))))
        ctx.tally("oversight.incidents", "事故信息", len(ids))
        ctx.report(1, "事故信息已生成")

    return DemoStep("incidents", "事故信息", run, size=lambda _count: 1)
