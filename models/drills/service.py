"""Drills (D1): validation and the write services — create, update, the lifecycle, reschedule, delete,
restore — through the unit of work (audit, version check), and a form's copy of a drill.

The lifecycle: 计划 → 准备 → 实施 (the day it was held is recorded) → 评估 → 完成; 取消 with a
reason from any status before 完成. Rescheduling a planned or preparing drill asks for a reason,
which the audit trail keeps with the old and new time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.drills.entities import (
    DRILL_CONTENTS,
    DRILL_FORMS,
    DRILL_PURPOSES,
    DRILL_STATUSES,
    Drill,
    DrillPlan,
)
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan, PlanVersion

CREATE = Command("drill.create", "新建演练")
UPDATE = Command("drill.update", "修改演练")
RESCHEDULE = Command("drill.reschedule", "演练改期")
DELETE = Command("drill.delete", "删除演练")
RESTORE = Command("drill.restore", "恢复演练")

LABELS = Drill.__field_labels__
EDITABLE = ("planned", "preparing")


@dataclass(frozen=True)
class Step:
    command: Command
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Step] = {
    "prepare": Step(Command("drill.prepare", "开始准备"), ("planned",), "preparing"),
    "conduct": Step(Command("drill.conduct", "记录实施"), ("planned", "preparing"), "conducting"),
    "evaluate": Step(Command("drill.evaluate", "转入评估"), ("conducting",), "evaluating"),
    "complete": Step(Command("drill.complete", "完成演练"), ("evaluating",), "done"),
    "cancel": Step(Command("drill.cancel", "取消演练"), ("planned", "preparing", "conducting", "evaluating"),
                   "cancelled"),
}

_TEXT_LIMITS = {"drill_no": 64, "title": 200, "location": 200, "organiser": 128}


@dataclass
class DrillData:
    """What a form edits: a plain copy, never a live ORM object."""

    enterprise_id: int | None = None
    title: str = ""
    planned_at: datetime | None = None
    drill_no: str = ""
    scenario: str = ""
    content_type: str = "single"
    form: str = "live"
    purpose: str = "testing"
    location: str = ""
    organiser: str = ""
    participants: str = ""
    teams: str = ""
    people_count: int = 0
    notes: str = ""
    plan_ids: list[int] = field(default_factory=list)

    def cleaned(self) -> DrillData:
        out = replace(self, plan_ids=list(dict.fromkeys(self.plan_ids)))
        for name in ("title", "drill_no", "location", "organiser"):
            setattr(out, name, " ".join(str(getattr(out, name)).split()))
        for name in ("scenario", "participants", "teams", "notes"):
            setattr(out, name, str(getattr(out, name)).strip())
        return out


_SCALARS = ("enterprise_id", "title", "planned_at", "drill_no", "scenario", "content_type", "form", "purpose",
            "location", "organiser", "participants", "teams", "people_count", "notes")


def validate(data: DrillData) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.enterprise_id is None:
        errors.append(FieldError("enterprise_id", LABELS["enterprise_id"], "请选择演练的企业"))
    if not data.title:
        errors.append(FieldError("title", LABELS["title"], "不能为空"))
    if data.planned_at is None:
        errors.append(FieldError("planned_at", LABELS["planned_at"], "请填写计划的日期和时间"))
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, LABELS[name], f"最多 {limit} 个字，现为 {len(getattr(data, name))} 个字"))
    for name, choices in (("content_type", DRILL_CONTENTS), ("form", DRILL_FORMS), ("purpose", DRILL_PURPOSES)):
        if getattr(data, name) not in choices:
            errors.append(FieldError(name, LABELS[name], "请从 " + "、".join(choices.values()) + " 中选择"))
    if not 0 <= data.people_count <= 100_000:
        errors.append(FieldError("people_count", LABELS["people_count"], "应在 0 到 100000 之间"))
    if not data.plan_ids:
        errors.append(FieldError("plan_ids", "演练的预案", "请至少选择一个要检验的预案"))
    return errors


def _checked(uow: UnitOfWork, data: DrillData) -> DrillData:
    clean = data.cleaned()
    errors = validate(clean)
    if clean.enterprise_id is not None and not any(e.field == "enterprise_id" for e in errors):
        ent = uow.session.get(Enterprise, clean.enterprise_id)
        if ent is None or ent.is_deleted:
            errors.append(FieldError("enterprise_id", LABELS["enterprise_id"], "所选企业已不存在，请重新选择"))
        elif clean.plan_ids:
            rows = dict(uow.session.execute(select(Plan.id, Plan.enterprise_id).where(
                Plan.id.in_(clean.plan_ids), Plan.deleted_at.is_(None))).all())
            missing = [pid for pid in clean.plan_ids if pid not in rows]
            other = [pid for pid, eid in rows.items() if eid != clean.enterprise_id]
            if missing:
                errors.append(FieldError("plan_ids", "演练的预案", "所选预案已不存在或已删除，请重新选择"))
            elif other:
                errors.append(FieldError("plan_ids", "演练的预案", "只能选择本企业的预案"))
    if errors:
        raise ValidationError(errors)
    return clean


def _latest_versions(session: Session, plan_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(select(PlanVersion.plan_id, func.max(PlanVersion.number))
                           .where(PlanVersion.plan_id.in_(plan_ids)).group_by(PlanVersion.plan_id))
    return {pid: number for pid, number in rows}


def _apply_plans(uow: UnitOfWork, drill: Drill, plan_ids: Sequence[int]) -> bool:
    """Make the drill's plans ``plan_ids``; each new one records the version in force now."""
    existing = {p.plan_id: p for p in drill.plans if not p.is_deleted}
    versions = _latest_versions(uow.session, [pid for pid in plan_ids if pid not in existing])
    changed = False
    for pid in plan_ids:
        if pid not in existing:
            uow.add(DrillPlan(drill=drill, plan_id=pid, plan_version=versions.get(pid)))
            changed = True
    for pid, row in existing.items():
        if pid not in plan_ids:
            uow.soft_delete(row)
            changed = True
    return changed


