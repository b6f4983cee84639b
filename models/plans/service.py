"""Plan services (P1, P4, P6): create and edit plans, keep their section tree, run the lifecycle.

Everything writes through the unit of work. The lifecycle is data: ``TRANSITIONS`` names, per
command, the statuses it applies to, the status it leads to, and the fields that must be filled
first; ``transition`` is the one function that runs them. Publishing freezes an immutable
``PlanVersion`` (sections, metadata, template); revising starts a new draft from the latest one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import attachments
from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.enterprises.entities import Enterprise
from models.plans import search
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES, Plan, PlanImage, PlanSection, PlanVersion

CREATE = Command("plan.create", "新建预案")



UPDATE = Command("plan.update", "修改预案")



EDIT_SECTIONS = Command("plan.sections", "编辑预案内容")



DELETE = Command("plan.delete", "删除预案")



RESTORE = Command("plan.restore", "恢复预案")



ADD_ATTACHMENT = Command("plan.attachment.add", "添加预案附件")
REMOVE_ATTACHMENT = Command("plan.attachment.remove", "删除预案附件")
LABELS = Plan.__field_labels__
OWNER = Plan.__tablename__  # the owner type of a plan's attachments
ATTACHMENTS_FROZEN = ("retired",)  # a retired plan (废止) keeps its files unchanged



EDITABLE_STATUSES = ("draft", "revising")



IMAGE_MIMES = ("image/png", "image/jpeg")



@dataclass(frozen=True)
class Transition:
    command: Command
    sources: tuple[str, ...]
    target: str
    requires: tuple[str, ...] = ()



TRANSITIONS: dict[str, Transition] = {
    "submit_review": Transition(Command("plan.submit_review", "提交评审"), ("draft", "revising"), "reviewing"),
    "return_review": Transition(Command("plan.return_review", "退回修改"), ("reviewing",), "draft"),
    "publish": Transition(Command("plan.publish", "发布预案"), ("reviewing",), "published",
                          ("plan_no", "review_date", "approver", "publish_date")),
    "file": Transition(Command("plan.file", "登记备案"), ("published",), "filed",
                       ("publish_date", "filing_submitted_date")),
    "start_revision": Transition(Command("plan.start_revision", "开始修订"), ("published", "filed"),
                                 "revising", ("revision_trigger",)),
    "retire": Transition(Command("plan.retire", "废止预案"),
                         ("draft", "reviewing", "published", "filed", "revising"), "retired"),
}



@dataclass
class PlanData:
    """A plan's record fields as a form edits them (status changes go through ``transition``)."""

    kind: str = "comprehensive"
    plan_no: str = ""
    title: str = ""
    parent_plan_id: int | None = None
    version_label: str = "V1.0"
    compiling_unit: str = ""
    compiled_by: str = ""
    approver: str = ""
    review_type: str = ""
    review_date: date | None = None
    reviewers: str = ""
    approval_date: date | None = None
    publish_date: date | None = None
    effective_date: date | None = None
    filing_submitted_date: date | None = None
    filing_number: str = ""
    filing_registered_date: date | None = None
    last_evaluation_date: date | None = None
    controlled: bool = True
    copy_no: str = ""
    holder: str = ""
    notes: str = ""
    template_key: str = ""
    template_version: str = ""
    revision_trigger: str | None = None
    revision_trigger_date: date | None = None
    revision_reason: str = ""



_DATA_FIELDS = [f.name for f in fields(PlanData)]



@dataclass
class SectionInput:
    """One section of the tree as the document layer flattens it (parents before children)."""

    key: str
    title: str
    parent_key: str | None = None
    position: int = 0
    required: bool = False
    template_key: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)


_SECTION_FIELDS = frozenset(f.name for f in fields(SectionInput))



