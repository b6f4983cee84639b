"""Oversight (H1, E2): the write services for inspection campaigns, inspections with their hazard
findings, the hazard lifecycle, penalties and the blacklist — every write through the unit of work
(role, audit, version check) with Chinese field errors; ``load_*`` returns a form's plain copy and
its version.

- Campaigns: ``create_campaign`` / ``update_campaign`` / ``delete_campaign`` (``CampaignData``).
- Inspections: ``record_inspection`` (``InspectionData`` with its ``FindingData`` findings, all in one
  unit of work; each hazard takes the inspection's enterprise and department, its deadline defaults
  from the level's ``default_days``), ``update_inspection`` (the hazards follow a changed enterprise or
  department), ``delete_inspection`` (its hazards go to the recycle bin with it), ``add_hazard``.
- The hazard lifecycle (moves allowed by ``refdata/hazards.json``, others refused with
  ``StateError``): ``start_rectification`` (整改中), ``submit_rectified`` (待复查, with the day and the
  measures), ``recheck`` (a ``HazardRecheck`` row; passed → 已销号 on the check's day, failed → 整改中 with
  an optional new deadline kept as an extension), ``extend_deadline`` (a ``HazardExtension`` row with
  the reason and who approved; only while not closed, the new deadline after the old), ``supervise``
  / ``lift_supervision`` (挂牌督办, 重大 hazards only), ``update_hazard``, ``delete_hazard`` /
  ``restore_hazard``, photos
  (``attach_photo``, ``remove_photo``).
- Penalties: ``add_penalty`` / ``update_penalty`` / ``delete_penalty`` (a fine needs an amount > 0).
- The blacklist: ``blacklist_add`` (refused while the enterprise is listed; sets
  ``Enterprise.blacklisted_on`` in the same unit of work) and ``blacklist_remove`` (the day not before
  the listing, the reason and who decided; clears the mark). Every stay is a ``BlacklistEntry`` row:
  the full history is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import attachments
from models.core.entities import Department, Industry
from models.core.errors import FieldError, StateError, ValidationError
from models.core.records import (
    choose_key,
    chosen_gone,
    copy_form,
    form_values,
    live_record,
    load_form,
    plausible_day,
    raise_errors,
    require_value,
    squash,
    text_limits,
)
from models.core.uow import Command, UnitOfWork
from models.enterprises.entities import Enterprise
from models.oversight import rules
from models.oversight.entities import (
    BlacklistEntry,
    Hazard,
    HazardExtension,
    HazardRecheck,
    Inspection,
    InspectionCampaign,
    Penalty,
)

ROLE = "staff"
CREATE_CAMPAIGN = Command("oversight.campaign.create", "新建检查行动", ROLE)
UPDATE_CAMPAIGN = Command("oversight.campaign.update", "修改检查行动", ROLE)
DELETE_CAMPAIGN = Command("oversight.campaign.delete", "删除检查行动", ROLE)
RECORD_INSPECTION = Command("oversight.inspection.record", "登记检查记录", ROLE)
UPDATE_INSPECTION = Command("oversight.inspection.update", "修改检查记录", ROLE)
DELETE_INSPECTION = Command("oversight.inspection.delete", "删除检查记录", ROLE)
UPDATE_HAZARD = Command("oversight.hazard.update", "修改隐患", ROLE)
DELETE_HAZARD = Command("oversight.hazard.delete", "删除隐患", ROLE)
RECTIFY_HAZARD = Command("oversight.hazard.rectify", "隐患整改", ROLE)
RECHECK_HAZARD = Command("oversight.hazard.recheck", "隐患复查", ROLE)
EXTEND_HAZARD = Command("oversight.hazard.extend", "隐患整改延期", ROLE)
SUPERVISE_HAZARD = Command("oversight.hazard.supervise", "重大隐患挂牌督办", ROLE)
ADD_PENALTY = Command("oversight.penalty.add", "登记行政处罚", ROLE)
UPDATE_PENALTY = Command("oversight.penalty.update", "修改行政处罚", ROLE)
DELETE_PENALTY = Command("oversight.penalty.delete", "删除行政处罚", ROLE)
BLACKLIST_ADD = Command("oversight.blacklist.add", "列入黑名单", ROLE)
BLACKLIST_REMOVE = Command("oversight.blacklist.remove", "移出黑名单", ROLE)

PHOTO_OWNER = "hazard"
PHOTO_KINDS = ("photo", "rectified_photo", "other")
MAX_FINDINGS = 200

FIRST_YEAR = 1990  # an oversight date before it is a typing slip (the checks in ``plausible_day``)


# ---- campaigns


@dataclass
class CampaignData:
    name: str = ""
    kind: str = "general"
    starts_on: date | None = None
    ends_on: date | None = None
    lead_department_id: int | None = None
    department_ids: tuple[int, ...] = ()
    industry_codes: tuple[str, ...] = ()
    notes: str = ""

    def cleaned(self) -> CampaignData:
        return replace(self, name=squash(self.name), notes=self.notes.strip(),
                       department_ids=tuple(dict.fromkeys(self.department_ids)),
                       industry_codes=tuple(dict.fromkeys(self.industry_codes)))


def _check_campaign(session: Session, data: CampaignData, campaign_id: int | None = None) -> CampaignData:
    clean = data.cleaned()
    cls = InspectionCampaign
    errors = text_limits(cls, clean, {"name": 128})
    errors += require_value(cls, "name", clean.name, message="不能为空")
    errors += choose_key(cls, "kind", clean.kind, rules.catalog().campaign_kinds)
    errors += require_value(cls, "starts_on", clean.starts_on)
    errors += require_value(cls, "ends_on", clean.ends_on)
    errors += plausible_day(cls, "starts_on", clean.starts_on, first_year=FIRST_YEAR) + plausible_day(cls, "ends_on", clean.ends_on, first_year=FIRST_YEAR)
    if clean.starts_on and clean.ends_on and clean.ends_on < clean.starts_on:
        errors.append(FieldError("ends_on", cls.field_label("ends_on"), "不能早于开始日期"))
    errors += chosen_gone(session, Department, "lead_department_id", clean.lead_department_id, owner=cls)
    if clean.department_ids:
        found = set(session.scalars(select(Department.id).where(Department.id.in_(clean.department_ids),
                                                                Department.deleted_at.is_(None))))
        if len(found) != len(clean.department_ids):
            errors.append(FieldError("department_ids", cls.field_label("department_ids"), "所选部门中有已不存在的，请重新选择"))
    if clean.industry_codes:
        known = set(session.scalars(select(Industry.code).where(Industry.deleted_at.is_(None))))
        unknown = [c for c in clean.industry_codes if c not in known]
        if unknown:
            errors.append(FieldError("industry_codes", cls.field_label("industry_codes"),
                                     f"没有代码为“{'、'.join(unknown)}”的行业"))
    if clean.name and not any(e.field == "name" for e in errors):
        for other, deleted in session.execute(select(cls.id, cls.deleted_at).where(cls.name == clean.name)):
            if other != campaign_id:
                where = "（在回收站中）" if deleted is not None else ""
                errors.append(FieldError("name", cls.field_label("name"), f"已有名为“{clean.name}”的检查行动{where}"))
    raise_errors(errors)
    return clean


def create_campaign(uow: UnitOfWork, data: CampaignData) -> int:
    uow.require(CREATE_CAMPAIGN)
    clean = _check_campaign(uow.session, data)
    row = InspectionCampaign(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_campaign(uow: UnitOfWork, campaign_id: int, data: CampaignData, expected_version: int) -> int:
    uow.require(UPDATE_CAMPAIGN)
    row = uow.get_for_update(InspectionCampaign, campaign_id, expected_version)
    copy_form(_check_campaign(uow.session, data, campaign_id), row)
    uow.session.flush()
    return row.version


def delete_campaign(uow: UnitOfWork, campaign_id: int, expected_version: int) -> None:
    """Move a campaign to the recycle bin; refused while inspections are recorded under it."""
    uow.require(DELETE_CAMPAIGN)
    row = uow.get_for_update(InspectionCampaign, campaign_id, expected_version)
    used = uow.session.scalar(select(Inspection.id).where(Inspection.campaign_id == campaign_id,
                                                          Inspection.deleted_at.is_(None)).limit(1))
    if used is not None:
        raise StateError(f"检查行动“{row.name}”下已有检查记录，不能删除。")
    uow.soft_delete(row)
    uow.session.flush()


def load_campaign(session: Session, campaign_id: int) -> tuple[CampaignData, int]:
    return load_form(session, InspectionCampaign, campaign_id, CampaignData)  # type: ignore[return-value]


# ---- inspections and their findings


@dataclass
class FindingData:
    """One hazard found (``deadline`` None: the level's default days after the inspection)."""

    level: str = rules.GENERAL
    category: str = "other"
    description: str = ""
    responsible: str = ""
    responsible_phone: str = ""
    deadline: date | None = None

    def cleaned(self) -> FindingData:
        return replace(self, description=self.description.strip(), responsible=squash(self.responsible),
                       responsible_phone=squash(self.responsible_phone))


def check_finding(data: FindingData, found_on: date | None, prefix: str = "") -> tuple[FindingData, list[FieldError]]:
    clean = data.cleaned()
    cat = rules.catalog()
    errors = text_limits(Hazard, clean, {"responsible": 32, "responsible_phone": 32}, prefix)
    errors += choose_key(Hazard, "level", clean.level, cat.levels, prefix)
    errors += choose_key(Hazard, "category", clean.category, cat.categories, prefix)
    errors += require_value(Hazard, "description", clean.description, prefix, "不能为空")
    errors += plausible_day(Hazard, "deadline", clean.deadline, prefix, first_year=FIRST_YEAR)
    if clean.deadline is not None and found_on is not None and clean.deadline < found_on:
        errors.append(FieldError("deadline", prefix + Hazard.field_label("deadline"), "不能早于检查日期"))
    return clean, errors


@dataclass
class InspectionData:
    enterprise_id: int | None = None
    department_id: int | None = None
    inspected_on: date | None = None
    campaign_id: int | None = None
    inspectors: str = ""
    summary: str = ""
    findings: tuple[FindingData, ...] = ()

    def cleaned(self) -> InspectionData:
        return replace(self, inspectors=squash(self.inspectors), summary=self.summary.strip(),
                       findings=tuple(self.findings))


def _check_inspection(session: Session, data: InspectionData) -> tuple[InspectionData, list[FindingData]]:
    clean = data.cleaned()
    cls = Inspection
    errors = text_limits(cls, clean, {"inspectors": 256})
    errors += require_value(cls, "enterprise_id", clean.enterprise_id, message="请选择")
    errors += require_value(cls, "department_id", clean.department_id, message="请选择")
    errors += require_value(cls, "inspected_on", clean.inspected_on)
    errors += plausible_day(cls, "inspected_on", clean.inspected_on, first_year=FIRST_YEAR)
    errors += chosen_gone(session, Enterprise, "enterprise_id", clean.enterprise_id, owner=cls)
    errors += chosen_gone(session, Department, "department_id", clean.department_id, owner=cls)
    campaign = live_record(session, InspectionCampaign, clean.campaign_id)
    if clean.campaign_id is not None and campaign is None:
        errors += chosen_gone(session, InspectionCampaign, "campaign_id", clean.campaign_id, owner=cls)
    if len(clean.findings) > MAX_FINDINGS:
        errors.append(FieldError("findings", "隐患", f"一次检查最多登记 {MAX_FINDINGS} 项隐患"))
    findings = []
    for n, finding in enumerate(clean.findings, start=1):
        fc, errs = check_finding(finding, clean.inspected_on, f"第 {n} 项隐患的")
        errors += [FieldError("findings", e.label, e.message) for e in errs]  # the form's findings list
        findings.append(fc)
    raise_errors(errors)
    return clean, findings


def _new_hazard(inspection: Inspection, finding: FindingData) -> Hazard:
    return Hazard(inspection_id=inspection.id, enterprise_id=inspection.enterprise_id,
                  department_id=inspection.department_id, found_on=inspection.inspected_on, level=finding.level,
                  category=finding.category, description=finding.description, responsible=finding.responsible,
                  responsible_phone=finding.responsible_phone, status=rules.OPEN,
                  deadline=finding.deadline or rules.default_deadline(finding.level, inspection.inspected_on))


@dataclass(frozen=True)
class Recorded:
    inspection_id: int
    hazard_ids: tuple[int, ...]


def record_inspection(uow: UnitOfWork, data: InspectionData) -> Recorded:
    """The inspection and its findings as hazards, all or nothing."""
    uow.require(RECORD_INSPECTION)
    clean, findings = _check_inspection(uow.session, data)
    row = Inspection(**form_values(clean, ("findings",)))
    uow.add(row)
    uow.session.flush()
    hazards = [_new_hazard(row, f) for f in findings]
    for h in hazards:
        uow.add(h)
    uow.session.flush()
    return Recorded(row.id, tuple(h.id for h in hazards))


def update_inspection(uow: UnitOfWork, inspection_id: int, data: InspectionData, expected_version: int) -> int:
    """Save the inspection's own fields (findings are hazards of their own: ``add_hazard``,
    ``update_hazard``); its hazards follow a changed enterprise, department or day."""
    uow.require(UPDATE_INSPECTION)
    row = uow.get_for_update(Inspection, inspection_id, expected_version)
    clean, _f = _check_inspection(uow.session, replace(data, findings=()))
    copy_form(clean, row, ("findings",))
    for h in uow.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection_id)):
        for name, value in (("enterprise_id", row.enterprise_id), ("department_id", row.department_id),
                            ("found_on", row.inspected_on)):
            if getattr(h, name) != value:
                setattr(h, name, value)
    uow.session.flush()
    return row.version


