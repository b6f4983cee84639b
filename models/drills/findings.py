"""Drill findings and corrective actions (D6): raised on a held drill, tracked 待整改 → 整改中 → 待验证
→ 已关闭 (closed with a verification note; sent back from 待验证 to 整改中 when it does not hold).

A finding marked "requires plan revision" on a published or filed plan records the plan's revision
trigger 演练发现问题 (``drill_findings``, reference data of the plan rules) with a reason that cites
the drill and the finding; when the plan is revised, the new version's revision record carries that
reason (``models.plans.service.freeze``). Overdue actions (``due``) are the due items the home
page will list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.drills.entities import (
    FINDING_KINDS,
    FINDING_STATUSES,
    HELD_STATUSES,
    Drill,
    DrillFinding,
    DrillPlan,
)
from models.plans import service as plan_service
from models.plans.entities import Plan

RAISE = Command("drill.finding.raise", "登记演练发现问题")
LABELS = DrillFinding.__field_labels__
TRIGGER = "drill_findings"


@dataclass(frozen=True)
class Step:
    command: Command
    sources: tuple[str, ...]
    target: str


STEPS: dict[str, Step] = {
    "start": Step(Command("drill.finding.start", "开始整改"), ("open",), "in_progress"),
    "verify": Step(Command("drill.finding.verify", "提请验证"), ("in_progress",), "verifying"),
    "close": Step(Command("drill.finding.close", "验证关闭"), ("verifying",), "closed"),
    "reopen": Step(Command("drill.finding.reopen", "退回整改"), ("verifying",), "in_progress"),
}


@dataclass
class FindingData:
    description: str = ""
    kind: str = "problem"
    plan_id: int | None = None
    section: str = ""
    action: str = ""
    owner: str = ""
    department: str = ""
    due_date: date | None = None
    requires_revision: bool = False


@dataclass(frozen=True)
class Raised:
    id: int
    revision_recorded: bool  # the plan's revision trigger was recorded


def raise_finding(uow: UnitOfWork, drill_id: int, data: FindingData, *, as_of: date) -> Raised:
    uow.require(RAISE)
    drill = uow.session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    if drill.status not in HELD_STATUSES:
        raise StateError("演练实施后才能登记发现的问题。")
    drilled = set(uow.session.scalars(select(DrillPlan.plan_id).where(DrillPlan.drill_id == drill_id,
                                                                     DrillPlan.deleted_at.is_(None))))
    errors = _errors(data, drilled)
    if errors:
        raise ValidationError(errors)
    description = data.description.strip()
    finding = DrillFinding(drill_id=drill_id, kind=data.kind, description=description, plan_id=data.plan_id,
                           section=data.section.strip(), action=data.action.strip(), owner=data.owner.strip(),
                           department=data.department.strip(), due_date=data.due_date, status="open",
                           requires_revision=data.requires_revision)
    uow.add(finding)
    uow.session.flush()
    recorded = False
    if data.requires_revision and data.plan_id is not None:
        plan = uow.session.get(Plan, data.plan_id)
        assert plan is not None
        if plan.status in ("published", "filed"):
            held = drill.held_on.isoformat() if drill.held_on else ""
            reason = f"演练“{drill.title}”（{held}）发现：{description}"[:500]
            plan_service.record_revision_trigger(uow, plan.id, plan.version, trigger=TRIGGER, trigger_date=as_of,
                                                 reason=reason)
            recorded = True
    return Raised(finding.id, recorded)


def _errors(data: FindingData, drilled: set[int]) -> list[FieldError]:
    """What is wrong with a finding of a drill that exercised the plans ``drilled``."""
    errors = []
    if not data.description.strip():
        errors.append(FieldError("description", LABELS["description"], "不能为空"))
    if data.kind not in FINDING_KINDS:
        errors.append(FieldError("kind", LABELS["kind"], "请选择问题或隐患"))
    if data.due_date is None:
        errors.append(FieldError("due_date", LABELS["due_date"], "请填写整改期限"))
    for name, limit in (("owner", 64), ("department", 64), ("section", 200)):
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, LABELS[name], f"最多 {limit} 个字"))
    if data.plan_id is not None and data.plan_id not in drilled:
        errors.append(FieldError("plan_id", LABELS["plan_id"], "只能选择这次演练检验的预案"))
    if data.requires_revision and data.plan_id is None:
        errors.append(FieldError("plan_id", LABELS["plan_id"], "需要修订预案时请选择要修订的预案"))
    return errors


def step(uow: UnitOfWork, finding_id: int, command: str, expected_version: int, *, note: str = "",
         as_of: date | None = None) -> int:
    """Move a finding on (``close`` needs the verification ``note`` and the day, ``as_of``)."""
    move = STEPS[command]
    uow.require(move.command)
    finding = uow.get_for_update(DrillFinding, finding_id, expected_version)
    if finding.status not in move.sources:
        raise StateError(f"整改当前为“{FINDING_STATUSES[finding.status]}”，不能{move.command.label}。")
    if command == "close":
        if not note.strip():
            raise ValidationError([FieldError("verification_note", LABELS["verification_note"],
                                              "验证关闭时请写明验证情况")])
        finding.verification_note, finding.closed_on = note.strip(), as_of
    elif command == "reopen" and note.strip():
        finding.verification_note = note.strip()
    finding.status = move.target
    uow.session.flush()
    return finding.version


@dataclass(frozen=True)
class FindingRow:
    id: int
    drill_id: int
    drill: str
    enterprise_id: int
    kind: str
    description: str
    plan_id: int | None
    owner: str
    department: str
    due_date: date | None
    status: str
    version: int
    overdue_days: int  # 0 when not overdue

    @property
    def status_label(self) -> str:
        return FINDING_STATUSES[self.status]


def findings(session: Session, *, as_of: date, drill_id: int | None = None, open_only: bool = False) -> list[FindingRow]:
    query = (select(DrillFinding, Drill.title, Drill.enterprise_id).join(Drill, Drill.id == DrillFinding.drill_id)
             .where(DrillFinding.deleted_at.is_(None), Drill.deleted_at.is_(None))
             .order_by(DrillFinding.due_date, DrillFinding.id))
    if drill_id is not None:
        query = query.where(DrillFinding.drill_id == drill_id)
    if open_only:
        query = query.where(DrillFinding.status != "closed")
    out = []
    for f, title, enterprise_id in session.execute(query):
        late = (as_of - f.due_date).days if f.due_date and f.status != "closed" and f.due_date < as_of else 0
        out.append(FindingRow(f.id, f.drill_id, title, enterprise_id, f.kind, f.description, f.plan_id, f.owner,
                              f.department, f.due_date, f.status, f.version, late))
    return out


def due(session: Session, *, as_of: date) -> list[FindingRow]:
    """Corrective actions past their deadline and not closed: the home page's due items."""
    return [f for f in findings(session, as_of=as_of, open_only=True) if f.overdue_days > 0]