def _field_errors(data: PlanData) -> list[FieldError]:
    """What is wrong with ``data`` on its own (no database needed)."""
    errors: list[FieldError] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, LABELS[name], message))

    if data.kind not in PLAN_KINDS:
        err("kind", "请选择预案类型")
    if not data.plan_no.strip():
        err("plan_no", "不能为空")
    if not data.title.strip():
        err("title", "不能为空")
    if data.review_type not in ("", "评审", "论证"):
        err("review_type", "只能是“评审”或“论证”")
    for earlier, later in (("review_date", "publish_date"), ("approval_date", "publish_date"),
                           ("publish_date", "filing_submitted_date"),
                           ("filing_submitted_date", "filing_registered_date")):
        a, b = getattr(data, earlier), getattr(data, later)
        if a and b and b < a:
            err(later, f"不能早于{LABELS[earlier]}（{a.isoformat()}）")
    return errors


def _parent_error(kind: str, parent: Plan | None, enterprise_id: int) -> str | None:
    if kind == "comprehensive":
        return "综合应急预案是预案体系的顶层，不能挂在其他预案下"
    if parent is None or parent.is_deleted or parent.enterprise_id != enterprise_id:
        return "上级预案必须是本企业的预案"
    if parent.kind != "comprehensive":
        return "专项预案和现场处置方案只能挂在综合应急预案下"
    return None


def _validate(uow: UnitOfWork, enterprise_id: int, data: PlanData, own_id: int | None) -> None:
    errors = _field_errors(data)
    if data.plan_no.strip():
        other = uow.session.scalar(select(Plan.id).where(Plan.enterprise_id == enterprise_id,
                                                         Plan.plan_no == data.plan_no.strip()))
        if other is not None and other != own_id:
            errors.append(FieldError("plan_no", LABELS["plan_no"], f"本企业已有编号为“{data.plan_no.strip()}”的预案"))
    if data.parent_plan_id is not None:
        problem = _parent_error(data.kind, uow.session.get(Plan, data.parent_plan_id), enterprise_id)
        if problem:
            errors.append(FieldError("parent_plan_id", LABELS["parent_plan_id"], problem))
    if errors:
        raise ValidationError(errors)


def create(uow: UnitOfWork, enterprise_id: int, data: PlanData,
                sections: list[SectionInput] | None = None) -> int:
    uow.require(CREATE)
    uow.get(Enterprise, enterprise_id)
    _validate(uow, enterprise_id, data, None)
    plan = Plan(enterprise_id=enterprise_id, status="draft",
                **{k: (v.strip() if isinstance(v, str) else v) for k, v in vars(data).items()})
    uow.add(plan)
    uow.session.flush()
    if sections:
        _write_sections(uow, plan, sections)
    return plan.id



def update(uow: UnitOfWork, plan_id: int, data: PlanData, expected_version: int) -> int:
    """Save the record fields; returns the new version."""
    uow.require(UPDATE)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    if plan.status == "retired":
        raise StateError("已废止的预案不能再修改。")
    _validate(uow, plan.enterprise_id, data, plan_id)
    for key in _DATA_FIELDS:
        value = getattr(data, key)
        value = value.strip() if isinstance(value, str) else value
        if getattr(plan, key) != value:
            setattr(plan, key, value)
    uow.session.flush()
    return plan.version



def save_sections(uow: UnitOfWork, plan_id: int, sections: list[SectionInput], expected_version: int) -> int:
    """Make the stored section tree equal ``sections`` (by key); returns the plan's new version.

    Only drafts and plans under revision can be edited; published content lives in its version.
    """
    uow.require(EDIT_SECTIONS)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    if plan.status not in EDITABLE_STATUSES:
        raise StateError(f"预案状态为“{PLAN_STATUSES[plan.status]}”，不能编辑内容；请先开始修订。")
    if _write_sections(uow, plan, sections):
        uow.touch(plan)
    uow.session.flush()
    return plan.version



