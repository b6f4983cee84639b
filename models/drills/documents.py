"""A drill's documents (演练文件, AQ/T 9007 准备 and 实施): the work plan, the script, the support
plan, the sign-in list and the on-the-day record with its photos, videos and files.

The parts, the sections of the work plan and the support plan, and the statuses in which each part
may change are reference data (``refdata/documents.json``, with its source). ``save`` writes all
parts at once through the unit of work with the document's version (a stale copy is refused), so
one dialog saves one version; a part whose status does not allow it is refused only when it
changed (the record before the drill was held), and a done or cancelled drill's documents are
frozen. Script times are a clock time ("09:00") or a minute offset from the start ("T+15"), one
kind per script, in order; sign-in names are required and not listed twice for one unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import attachments
from models.core.errors import ConflictError, FieldError, NotFoundError, StateError, ValidationError
from models.core.reference import refdata
from models.core.uow import Command, UnitOfWork
from models.drills.entities import DRILL_STATUSES, Drill, DrillDocument, DrillScriptStep, DrillSignIn

SAVE = Command("drill.documents.save", "保存演练文件")
ADD_ATTACHMENT = Command("drill.documents.attach", "添加演练记录附件")
REMOVE_ATTACHMENT = Command("drill.documents.detach", "移除演练记录附件")
OWNER = DrillDocument.__tablename__  # the owner type of the record's photos, videos and files

MAX_STEPS = 200
MAX_SIGN_INS = 500
MAX_SECTION = 5000
_STEP_LIMITS = {"start": 8, "step": 500, "responsible": 64, "expected": 1000}
_SIGN_LIMITS = {"name": 32, "unit": 128, "duty": 64, "phone": 20}
STEP_LABELS = {k: DrillScriptStep.__field_labels__[k] for k in ("start", "step", "responsible", "expected")}
SIGN_LABELS = {k: DrillSignIn.__field_labels__[k] for k in ("name", "unit", "duty", "phone", "signed")}


# --- reference data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    editable_in: tuple[str, ...]
    sections: tuple[SectionSpec, ...] = ()
    not_yet: str = ""


@dataclass(frozen=True)
class DocumentRules:
    parts: dict[str, Part]
    frozen: dict[str, str]  # status → why nothing may change
    source: str

    def sections(self, part: str) -> tuple[SectionSpec, ...]:
        return self.parts[part].sections


def parse_rules(data: dict[str, Any]) -> DocumentRules:
    parts = {}
    for p in data["parts"]:
        sections = tuple(SectionSpec(s["key"], s["label"], s.get("hint", "")) for s in p.get("sections", ()))
        parts[p["key"]] = Part(p["key"], p["label"], tuple(p["editable_in"]), sections, p.get("not_yet", ""))
    return DocumentRules(parts, dict(data.get("frozen", {})), data["source"])


@cache
def document_rules() -> DocumentRules:

    return parse_rules(refdata("models.drills.refdata", "documents"))


# --- a form's copy -------------------------------------------------------------------------------------


@dataclass
class ScriptStep:
    start: str = ""
    step: str = ""
    responsible: str = ""
    expected: str = ""


@dataclass
class SignInRow:
    name: str = ""
    unit: str = ""
    duty: str = ""
    phone: str = ""
    signed: bool = False


@dataclass
class DocumentsData:
    """What the 演练文件 dialog edits: a plain copy, never a live ORM object."""

    work_plan: dict[str, str] = field(default_factory=dict)
    support_plan: dict[str, str] = field(default_factory=dict)
    steps: list[ScriptStep] = field(default_factory=list)
    sign_ins: list[SignInRow] = field(default_factory=list)
    record_notes: str = ""

    def cleaned(self) -> DocumentsData:
        """Texts trimmed, empty sections and wholly empty rows dropped."""
        def sections(values: dict[str, str]) -> dict[str, str]:
            return {k: v.strip() for k, v in values.items() if v and v.strip()}

        steps = [ScriptStep(*(" ".join(str(getattr(s, k)).split()) if k in ("start", "responsible") else
                              str(getattr(s, k)).strip() for k in ("start", "step", "responsible", "expected")))
                 for s in self.steps]
        signs = [SignInRow(*(" ".join(str(getattr(r, k)).split()) for k in ("name", "unit", "duty", "phone")),
                           signed=bool(r.signed)) for r in self.sign_ins]
        return DocumentsData(
            work_plan=sections(self.work_plan), support_plan=sections(self.support_plan),
            steps=[_normal_time(s) for s in steps if any((s.start, s.step, s.responsible, s.expected))],
            sign_ins=[r for r in signs if any((r.name, r.unit, r.duty, r.phone)) or r.signed],
            record_notes=self.record_notes.strip())

    def part(self, key: str) -> Any:
        """The content of one part, to compare a stored and an edited copy."""
        return {"work_plan": self.work_plan, "support_plan": self.support_plan, "script": self.steps,
                "sign_in": self.sign_ins, "record": self.record_notes}[key]


@dataclass(frozen=True)
class Loaded:
    data: DocumentsData
    version: int | None  # None: the drill has no documents yet
    document_id: int | None
    drill_status: str
    drill_title: str


# --- times -------------------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_OFFSET = re.compile(r"^[Tt]?\s*\+\s*(\d{1,4})$")


def parse_time(text: str) -> tuple[str, int] | None:
    """("clock", minutes after midnight) for "09:00", ("offset", minutes) for "T+15" or "+15"; None
    when it is neither."""
    match = _CLOCK.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        return ("clock", hours * 60 + minutes) if hours < 24 and minutes < 60 else None
    match = _OFFSET.match(text)
    return ("offset", int(match.group(1))) if match else None


def time_text(kind: str, minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}" if kind == "clock" else f"T+{minutes}"


def _normal_time(step: ScriptStep) -> ScriptStep:
    parsed = parse_time(step.start)
    if parsed is not None:
        step.start = time_text(*parsed)
    return step


# --- validation ----------------------------------------------------------------------------------------


def _step_error(n: int, name: str, message: str) -> FieldError:
    return FieldError(f"steps.{n}.{name}", f"演练脚本第 {n + 1} 步的{STEP_LABELS[name]}", message)


def _sign_error(n: int, name: str, message: str) -> FieldError:
    return FieldError(f"sign_ins.{n}.{name}", f"签到表第 {n + 1} 行的{SIGN_LABELS[name]}", message)


def validate(data: DocumentsData) -> list[FieldError]:
    """What is wrong with a cleaned copy (``DocumentsData.cleaned``), in Chinese, field by field."""
    rules = document_rules()
    errors: list[FieldError] = []
    for part, values in (("work_plan", data.work_plan), ("support_plan", data.support_plan)):
        specs = {s.key: s.label for s in rules.sections(part)}
        for key, text in values.items():
            if key not in specs:
                errors.append(FieldError(f"{part}.{key}", rules.parts[part].label, f"没有“{key}”这一节"))
            elif len(text) > MAX_SECTION:
                errors.append(FieldError(f"{part}.{key}", f"{rules.parts[part].label}的“{specs[key]}”",
                                         f"最多 {MAX_SECTION} 个字，现为 {len(text)} 个字"))
    if len(data.steps) > MAX_STEPS:
        errors.append(FieldError("steps", "演练脚本", f"最多 {MAX_STEPS} 步"))
    kinds: set[str] = set()
    last: int | None = None
    for n, step in enumerate(data.steps):
        if not step.step:
            errors.append(_step_error(n, "step", "不能为空"))
        for name, limit in _STEP_LIMITS.items():
            if name != "start" and len(getattr(step, name)) > limit:
                errors.append(_step_error(n, name, f"最多 {limit} 个字"))
        parsed = parse_time(step.start)
        if not step.start:
            errors.append(_step_error(n, "start", "请填写时间，如 09:00 或 T+15（开始后第 15 分钟）"))
        elif parsed is None:
            errors.append(_step_error(n, "start", f"“{step.start}”不是时间，请写成 09:00 或 T+15"))
        else:
            kind, minutes = parsed
            if kinds and kind not in kinds:
                errors.append(_step_error(n, "start", "同一脚本请统一用时刻（如 09:00）或相对时间（如 T+15）"))
            elif last is not None and minutes < last:
                errors.append(_step_error(n, "start", f"早于上一步的 {time_text(kind, last)}，请按时间先后排列"))
            else:
                last = minutes
            kinds.add(kind)
    if len(data.sign_ins) > MAX_SIGN_INS:
        errors.append(FieldError("sign_ins", "签到表", f"最多 {MAX_SIGN_INS} 人"))
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(data.sign_ins):
        if not row.name:
            errors.append(_sign_error(n, "name", "不能为空"))
        for name, limit in _SIGN_LIMITS.items():
            if len(getattr(row, name)) > limit:
                errors.append(_sign_error(n, name, f"最多 {limit} 个字"))
        if row.phone and not re.fullmatch(r"[0-9+\-() ]{3,20}", row.phone):
            errors.append(_sign_error(n, "phone", "只能填数字、空格、+、- 和括号"))
        if row.name:
            key = (row.name, row.unit)
            if key in seen:
                errors.append(_sign_error(n, "name", f"与第 {seen[key] + 1} 行重复（同一单位的同一人）"))
            else:
                seen[key] = n
    if len(data.record_notes) > 20 * MAX_SECTION:
        errors.append(FieldError("record_notes", "演练记录", f"最多 {20 * MAX_SECTION} 个字"))
    return errors


# --- reading -------------------------------------------------------------------------------------------


def _live_drill(session: Session, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    return drill


def _document(session: Session, drill_id: int) -> DrillDocument | None:
    return session.scalars(select(DrillDocument).where(DrillDocument.drill_id == drill_id,
                                                       DrillDocument.deleted_at.is_(None))).first()


def _copy(doc: DrillDocument | None) -> DocumentsData:
    if doc is None:
        return DocumentsData()
    return DocumentsData(
        work_plan=dict(doc.work_plan or {}), support_plan=dict(doc.support_plan or {}),
        steps=[ScriptStep(s.start, s.step, s.responsible, s.expected) for s in doc.steps if not s.is_deleted],
        sign_ins=[SignInRow(r.name, r.unit, r.duty, r.phone, r.signed) for r in doc.sign_ins if not r.is_deleted],
        record_notes=doc.record_notes)


def load(session: Session, drill_id: int) -> Loaded:
    """A form's copy of the drill's documents and the version it was read at (None: none yet)."""
    drill = _live_drill(session, drill_id)
    doc = _document(session, drill_id)
    return Loaded(_copy(doc), doc.version if doc else None, doc.id if doc else None, drill.status, drill.title)


def editable_parts(status: str) -> list[str]:
    """The parts a drill in ``status`` lets change (none once done or cancelled)."""
    return [p.key for p in document_rules().parts.values() if status in p.editable_in]


def refusal(status: str, part: str | None = None) -> str:
    """Why a drill in ``status`` refuses to change its documents (or ``part`` of them)."""
    rules = document_rules()
    if status in rules.frozen:
        return rules.frozen[status]
    if part is None:
        return f"演练当前状态为“{DRILL_STATUSES[status]}”，不能修改演练文件。"
    spec = rules.parts[part]
    why = spec.not_yet or f"{spec.label}不能修改"
    return f"演练当前状态为“{DRILL_STATUSES[status]}”，{why}。"


# --- writing -------------------------------------------------------------------------------------------


def _apply_rows(uow: UnitOfWork, doc: DrillDocument, stored: Sequence[Any], wanted: Sequence[Any],
                cls: type[DrillScriptStep] | type[DrillSignIn], names: Sequence[str]) -> bool:
    """Make the document's live rows ``wanted``, row by row in order; returns whether any changed."""
    changed = False
    for seq, values in enumerate(wanted, start=1):
        if seq <= len(stored):
            row = stored[seq - 1]
            for name in names:
                if getattr(row, name) != getattr(values, name):
                    setattr(row, name, getattr(values, name))
                    changed = True
        else:
            uow.add(cls(document_id=doc.id, seq=seq, **{n: getattr(values, n) for n in names}))
            changed = True
    for row in stored[len(wanted):]:
        uow.soft_delete(row)
        changed = True
    return changed