def delete_inspection(uow: UnitOfWork, inspection_id: int, expected_version: int) -> None:
    """Move an inspection and its hazards to the recycle bin."""
    uow.require(DELETE_INSPECTION)
    row = uow.get_for_update(Inspection, inspection_id, expected_version)
    for h in uow.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection_id, Hazard.deleted_at.is_(None))):
        uow.soft_delete(h)
    uow.soft_delete(row)
    uow.session.flush()


def load_inspection(session: Session, inspection_id: int) -> tuple[InspectionData, int]:
    return load_form(session, Inspection, inspection_id, InspectionData)  # type: ignore[return-value]


def add_hazard(uow: UnitOfWork, inspection_id: int, finding: FindingData) -> int:
    """One more finding of a recorded inspection."""
    uow.require(RECORD_INSPECTION)
    inspection = uow.get(Inspection, inspection_id)
    clean, errors = check_finding(finding, inspection.inspected_on)
    raise_errors(errors)
    row = _new_hazard(inspection, clean)
    uow.add(row)
    uow.session.flush()
    return row.id


# ---- the hazard lifecycle


def _hazard(uow: UnitOfWork, hazard_id: int, expected_version: int) -> Hazard:
    return uow.get_for_update(Hazard, hazard_id, expected_version)


def _move(row: Hazard, target: str) -> None:
    problem = rules.transition_error(row.status, target)
    if problem is not None:
        raise StateError(problem)
    row.status = target