def _write_sections(uow: UnitOfWork, plan: Plan, sections: list[SectionInput]) -> bool:
    """Make the plan's live sections equal ``sections`` (by key); True when anything changed.

    New sections get their ids up front (``uow.reserve_ids``), so a whole tree goes in with one
    flush instead of one per section (children carry their parent's id); the search index is
    rewritten for the sections whose text changed, in the same transaction.
    """
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise ValueError("section keys must be unique within a plan")
    seen: set[str] = set()
    for item in sections:
        if item.parent_key and item.parent_key not in seen:
            raise ValueError(f"section {item.key!r} comes before its parent {item.parent_key!r}")
        seen.add(item.key)
    session = uow.session
    existing = {s.key: s for s in session.scalars(
        select(PlanSection).where(PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)))}
    fresh = [item for item in sections if item.key not in existing]
    ids = {key: row.id for key, row in existing.items()}
    ids.update(zip((item.key for item in fresh), uow.reserve_ids(PlanSection, len(fresh)), strict=True))
    added: list[PlanSection] = []
    reindex: list[search.Entry] = []  # sections whose title or content changed, as they were
    updates: list[tuple[PlanSection, dict[str, Any]]] = []
    for item in sections:
        values = {"title": item.title, "position": item.position, "required": item.required,
                  "template_key": item.template_key, "blocks": item.blocks,
                  "parent_id": ids[item.parent_key] if item.parent_key else None}
        row = existing.pop(item.key, None)
        if row is None:
            row = PlanSection(id=ids[item.key], plan_id=plan.id, key=item.key, **values)
            uow.add(row)
            added.append(row)
            continue
        changes = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changes:
            updates.append((row, changes))
            if "title" in changes or "blocks" in changes:
                reindex.append((row.id, row.title, row.blocks))
    if fresh and updates:
        session.flush()  # the new sections first: an existing one may move under one of them
    for row, changes in updates:
        for name, value in changes.items():
            setattr(row, name, value)
    removed = [(row.id, row.title, row.blocks) for row in existing.values()]
    for row in existing.values():
        uow.soft_delete(row)
    changed = bool(fresh or updates or existing)
    if changed:
        session.flush()
        # Keep the search index in step, in this same transaction: out with what was indexed,
        # in with what is stored now.
        changed_ids = {entry[0] for entry in reindex}
        now = [(r.id, r.title, r.blocks) for r in added]
        now += [(r.id, r.title, r.blocks) for r, _c in updates if r.id in changed_ids]
        search.index_sections(session, now, removed=reindex + removed)
    return changed



def add_image(uow: UnitOfWork, plan_id: int, data: bytes, mime: str) -> str:
    """Store an image for the plan once (by content); returns its SHA-256 for image blocks."""
    uow.require(EDIT_SECTIONS)
    uow.get(Plan, plan_id)
    if mime not in IMAGE_MIMES:
        raise ValidationError([FieldError("image", "图片", "只支持 PNG 和 JPEG 图片")])
    digest = hashlib.sha256(data).hexdigest()
    have = uow.session.scalar(select(PlanImage.id).where(PlanImage.plan_id == plan_id,
                                                         PlanImage.sha256 == digest))
    if have is None:
        uow.add(PlanImage(plan_id=plan_id, sha256=digest, mime=mime, data=data))
        uow.session.flush()
    return digest



def transition(uow: UnitOfWork, plan_id: int, command: str, expected_version: int,
               **values: Any) -> int:
    """Run a lifecycle command; ``values`` are record fields set with it (e.g. publish_date).

    Refused with ``StateError`` from a status the command does not apply to, and with
    ``ValidationError`` naming every field the command needs that is still empty.
    Returns the plan's new version.
    """
    uow.require(TRANSITIONS[command].command)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    published = _latest_version_number(uow.session, plan.id)
    if apply_transition(plan, command, values, published):
        uow.add(PlanVersion(plan_id=plan.id, **freeze(plan, [vars(s) for s in section_inputs(uow.session, plan.id)],
                                                       published + 1, attachments.manifest(uow.session, OWNER, plan.id))))
    uow.session.flush()
    return plan.version


# --- the lifecycle rules, on any object with a plan's fields (a stored Plan, or a PlanBuilder's record)


