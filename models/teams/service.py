"""Teams (T1, T3): the write services — through the unit of work (role, audit, version check) with
Chinese field errors — and the forms' plain copies (``load_*`` returns the copy and its version).

- Teams: ``create_team`` / ``update_team`` / ``delete_team`` / ``restore_team`` (``TeamData``; the
  enterprises served are part of the team's copy and kept as ``TeamEnterprise`` rows), and the
  team's equipment as one list (``set_equipment``, the team's version checked and bumped).
- Members: ``create_member`` … ``restore_member``; certificates ``add_certificate`` …
  ``restore_certificate`` with the scan as an attachment (``attach_scan``, ``remove_scan``);
  training and drills ``add_training`` … ``restore_training``.
- Duty: duty points (``create_point`` …), shifts (``add_shift``, ``update_shift``, ``delete_shift``,
  ``restore_shift``), people on them (``assign``, ``update_assignment`` — also moving a person to
  another shift —, ``remove_assignment``), ``swap`` (a reason required, a ``DutySwap`` row written),
  handovers (``record_handover``, ``update_handover``, ``delete_handover``), and ``generate_roster``
  (a period from a rotation pattern, in bulk).
- Many at once (imports, the demo): ``check_teams`` / ``import_teams``, ``check_members`` /
  ``import_members``, ``check_certificates`` / ``import_certificates`` — every problem of every row
  without writing (``RowProblem``), then all rows or none.

What the rules say about a record (a member over the mine-rescue age limit, a certificate expired)
is not a validation error: it is stored and shown (``models.teams.rules``, ``queries``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import attachments
from models.core.base import Entity
from models.core.entities import Attachment, Region
from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.listing import chunks
from models.core.records import (
    choose_key,
    copy_form,
    form_values,
    live_record,
    load_form,
    number_range,
    plausible_day,
    raise_errors,
    squash,
    text_limits,
)
from models.core.uow import Command, UnitOfWork
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

ROLE = "staff"
CREATE_TEAM = Command("teams.team.create", "新建救援队伍", ROLE)
UPDATE_TEAM = Command("teams.team.update", "修改救援队伍", ROLE)
DELETE_TEAM = Command("teams.team.delete", "删除救援队伍", ROLE)
RESTORE_TEAM = Command("teams.team.restore", "恢复救援队伍", ROLE)
SET_EQUIPMENT = Command("teams.equipment", "修改队伍装备", ROLE)
CREATE_MEMBER = Command("teams.member.create", "新增队员", ROLE)
UPDATE_MEMBER = Command("teams.member.update", "修改队员", ROLE)
DELETE_MEMBER = Command("teams.member.delete", "删除队员", ROLE)
RESTORE_MEMBER = Command("teams.member.restore", "恢复队员", ROLE)
ADD_CERTIFICATE = Command("teams.certificate.add", "登记证书", ROLE)
UPDATE_CERTIFICATE = Command("teams.certificate.update", "修改证书", ROLE)
DELETE_CERTIFICATE = Command("teams.certificate.delete", "删除证书", ROLE)
RESTORE_CERTIFICATE = Command("teams.certificate.restore", "恢复证书", ROLE)
ADD_TRAINING = Command("teams.training.add", "登记训练记录", ROLE)
UPDATE_TRAINING = Command("teams.training.update", "修改训练记录", ROLE)
DELETE_TRAINING = Command("teams.training.delete", "删除训练记录", ROLE)
RESTORE_TRAINING = Command("teams.training.restore", "恢复训练记录", ROLE)
CREATE_POINT = Command("teams.point.create", "新建值班点", ROLE)
UPDATE_POINT = Command("teams.point.update", "修改值班点", ROLE)
DELETE_POINT = Command("teams.point.delete", "删除值班点", ROLE)
RESTORE_POINT = Command("teams.point.restore", "恢复值班点", ROLE)
EDIT_ROSTER = Command("teams.roster.edit", "修改值班表", ROLE)
GENERATE_ROSTER = Command("teams.roster.generate", "生成值班表", ROLE)
SWAP = Command("teams.roster.swap", "换班", ROLE)
HANDOVER = Command("teams.roster.handover", "登记交接班", ROLE)
IMPORT_TEAMS = Command("teams.team.import", "批量导入救援队伍", ROLE)
IMPORT_MEMBERS = Command("teams.member.import", "批量导入队员", ROLE)
IMPORT_CERTIFICATES = Command("teams.certificate.import", "批量导入证书", ROLE)

SCAN_OWNER = "member_certificate"  # the attachment owner type of a certificate's scan
SCAN_KIND = "scan"
MAX_PEOPLE = 10_000
MAX_PERIOD_DAYS = 366


# ---- teams


@dataclass
class TeamData:
    """What the team form edits (a plain copy). ``enterprise_ids`` are the enterprises served (the
    owner enterprise is always among them); ``specialties`` keys of ``catalog.json``."""

    name: str = ""
    kind: str = "professional"  # 专职 / 兼职 / 协议
    specialties: tuple[str, ...] = ()
    owner_enterprise_id: int | None = None  # an enterprise's own team (None: a government or social team)
    region_id: int | None = None
    base_address: str = ""
    leader: str = ""
    leader_phone: str = ""
    duty_phone: str = ""
    headcount: int = 1  # 编制
    filed_on: date | None = None
    filing_no: str = ""
    turnout_minutes: int | None = None
    agreement_party: str = ""
    agreement_expires_on: date | None = None
    notes: str = ""
    enterprise_ids: tuple[int, ...] = ()

    def cleaned(self) -> TeamData:
        owner = (self.owner_enterprise_id,) if self.owner_enterprise_id is not None else ()
        served = tuple(dict.fromkeys((*owner, *self.enterprise_ids)))
        return replace(self, name=squash(self.name), specialties=tuple(sorted(set(self.specialties))),
                       base_address=squash(self.base_address), leader=squash(self.leader),
                       leader_phone=squash(self.leader_phone), duty_phone=squash(self.duty_phone),
                       filing_no=squash(self.filing_no), agreement_party=squash(self.agreement_party),
                       notes=self.notes.strip(), enterprise_ids=served)


_TEAM_COLUMNS = tuple(f for f in TeamData.__dataclass_fields__ if f != "enterprise_ids")


def check_team(data: TeamData) -> tuple[TeamData, list[FieldError]]:
    """The cleaned copy and its problems that need no database."""
    clean = data.cleaned()
    cat = rules.catalog()
    label = RescueTeam.field_label
    errors = text_limits(RescueTeam, clean, {"name": 128, "base_address": 256, "leader": 32, "leader_phone": 32,
                                              "duty_phone": 32, "filing_no": 64, "agreement_party": 128})
    if not clean.name:
        errors.append(FieldError("name", label("name"), "不能为空"))
    errors += choose_key(RescueTeam, "kind", clean.kind, cat.team_types)
    unknown = [s for s in clean.specialties if s not in cat.specialties]
    if unknown:
        errors.append(FieldError("specialties", label("specialties"), f"没有“{'、'.join(unknown)}”这个专业，请从 "
                                 + "、".join(cat.specialties.values()) + " 中选择"))
    elif not clean.specialties:
        errors.append(FieldError("specialties", label("specialties"), "请至少选择一个专业"))
    errors += number_range(RescueTeam, "headcount", clean.headcount, 1, MAX_PEOPLE, required=True)
    errors += number_range(RescueTeam, "turnout_minutes", clean.turnout_minutes, 0, 1440)
    errors += plausible_day(RescueTeam, "filed_on", clean.filed_on)
    errors += plausible_day(RescueTeam, "agreement_expires_on", clean.agreement_expires_on)
    if clean.kind == "agreement":
        if not clean.agreement_party:
            errors.append(FieldError("agreement_party", label("agreement_party"), "协议队伍请填写签订救援协议的单位"))
        if clean.agreement_expires_on is None:
            errors.append(FieldError("agreement_expires_on", label("agreement_expires_on"), "协议队伍请填写协议有效期"))
    else:
        for name in ("agreement_party", "agreement_expires_on"):
            if getattr(clean, name):
                errors.append(FieldError(name, label(name), "只有协议队伍填写；请清空，或把队伍类型改为“协议”"))
    return clean, errors


def _check_team(session: Session, data: TeamData, team_id: int | None = None) -> TeamData:
    clean, errors = check_team(data)
    label = RescueTeam.field_label
    if clean.name and not any(e.field == "name" for e in errors):
        for other, deleted in session.execute(select(RescueTeam.id, RescueTeam.deleted_at)
                                              .where(RescueTeam.name == clean.name)):
            if other != team_id:
                where = "（在回收站中，可恢复）" if deleted is not None else ""
                errors.append(FieldError("name", label("name"), f"已有名为“{clean.name}”的救援队伍{where}"))
    if clean.region_id is not None and live_record(session, Region, clean.region_id) is None:
        errors.append(FieldError("region_id", label("region_id"), "所选区域已不存在，请重新选择"))
    if clean.owner_enterprise_id is not None and live_record(session, Enterprise, clean.owner_enterprise_id) is None:
        errors.append(FieldError("owner_enterprise_id", label("owner_enterprise_id"), "所选企业已不存在，请重新选择"))
    if clean.enterprise_ids:
        found = set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(clean.enterprise_ids),
                                                                Enterprise.deleted_at.is_(None))))
        if len(found) != len(clean.enterprise_ids):
            errors.append(FieldError("enterprise_ids", "服务企业", "所选企业中有已删除的，请重新选择"))
    raise_errors(errors)
    return clean


def _sync_enterprises(uow: UnitOfWork, team_id: int, wanted: Sequence[int]) -> bool:
    rows = {r.enterprise_id: r for r in uow.session.scalars(select(TeamEnterprise).where(TeamEnterprise.team_id == team_id))}
    changed = False
    for eid in wanted:
        row = rows.get(eid)
        if row is None:
            uow.add(TeamEnterprise(team_id=team_id, enterprise_id=eid))
            changed = True
        elif row.is_deleted:
            uow.restore(row)
            changed = True
    for eid, row in rows.items():
        if eid not in wanted and not row.is_deleted:
            uow.soft_delete(row)
            changed = True
    return changed


def create_team(uow: UnitOfWork, data: TeamData) -> int:
    uow.require(CREATE_TEAM)
    clean = _check_team(uow.session, data)
    row = RescueTeam(**form_values(clean, ("enterprise_ids",)))
    uow.add(row)
    uow.session.flush()
    _sync_enterprises(uow, row.id, clean.enterprise_ids)
    uow.session.flush()
    return row.id


def update_team(uow: UnitOfWork, team_id: int, data: TeamData, expected_version: int) -> int:
    """Save ``data`` over the team; returns its new version (a change of the enterprises served alone
    also moves it)."""
    uow.require(UPDATE_TEAM)
    row = uow.get_for_update(RescueTeam, team_id, expected_version)
    clean = _check_team(uow.session, data, team_id)
    copy_form(clean, row, ("enterprise_ids",))
    if _sync_enterprises(uow, team_id, clean.enterprise_ids):
        uow.touch(row)
    uow.session.flush()
    return row.version


def delete_team(uow: UnitOfWork, team_id: int, expected_version: int) -> None:
    """Move a team to the recycle bin (its members, records and duty points stay with it); refused
    while a duty point of the team is in use (delete the point first)."""
    uow.require(DELETE_TEAM)
    row = uow.get_for_update(RescueTeam, team_id, expected_version)
    point = uow.session.scalar(select(DutyPoint.name).where(DutyPoint.team_id == team_id,
                                                            DutyPoint.deleted_at.is_(None)).limit(1))
    if point is not None:
        raise StateError(f"救援队伍“{row.name}”还有值班点“{point}”，请先删除值班点再删除队伍。")
    uow.soft_delete(row)
    uow.session.flush()


def restore_team(uow: UnitOfWork, team_id: int, expected_version: int) -> int:
    uow.require(RESTORE_TEAM)
    row = uow.get_from_bin(RescueTeam, team_id, expected_version, lambda r: f"救援队伍“{r.name}”")
    data, _v = load_team(uow.session, team_id)
    _check_team(uow.session, data, team_id)  # its region or enterprises may have gone meanwhile
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_team(session: Session, team_id: int) -> tuple[TeamData, int]:
    data, version = load_form(session, RescueTeam, team_id, TeamData)
    served = tuple(session.scalars(select(TeamEnterprise.enterprise_id).where(
        TeamEnterprise.team_id == team_id, TeamEnterprise.deleted_at.is_(None)).order_by(TeamEnterprise.id)))
    return replace(data, enterprise_ids=served), version


# ---- equipment


@dataclass
class EquipmentLine:
    """One line of the team's equipment (``id`` None: a new line)."""

    name: str = ""
    quantity: int = 1
    condition: str = "good"  # 完好 / 待修 / 报废
    category: str = "other"  # catalog.json equipment_groups
    spec: str = ""
    unit: str = ""
    notes: str = ""
    id: int | None = None

    def cleaned(self) -> EquipmentLine:
        return replace(self, name=squash(self.name), spec=squash(self.spec), unit=squash(self.unit),
                       notes=self.notes.strip())


