"""Stored entities of the teams module (应急救援队伍 and 值班值守, domain.md §5): rescue teams, the
enterprises they serve, their equipment, members, certificates and training, and the duty roster —
duty points, shifts, who is on each shift, swaps and handovers.

The import-linter contracts keep teams, drills and supplies apart in every layer, so two things are
the team's own here: its **equipment** is its own list of items with a quantity and a condition
(完好/待修/报废), not links to supply batches; its **drills** are training records of kind 演练
(``TrainingRecord.kind == "drill"``), not rows of the drills module. A later module above all three
(oversight) may relate them.

Every code a column holds (team type, specialty, position, member status, certificate type,
equipment group and condition, training kind, duty point kind, shift kind, duty role) is a key of
the reference data in ``models/teams/refdata`` (``catalog.json``, ``duty.json``), checked by the
services. A person on duty is their name and phone as entered (optionally linked to a team member):
the roster checks (double booking, rest) compare people by name and phone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, Entity

_DELETED = {"deleted_at": "删除时间", "deleted_by": "删除人"}


class RescueTeam(Entity, Base):
    """救援队伍: a government or an enterprise's team (``owner_enterprise_id``), 专职, 兼职 or 协议
    (an agreement with ``agreement_party``, valid until ``agreement_expires_on``)."""

    __tablename__ = "rescue_team"
    __label__ = "救援队伍"
    __field_labels__ = {"name": "队伍名称", "kind": "队伍类型", "specialties": "专业", "owner_enterprise_id": "所属企业",
                        "region_id": "所在区域", "base_address": "驻地", "leader": "队长", "leader_phone": "队长电话",
                        "duty_phone": "24小时值班电话", "headcount": "编制人数", "filed_on": "备案日期",
                        "filing_no": "备案编号", "turnout_minutes": "出动时间（分钟）", "agreement_party": "协议单位",
                        "agreement_expires_on": "协议有效期至", "notes": "备注", **_DELETED}
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="professional")
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)  # sorted keys of catalog.json
    owner_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    base_address: Mapped[str] = mapped_column(String(256), default="")
    leader: Mapped[str] = mapped_column(String(32), default="")
    leader_phone: Mapped[str] = mapped_column(String(32), default="")
    duty_phone: Mapped[str] = mapped_column(String(32), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    filed_on: Mapped[date | None] = mapped_column(Date)
    filing_no: Mapped[str] = mapped_column(String(64), default="")
    turnout_minutes: Mapped[int | None] = mapped_column(Integer)
    agreement_party: Mapped[str] = mapped_column(String(128), default="")
    agreement_expires_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class TeamEnterprise(Entity, Base):
    """An enterprise a team serves (its own, or one that signed an agreement with it)."""

    __tablename__ = "team_enterprise"
    __label__ = "服务企业"
    __field_labels__ = {"team_id": "救援队伍", "enterprise_id": "企业", **_DELETED}
    __table_args__ = (UniqueConstraint("team_id", "enterprise_id"), Index("ix_team_enterprise_enterprise", "enterprise_id"))

    team_id: Mapped[int] = mapped_column(ForeignKey("rescue_team.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))


class TeamEquipment(Entity, Base):
    """One line of a team's equipment: an item, how many, in which condition (a team with 8 breathing
    sets of which 2 wait for repair has two lines)."""

    __tablename__ = "team_equipment"
    __label__ = "队伍装备"
    __field_labels__ = {"team_id": "救援队伍", "name": "装备名称", "spec": "规格型号", "category": "装备类别",
                        "quantity": "数量", "unit": "单位", "condition": "状态", "notes": "备注", **_DELETED}

    team_id: Mapped[int] = mapped_column(ForeignKey("rescue_team.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    spec: Mapped[str] = mapped_column(String(128), default="")
    category: Mapped[str] = mapped_column(String(16), default="other")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit: Mapped[str] = mapped_column(String(16), default="")
    condition: Mapped[str] = mapped_column(String(16), default="good")
    notes: Mapped[str] = mapped_column(Text, default="")


class TeamMember(Entity, Base):
    """队员 of a team."""

    __tablename__ = "team_member"
    __label__ = "队员"
    __field_labels__ = {"team_id": "救援队伍", "name": "姓名", "position": "职务", "born_on": "出生日期", "phone": "电话",
                        "status": "状态", "medical_checked_on": "最近体检", "experience_years": "从业年限（年）",
                        "joined_on": "入队日期", "notes": "备注", **_DELETED}

    team_id: Mapped[int] = mapped_column(ForeignKey("rescue_team.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    position: Mapped[str] = mapped_column(String(32), default="member")
    born_on: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="on_duty")
    medical_checked_on: Mapped[date | None] = mapped_column(Date)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    joined_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class MemberCertificate(Entity, Base):
    """A member's certificate (证书); its scan is an attachment owned by it
    (``owner_type`` ``member_certificate``, kind ``scan``, ``models.core.attachments``)."""

    __tablename__ = "member_certificate"
    __label__ = "证书"
    __field_labels__ = {"member_id": "队员", "cert_type": "证书类型", "number": "证书编号", "issued_on": "发证日期",
                        "expires_on": "有效期至", "issuer": "发证机关", "notes": "备注", **_DELETED}
    __table_args__ = (Index("ix_member_certificate_expires", "expires_on"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    cert_type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)  # None: no expiry
    issuer: Mapped[str] = mapped_column(String(128), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class TrainingRecord(Entity, Base):
    """A training session or a drill (``kind`` training | drill) of the whole team, or — with
    ``member_id`` — one member's own course. Readiness counts the team's own sessions."""

    __tablename__ = "training_record"
    __label__ = "训练记录"
    __field_labels__ = {"team_id": "救援队伍", "member_id": "队员", "kind": "类型", "held_on": "日期", "content": "内容",
                        "hours": "学时", "participants": "参加人数", "result": "结果", "notes": "备注", **_DELETED}
    __table_args__ = (Index("ix_training_record_team", "team_id", "kind", "held_on"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("rescue_team.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("team_member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="training")
    held_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(String(256))
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    participants: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class DutyPoint(Entity, Base):
    """值班点: a bureau's duty room (``kind`` duty_room) or a team's (``kind`` team, ``team_id``), with
    the set of shifts it keeps (a key of ``duty.json``'s shift sets), its minimum staff per shift and
    whether every shift needs a 带班领导."""

    __tablename__ = "duty_point"
    __label__ = "值班点"
    __field_labels__ = {"name": "值班点名称", "kind": "类型", "team_id": "救援队伍", "region_id": "所属区域",
                        "phone": "值班电话", "address": "地址", "shift_set": "班次", "min_staff": "每班最少值班员",
                        "leader_required": "须有带班领导", "notes": "备注", **_DELETED}
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="duty_room")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("rescue_team.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    shift_set: Mapped[str] = mapped_column(String(32), default="day_night")
    min_staff: Mapped[int] = mapped_column(Integer, default=1)
    leader_required: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class DutyShift(Entity, Base):
    """One shift of a duty point: the duty day it belongs to, its kind (a shift of the point's set)
    and when it starts and ends (a night shift ends the next morning)."""

    __tablename__ = "duty_shift"
    __label__ = "值班班次"
    __field_labels__ = {"point_id": "值班点", "day": "值班日", "kind": "班次", "starts_at": "开始时间",
                        "ends_at": "结束时间", "notes": "备注", **_DELETED}
    __table_args__ = (Index("ix_duty_shift_point_day", "point_id", "day"), Index("ix_duty_shift_starts", "starts_at"))

    point_id: Mapped[int] = mapped_column(ForeignKey("duty_point.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")


class DutyAssignment(Entity, Base):
    """A person on a shift: 带班领导 (``role`` leader) or 值班员 (staff), with the phone to reach them."""

    __tablename__ = "duty_assignment"
    __label__ = "值班人员"
    __field_labels__ = {"shift_id": "值班班次", "role": "值班角色", "name": "姓名", "phone": "电话", "member_id": "队员",
                        "sort_order": "顺序", **_DELETED}
    __table_args__ = (Index("ix_duty_assignment_name", "name"),)

    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="staff")
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(32), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("team_member.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class DutySwap(Entity, Base):
    """换班记录: who handed a duty to whom and why. Written once (the assignment itself changes in
    the same command, and the trail records both)."""

    __tablename__ = "duty_swap"
    __label__ = "换班记录"
    __immutable__ = True
    __field_labels__ = {"assignment_id": "值班人员", "shift_id": "值班班次", "from_name": "原值班人",
                        "from_phone": "原值班人电话", "to_name": "替班人", "to_phone": "替班人电话", "reason": "换班原因",
                        **_DELETED}

    assignment_id: Mapped[int] = mapped_column(ForeignKey("duty_assignment.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id"), index=True)
    from_name: Mapped[str] = mapped_column(String(32))
    from_phone: Mapped[str] = mapped_column(String(32), default="")
    to_name: Mapped[str] = mapped_column(String(32))
    to_phone: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text)


class HandoverLog(Entity, Base):
    """交接班记录 of a shift: when, from whom to whom, and the matters still open."""

    __tablename__ = "handover_log"
    __label__ = "交接班记录"
    __field_labels__ = {"shift_id": "值班班次", "handed_at": "交接时间", "from_name": "交班人", "to_name": "接班人",
                        "open_matters": "未结事项", "notes": "备注", **_DELETED}

    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id"), index=True)
    handed_at: Mapped[datetime] = mapped_column(DateTime)
    from_name: Mapped[str] = mapped_column(String(32))
    to_name: Mapped[str] = mapped_column(String(32))
    open_matters: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