def apply_transition(plan: Any, command: str, values: Mapping[str, Any], published: int) -> bool:
    """Move ``plan`` through ``command`` (its fields set from ``values`` first); ``published`` is how
    many versions it has. Returns True when the command publishes: the caller freezes a version."""
    step = TRANSITIONS[command]
    if plan.status not in step.sources:
        raise StateError(f"预案当前状态为“{PLAN_STATUSES[plan.status]}”，不能{step.command.label}。")
    unknown = set(values) - set(_DATA_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    for key, value in values.items():
        setattr(plan, key, value)
    missing = [FieldError(name, LABELS[name], f"{step.command.label}前必须填写")
               for name in step.requires if not getattr(plan, name)]
    if missing:
        raise ValidationError(missing)
    plan.status = "revising" if command == "return_review" and published else step.target
    return command == "publish"


def freeze(plan: Any, content: list[dict[str, Any]], number: int, manifest: str) -> dict[str, Any]:
    """The values of the version ``plan`` publishes now (``content``: its sections as dicts); the
    revision trigger is answered by it (kept in it as its reason) and cleared on the plan."""
    assert plan.publish_date is not None
    meta = {key: getattr(plan, key) for key in _DATA_FIELDS}
    meta = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in meta.items()}
    meta["attachments"] = manifest
    values = {"number": number, "version_label": plan.version_label, "publish_date": plan.publish_date,
              "reason": plan.revision_trigger, "reason_text": plan.revision_reason, "content": content,
              "meta": meta, "template_key": plan.template_key, "template_version": plan.template_version}
    plan.revision_trigger = None
    plan.revision_trigger_date = None
    return values


def apply_start_revision(plan: Any, published: int, *, trigger: str, reason: str, trigger_date: date,
                         version_label: str) -> None:
    """A new round: the trigger and reason recorded, the previous round's dates cleared."""
    _check_trigger(trigger)
    apply_transition(plan, "start_revision", {"revision_trigger": trigger, "revision_reason": reason,
                                              "revision_trigger_date": trigger_date,
                                              "version_label": version_label}, published)
    for name in ("review_date", "approval_date", "publish_date", "effective_date",
                 "filing_submitted_date", "filing_registered_date"):
        setattr(plan, name, None)
    plan.filing_number = ""


def apply_revision_trigger(plan: Any, *, trigger: str, trigger_date: date, reason: str) -> None:
    if plan.status not in ("published", "filed"):
        raise StateError(f"预案当前状态为“{PLAN_STATUSES[plan.status]}”，无需记录修订原因。")
    _check_trigger(trigger)
    plan.revision_trigger = trigger
    plan.revision_trigger_date = trigger_date
    plan.revision_reason = reason


def _latest_version_number(session: Session, plan_id: int) -> int:
    return session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan_id)) or 0



def section_rows(session: Session, plan_id: int) -> list[PlanSection]:
    """The live section rows of a plan, parents before children, siblings by position."""
    rows = list(session.scalars(select(PlanSection).where(PlanSection.plan_id == plan_id,
                                                          PlanSection.deleted_at.is_(None))))
    by_parent: dict[int | None, list[PlanSection]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[PlanSection] = []

    def walk(parent: int | None) -> None:
        for row in sorted(by_parent.get(parent, []), key=lambda r: (r.position, r.id)):
            ordered.append(row)
            walk(row.id)

    walk(None)
    return ordered



def section_inputs(session: Session, plan_id: int) -> list[SectionInput]:
    rows = section_rows(session, plan_id)
    key_of = {r.id: r.key for r in rows}
    return [SectionInput(key=r.key, title=r.title, parent_key=key_of.get(r.parent_id) if r.parent_id else None,
                         position=r.position, required=r.required, template_key=r.template_key,
                         blocks=r.blocks) for r in rows]



def start_revision(uow: UnitOfWork, plan_id: int, expected_version: int, *, trigger: str, reason: str,
                   trigger_date: date, version_label: str) -> int:
    """Begin a new draft from the latest published version because of ``trigger``.

    The working sections are reset to the latest frozen content, the dates of the previous round
    (review, approval, publish, filing) are cleared for the new one, and the reason is kept for
    the revision history.
    """
    uow.require(TRANSITIONS["start_revision"].command)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    apply_start_revision(plan, _latest_version_number(uow.session, plan_id), trigger=trigger, reason=reason,
                         trigger_date=trigger_date, version_label=version_label)
    latest = uow.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                .order_by(PlanVersion.number.desc()).limit(1))
    if latest is not None:
        _write_sections(uow, plan, _frozen_sections(latest.content))
    uow.session.flush()
    return plan.version