def check_equipment(line: EquipmentLine) -> tuple[EquipmentLine, list[FieldError]]:
    clean = line.cleaned()
    cat = rules.catalog()
    errors = text_limits(TeamEquipment, clean, {"name": 128, "spec": 128, "unit": 16})
    if not clean.name:
        errors.append(FieldError("name", TeamEquipment.field_label("name"), "不能为空"))
    errors += number_range(TeamEquipment, "quantity", clean.quantity, 1, 1_000_000, required=True)
    errors += choose_key(TeamEquipment, "condition", clean.condition, cat.equipment_conditions)
    errors += choose_key(TeamEquipment, "category", clean.category, cat.equipment_groups)
    return clean, errors


def set_equipment(uow: UnitOfWork, team_id: int, lines: Sequence[EquipmentLine], expected_version: int) -> int:
    """Make the team's equipment exactly ``lines`` (lines with an id change that line, new ones are
    added, lines left out go to the recycle bin); the team's version is checked and bumped when
    anything changed. Returns the team's version."""
    uow.require(SET_EQUIPMENT)
    team = uow.get_for_update(RescueTeam, team_id, expected_version)
    existing = {r.id: r for r in uow.session.scalars(select(TeamEquipment).where(
        TeamEquipment.team_id == team_id, TeamEquipment.deleted_at.is_(None)))}
    errors: list[FieldError] = []
    cleaned = []
    for n, line in enumerate(lines, start=1):
        clean, errs = check_equipment(line)
        errors += [FieldError(e.field, f"第 {n} 行的{e.label}", e.message) for e in errs]
        if clean.id is not None and clean.id not in existing:
            errors.append(FieldError("id", f"第 {n} 行", "该装备已被删除或不属于本队伍，请重新载入"))
        cleaned.append(clean)
    raise_errors(errors)
    changed = False
    kept = set()
    for clean in cleaned:
        values = form_values(clean, ("id",))
        if clean.id is None:
            uow.add(TeamEquipment(team_id=team_id, **values))
            changed = True
            continue
        kept.add(clean.id)
        row = existing[clean.id]
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
    for row_id, row in existing.items():
        if row_id not in kept:
            uow.soft_delete(row)
            changed = True
    if changed:
        uow.touch(team)
    uow.session.flush()
    return team.version