def create(uow: UnitOfWork, data: DrillData) -> int:
    uow.require(CREATE)
    clean = _checked(uow, data)
    drill = Drill(**{k: getattr(clean, k) for k in _SCALARS}, status="planned")
    uow.add(drill)
    _apply_plans(uow, drill, clean.plan_ids)
    uow.session.flush()
    return drill.id


def update(uow: UnitOfWork, drill_id: int, data: DrillData, expected_version: int) -> int:
    """Save ``data`` over a drill still being planned or prepared; the planned time changes only
    through ``reschedule`` (which asks for a reason). Returns the new version."""
    uow.require(UPDATE)
    drill = uow.get_for_update(Drill, drill_id, expected_version)
    if drill.status not in EDITABLE:
        raise StateError(f"演练当前状态为“{DRILL_STATUSES[drill.status]}”，不能再修改计划内容。")
    clean = _checked(uow, data)
    if clean.planned_at != drill.planned_at:
        raise ValidationError([FieldError("planned_at", LABELS["planned_at"], "改期请用“改期”，并填写原因")])
    if clean.enterprise_id != drill.enterprise_id:
        raise ValidationError([FieldError("enterprise_id", LABELS["enterprise_id"], "演练的企业不能更改")])
    for key in _SCALARS:
        if getattr(drill, key) != getattr(clean, key):
            setattr(drill, key, getattr(clean, key))
    if _apply_plans(uow, drill, clean.plan_ids):
        uow.touch(drill)
    uow.session.flush()
    return drill.version


def reschedule(uow: UnitOfWork, drill_id: int, planned_at: datetime, reason: str, expected_version: int) -> int:
    uow.require(RESCHEDULE)
    drill = uow.get_for_update(Drill, drill_id, expected_version)
    if drill.status not in EDITABLE:
        raise StateError(f"演练当前状态为“{DRILL_STATUSES[drill.status]}”，不能改期。")
    reason = reason.strip()
    if not reason:
        raise ValidationError([FieldError("reschedule_reason", LABELS["reschedule_reason"], "改期必须填写原因")])
    if planned_at == drill.planned_at:
        raise ValidationError([FieldError("planned_at", LABELS["planned_at"], "新时间与原计划时间相同")])
    drill.planned_at, drill.reschedule_reason = planned_at, reason
    uow.session.flush()
    return drill.version