def _frozen_sections(content: list[dict[str, Any]]) -> list[SectionInput]:
    # Versions frozen before the section text stopped being stored carry it too: it is derived.
    return [SectionInput(**{k: v for k, v in item.items() if k in _SECTION_FIELDS}) for item in content]


RECORD_TRIGGER = Command("plan.record_trigger", "记录修订原因")



def _check_trigger(trigger: str) -> None:
    from models.plans.rules import revision_trigger_label

    try:
        revision_trigger_label(trigger)
    except KeyError:
        raise ValidationError([FieldError("revision_trigger", LABELS["revision_trigger"],
                                          f"“{trigger}”不是规定的修订情形")]) from None



def record_revision_trigger(uow: UnitOfWork, plan_id: int, expected_version: int, *, trigger: str,
                            trigger_date: date, reason: str = "") -> int:
    """Note that a revision is due (e.g. a drill found problems) without starting it yet."""
    uow.require(RECORD_TRIGGER)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    apply_revision_trigger(plan, trigger=trigger, trigger_date=trigger_date, reason=reason)
    uow.session.flush()
    return plan.version


def delete(uow: UnitOfWork, plan_id: int, expected_version: int) -> None:
    uow.require(DELETE)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    children = uow.session.scalar(select(func.count(Plan.id)).where(Plan.parent_plan_id == plan_id,
                                                                    Plan.deleted_at.is_(None)))
    if children:
        raise StateError(f"该综合预案下还有 {children} 个专项预案或现场处置方案，请先移走或删除它们。")
    uow.soft_delete(plan)
    uow.session.flush()



def restore(uow: UnitOfWork, plan_id: int, expected_version: int) -> int:
    """Take a plan out of the recycle bin (回收站); returns its new version.

    Refused, with a Chinese message saying what to do first, when the plan is not in the recycle
    bin, when its enterprise or its parent 综合 plan is still there, or when a live plan of the same
    enterprise now carries its number.
    """
    uow.require(RESTORE)
    plan = uow.get_from_bin(Plan, plan_id, expected_version, lambda p: f"预案“{p.plan_no} {p.title}”")
    name = f"{plan.plan_no} {plan.title}"
    enterprise = uow.session.get(Enterprise, plan.enterprise_id)
    if enterprise is not None and enterprise.is_deleted:
        raise StateError(f"预案“{name}”所属的企业“{enterprise.name}”在回收站中，请先在企业页的回收站恢复该企业。")
    parent = uow.session.get(Plan, plan.parent_plan_id) if plan.parent_plan_id is not None else None
    if parent is not None and parent.is_deleted:
        raise StateError(f"预案“{name}”的上级预案“{parent.plan_no} {parent.title}”也在回收站中，请先恢复上级预案。")
    clash = uow.session.scalar(select(Plan.title).where(Plan.enterprise_id == plan.enterprise_id,
                                                        Plan.plan_no == plan.plan_no, Plan.id != plan.id,
                                                        Plan.deleted_at.is_(None)))
    if clash is not None:
        raise ValidationError([FieldError("plan_no", LABELS["plan_no"],
                                          f"本企业已有编号为“{plan.plan_no}”的预案“{clash}”，不能恢复同编号的预案；"
                                          "请先修改那个预案的编号，再恢复。")])
    uow.restore(plan)
    uow.session.flush()
    return plan.version