def load_equipment(session: Session, team_id: int) -> tuple[list[EquipmentLine], int]:
    team = session.get(RescueTeam, team_id)
    if team is None:
        raise NotFoundError(RescueTeam.__label__, team_id)
    rows = session.scalars(select(TeamEquipment).where(TeamEquipment.team_id == team_id,
                                                       TeamEquipment.deleted_at.is_(None)).order_by(TeamEquipment.id))
    return [EquipmentLine(r.name, r.quantity, r.condition, r.category, r.spec, r.unit, r.notes, r.id)
            for r in rows], team.version


# ---- members


@dataclass
class MemberData:
    team_id: int | None = None
    name: str = ""
    position: str = "member"  # catalog.json positions
    born_on: date | None = None
    phone: str = ""
    status: str = "on_duty"  # 在岗 / 休假 / 离队
    medical_checked_on: date | None = None
    experience_years: int | None = None
    joined_on: date | None = None
    notes: str = ""

    def cleaned(self) -> MemberData:
        return replace(self, name=squash(self.name), phone=squash(self.phone), notes=self.notes.strip())


def check_member(data: MemberData) -> tuple[MemberData, list[FieldError]]:
    clean = data.cleaned()
    cat = rules.catalog()
    label = TeamMember.field_label
    errors = text_limits(TeamMember, clean, {"name": 32, "phone": 32})
    if clean.team_id is None:
        errors.append(FieldError("team_id", label("team_id"), "请选择救援队伍"))
    if not clean.name:
        errors.append(FieldError("name", label("name"), "不能为空"))
    errors += choose_key(TeamMember, "position", clean.position, cat.positions)
    errors += choose_key(TeamMember, "status", clean.status, cat.member_statuses)
    errors += number_range(TeamMember, "experience_years", clean.experience_years, 0, 60)
    for name in ("born_on", "medical_checked_on", "joined_on"):
        errors += plausible_day(TeamMember, name, getattr(clean, name))
    if clean.born_on is not None:
        for name in ("medical_checked_on", "joined_on"):
            value = getattr(clean, name)
            if value is not None and value <= clean.born_on:
                errors.append(FieldError(name, label(name), "不能早于出生日期"))
        if clean.joined_on is not None and rules.age_on(clean.born_on, clean.joined_on) < 16:
            errors.append(FieldError("joined_on", label("joined_on"), "入队时未满 16 周岁，请检查出生日期和入队日期"))
    return clean, errors


def _check_member(session: Session, data: MemberData) -> MemberData:
    clean, errors = check_member(data)
    if clean.team_id is not None and live_record(session, RescueTeam, clean.team_id) is None:
        errors.append(FieldError("team_id", TeamMember.field_label("team_id"), "所选队伍已不存在，请重新选择"))
    raise_errors(errors)
    return clean


