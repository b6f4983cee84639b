"""Enterprise register (E1): validation and the write services (create, update, delete, restore), and a form's copy of an enterprise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.entities import Department, Industry, Region, RiskLevel
from models.core.errors import FieldError, NotFoundError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.enterprises import rules as uscc
from models.enterprises.entities import Enterprise, EnterpriseContact

CREATE = Command("enterprise.create", "新建企业")



UPDATE = Command("enterprise.update", "修改企业")



DELETE = Command("enterprise.delete", "删除企业")



RESTORE = Command("enterprise.restore", "恢复企业")



_PHONE = re.compile(r"^[0-9+\-() 转]{5,32}$")



LABELS = Enterprise.__field_labels__



CONTACT_LABELS = EnterpriseContact.__field_labels__



@dataclass
class ContactData:
    name: str = ""
    role: str = ""
    phone: str = ""
    mobile: str = ""
    notes: str = ""
    id: int | None = None



@dataclass
class EnterpriseData:
    """What a form edits: a plain copy, never a live ORM object."""

    name: str = ""
    uscc: str = ""
    industry_id: int | None = None
    risk_level_id: int | None = None
    region_id: int | None = None
    department_id: int | None = None
    address: str = ""
    principal: str = ""
    principal_phone: str = ""
    safety_manager: str = ""
    safety_manager_phone: str = ""
    employees: int = 0
    on_shift_headcount: int = 0
    major_hazard_sources: str = ""
    medium_or_larger: bool = False
    hazchem_use_above_threshold: bool = False
    notes: str = ""
    contacts: list[ContactData] = field(default_factory=list)

    def cleaned(self) -> EnterpriseData:
        out = replace(self, contacts=[replace(c) for c in self.contacts])
        for f in fields(out):
            value = getattr(out, f.name)
            if isinstance(value, str):
                setattr(out, f.name, value.strip())
        out.uscc = uscc.normalize(out.uscc)
        for c in out.contacts:
            for name in ("name", "role", "phone", "mobile", "notes"):
                setattr(c, name, getattr(c, name).strip())
        return out



_SCALARS = [f.name for f in fields(EnterpriseData) if f.name != "contacts"]



def validate(data: EnterpriseData) -> list[FieldError]:
    """Field problems of a cleaned ``data``; each message is Chinese and names its field."""
    errors: list[FieldError] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, LABELS[name], message))

    if not data.name:
        err("name", "不能为空")
    elif len(data.name) < 4:
        err("name", "至少 4 个字，请填写营业执照上的全称")
    elif len(data.name) > 128:
        err("name", "不能超过 128 个字")
    problem = uscc.problem(data.uscc)
    if problem:
        err("uscc", problem)
    for name in ("industry_id", "risk_level_id", "region_id", "department_id"):
        if getattr(data, name) is None:
            err(name, "请选择")
    for name in ("principal_phone", "safety_manager_phone"):
        value = getattr(data, name)
        if value and not _PHONE.match(value):
            err(name, "格式不正确（只能含数字、+、-、括号和空格，5 到 32 位）")
    if data.employees < 0:
        err("employees", "不能为负数")
    if data.on_shift_headcount < 0:
        err("on_shift_headcount", "不能为负数")
    elif data.on_shift_headcount > data.employees:
        err("on_shift_headcount", f"不能多于从业人数（{data.employees} 人）")
    for i, contact in enumerate(data.contacts, start=1):
        if not contact.name:
            errors.append(FieldError("contacts", "联系人", f"第 {i} 行姓名不能为空"))
        for name in ("phone", "mobile"):
            value = getattr(contact, name)
            if value and not _PHONE.match(value):
                errors.append(FieldError("contacts", "联系人",
                                         f"第 {i} 行{CONTACT_LABELS[name]}格式不正确"))
    return errors



def _check_references(uow: UnitOfWork, data: EnterpriseData, errors: list[FieldError]) -> None:
    for name, cls in (("industry_id", Industry), ("risk_level_id", RiskLevel),
                      ("region_id", Region), ("department_id", Department)):
        value = getattr(data, name)
        if value is not None:
            ref = uow.session.get(cls, value)
            if ref is None or ref.is_deleted:
                errors.append(FieldError(name, LABELS[name], "所选项已不存在，请重新选择"))



def _check_uscc_unique(uow: UnitOfWork, data: EnterpriseData, own_id: int | None,
                       errors: list[FieldError]) -> None:
    if any(e.field == "uscc" for e in errors):
        return
    row = uow.session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.deleted_at).where(Enterprise.uscc == data.uscc)
    ).first()
    if row is not None and row.id != own_id:
        where = "（该企业在回收站中，可在回收站恢复）" if row.deleted_at else ""
        errors.append(FieldError("uscc", LABELS["uscc"], f"已被“{row.name}”使用{where}"))



def _checked(uow: UnitOfWork, data: EnterpriseData, own_id: int | None) -> EnterpriseData:
    clean = data.cleaned()
    errors = validate(clean)
    _check_references(uow, clean, errors)
    _check_uscc_unique(uow, clean, own_id, errors)
    if errors:
        raise ValidationError(errors)
    return clean



def _apply_contacts(uow: UnitOfWork, ent: Enterprise, contacts: list[ContactData]) -> bool:
    """Make the stored contacts match ``contacts``; True when anything changed."""
    existing = {c.id: c for c in ent.contacts if not c.is_deleted}
    changed = False
    keep: set[int] = set()
    for order, item in enumerate(contacts):
        values = {"name": item.name, "role": item.role, "phone": item.phone, "mobile": item.mobile,
                  "notes": item.notes, "sort_order": order}
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            uow.add(EnterpriseContact(enterprise=ent, **values))
            changed = True
            continue
        keep.add(row.id)
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
    for cid, row in existing.items():
        if cid not in keep:
            uow.soft_delete(row)
            changed = True
    return changed



IMPORT = Command("enterprise.import", "批量导入企业", role="admin")


def import_enterprises(uow: UnitOfWork, items: list[EnterpriseData]) -> list[int]:
    """Write many new enterprises with their contacts at once; returns their ids in order.

    Each is checked as ``create`` checks it (fields, references, credit codes unique among the
    stored enterprises and within ``items``); the first problem stops the whole batch, naming the
    item (第 N 家).
    """
    uow.require(IMPORT)
    clean = [item.cleaned() for item in items]
    refs = {name: set(uow.session.scalars(select(cls.id).where(cls.deleted_at.is_(None))))
            for name, cls in (("industry_id", Industry), ("risk_level_id", RiskLevel), ("region_id", Region),
                              ("department_id", Department))}
    codes = {code: name for code, name in uow.session.execute(select(Enterprise.uscc, Enterprise.name))}
    for n, data in enumerate(clean, start=1):
        errors = validate(data)
        errors += [FieldError(name, LABELS[name], "所选项已不存在，请重新选择")
                   for name, ids in refs.items() if getattr(data, name) is not None and getattr(data, name) not in ids]
        if not any(e.field == "uscc" for e in errors) and data.uscc in codes:
            errors.append(FieldError("uscc", LABELS["uscc"], f"已被“{codes[data.uscc]}”使用"))
        if errors:
            raise ValidationError([FieldError(e.field, f"第 {n} 家企业的{e.label}", e.message) for e in errors])
        codes[data.uscc] = data.name
    ids = uow.reserve_ids(Enterprise, len(clean))
    uow.insert_rows(Enterprise, [{"id": i, **{k: getattr(d, k) for k in _SCALARS}} for i, d in zip(ids, clean, strict=True)])
    contacts = [{"enterprise_id": ent_id, "name": c.name, "role": c.role, "phone": c.phone, "mobile": c.mobile,
                 "notes": c.notes, "sort_order": order}
                for ent_id, d in zip(ids, clean, strict=True) for order, c in enumerate(d.contacts)]
    for row, cid in zip(contacts, uow.reserve_ids(EnterpriseContact, len(contacts)), strict=True):
        row["id"] = cid
    uow.insert_rows(EnterpriseContact, contacts)
    return ids


def create(uow: UnitOfWork, data: EnterpriseData) -> int:
    uow.require(CREATE)
    clean = _checked(uow, data, None)
    ent = Enterprise(**{k: getattr(clean, k) for k in _SCALARS})
    uow.add(ent)
    _apply_contacts(uow, ent, clean.contacts)
    uow.session.flush()
    return ent.id



def update(uow: UnitOfWork, enterprise_id: int, data: EnterpriseData, expected_version: int) -> int:
    """Save ``data`` over the enterprise; refused when the stored version is not ``expected_version``.

    Returns the new version.
    """
    uow.require(UPDATE)
    ent = uow.get_for_update(Enterprise, enterprise_id, expected_version)
    clean = _checked(uow, data, enterprise_id)
    for key in _SCALARS:
        value = getattr(clean, key)
        if getattr(ent, key) != value:
            setattr(ent, key, value)
    if _apply_contacts(uow, ent, clean.contacts):
        uow.touch(ent)
    uow.session.flush()
    return ent.version



def delete(uow: UnitOfWork, enterprise_id: int, expected_version: int) -> None:
    """Move to the recycle bin (soft delete)."""
    uow.require(DELETE)
    ent = uow.get_for_update(Enterprise, enterprise_id, expected_version)
    uow.soft_delete(ent)
    uow.session.flush()



def restore(uow: UnitOfWork, enterprise_id: int, expected_version: int) -> int:
    """Take an enterprise out of the recycle bin (回收站); returns its new version.

    Refused when the caller's copy is stale (``ConflictError``) or the enterprise is not in the bin.
    """
    uow.require(RESTORE)
    ent = uow.get_from_bin(Enterprise, enterprise_id, expected_version, lambda r: f"企业“{r.name}”")
    uow.restore(ent)
    uow.session.flush()
    return ent.version



def load(session: Session, enterprise_id: int) -> tuple[EnterpriseData, int]:
    """A form's copy of the enterprise and the version it was loaded at."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise NotFoundError(Enterprise.__label__, enterprise_id)
    data = EnterpriseData(**{k: getattr(ent, k) for k in _SCALARS})
    data.contacts = [
        ContactData(id=c.id, name=c.name, role=c.role, phone=c.phone, mobile=c.mobile, notes=c.notes)
        for c in ent.contacts if not c.is_deleted
    ]
    return data, ent.version