def transition(uow: UnitOfWork, drill_id: int, command: str, expected_version: int, *,
               held_on: date | None = None, reason: str = "") -> int:
    """Move a drill through ``command``: ``conduct`` records the day it was held (``held_on``),
    ``cancel`` needs a ``reason``. Returns the new version."""
    step = TRANSITIONS[command]
    uow.require(step.command)
    drill = uow.get_for_update(Drill, drill_id, expected_version)
    if drill.status not in step.sources:
        raise StateError(f"演练当前状态为“{DRILL_STATUSES[drill.status]}”，不能{step.command.label}。")
    if command == "conduct":
        if held_on is None:
            raise ValidationError([FieldError("held_on", LABELS["held_on"], "请填写演练实际实施的日期")])
        drill.held_on = held_on
    if command == "cancel":
        if not reason.strip():
            raise ValidationError([FieldError("cancel_reason", LABELS["cancel_reason"], "取消演练必须填写原因")])
        drill.cancel_reason = reason.strip()
    drill.status = step.target
    uow.session.flush()
    return drill.version


def delete(uow: UnitOfWork, drill_id: int, expected_version: int) -> None:
    uow.require(DELETE)
    uow.soft_delete(uow.get_for_update(Drill, drill_id, expected_version))
    uow.session.flush()


def restore(uow: UnitOfWork, drill_id: int, expected_version: int) -> int:
    uow.require(RESTORE)
    drill = uow.get_from_bin(Drill, drill_id, expected_version, lambda r: f"演练“{r.title}”")
    uow.restore(drill)
    uow.session.flush()
    return drill.version


def load(session: Session, drill_id: int) -> tuple[DrillData, int]:
    """A form's copy of the drill and the version it was loaded at."""
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise NotFoundError(Drill.__label__, drill_id)
    data = DrillData(**{k: getattr(drill, k) for k in _SCALARS})
    data.plan_ids = [p.plan_id for p in drill.plans if not p.is_deleted]
    return data, drill.version


IMPORT = Command("drill.import", "批量导入演练", role="admin")


@dataclass
class DrillRecord:
    """A drill as it stands, for ``import_drills``: its data, status and, once held, the day."""

    data: DrillData
    status: str = "planned"
    held_on: date | None = None
    cancel_reason: str = ""
    plan_versions: dict[int, int | None] = field(default_factory=dict)  # plan id → version drilled


def import_drills(uow: UnitOfWork, items: Sequence[DrillRecord]) -> list[int]:
    """Write many drills with their plans at once (a ledger brought in, the demo); returns their ids.

    Each is checked as ``create`` checks it, plus its status: a drill that was held has its day, a
    cancelled one its reason, plans of its own enterprise only. The first problem stops the whole
    batch, naming the item (第 N 条); nothing is written then.
    """
    uow.require(IMPORT)
    clean = [replace(item, data=item.data.cleaned()) for item in items]
    plan_ids = {pid for item in clean for pid in item.data.plan_ids}
    owner: dict[int, int] = {}
    for start in range(0, len(plan_ids), 2000):
        chunk = sorted(plan_ids)[start:start + 2000]
        owner.update(uow.session.execute(select(Plan.id, Plan.enterprise_id).where(
            Plan.id.in_(chunk), Plan.deleted_at.is_(None))).all())
    for n, item in enumerate(clean, start=1):
        errors = validate(item.data)
        if item.status not in DRILL_STATUSES:
            errors.append(FieldError("status", LABELS["status"], f"没有“{item.status}”这个状态"))
        elif item.status in ("conducting", "evaluating", "done") and item.held_on is None:
            errors.append(FieldError("held_on", LABELS["held_on"], "已实施的演练必须有实施日期"))
        elif item.status == "cancelled" and not item.cancel_reason.strip():
            errors.append(FieldError("cancel_reason", LABELS["cancel_reason"], "取消的演练必须有原因"))
        if any(owner.get(pid) != item.data.enterprise_id for pid in item.data.plan_ids):
            errors.append(FieldError("plan_ids", "演练的预案", "只能选择本企业现有的预案"))
        if errors:
            raise ValidationError([FieldError(e.field, f"第 {n} 条演练的{e.label}", e.message) for e in errors])
    ids = uow.reserve_ids(Drill, len(clean))
    uow.insert_rows(Drill, [{"id": i, **{k: getattr(item.data, k) for k in _SCALARS}, "status": item.status,
                             "held_on": item.held_on, "cancel_reason": item.cancel_reason.strip()}
                            for i, item in zip(ids, clean, strict=True)])
    links = [{"drill_id": did, "plan_id": pid, "plan_version": item.plan_versions.get(pid)}
             for did, item in zip(ids, clean, strict=True) for pid in item.data.plan_ids]
    for row, lid in zip(links, uow.reserve_ids(DrillPlan, len(links)), strict=True):
        row["id"] = lid
    uow.insert_rows(DrillPlan, links)
    return ids