def save(uow: UnitOfWork, drill_id: int, data: DocumentsData, expected_version: int | None) -> tuple[int, int]:
    """Write the drill's documents as ``data`` (all parts at once); ``expected_version`` is the
    version the form loaded (None: it found none). Returns (document id, new version)."""
    uow.require(SAVE)
    drill = _live_drill(uow.session, drill_id)
    doc = _document(uow.session, drill_id)
    if doc is None and expected_version is not None:
        raise ConflictError(DrillDocument.__label__, drill_id, expected_version, None)
    if doc is not None:
        if expected_version is None:  # someone else wrote the first version meanwhile
            raise ConflictError(DrillDocument.__label__, None, None, doc.version)
        doc = uow.get_for_update(DrillDocument, doc.id, expected_version)
    if drill.status not in {s for p in document_rules().parts.values() for s in p.editable_in}:
        raise StateError(refusal(drill.status))
    clean = data.cleaned()
    errors = validate(clean)
    if errors:
        raise ValidationError(errors)
    stored = _copy(doc)
    allowed = editable_parts(drill.status)
    for part in document_rules().parts:
        if part not in allowed and clean.part(part) != stored.part(part):
            raise StateError(refusal(drill.status, part))
    if doc is None:
        doc = DrillDocument(drill_id=drill_id, work_plan=clean.work_plan, support_plan=clean.support_plan,
                            record_notes=clean.record_notes)
        uow.add(doc)
        uow.session.flush()
    else:
        for name in ("work_plan", "support_plan", "record_notes"):
            if getattr(doc, name) != getattr(clean, name):
                setattr(doc, name, getattr(clean, name))
    steps = [s for s in doc.steps if not s.is_deleted]
    signs = [r for r in doc.sign_ins if not r.is_deleted]
    rows_changed = _apply_rows(uow, doc, steps, clean.steps, DrillScriptStep, tuple(STEP_LABELS))
    rows_changed |= _apply_rows(uow, doc, signs, clean.sign_ins, DrillSignIn, tuple(SIGN_LABELS))
    if rows_changed:
        uow.touch(doc)
    uow.session.flush()
    return doc.id, doc.version


def _document_for_files(uow: UnitOfWork, document_id: int) -> DrillDocument:
    doc = uow.get(DrillDocument, document_id)
    drill = _live_drill(uow.session, doc.drill_id)
    if "record" not in editable_parts(drill.status):
        raise StateError(refusal(drill.status, "record"))
    return doc


def add_attachment(uow: UnitOfWork, document_id: int, kind: str, filename: str, data: bytes) -> int:
    """Keep a photo, video or file with the drill's record (checked by type, content and size)."""
    uow.require(ADD_ATTACHMENT)
    return attachments.add(uow, _document_for_files(uow, document_id), kind, filename, data)


def remove_attachment(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    uow.require(REMOVE_ATTACHMENT)
    row = attachments.for_update(uow, attachment_id, expected_version)
    if row.owner_type != OWNER:
        raise StateError("该附件不属于演练记录。")
    attachments.remove(uow, row, _document_for_files(uow, row.owner_id))