def create_member(uow: UnitOfWork, data: MemberData) -> int:
    uow.require(CREATE_MEMBER)
    clean = _check_member(uow.session, data)
    row = TeamMember(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_member(uow: UnitOfWork, member_id: int, data: MemberData, expected_version: int) -> int:
    """Save ``data`` over a member (also moving them to another team); returns the new version."""
    uow.require(UPDATE_MEMBER)
    row = uow.get_for_update(TeamMember, member_id, expected_version)
    clean = _check_member(uow.session, data)
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_member(uow: UnitOfWork, member_id: int, expected_version: int) -> None:
    """A member recorded by mistake goes to the recycle bin (one who left the team is 离队 instead)."""
    uow.require(DELETE_MEMBER)
    row = uow.get_for_update(TeamMember, member_id, expected_version)
    uow.soft_delete(row)
    uow.session.flush()


def restore_member(uow: UnitOfWork, member_id: int, expected_version: int) -> int:
    uow.require(RESTORE_MEMBER)
    row = uow.get_from_bin(TeamMember, member_id, expected_version, lambda r: f"队员“{r.name}”")
    if live_record(uow.session, RescueTeam, row.team_id) is None:
        raise StateError(f"队员“{row.name}”所在的队伍已删除，请先恢复队伍。")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_member(session: Session, member_id: int) -> tuple[MemberData, int]:
    return load_form(session, TeamMember, member_id, MemberData)  # type: ignore[return-value]


# ---- certificates


@dataclass
class CertificateData:
    member_id: int | None = None
    cert_type: str = ""  # catalog.json certificate_types
    number: str = ""
    issued_on: date | None = None
    expires_on: date | None = None  # empty: no expiry
    issuer: str = ""
    notes: str = ""

    def cleaned(self) -> CertificateData:
        return replace(self, number=squash(self.number), issuer=squash(self.issuer), notes=self.notes.strip())


def check_certificate(data: CertificateData) -> tuple[CertificateData, list[FieldError]]:
    clean = data.cleaned()
    label = MemberCertificate.field_label
    cat = rules.catalog()
    errors = text_limits(MemberCertificate, clean, {"number": 64, "issuer": 128})
    if clean.member_id is None:
        errors.append(FieldError("member_id", label("member_id"), "请选择队员"))
    if clean.cert_type not in cat.certificate_types:
        errors.append(FieldError("cert_type", label("cert_type"), "请从 " + "、".join(
            c.label for c in cat.certificate_types.values()) + " 中选择"))
    for name in ("issued_on", "expires_on"):
        errors += plausible_day(MemberCertificate, name, getattr(clean, name))
    if clean.issued_on and clean.expires_on and clean.expires_on < clean.issued_on:
        errors.append(FieldError("expires_on", label("expires_on"), "不能早于发证日期"))
    return clean, errors


def _check_certificate(session: Session, data: CertificateData, cert_id: int | None = None) -> CertificateData:
    clean, errors = check_certificate(data)
    if clean.member_id is not None and live_record(session, TeamMember, clean.member_id) is None:
        errors.append(FieldError("member_id", MemberCertificate.field_label("member_id"), "所选队员已不存在，请重新选择"))
    if clean.number and not any(e.field in ("number", "cert_type") for e in errors):
        same = session.execute(select(MemberCertificate.id, TeamMember.name).join(
            TeamMember, TeamMember.id == MemberCertificate.member_id).where(
            MemberCertificate.cert_type == clean.cert_type, MemberCertificate.number == clean.number,
            MemberCertificate.deleted_at.is_(None))).all()
        for other, holder in same:
            if other != cert_id:
                errors.append(FieldError("number", MemberCertificate.field_label("number"),
                                         f"该类证书编号“{clean.number}”已登记在队员“{holder}”名下"))
                break
    raise_errors(errors)
    return clean


def add_certificate(uow: UnitOfWork, data: CertificateData) -> int:
    uow.require(ADD_CERTIFICATE)
    clean = _check_certificate(uow.session, data)
    row = MemberCertificate(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_certificate(uow: UnitOfWork, cert_id: int, data: CertificateData, expected_version: int) -> int:
    """Save ``data`` over a certificate (a renewed one: its new number and dates); the new version."""
    uow.require(UPDATE_CERTIFICATE)
    row = uow.get_for_update(MemberCertificate, cert_id, expected_version)
    clean = _check_certificate(uow.session, data, cert_id)
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_certificate(uow: UnitOfWork, cert_id: int, expected_version: int) -> None:
    uow.require(DELETE_CERTIFICATE)
    row = uow.get_for_update(MemberCertificate, cert_id, expected_version)
    uow.soft_delete(row)
    uow.session.flush()


def restore_certificate(uow: UnitOfWork, cert_id: int, expected_version: int) -> int:
    uow.require(RESTORE_CERTIFICATE)
    row = uow.get_from_bin(MemberCertificate, cert_id, expected_version, "该证书")
    if live_record(uow.session, TeamMember, row.member_id) is None:
        raise StateError("该证书所属的队员已删除，请先恢复队员。")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_certificate(session: Session, cert_id: int) -> tuple[CertificateData, int]:
    return load_form(session, MemberCertificate, cert_id, CertificateData)  # type: ignore[return-value]


def attach_scan(uow: UnitOfWork, cert_id: int, filename: str, data: bytes, expected_version: int) -> int:
    """Keep the certificate's scan (PDF or picture, ``refdata/attachments.json``); the certificate's
    version is checked and bumped. Returns the attachment's id."""
    uow.require(UPDATE_CERTIFICATE)
    row = uow.get_for_update(MemberCertificate, cert_id, expected_version)
    return attachments.add(uow, row, SCAN_KIND, filename, data)


def remove_scan(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    """Move a scan to the recycle bin (its certificate's version goes up)."""
    uow.require(UPDATE_CERTIFICATE)
    scan = attachments.for_update(uow, attachment_id, expected_version)
    if scan.owner_type != SCAN_OWNER:
        raise StateError("该附件不是证书扫描件。")
    owner = uow.get(MemberCertificate, scan.owner_id)
    attachments.remove(uow, scan, owner)


def scans(session: Session, cert_id: int) -> list[attachments.AttachmentInfo]:
    return attachments.listing(session, SCAN_OWNER, cert_id)


# ---- training and drills


@dataclass
class TrainingData:
    team_id: int | None = None
    held_on: date | None = None
    content: str = ""
    kind: str = "training"  # training 培训训练 | drill 演练
    hours: float = 0.0
    participants: int | None = None
    result: str = ""  # catalog.json training_results, or empty
    member_id: int | None = None  # one member's own course (None: the team's session)
    notes: str = ""

    def cleaned(self) -> TrainingData:
        return replace(self, content=squash(self.content), result=squash(self.result), notes=self.notes.strip())


def check_training(data: TrainingData) -> tuple[TrainingData, list[FieldError]]:
    clean = data.cleaned()
    cat = rules.catalog()
    label = TrainingRecord.field_label
    errors = text_limits(TrainingRecord, clean, {"content": 256, "result": 64})
    if clean.team_id is None:
        errors.append(FieldError("team_id", label("team_id"), "请选择救援队伍"))
    if clean.held_on is None:
        errors.append(FieldError("held_on", label("held_on"), "请填写日期"))
    errors += plausible_day(TrainingRecord, "held_on", clean.held_on)
    if not clean.content:
        errors.append(FieldError("content", label("content"), "不能为空"))
    errors += choose_key(TrainingRecord, "kind", clean.kind, cat.training_kinds)
    errors += number_range(TrainingRecord, "hours", clean.hours, 0, 1000)
    errors += number_range(TrainingRecord, "participants", clean.participants, 0, MAX_PEOPLE)
    if clean.result and cat.training_results and clean.result not in cat.training_results:
        errors.append(FieldError("result", label("result"), "请从 " + "、".join(cat.training_results) + " 中选择，或留空"))
    return clean, errors


def _check_training(session: Session, data: TrainingData) -> TrainingData:
    clean, errors = check_training(data)
    label = TrainingRecord.field_label
    if clean.team_id is not None and live_record(session, RescueTeam, clean.team_id) is None:
        errors.append(FieldError("team_id", label("team_id"), "所选队伍已不存在，请重新选择"))
    if clean.member_id is not None:
        member = live_record(session, TeamMember, clean.member_id)
        if member is None or member.team_id != clean.team_id:
            errors.append(FieldError("member_id", label("member_id"), "所选队员已不存在或不在本队伍"))
    raise_errors(errors)
    return clean


def add_training(uow: UnitOfWork, data: TrainingData) -> int:
    uow.require(ADD_TRAINING)
    clean = _check_training(uow.session, data)
    row = TrainingRecord(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_training(uow: UnitOfWork, record_id: int, data: TrainingData, expected_version: int) -> int:
    uow.require(UPDATE_TRAINING)
    row = uow.get_for_update(TrainingRecord, record_id, expected_version)
    clean = _check_training(uow.session, data)
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_training(uow: UnitOfWork, record_id: int, expected_version: int) -> None:
    uow.require(DELETE_TRAINING)
    uow.soft_delete(uow.get_for_update(TrainingRecord, record_id, expected_version))
    uow.session.flush()


def restore_training(uow: UnitOfWork, record_id: int, expected_version: int) -> int:
    uow.require(RESTORE_TRAINING)
    row = uow.get_from_bin(TrainingRecord, record_id, expected_version, "该训练记录")
    if live_record(uow.session, RescueTeam, row.team_id) is None:
        raise StateError("该训练记录所属的队伍已删除，请先恢复队伍。")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_training(session: Session, record_id: int) -> tuple[TrainingData, int]:
    return load_form(session, TrainingRecord, record_id, TrainingData)  # type: ignore[return-value]


# ---- duty points


@dataclass
class PointData:
    name: str = ""
    kind: str = "duty_room"  # duty_room 应急值班室 | team 救援队伍值班点
    team_id: int | None = None  # a team's point: the team
    region_id: int | None = None
    phone: str = ""
    address: str = ""
    shift_set: str = ""  # a shift set of duty.json (empty: the kind's default)
    min_staff: int | None = None  # 值班员 per shift (None: duty.json's default)
    leader_required: bool = True
    notes: str = ""

    def cleaned(self) -> PointData:
        duty = rules.duty_rules()
        default = duty.point_kinds.get(self.kind, ("", ""))[1]
        return replace(self, name=squash(self.name), phone=squash(self.phone), address=squash(self.address),
                       shift_set=self.shift_set.strip() or default, notes=self.notes.strip(),
                       min_staff=duty.min_staff if self.min_staff is None else self.min_staff)


def _check_point(session: Session, data: PointData, point_id: int | None = None) -> PointData:
    clean = data.cleaned()
    duty = rules.duty_rules()
    label = DutyPoint.field_label
    errors = text_limits(DutyPoint, clean, {"name": 128, "phone": 32, "address": 256})
    if not clean.name:
        errors.append(FieldError("name", label("name"), "不能为空"))
    else:
        for other, deleted in session.execute(select(DutyPoint.id, DutyPoint.deleted_at).where(DutyPoint.name == clean.name)):
            if other != point_id:
                where = "（在回收站中，可恢复）" if deleted is not None else ""
                errors.append(FieldError("name", label("name"), f"已有名为“{clean.name}”的值班点{where}"))
    errors += choose_key(DutyPoint, "kind", clean.kind, {k: v[0] for k, v in duty.point_kinds.items()})
    errors += choose_key(DutyPoint, "shift_set", clean.shift_set, {k: v.label for k, v in duty.shift_sets.items()})
    errors += number_range(DutyPoint, "min_staff", clean.min_staff, 0, duty.max_people_per_shift, required=True)
    if clean.kind == "team":
        if clean.team_id is None:
            errors.append(FieldError("team_id", label("team_id"), "救援队伍值班点请选择队伍"))
        elif live_record(session, RescueTeam, clean.team_id) is None:
            errors.append(FieldError("team_id", label("team_id"), "所选队伍已不存在，请重新选择"))
    elif clean.team_id is not None:
        errors.append(FieldError("team_id", label("team_id"), "应急值班室不属于某支队伍，请清空或把类型改为救援队伍值班点"))
    if clean.region_id is not None and live_record(session, Region, clean.region_id) is None:
        errors.append(FieldError("region_id", label("region_id"), "所选区域已不存在，请重新选择"))
    raise_errors(errors)
    return clean


def create_point(uow: UnitOfWork, data: PointData) -> int:
    uow.require(CREATE_POINT)
    clean = _check_point(uow.session, data)
    row = DutyPoint(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_point(uow: UnitOfWork, point_id: int, data: PointData, expected_version: int) -> int:
    """Save ``data`` over a duty point; its shift set cannot change once it has shifts (their kinds
    belong to the old set: make a new point instead)."""
    uow.require(UPDATE_POINT)
    row = uow.get_for_update(DutyPoint, point_id, expected_version)
    clean = _check_point(uow.session, data, point_id)
    if clean.shift_set != row.shift_set and uow.session.scalar(
            select(DutyShift.id).where(DutyShift.point_id == point_id, DutyShift.deleted_at.is_(None)).limit(1)):
        raise ValidationError([FieldError("shift_set", DutyPoint.field_label("shift_set"),
                                          "已排有班次，不能更改班次设置（可新建一个值班点）")])
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_point(uow: UnitOfWork, point_id: int, expected_version: int) -> None:
    uow.require(DELETE_POINT)
    uow.soft_delete(uow.get_for_update(DutyPoint, point_id, expected_version))
    uow.session.flush()


def restore_point(uow: UnitOfWork, point_id: int, expected_version: int) -> int:
    uow.require(RESTORE_POINT)
    row = uow.get_from_bin(DutyPoint, point_id, expected_version, lambda r: f"值班点“{r.name}”")
    _check_point(uow.session, load_point(uow.session, point_id)[0], point_id)
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_point(session: Session, point_id: int) -> tuple[PointData, int]:
    return load_form(session, DutyPoint, point_id, PointData)  # type: ignore[return-value]


def point_rules(point: DutyPoint) -> rules.PointRules:
    return rules.PointRules(point.shift_set, point.min_staff, point.leader_required, point.name)


# ---- shifts and the people on them


@dataclass
class ShiftData:
    point_id: int | None = None
    day: date | None = None  # the duty day
    kind: str = ""  # a shift of the point's set
    starts_at: datetime | None = None  # empty: the shift's time from the set
    ends_at: datetime | None = None
    notes: str = ""


def _moved(uow: UnitOfWork, *shifts: DutyShift) -> None:
    """A roster edit moves the shifts' versions and their points' (so a generate over a roster read
    before the edit is refused: ``generate_roster``'s ``expected_version``)."""
    for shift in shifts:
        uow.touch(shift)
    for point_id in sorted({s.point_id for s in shifts}):
        uow.touch(uow.get(DutyPoint, point_id, include_deleted=True))


def _shift_set(point: DutyPoint) -> rules.ShiftSet:
    found = rules.duty_rules().shift_sets.get(point.shift_set)
    if found is None:
        raise StateError(f"值班点“{point.name}”的班次设置“{point.shift_set}”已不在参考数据中，请在值班点中重新选择班次。")
    return found


def _check_shift(session: Session, data: ShiftData, shift_id: int | None = None) -> tuple[ShiftData, DutyPoint]:
    label = DutyShift.field_label
    errors: list[FieldError] = []
    point = live_record(session, DutyPoint, data.point_id)
    if point is None:
        raise ValidationError([FieldError("point_id", label("point_id"), "所选值班点已不存在")])
    shift_set = _shift_set(point)
    kind = shift_set.kind(data.kind)
    if kind is None:
        errors.append(FieldError("kind", label("kind"), "请从 " + "、".join(k.label for k in shift_set.shifts) + " 中选择"))
    if data.day is None:
        errors.append(FieldError("day", label("day"), "请填写值班日"))
    errors += plausible_day(DutyShift, "day", data.day)
    raise_errors(errors)
    assert kind is not None and data.day is not None
    start, end = kind.times(data.day)
    clean = replace(data, starts_at=data.starts_at or start, ends_at=data.ends_at or end, notes=data.notes.strip())
    assert clean.starts_at is not None and clean.ends_at is not None
    if clean.ends_at <= clean.starts_at:
        errors.append(FieldError("ends_at", label("ends_at"), "应晚于开始时间"))
    elif clean.ends_at - clean.starts_at > timedelta(hours=48):
        errors.append(FieldError("ends_at", label("ends_at"), "一个班次最长 48 小时"))
    same = session.scalars(select(DutyShift.id).where(DutyShift.point_id == point.id, DutyShift.day == data.day,
                                                      DutyShift.kind == data.kind, DutyShift.deleted_at.is_(None)))
    if any(other != shift_id for other in same):
        errors.append(FieldError("kind", label("kind"), f"{rules.day_label(data.day)}的{kind.label}已排过"))
    raise_errors(errors)
    return clean, point


def add_shift(uow: UnitOfWork, data: ShiftData) -> int:
    uow.require(EDIT_ROSTER)
    clean, point = _check_shift(uow.session, data)
    row = DutyShift(point_id=clean.point_id, day=clean.day, kind=clean.kind, starts_at=clean.starts_at,
                    ends_at=clean.ends_at, notes=clean.notes)
    uow.add(row)
    uow.touch(point)
    uow.session.flush()
    return row.id


def update_shift(uow: UnitOfWork, shift_id: int, data: ShiftData, expected_version: int) -> int:
    """Change a shift's times or notes (its point, day and kind stay: delete it and add another)."""
    uow.require(EDIT_ROSTER)
    row = uow.get_for_update(DutyShift, shift_id, expected_version)
    if (data.point_id, data.day, data.kind) != (row.point_id, row.day, row.kind):
        raise ValidationError([FieldError("kind", DutyShift.field_label("kind"),
                                          "班次的值班点、值班日和班次不能更改（可删除后另排）")])
    clean, point = _check_shift(uow.session, data, shift_id)
    changed = False
    for name in ("starts_at", "ends_at", "notes"):
        if getattr(row, name) != getattr(clean, name):
            setattr(row, name, getattr(clean, name))
            changed = True
    if changed:
        uow.touch(point)
    uow.session.flush()
    return row.version


def delete_shift(uow: UnitOfWork, shift_id: int, expected_version: int) -> None:
    uow.require(EDIT_ROSTER)
    row = uow.get_for_update(DutyShift, shift_id, expected_version)
    uow.soft_delete(row)
    uow.touch(uow.get(DutyPoint, row.point_id, include_deleted=True))
    uow.session.flush()


def restore_shift(uow: UnitOfWork, shift_id: int, expected_version: int) -> int:
    uow.require(EDIT_ROSTER)
    row = uow.get_from_bin(DutyShift, shift_id, expected_version, "该班次")
    _clean, point = _check_shift(uow.session, ShiftData(row.point_id, row.day, row.kind, row.starts_at, row.ends_at,
                                                         row.notes), shift_id)
    uow.restore(row)
    uow.touch(point)
    uow.session.flush()
    return row.version


@dataclass
class AssignmentData:
    shift_id: int | None = None
    name: str = ""
    phone: str = ""
    role: str = "staff"  # leader 带班领导 | staff 值班员
    member_id: int | None = None
    sort_order: int = 0

    def cleaned(self) -> AssignmentData:
        return replace(self, name=squash(self.name), phone=squash(self.phone))


def _check_person(session: Session, name: str, phone: str, member_id: int | None, shift_id: int | None,
                  assignment_id: int | None, fields_: tuple[str, str] = ("name", "phone")) -> list[FieldError]:
    label = DutyAssignment.field_label
    errors = []
    if not name:
        errors.append(FieldError(fields_[0], label("name"), "不能为空"))
    elif len(name) > 32:
        errors.append(FieldError(fields_[0], label("name"), f"最多 32 个字，现为 {len(name)} 个字"))
    if len(phone) > 32:
        errors.append(FieldError(fields_[1], label("phone"), f"最多 32 个字，现为 {len(phone)} 个字"))
    if member_id is not None and live_record(session, TeamMember, member_id) is None:
        errors.append(FieldError("member_id", label("member_id"), "所选队员已不存在"))
    if name and shift_id is not None:
        key = rules.person_key(name, phone)
        for other, other_name, other_phone in session.execute(select(
                DutyAssignment.id, DutyAssignment.name, DutyAssignment.phone).where(
                DutyAssignment.shift_id == shift_id, DutyAssignment.deleted_at.is_(None))):
            if other != assignment_id and rules.person_key(other_name, other_phone) == key:
                errors.append(FieldError(fields_[0], label("name"), f"{name} 已在本班次中"))
                break
    return errors


def _check_assignment(session: Session, data: AssignmentData, assignment_id: int | None = None
                      ) -> tuple[AssignmentData, DutyShift]:
    clean = data.cleaned()
    duty = rules.duty_rules()
    label = DutyAssignment.field_label
    shift = live_record(session, DutyShift, clean.shift_id)
    errors: list[FieldError] = []
    if shift is None or live_record(session, DutyPoint, shift.point_id) is None:
        errors.append(FieldError("shift_id", label("shift_id"), "所选班次已不存在"))
    errors += choose_key(DutyAssignment, "role", clean.role, duty.roles)
    errors += _check_person(session, clean.name, clean.phone, clean.member_id, clean.shift_id, assignment_id)
    if shift is not None:
        count = len(list(session.scalars(select(DutyAssignment.id).where(
            DutyAssignment.shift_id == shift.id, DutyAssignment.deleted_at.is_(None), DutyAssignment.id != (assignment_id or 0)))))
        if count >= duty.max_people_per_shift:
            errors.append(FieldError("name", label("name"), f"一个班次最多 {duty.max_people_per_shift} 人"))
    raise_errors(errors)
    assert shift is not None
    return clean, shift


def assign(uow: UnitOfWork, data: AssignmentData) -> int:
    """Put a person on a shift (the shift's version goes up); returns the assignment's id."""
    uow.require(EDIT_ROSTER)
    clean, shift = _check_assignment(uow.session, data)
    row = DutyAssignment(**form_values(clean))
    uow.add(row)
    _moved(uow, shift)
    uow.session.flush()
    return row.id


def update_assignment(uow: UnitOfWork, assignment_id: int, data: AssignmentData, expected_version: int) -> int:
    """Change who is on duty, their phone or role, or move them to another shift (a drag on the
    roster); both shifts' versions go up. A change of person that is a swap goes through ``swap``."""
    uow.require(EDIT_ROSTER)
    row = uow.get_for_update(DutyAssignment, assignment_id, expected_version)
    old_shift = uow.get(DutyShift, row.shift_id, include_deleted=True)
    clean, shift = _check_assignment(uow.session, data, assignment_id)
    copy_form(clean, row)
    _moved(uow, *([shift] if old_shift.id == shift.id else [shift, old_shift]))
    uow.session.flush()
    return row.version


def remove_assignment(uow: UnitOfWork, assignment_id: int, expected_version: int) -> None:
    uow.require(EDIT_ROSTER)
    row = uow.get_for_update(DutyAssignment, assignment_id, expected_version)
    uow.soft_delete(row)
    _moved(uow, uow.get(DutyShift, row.shift_id, include_deleted=True))
    uow.session.flush()


def load_assignment(session: Session, assignment_id: int) -> tuple[AssignmentData, int]:
    return load_form(session, DutyAssignment, assignment_id, AssignmentData)  # type: ignore[return-value]


@dataclass
class SwapData:
    to_name: str = ""
    to_phone: str = ""
    reason: str = ""
    to_member_id: int | None = None


def swap(uow: UnitOfWork, assignment_id: int, data: SwapData, expected_version: int) -> int:
    """换班: hand an assignment to another person, with the reason (required). The assignment
    changes and a ``DutySwap`` row records from whom to whom and why; returns the assignment's
    new version."""
    uow.require(SWAP)
    row = uow.get_for_update(DutyAssignment, assignment_id, expected_version)
    to_name, to_phone, reason = squash(data.to_name), squash(data.to_phone), data.reason.strip()
    errors = _check_person(uow.session, to_name, to_phone, data.to_member_id, row.shift_id, assignment_id,
                           ("to_name", "to_phone"))
    label = DutySwap.field_label
    if not reason:
        errors.append(FieldError("reason", label("reason"), "请写明换班原因"))
    if to_name and rules.person_key(to_name, to_phone) == rules.person_key(row.name, row.phone):
        errors.append(FieldError("to_name", label("to_name"), "替班人与原值班人相同"))
    raise_errors(errors)
    uow.add(DutySwap(assignment_id=row.id, shift_id=row.shift_id, from_name=row.name, from_phone=row.phone,
                     to_name=to_name, to_phone=to_phone, reason=reason))
    row.name, row.phone, row.member_id = to_name, to_phone, data.to_member_id
    _moved(uow, uow.get(DutyShift, row.shift_id, include_deleted=True))
    uow.session.flush()
    return row.version


@dataclass
class HandoverData:
    shift_id: int | None = None
    handed_at: datetime | None = None
    from_name: str = ""
    to_name: str = ""
    open_matters: str = ""
    notes: str = ""

    def cleaned(self) -> HandoverData:
        return replace(self, from_name=squash(self.from_name), to_name=squash(self.to_name),
                       open_matters=self.open_matters.strip(), notes=self.notes.strip())


def _check_handover(session: Session, data: HandoverData) -> HandoverData:
    clean = data.cleaned()
    label = HandoverLog.field_label
    errors = text_limits(HandoverLog, clean, {"from_name": 32, "to_name": 32})
    shift = live_record(session, DutyShift, clean.shift_id)
    if shift is None:
        errors.append(FieldError("shift_id", label("shift_id"), "所选班次已不存在"))
    if clean.handed_at is None:
        errors.append(FieldError("handed_at", label("handed_at"), "请填写交接时间"))
    elif shift is not None and not (shift.starts_at - timedelta(hours=12) <= clean.handed_at
                                    <= shift.ends_at + timedelta(hours=12)):
        errors.append(FieldError("handed_at", label("handed_at"), "应在该班次前后 12 小时之内"))
    for name in ("from_name", "to_name"):
        if not getattr(clean, name):
            errors.append(FieldError(name, label(name), "不能为空"))
    raise_errors(errors)
    return clean


def record_handover(uow: UnitOfWork, data: HandoverData) -> int:
    uow.require(HANDOVER)
    clean = _check_handover(uow.session, data)
    row = HandoverLog(**form_values(clean))
    uow.add(row)
    uow.session.flush()
    return row.id


def update_handover(uow: UnitOfWork, handover_id: int, data: HandoverData, expected_version: int) -> int:
    uow.require(HANDOVER)
    row = uow.get_for_update(HandoverLog, handover_id, expected_version)
    clean = _check_handover(uow.session, data)
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_handover(uow: UnitOfWork, handover_id: int, expected_version: int) -> None:
    uow.require(HANDOVER)
    uow.soft_delete(uow.get_for_update(HandoverLog, handover_id, expected_version))
    uow.session.flush()


def load_handover(session: Session, handover_id: int) -> tuple[HandoverData, int]:
    return load_form(session, HandoverLog, handover_id, HandoverData)  # type: ignore[return-value]


# ---- generating a period


class RosterTakenError(StateError):
    """The period to generate already has live shifts (and no overwrite was asked for)."""


@dataclass(frozen=True)
class GeneratedRoster:
    shift_ids: list[int]
    assignments: int
    replaced: int  # shifts of the period moved to the recycle bin first


def _clean_people(people: Sequence[rules.Person], what: str) -> tuple[tuple[rules.Person, ...], list[FieldError]]:
    out, errors, seen = [], [], set()
    for n, p in enumerate(people, start=1):
        name, phone = squash(p.name), squash(p.phone)
        if not name or len(name) > 32 or len(phone) > 32:
            errors.append(FieldError(what, f"第 {n} 位{'带班领导' if what == 'leaders' else '值班员'}",
                                     "姓名不能为空，姓名和电话最多 32 个字"))
            continue
        key = rules.person_key(name, phone)
        if key in seen:
            errors.append(FieldError(what, f"第 {n} 位{'带班领导' if what == 'leaders' else '值班员'}", f"{name} 重复列出"))
        seen.add(key)
        out.append(rules.Person(name, phone, p.member_id))
    return tuple(out), errors


def generate_roster(uow: UnitOfWork, point_id: int, start: date, end: date, pattern: rules.RotationPattern, *,
                    replace_existing: bool = False, expected_version: int | None = None) -> GeneratedRoster:
    """Write the shifts of duty days ``start``…``end`` of a point, its people from ``pattern``
    (``models.teams.rules.rotation``), in bulk. The period must be free of live shifts unless
    ``replace_existing`` moves them to the recycle bin first. With ``expected_version`` (the point's
    version the caller's roster was read at; the window passes it) a roster changed meanwhile is
    refused (``ConflictError``) and the point's version goes up, so the next stale generate is refused
    too. What the checks find in the result (a night without a leader when the pattern has none …) is
    for ``queries.roster`` to show."""
    uow.require(GENERATE_ROSTER)
    if expected_version is not None:
        point: DutyPoint | None = uow.get_for_update(DutyPoint, point_id, expected_version)
    else:
        point = live_record(uow.session, DutyPoint, point_id)
    if point is None:
        raise NotFoundError(DutyPoint.__label__, point_id)
    shift_set = _shift_set(point)
    errors: list[FieldError] = []
    if end < start:
        errors.append(FieldError("end", "结束日期", "不能早于开始日期"))
    elif (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors.append(FieldError("end", "结束日期", f"一次最多生成 {MAX_PERIOD_DAYS} 天"))
    leaders, errs = _clean_people(pattern.leaders, "leaders")
    errors += errs
    staff, errs = _clean_people(pattern.staff, "staff")
    errors += errs
    if not leaders and not staff:
        errors.append(FieldError("staff", "值班人员", "请至少列出一位带班领导或值班员"))
    if not 1 <= pattern.staff_per_shift <= rules.duty_rules().max_people_per_shift:
        errors.append(FieldError("staff_per_shift", "每班值班员人数", "应在 1 到 "
                                 f"{rules.duty_rules().max_people_per_shift} 之间"))
    unknown = [k for k in pattern.kinds if shift_set.kind(k) is None]
    if unknown:
        errors.append(FieldError("kinds", "班次", "请从 " + "、".join(k.label for k in shift_set.shifts) + " 中选择"))
    if pattern.leader_per not in ("day", "shift"):
        errors.append(FieldError("leader_per", "带班方式", "应为按值班日或按班次轮换"))
    raise_errors(errors)
    existing = list(uow.session.scalars(select(DutyShift).where(
        DutyShift.point_id == point_id, DutyShift.day >= start, DutyShift.day <= end, DutyShift.deleted_at.is_(None))))
    if existing and not replace_existing:
        raise RosterTakenError(f"值班点“{point.name}”在 {start.isoformat()} 至 {end.isoformat()} 已排有 {len(existing)} 个班次；"
                         "如要重新生成，请选择覆盖（原班次移入回收站）。")
    for shift in existing:
        uow.soft_delete(shift)
    if existing:
        for a in uow.session.scalars(select(DutyAssignment).where(
                DutyAssignment.shift_id.in_([s.id for s in existing]), DutyAssignment.deleted_at.is_(None))):
            uow.soft_delete(a)
        uow.session.flush()
    planned = rules.rotation(shift_set, start, end, replace(pattern, leaders=leaders, staff=staff), point_id)
    ids = uow.reserve_ids(DutyShift, len(planned))
    uow.insert_rows(DutyShift, [{"id": sid, "point_id": point_id, "day": s.day, "kind": s.kind,
                                 "starts_at": s.starts_at, "ends_at": s.ends_at} for sid, s in zip(ids, planned, strict=True)])
    people = [{"shift_id": sid, "role": p.role, "name": p.name, "phone": p.phone, "member_id": p.member_id,
               "sort_order": n} for sid, s in zip(ids, planned, strict=True) for n, p in enumerate(s.people)]
    uow.insert_rows(DutyAssignment, people)
    if expected_version is not None:
        uow.touch(point)
        uow.session.flush()
    return GeneratedRoster(ids, len(people), len(existing))


# ---- many at once (imports, the demo)


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row of many (``check_*``): what an import's error workbook lists."""

    row: int  # 1-based, in the order given
    field: str  # the data attribute ("" for the row as a whole)
    label: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行的{self.label}：{self.message}"


def _problems_raise(problems: list[RowProblem]) -> None:
    if problems:
        raise ValidationError([FieldError(p.field, f"第 {p.row} 行的{p.label}", p.message) for p in problems])


def check_teams(session: Session, rows: Sequence[TeamData]) -> list[RowProblem]:
    """Every problem of many new teams, without writing: the form's checks, names already used (in
    the database or by an earlier row), and the regions and enterprises they name."""
    cleaned = [check_team(r) for r in rows]
    names = sorted({c.name for c, _e in cleaned if c.name})
    taken: dict[str, bool] = {}
    for chunk in chunks(names):
        taken.update({n: d is not None for n, d in session.execute(
            select(RescueTeam.name, RescueTeam.deleted_at).where(RescueTeam.name.in_(chunk)))})
    regions = set(session.scalars(select(Region.id).where(Region.deleted_at.is_(None))))
    wanted = sorted({e for c, _e in cleaned for e in c.enterprise_ids})
    live: set[int] = set()
    for chunk in chunks(wanted):
        live.update(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(chunk), Enterprise.deleted_at.is_(None))))
    label = RescueTeam.field_label
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for n, (clean, errors) in enumerate(cleaned, start=1):
        problems += [RowProblem(n, e.field, e.label, e.message) for e in errors]
        if clean.name and not any(e.field == "name" for e in errors):
            if clean.name in taken:
                where = "（在回收站中，可恢复）" if taken[clean.name] else ""
                problems.append(RowProblem(n, "name", label("name"), f"已有名为“{clean.name}”的救援队伍{where}"))
            elif clean.name in seen:
                problems.append(RowProblem(n, "name", label("name"), f"队伍名称“{clean.name}”与第 {seen[clean.name]} 行重复"))
            seen.setdefault(clean.name, n)
        if clean.region_id is not None and clean.region_id not in regions:
            problems.append(RowProblem(n, "region_id", label("region_id"), "所选区域已不存在"))
        if any(e not in live for e in clean.enterprise_ids):
            field_ = "owner_enterprise_id" if clean.owner_enterprise_id not in live and clean.owner_enterprise_id else \
                "enterprise_ids"
            problems.append(RowProblem(n, field_, label(field_) if field_ != "enterprise_ids" else "服务企业",
                                       "所选企业已不存在"))
    return problems


def import_teams(uow: UnitOfWork, rows: Sequence[TeamData]) -> list[int]:
    """Write many new teams (with the enterprises they serve) at once — all or nothing: any problem
    raises, naming 第 N 行; their ids in order."""
    uow.require(IMPORT_TEAMS)
    _problems_raise(check_teams(uow.session, rows))
    clean = [check_team(r)[0] for r in rows]
    ids = uow.reserve_ids(RescueTeam, len(clean))
    uow.insert_rows(RescueTeam, [{"id": i, **form_values(c, ("enterprise_ids",))} for i, c in zip(ids, clean, strict=True)])
    uow.insert_rows(TeamEnterprise, [{"team_id": i, "enterprise_id": e}
                                     for i, c in zip(ids, clean, strict=True) for e in c.enterprise_ids])
    return ids


def _live_ids(session: Session, cls: type[Entity], ids: Sequence[int | None]) -> set[int]:
    wanted = sorted({i for i in ids if i is not None})
    out: set[int] = set()
    for chunk in chunks(wanted):
        out.update(session.scalars(select(cls.id).where(cls.id.in_(chunk), cls.deleted_at.is_(None))))
    return out


def check_members(session: Session, rows: Sequence[MemberData]) -> list[RowProblem]:
    """Every problem of many new members, without writing (their teams must be stored and live)."""
    teams = _live_ids(session, RescueTeam, [r.team_id for r in rows])
    problems: list[RowProblem] = []
    for n, row in enumerate(rows, start=1):
        clean, errors = check_member(row)
        problems += [RowProblem(n, e.field, e.label, e.message) for e in errors]
        if clean.team_id is not None and clean.team_id not in teams:
            problems.append(RowProblem(n, "team_id", TeamMember.field_label("team_id"), "所选队伍已不存在"))
    return problems


def import_members(uow: UnitOfWork, rows: Sequence[MemberData]) -> list[int]:
    """Write many new members at once (all or nothing, naming 第 N 行); their ids in order."""
    uow.require(IMPORT_MEMBERS)
    _problems_raise(check_members(uow.session, rows))
    clean = [check_member(r)[0] for r in rows]
    ids = uow.reserve_ids(TeamMember, len(clean))
    uow.insert_rows(TeamMember, [{"id": i, **form_values(c)} for i, c in zip(ids, clean, strict=True)])
    return ids


def check_certificates(session: Session, rows: Sequence[CertificateData]) -> list[RowProblem]:
    """Every problem of many new certificates, without writing: the form's checks, live members, and
    numbers of a type already registered (in the database or by an earlier row)."""
    members = _live_ids(session, TeamMember, [r.member_id for r in rows])
    cleaned = [check_certificate(r) for r in rows]
    numbers = sorted({c.number for c, _e in cleaned if c.number})
    taken: set[tuple[str, str]] = set()
    for chunk in chunks(numbers):
        taken.update((t, n) for t, n in session.execute(select(MemberCertificate.cert_type, MemberCertificate.number).where(
            MemberCertificate.number.in_(chunk), MemberCertificate.deleted_at.is_(None))))
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str], int] = {}
    label = MemberCertificate.field_label
    for n, (clean, errors) in enumerate(cleaned, start=1):
        problems += [RowProblem(n, e.field, e.label, e.message) for e in errors]
        if clean.member_id is not None and clean.member_id not in members:
            problems.append(RowProblem(n, "member_id", label("member_id"), "所选队员已不存在"))
        if clean.number and not errors:
            key = (clean.cert_type, clean.number)
            if key in taken:
                problems.append(RowProblem(n, "number", label("number"), f"该类证书编号“{clean.number}”已登记"))
            elif key in seen:
                problems.append(RowProblem(n, "number", label("number"), f"证书编号“{clean.number}”与第 {seen[key]} 行重复"))
            seen.setdefault(key, n)
    return problems


def import_certificates(uow: UnitOfWork, rows: Sequence[CertificateData]) -> list[int]:
    """Write many new certificates at once (all or nothing, naming 第 N 行); their ids in order."""
    uow.require(IMPORT_CERTIFICATES)
    _problems_raise(check_certificates(uow.session, rows))
    clean = [check_certificate(r)[0] for r in rows]
    ids = uow.reserve_ids(MemberCertificate, len(clean))
    uow.insert_rows(MemberCertificate, [{"id": i, **form_values(c)} for i, c in zip(ids, clean, strict=True)])
    return ids


def scan_rows(session: Session, cert_ids: Sequence[int]) -> dict[int, int]:
    """Certificate id → how many live scans it has (the lists' 扫描件 column)."""
    out: dict[int, int] = {}
    for chunk in chunks(sorted(set(cert_ids))):
        for owner_id, in session.execute(select(Attachment.owner_id).where(
                Attachment.owner_type == SCAN_OWNER, Attachment.owner_id.in_(chunk), Attachment.deleted_at.is_(None))):
            out[owner_id] = out.get(owner_id, 0) + 1
    return out