PLAN_YEAR = Command("drill.plan_year", "生成年度演练计划")
_KIND_ORDER = ("comprehensive", "special", "onsite", "card")


def plan_year(uow: UnitOfWork, enterprise_id: int, year: int, *, region_code: str | None = None) -> list[int]:
    """Write an enterprise's annual drill plan (年度演练计划) for ``year`` as planned drills, one per
    suggested drill of ``models.drills.rules.annual_plan`` (mid-month, 09:00, editable afterwards),
    each exercising one live plan of every kind group it needs. A half-year that already has a drill
    that is not cancelled is left as it is, so running it again adds nothing. Returns the new ids."""
    from models.core.entities import Industry, Region
    from models.drills.rules import annual_plan, period_of
    from models.enterprises import rules as enterprise_rules

    uow.require(PLAN_YEAR)
    ent = uow.session.get(Enterprise, enterprise_id)
    if ent is None or ent.is_deleted:
        raise NotFoundError(Enterprise.__label__, enterprise_id)
    industry = uow.session.get(Industry, ent.industry_id)
    region = uow.session.get(Region, ent.region_id)
    flags = enterprise_rules.rule_flags(industry.flags if industry is not None else (), vars(ent))
    plans = uow.session.execute(select(Plan.id, Plan.kind, Plan.title).where(
        Plan.enterprise_id == enterprise_id, Plan.deleted_at.is_(None), Plan.status != "retired")
        .order_by(Plan.publish_date.is_(None), Plan.plan_no)).all()
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for pid, kind, title in plans:
        by_kind.setdefault(kind, []).append((pid, title))
    taken = {period_of(when.date(), 6).start for (when,) in uow.session.execute(select(Drill.planned_at).where(
        Drill.enterprise_id == enterprise_id, Drill.deleted_at.is_(None), Drill.status != "cancelled",
        Drill.planned_at >= datetime(year, 1, 1), Drill.planned_at < datetime(year + 1, 1, 1)))}
    count = len(taken)
    ids = []
    for suggestion in annual_plan(flags, by_kind, year, region_code=region.code if region else region_code):
        if period_of(suggestion.month, 6).start in taken:
            continue
        chosen = [next(by_kind[k][0] for k in _KIND_ORDER if k in group and k in by_kind)
                  for group in suggestion.kind_groups]
        count += 1
        names = "、".join(title.removeprefix(ent.name) for _pid, title in chosen)
        data = DrillData(enterprise_id=enterprise_id, title=f"{suggestion.period}应急演练（{names}）"[:200],
                         drill_no=f"YL-{year}-{count:02d}", planned_at=datetime(year, suggestion.month.month, 15, 9),
                         content_type="comprehensive" if len(chosen) > 1 or any(
                             k == "comprehensive" for k in _kinds_of(by_kind, chosen)) else "single",
                         notes="按年度演练计划生成，满足：" + "、".join(suggestion.obligations),
                         plan_ids=[pid for pid, _t in chosen])
        ids.append(create(uow, data))
    return ids


def _kinds_of(by_kind: dict[str, list[tuple[int, str]]], chosen: Sequence[tuple[int, str]]) -> list[str]:
    ids = {pid for pid, _t in chosen}
    return [k for k, items in by_kind.items() if any(pid in ids for pid, _t in items)]