@dataclass
class HazardData:
    """What the hazard form edits after the finding is recorded (the deadline moves by extension)."""

    level: str = rules.GENERAL
    category: str = "other"
    description: str = ""
    responsible: str = ""
    responsible_phone: str = ""


def update_hazard(uow: UnitOfWork, hazard_id: int, data: HazardData, expected_version: int) -> int:
    uow.require(UPDATE_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    if row.status == rules.CLOSED:
        raise StateError("该隐患已销号，不能再修改。")
    clean, errors = check_finding(FindingData(**form_values(data)), None)
    if clean.level != rules.MAJOR and row.supervised_on is not None:
        errors.append(FieldError("level", Hazard.field_label("level"), "该隐患正在挂牌督办，请先解除督办再改为一般隐患"))
    raise_errors(errors)
    copy_form(HazardData(**{f.name: getattr(clean, f.name) for f in fields(HazardData)}), row)
    uow.session.flush()
    return row.version


def delete_hazard(uow: UnitOfWork, hazard_id: int, expected_version: int) -> None:
    uow.require(DELETE_HAZARD)
    uow.soft_delete(_hazard(uow, hazard_id, expected_version))
    uow.session.flush()


def restore_hazard(uow: UnitOfWork, hazard_id: int, expected_version: int) -> int:
    """Take a hazard out of the recycle bin (refused while its inspection is deleted)."""
    uow.require(DELETE_HAZARD)
    row = uow.get_from_bin(Hazard, hazard_id, expected_version, "该隐患")
    if live_record(uow.session, Inspection, row.inspection_id) is None:
        raise StateError("该隐患所属的检查记录已删除，请先恢复检查记录。")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_hazard(session: Session, hazard_id: int) -> tuple[HazardData, int]:
    return load_form(session, Hazard, hazard_id, HazardData)  # type: ignore[return-value]


def start_rectification(uow: UnitOfWork, hazard_id: int, expected_version: int) -> int:
    """待整改 → 整改中."""
    uow.require(RECTIFY_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    _move(row, rules.RECTIFYING)
    uow.session.flush()
    return row.version


@dataclass
class RectifiedData:
    rectified_on: date | None = None
    measures: str = ""


def submit_rectified(uow: UnitOfWork, hazard_id: int, data: RectifiedData, expected_version: int) -> int:
    """整改完成，申请复查: → 待复查 with the day and the measures taken."""
    uow.require(RECTIFY_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    problem = rules.transition_error(row.status, rules.RECHECK)
    if problem is not None:
        raise StateError(problem)
    measures = data.measures.strip()
    errors = require_value(Hazard, "rectified_on", data.rectified_on) + require_value(Hazard, "measures", measures,
                                                                               message="请填写采取的整改措施")
    errors += plausible_day(Hazard, "rectified_on", data.rectified_on, first_year=FIRST_YEAR)
    if data.rectified_on is not None and data.rectified_on < row.found_on:
        errors.append(FieldError("rectified_on", Hazard.field_label("rectified_on"), "不能早于发现日期"))
    raise_errors(errors)
    row.status = rules.RECHECK
    row.rectified_on = data.rectified_on
    row.measures = measures
    uow.session.flush()
    return row.version


@dataclass
class RecheckData:
    checked_on: date | None = None
    checker: str = ""
    passed: bool = True
    opinion: str = ""
    new_deadline: date | None = None  # failed: the new rectification deadline (None keeps the old one)


def recheck(uow: UnitOfWork, hazard_id: int, data: RecheckData, expected_version: int) -> int:
    """复查: passed → 已销号 on the check's day; failed → 整改中 (a new deadline, if given, is kept as an
    extension approved by the checker). Returns the re-check's id."""
    uow.require(RECHECK_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    problem = rules.transition_error(row.status, rules.CLOSED if data.passed else rules.RECTIFYING)
    if row.status != rules.RECHECK:
        raise StateError(problem or "只有“待复查”的隐患才能复查。")
    checker = squash(data.checker)
    opinion = data.opinion.strip()
    cls = HazardRecheck
    errors = require_value(cls, "checked_on", data.checked_on) + require_value(cls, "checker", checker)
    errors += plausible_day(cls, "checked_on", data.checked_on, first_year=FIRST_YEAR)
    if len(checker) > 64:
        errors.append(FieldError("checker", cls.field_label("checker"), f"最多 64 个字，现为 {len(checker)} 个字"))
    if data.checked_on is not None and row.rectified_on is not None and data.checked_on < row.rectified_on:
        errors.append(FieldError("checked_on", cls.field_label("checked_on"), "不能早于整改完成日期"))
    if not data.passed and not opinion:
        errors.append(FieldError("opinion", cls.field_label("opinion"), "复查不通过时请写明原因"))
    if data.passed and data.new_deadline is not None:
        errors.append(FieldError("new_deadline", "新整改期限", "复查通过时无需填写"))
    if not data.passed and data.new_deadline is not None:
        bad = rules.extension_error(rules.RECTIFYING, row.deadline, data.new_deadline)
        if bad is not None:
            errors.append(FieldError("new_deadline", "新整改期限", bad.rstrip("。")))
    raise_errors(errors)
    assert data.checked_on is not None
    check = HazardRecheck(hazard_id=hazard_id, checked_on=data.checked_on, checker=checker, passed=data.passed,
                          opinion=opinion)
    uow.add(check)
    if data.passed:
        row.status = rules.CLOSED
        row.closed_on = data.checked_on
    else:
        row.status = rules.RECTIFYING
        if data.new_deadline is not None:
            uow.add(HazardExtension(hazard_id=hazard_id, granted_on=data.checked_on, old_deadline=row.deadline,
                                    new_deadline=data.new_deadline, reason=f"复查未通过：{opinion}",
                                    approved_by=checker))
            row.deadline = data.new_deadline
    uow.session.flush()
    return check.id


@dataclass
class ExtensionData:
    granted_on: date | None = None
    new_deadline: date | None = None
    reason: str = ""
    approved_by: str = ""


def extend_deadline(uow: UnitOfWork, hazard_id: int, data: ExtensionData, expected_version: int) -> int:
    """整改延期: the deadline moves later, a ``HazardExtension`` row keeps the old and new deadline, the
    reason and who approved. Returns the extension's id."""
    uow.require(EXTEND_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    if row.status == rules.CLOSED:
        raise StateError("该隐患已销号，不能再延期。")
    reason, approver = data.reason.strip(), squash(data.approved_by)
    cls = HazardExtension
    errors = require_value(cls, "granted_on", data.granted_on) + require_value(cls, "new_deadline", data.new_deadline)
    errors += require_value(cls, "reason", reason, message="请写明延期理由") + require_value(cls, "approved_by", approver)
    errors += plausible_day(cls, "granted_on", data.granted_on, first_year=FIRST_YEAR) + plausible_day(cls, "new_deadline", data.new_deadline, first_year=FIRST_YEAR)
    if len(approver) > 32:
        errors.append(FieldError("approved_by", cls.field_label("approved_by"), f"最多 32 个字，现为 {len(approver)} 个字"))
    if data.new_deadline is not None:
        bad = rules.extension_error(row.status, row.deadline, data.new_deadline)
        if bad is not None:
            errors.append(FieldError("new_deadline", cls.field_label("new_deadline"), bad.rstrip("。")))
    if data.granted_on is not None and data.granted_on < row.found_on:
        errors.append(FieldError("granted_on", cls.field_label("granted_on"), "不能早于隐患发现日期"))
    raise_errors(errors)
    assert data.granted_on is not None and data.new_deadline is not None
    ext = HazardExtension(hazard_id=hazard_id, granted_on=data.granted_on, old_deadline=row.deadline,
                          new_deadline=data.new_deadline, reason=reason, approved_by=approver)
    uow.add(ext)
    row.deadline = data.new_deadline
    uow.session.flush()
    return ext.id


@dataclass
class SupervisionData:
    supervised_on: date | None = None
    supervising_unit: str = ""


def supervise(uow: UnitOfWork, hazard_id: int, data: SupervisionData, expected_version: int) -> int:
    """挂牌督办 of a 重大 hazard, from a day, by a unit."""
    uow.require(SUPERVISE_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    problem = rules.supervision_error(row.level, row.status, row.supervised_on is not None)
    if problem is not None:
        raise StateError(problem)
    unit = squash(data.supervising_unit)
    errors = require_value(Hazard, "supervised_on", data.supervised_on) + require_value(Hazard, "supervising_unit", unit)
    errors += plausible_day(Hazard, "supervised_on", data.supervised_on, first_year=FIRST_YEAR)
    if len(unit) > 128:
        errors.append(FieldError("supervising_unit", Hazard.field_label("supervising_unit"), "最多 128 个字"))
    if data.supervised_on is not None and data.supervised_on < row.found_on:
        errors.append(FieldError("supervised_on", Hazard.field_label("supervised_on"), "不能早于隐患发现日期"))
    raise_errors(errors)
    row.supervised_on = data.supervised_on
    row.supervising_unit = unit
    uow.session.flush()
    return row.version


def lift_supervision(uow: UnitOfWork, hazard_id: int, expected_version: int) -> int:
    """解除挂牌督办 (the history of the change is in the trail)."""
    uow.require(SUPERVISE_HAZARD)
    row = _hazard(uow, hazard_id, expected_version)
    if row.supervised_on is None:
        raise StateError("该隐患没有挂牌督办。")
    row.supervised_on = None
    row.supervising_unit = ""
    uow.session.flush()
    return row.version


def attach_photo(uow: UnitOfWork, hazard_id: int, filename: str, data: bytes, expected_version: int,
                 kind: str = "photo") -> int:
    """A photo of the hazard (``photo``), of its rectification (``rectified_photo``) or another file."""
    uow.require(UPDATE_HAZARD)
    if kind not in PHOTO_KINDS:
        raise StateError("附件类型应为隐患照片、整改后照片或其他。")
    row = _hazard(uow, hazard_id, expected_version)
    return attachments.add(uow, row, kind, filename, data)


def remove_photo(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    uow.require(UPDATE_HAZARD)
    att = attachments.for_update(uow, attachment_id, expected_version)
    if att.owner_type != PHOTO_OWNER:
        raise StateError("该附件不是隐患的附件。")
    attachments.remove(uow, att, uow.get(Hazard, att.owner_id))


# ---- penalties


@dataclass
class PenaltyData:
    enterprise_id: int | None = None
    department_id: int | None = None
    kind: str = "fine"
    amount: float = 0.0
    decision_no: str = ""
    decided_on: date | None = None
    inspection_id: int | None = None
    hazard_id: int | None = None
    notes: str = ""

    def cleaned(self) -> PenaltyData:
        return replace(self, decision_no=squash(self.decision_no), notes=self.notes.strip(),
                       amount=float(self.amount or 0.0))


def _check_penalty(session: Session, data: PenaltyData) -> PenaltyData:
    clean = data.cleaned()
    cls = Penalty
    errors = text_limits(cls, clean, {"decision_no": 64})
    errors += require_value(cls, "enterprise_id", clean.enterprise_id, message="请选择")
    errors += require_value(cls, "department_id", clean.department_id, message="请选择")
    errors += require_value(cls, "decided_on", clean.decided_on)
    errors += plausible_day(cls, "decided_on", clean.decided_on, first_year=FIRST_YEAR)
    errors += choose_key(cls, "kind", clean.kind, rules.catalog().penalty_kinds)
    if clean.kind == "fine" and not clean.amount > 0:
        errors.append(FieldError("amount", cls.field_label("amount"), "罚款金额应大于 0"))
    elif clean.amount < 0:
        errors.append(FieldError("amount", cls.field_label("amount"), "不能为负数"))
    elif clean.amount > 1e10:
        errors.append(FieldError("amount", cls.field_label("amount"), "金额过大，请检查是否填错"))
    errors += chosen_gone(session, Enterprise, "enterprise_id", clean.enterprise_id, owner=cls)
    errors += chosen_gone(session, Department, "department_id", clean.department_id, owner=cls)
    inspection = live_record(session, Inspection, clean.inspection_id)
    if clean.inspection_id is not None and inspection is None:
        errors += chosen_gone(session, Inspection, "inspection_id", clean.inspection_id, owner=cls)
    elif inspection is not None and inspection.enterprise_id != clean.enterprise_id:
        errors.append(FieldError("inspection_id", cls.field_label("inspection_id"), "该检查记录不属于所选企业"))
    hazard = live_record(session, Hazard, clean.hazard_id)
    if clean.hazard_id is not None and hazard is None:
        errors += chosen_gone(session, Hazard, "hazard_id", clean.hazard_id, owner=cls)
    elif hazard is not None and hazard.enterprise_id != clean.enterprise_id:
        errors.append(FieldError("hazard_id", cls.field_label("hazard_id"), "该隐患不属于所选企业"))
    raise_errors(errors)
    if hazard is not None and clean.inspection_id is None:
        clean = replace(clean, inspection_id=hazard.inspection_id)
    return clean


def add_penalty(uow: UnitOfWork, data: PenaltyData) -> int:
    uow.require(ADD_PENALTY)
    row = Penalty(**form_values(_check_penalty(uow.session, data)))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_penalty(uow: UnitOfWork, penalty_id: int, data: PenaltyData, expected_version: int) -> int:
    uow.require(UPDATE_PENALTY)
    row = uow.get_for_update(Penalty, penalty_id, expected_version)
    copy_form(_check_penalty(uow.session, data), row)
    uow.session.flush()
    return row.version


def delete_penalty(uow: UnitOfWork, penalty_id: int, expected_version: int) -> None:
    uow.require(DELETE_PENALTY)
    uow.soft_delete(uow.get_for_update(Penalty, penalty_id, expected_version))
    uow.session.flush()


def load_penalty(session: Session, penalty_id: int) -> tuple[PenaltyData, int]:
    return load_form(session, Penalty, penalty_id, PenaltyData)  # type: ignore[return-value]


# ---- the blacklist


@dataclass
class ListingData:
    enterprise_id: int | None = None
    listed_on: date | None = None
    reason: str = ""
    decided_by: str = ""
    decision_no: str = ""


@dataclass
class RemovalData:
    removed_on: date | None = None
    reason: str = ""
    removed_by: str = ""


def current_entry(session: Session, enterprise_id: int) -> BlacklistEntry | None:
    """The enterprise's open stay on the blacklist, if any."""
    return session.scalar(select(BlacklistEntry).where(BlacklistEntry.enterprise_id == enterprise_id,
                                                       BlacklistEntry.removed_on.is_(None),
                                                       BlacklistEntry.deleted_at.is_(None))
                          .order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc()).limit(1))


def blacklist_add(uow: UnitOfWork, data: ListingData) -> int:
    """列入黑名单: a new stay, and the enterprise's mark (``blacklisted_on``) in the same unit of work.
    Refused while the enterprise is listed. Returns the entry's id."""
    uow.require(BLACKLIST_ADD)
    cls = BlacklistEntry
    reason, by, no = data.reason.strip(), squash(data.decided_by), squash(data.decision_no)
    errors = require_value(cls, "enterprise_id", data.enterprise_id, message="请选择")
    errors += require_value(cls, "listed_on", data.listed_on) + plausible_day(cls, "listed_on", data.listed_on, first_year=FIRST_YEAR)
    errors += require_value(cls, "reason", reason, message="请写明列入理由") + require_value(cls, "decided_by", by)
    for name, value, limit in (("decided_by", by, 64), ("decision_no", no, 64)):
        if len(value) > limit:
            errors.append(FieldError(name, cls.field_label(name), f"最多 {limit} 个字，现为 {len(value)} 个字"))
    enterprise = live_record(uow.session, Enterprise, data.enterprise_id)
    if data.enterprise_id is not None and enterprise is None:
        errors.append(FieldError("enterprise_id", cls.field_label("enterprise_id"), "所选企业已不存在，请重新选择"))
    raise_errors(errors)
    assert enterprise is not None and data.listed_on is not None
    if current_entry(uow.session, enterprise.id) is not None or enterprise.blacklisted_on is not None:
        raise StateError(f"企业“{enterprise.name}”已在黑名单中（{enterprise.blacklisted_on}列入），不能重复列入。")
    last = uow.session.scalar(select(BlacklistEntry.removed_on).where(
        BlacklistEntry.enterprise_id == enterprise.id, BlacklistEntry.deleted_at.is_(None))
        .order_by(BlacklistEntry.removed_on.desc()).limit(1))
    if last is not None and data.listed_on < last:
        raise ValidationError([FieldError("listed_on", cls.field_label("listed_on"),
                                          f"不能早于上次移出黑名单的日期（{last.isoformat()}）")])
    row = BlacklistEntry(enterprise_id=enterprise.id, listed_on=data.listed_on, reason=reason, decided_by=by,
                         decision_no=no)
    uow.add(row)
    enterprise.blacklisted_on = data.listed_on
    uow.session.flush()
    return row.id


def blacklist_remove(uow: UnitOfWork, enterprise_id: int, data: RemovalData) -> int:
    """移出黑名单: closes the open stay (the day not before its listing, the reason and who decided)
    and clears the enterprise's mark. Returns the entry's id."""
    uow.require(BLACKLIST_REMOVE)
    enterprise = uow.get(Enterprise, enterprise_id)
    entry = current_entry(uow.session, enterprise_id)
    if entry is None:
        raise StateError(f"企业“{enterprise.name}”不在黑名单中，无需移出。")
    cls = BlacklistEntry
    reason, by = data.reason.strip(), squash(data.removed_by)
    errors = require_value(cls, "removed_on", data.removed_on) + plausible_day(cls, "removed_on", data.removed_on, first_year=FIRST_YEAR)
    errors += [FieldError("reason", cls.field_label("removal_reason"), "请写明移出理由")] if not reason else []
    errors += require_value(cls, "removed_by", by)
    if len(by) > 64:
        errors.append(FieldError("removed_by", cls.field_label("removed_by"), f"最多 64 个字，现为 {len(by)} 个字"))
    if data.removed_on is not None and data.removed_on < entry.listed_on:
        errors.append(FieldError("removed_on", cls.field_label("removed_on"),
                                 f"不能早于列入日期（{entry.listed_on.isoformat()}）"))
    raise_errors(errors)
    entry.removed_on = data.removed_on
    entry.removal_reason = reason
    entry.removed_by = by
    enterprise.blacklisted_on = None
    uow.session.flush()
    return entry.id


def blacklist_add_many(uow: UnitOfWork, rows: Sequence[ListingData]) -> list[int]:
    """Several listings in one unit of work (the demo); each checked like ``blacklist_add``."""
    return [blacklist_add(uow, r) for r in rows]