def load(session: Session, plan_id: int) -> tuple[PlanData, int, str, int]:
    """A form's copy: (data, version, status, enterprise id)."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.is_deleted:
        raise NotFoundError(Plan.__label__, plan_id)
    data = PlanData(**{k: getattr(plan, k) for k in _DATA_FIELDS})
    return data, plan.version, plan.status, plan.enterprise_id



def version_content(session: Session, version_id: int) -> tuple[list[SectionInput], dict[str, Any]]:
    row = session.get(PlanVersion, version_id)
    if row is None:
        raise NotFoundError(PlanVersion.__label__, version_id)
    return _frozen_sections(row.content), dict(row.meta)


# --- files kept with the plan (评审纪要, 备案登记表 …) ---------------------------------------------


def _plan_for_attachments(uow: UnitOfWork, plan_id: int) -> Plan:
    plan = uow.get(Plan, plan_id)
    if plan.status in ATTACHMENTS_FROZEN:
        raise StateError("预案已废止，附件不能再更改。")
    return plan


def add_attachment(uow: UnitOfWork, plan_id: int, kind: str, filename: str, data: bytes) -> int:
    """Keep a file with the plan (checked by type, content and size); returns the attachment id.
    The plan's version goes up."""
    uow.require(ADD_ATTACHMENT)
    return attachments.add(uow, _plan_for_attachments(uow, plan_id), kind, filename, data)