IMPORT = Command("drill.finding.import", "批量导入演练发现问题", role="admin")


@dataclass(frozen=True)
class FindingRecord:
    """A finding as it stands, for ``import_findings``: raised on ``raised_on`` and moved on to
    ``status`` (a closed one with its verification note and day)."""

    drill_id: int
    data: FindingData
    raised_on: date
    status: str = "open"
    verification_note: str = ""
    closed_on: date | None = None


@dataclass(frozen=True)
class ImportedFindings:
    ids: list[int]
    revisions: list[int]  # the plans whose revision trigger was recorded


def import_findings(uow: UnitOfWork, items: Sequence[FindingRecord]) -> ImportedFindings:
    """Write many findings at once (a ledger brought in, the demo); each is checked as
    ``raise_finding`` and the steps check it (a held drill, the drill's own plans, a closed one with
    its verification note). A finding that requires a revision of a published or filed plan records
    the plan's revision trigger as ``raise_finding`` does — once per plan, the latest raised finding's
    reason. The first problem stops the whole batch (第 N 条); nothing is written then."""
    uow.require(IMPORT)
    drill_ids = sorted({item.drill_id for item in items})
    drills: dict[int, tuple[str, str, date | None]] = {}
    drilled: dict[int, set[int]] = {}
    for start in range(0, len(drill_ids), 2000):
        chunk = drill_ids[start:start + 2000]
        for did, title, status, held in uow.session.execute(select(Drill.id, Drill.title, Drill.status, Drill.held_on)
                                                            .where(Drill.id.in_(chunk), Drill.deleted_at.is_(None))):
            drills[did] = (title, status, held)
        for did, pid in uow.session.execute(select(DrillPlan.drill_id, DrillPlan.plan_id).where(
                DrillPlan.drill_id.in_(chunk), DrillPlan.deleted_at.is_(None))):
            drilled.setdefault(did, set()).add(pid)
    for n, item in enumerate(items, start=1):
        drill = drills.get(item.drill_id)
        errors = [FieldError("drill_id", "演练", "演练不存在或尚未实施")] if drill is None or \
            drill[1] not in HELD_STATUSES else _errors(item.data, drilled.get(item.drill_id, set()))
        if item.status not in FINDING_STATUSES:
            errors.append(FieldError("status", LABELS["status"], f"没有“{item.status}”这个状态"))
        elif item.status == "closed" and (not item.verification_note.strip() or item.closed_on is None):
            errors.append(FieldError("verification_note", LABELS["verification_note"], "已关闭的问题须写明验证情况和关闭日期"))
        if errors:
            raise ValidationError([FieldError(e.field, f"第 {n} 条问题的{e.label}", e.message) for e in errors])
    ids = uow.reserve_ids(DrillFinding, len(items))
    uow.insert_rows(DrillFinding, [
        {"id": fid, "drill_id": item.drill_id, "kind": item.data.kind, "description": item.data.description.strip(),
         "plan_id": item.data.plan_id, "section": item.data.section.strip(), "action": item.data.action.strip(),
         "owner": item.data.owner.strip(), "department": item.data.department.strip(),
         "due_date": item.data.due_date, "status": item.status, "requires_revision": item.data.requires_revision,
         "verification_note": item.verification_note.strip(), "closed_on": item.closed_on}
        for fid, item in zip(ids, items, strict=True)])
    latest: dict[int, FindingRecord] = {}
    for item in items:
        pid = item.data.plan_id
        if item.data.requires_revision and pid is not None and (
                pid not in latest or item.raised_on >= latest[pid].raised_on):
            latest[pid] = item
    plans = {p.id: p for p in uow.session.scalars(select(Plan).where(Plan.id.in_(sorted(latest))))} if latest else {}
    revised = []
    for pid, item in sorted(latest.items()):
        plan = plans.get(pid)
        if plan is None or plan.status not in ("published", "filed"):
            continue
        title, _status, held = drills[item.drill_id]
        reason = f"演练“{title}”（{held.isoformat() if held else ''}）发现：{item.data.description.strip()}"[:500]
        plan_service.record_revision_trigger(uow, pid, plan.version, trigger=TRIGGER, trigger_date=item.raised_on,
                                             reason=reason)
        revised.append(pid)
    return ImportedFindings(ids, revised)