def remove_attachment(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    """Soft-delete one of a plan's files (the bytes stay for the audit trail)."""
    uow.require(REMOVE_ATTACHMENT)
    row = attachments.for_update(uow, attachment_id, expected_version)
    if row.owner_type != OWNER:
        raise StateError("该附件不属于预案。")
    attachments.remove(uow, row, _plan_for_attachments(uow, row.owner_id))


# --- plans with their history, many at once (imports, the demo) --------------------------------------

IMPORT = Command("plan.import", "批量导入预案", role="admin")


class PlanBuilder:
    """A plan and its history built in memory with the lifecycle rules of the commands above
    (``create``, ``transition``, ``start_revision``, ``save_sections``, ``update``,
    ``record_revision_trigger``), then written by ``import_plans`` — all of it, its sections and its
    published versions — in a few statements. What it refuses, the commands refuse.
    """

    def __init__(self, enterprise_id: int, data: PlanData, sections: list[SectionInput] | None = None,
                 *, parent: PlanBuilder | None = None) -> None:
        errors = _field_errors(data)
        if errors:
            raise ValidationError(errors)
        if parent is not None and (data.kind == "comprehensive" or parent.data.kind != "comprehensive"
                                   or parent.enterprise_id != enterprise_id):
            raise ValidationError([FieldError("parent_plan_id", LABELS["parent_plan_id"],
                                              "专项预案和现场处置方案只能挂在本企业的综合应急预案下")])
        self.enterprise_id = enterprise_id
        self.parent = parent
        self.data = PlanData(**{k: (v.strip() if isinstance(v, str) else v) for k, v in vars(data).items()})
        self.status = "draft"
        self.sections: list[SectionInput] = list(sections or [])
        self.versions: list[dict[str, Any]] = []
        self.id: int | None = None  # set by import_plans

    # the record's fields, as the rules read and write them on a stored plan
    def __getattr__(self, name: str) -> Any:
        if name in _DATA_FIELD_SET:
            return getattr(self.__dict__["data"], name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DATA_FIELD_SET:
            setattr(self.data, name, value)
        else:
            super().__setattr__(name, value)

    def transition(self, command: str, **values: Any) -> None:
        if apply_transition(self, command, values, len(self.versions)):
            self.versions.append(freeze(self, [dict(vars(s)) for s in self.sections], len(self.versions) + 1, ""))

    def start_revision(self, *, trigger: str, reason: str, trigger_date: date, version_label: str) -> None:
        apply_start_revision(self, len(self.versions), trigger=trigger, reason=reason, trigger_date=trigger_date,
                             version_label=version_label)
        if self.versions:
            self.sections = _frozen_sections(self.versions[-1]["content"])

    def save_sections(self, sections: list[SectionInput]) -> None:
        if self.status not in EDITABLE_STATUSES:
            raise StateError(f"预案状态为“{PLAN_STATUSES[self.status]}”，不能编辑内容；请先开始修订。")
        self.sections = list(sections)

    def update(self, data: PlanData) -> None:
        if self.status == "retired":
            raise StateError("已废止的预案不能再修改。")
        errors = _field_errors(data)
        if errors:
            raise ValidationError(errors)
        for key in _DATA_FIELDS:
            value = getattr(data, key)
            setattr(self, key, value.strip() if isinstance(value, str) else value)

    def record_revision_trigger(self, *, trigger: str, trigger_date: date, reason: str = "") -> None:
        apply_revision_trigger(self, trigger=trigger, trigger_date=trigger_date, reason=reason)


_DATA_FIELD_SET = frozenset(_DATA_FIELDS)


@dataclass(frozen=True)
class Imported:
    """The ids ``import_plans`` wrote, per table, in order."""

    plans: list[int]
    sections: list[int]
    versions: list[int]


def import_plans(uow: UnitOfWork, plans: list[PlanBuilder]) -> Imported:
    """Write built plans with their sections, published versions and search entries; returns the
    ids written (the plans' in the order given). A child's parent must come earlier in ``plans`` (or be stored already). Numbers
    must be unique per enterprise, among the stored plans and within ``plans``."""
    uow.require(IMPORT)
    if not plans:
        return Imported([], [], [])
    session = uow.session
    enterprises = {p.enterprise_id for p in plans}
    taken = {(e, n) for e, n in session.execute(select(Plan.enterprise_id, Plan.plan_no)
                                                .where(Plan.enterprise_id.in_(enterprises)))}
    live = set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(enterprises),
                                                           Enterprise.deleted_at.is_(None))))
    for p in plans:
        if p.enterprise_id not in live:
            raise NotFoundError(Enterprise.__label__, p.enterprise_id)
        key = (p.enterprise_id, p.data.plan_no)
        if key in taken:
            raise ValidationError([FieldError("plan_no", LABELS["plan_no"],
                                              f"本企业已有编号为“{p.data.plan_no}”的预案")])
        taken.add(key)
    ids = uow.reserve_ids(Plan, len(plans))
    rows = []
    for p, plan_id in zip(plans, ids, strict=True):
        p.id = plan_id
        if p.parent is not None:
            if p.parent.id is None:
                raise ValueError("a child plan must come after its parent")
            p.data.parent_plan_id = p.parent.id
        rows.append({"id": plan_id, "enterprise_id": p.enterprise_id, "status": p.status, **vars(p.data)})
    uow.insert_rows(Plan, rows)
    sections: list[dict[str, Any]] = []
    for p in plans:
        sections += _section_rows(p.id, p.sections)  # type: ignore[arg-type]
    section_ids = uow.reserve_ids(PlanSection, len(sections))
    by_key: dict[tuple[int, str], int] = {}
    for row, sid in zip(sections, section_ids, strict=True):
        row["id"] = sid
        by_key[(row["plan_id"], row["key"])] = sid
    for row in sections:
        parent_key = row.pop("parent_key")
        row["parent_id"] = by_key[(row["plan_id"], parent_key)] if parent_key else None
    uow.insert_rows(PlanSection, sections)
    versions = [{"plan_id": p.id, **v} for p in plans for v in p.versions]
    for row, vid in zip(versions, uow.reserve_ids(PlanVersion, len(versions)), strict=True):
        row["id"] = vid
    version_ids = uow.insert_rows(PlanVersion, versions)
    search.index_sections(session, [(r["id"], r["title"], r["blocks"]) for r in sections])
    return Imported(ids, section_ids, version_ids)


def _section_rows(plan_id: int, sections: list[SectionInput]) -> list[dict[str, Any]]:
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise ValueError("section keys must be unique within a plan")
    seen: set[str] = set()
    rows = []
    for s in sections:
        if s.parent_key and s.parent_key not in seen:
            raise ValueError(f"section {s.key!r} comes before its parent {s.parent_key!r}")
        seen.add(s.key)
        rows.append({"plan_id": plan_id, "key": s.key, "title": s.title, "parent_key": s.parent_key,
                     "position": s.position, "required": s.required, "template_key": s.template_key,
                     "blocks": s.blocks})
    return rows
