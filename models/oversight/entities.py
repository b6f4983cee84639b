"""Stored entities of the oversight module (监管, domain.md §6): inspection campaigns, inspections of
enterprises and the hidden hazards (隐患) found in them with their rectification, extensions and
re-checks, administrative penalties (行政处罚), the blacklist (黑名单) with its full history, and
incident information (生产安全事故信息) with its later corrections (补报) and the plans activated.

Oversight sits above drills, supplies and teams (the import-linter contracts), so it may read them
all for the statistics and the flood-season view; no lower module knows it. Every code a column holds
(campaign kind, hazard level, category and status, penalty kind, incident kind and grade) is a key of
the reference data in ``models/oversight/refdata`` checked by the services. A blacklisted enterprise is
marked on the enterprise row itself (``Enterprise.blacklisted_on``, kept by the blacklist service in the
same unit of work), so every lower module's lists and exports can show the mark without knowing oversight.
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


class InspectionCampaign(Entity, Base):
    """检查行动: 安全生产大检查, 汛期专项检查 … over a period, led by a department with others taking
    part, aimed at some industries (none: all)."""

    __tablename__ = "inspection_campaign"
    __label__ = "检查行动"
    __field_labels__ = {"name": "行动名称", "kind": "行动类型", "starts_on": "开始日期", "ends_on": "结束日期",
                        "lead_department_id": "牵头部门", "department_ids": "参与部门", "industry_codes": "重点行业",
                        "notes": "备注", **_DELETED}
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="general")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    department_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class Inspection(Entity, Base):
    """检查记录: one inspection of an enterprise by a department on a day (within a campaign or not)."""

    __tablename__ = "inspection"
    __label__ = "检查记录"
    __field_labels__ = {"enterprise_id": "企业", "campaign_id": "检查行动", "inspected_on": "检查日期",
                        "department_id": "检查部门", "inspectors": "检查人员", "summary": "检查情况", **_DELETED}
    __table_args__ = (Index("ix_inspection_day", "inspected_on", "department_id"),
                      Index("ix_inspection_enterprise", "enterprise_id", "inspected_on"))

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_campaign.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    inspectors: Mapped[str] = mapped_column(String(256), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class Hazard(Entity, Base):
    """隐患: a finding of an inspection (``enterprise_id`` and ``department_id`` copied from it, so the
    statistics group without a join), its rectification deadline and status 待整改 → 整改中 → 待复查 →
    已销号. A 重大 hazard may be put under 挂牌督办 (``supervised_on``, by ``supervising_unit``)."""

    __tablename__ = "hazard"
    __label__ = "隐患"
    __field_labels__ = {"inspection_id": "检查记录", "enterprise_id": "企业", "department_id": "检查部门",
                        "found_on": "发现日期", "level": "隐患等级", "category": "隐患类别", "description": "隐患描述",
                        "responsible": "整改责任人", "responsible_phone": "责任人电话", "deadline": "整改期限",
                        "status": "整改状态", "measures": "整改措施", "rectified_on": "整改完成日期",
                        "closed_on": "销号日期", "supervised_on": "挂牌督办日期", "supervising_unit": "督办单位",
                        **_DELETED}
    __table_args__ = (Index("ix_hazard_status_deadline", "status", "deadline"),
                      Index("ix_hazard_found", "found_on", "department_id"),
                      Index("ix_hazard_enterprise", "enterprise_id", "found_on"))

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    found_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(16), default="general")
    category: Mapped[str] = mapped_column(String(32), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(32), default="")
    responsible_phone: Mapped[str] = mapped_column(String(32), default="")
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    measures: Mapped[str] = mapped_column(Text, default="")
    rectified_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    supervised_on: Mapped[date | None] = mapped_column(Date)
    supervising_unit: Mapped[str] = mapped_column(String(128), default="")


class HazardExtension(Entity, Base):
    """整改延期: a hazard's deadline moved, with the reason and who approved it."""

    __tablename__ = "hazard_extension"
    __label__ = "整改延期"
    __field_labels__ = {"hazard_id": "隐患", "granted_on": "批准日期", "old_deadline": "原整改期限",
                        "new_deadline": "新整改期限", "reason": "延期理由", "approved_by": "批准人", **_DELETED}

    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    granted_on: Mapped[date] = mapped_column(Date)
    old_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(32), default="")


class HazardRecheck(Entity, Base):
    """复查记录: a re-check of a rectified hazard; passed closes it (销号), failed sends it back to 整改中."""

    __tablename__ = "hazard_recheck"
    __label__ = "复查记录"
    __field_labels__ = {"hazard_id": "隐患", "checked_on": "复查日期", "checker": "复查人", "passed": "复查结论",
                        "opinion": "复查意见", **_DELETED}

    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    checker: Mapped[str] = mapped_column(String(64), default="")
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    opinion: Mapped[str] = mapped_column(Text, default="")


class Penalty(Entity, Base):
    """行政处罚: on an enterprise, by a department, optionally for an inspection or a hazard."""

    __tablename__ = "penalty"
    __label__ = "行政处罚"
    __field_labels__ = {"enterprise_id": "企业", "department_id": "处罚部门", "inspection_id": "检查记录",
                        "hazard_id": "隐患", "kind": "处罚种类", "amount": "罚款金额（元）", "decision_no": "决定书文号",
                        "decided_on": "处罚日期", "notes": "备注", **_DELETED}
    __table_args__ = (Index("ix_penalty_decided", "decided_on", "department_id"),)

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"))
    kind: Mapped[str] = mapped_column(String(16), default="fine")
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class BlacklistEntry(Entity, Base):
    """One stay of an enterprise on the blacklist: listed (why, when, who decided) and, later, removed
    (when, why, who). The history is every entry; at most one is open (``removed_on`` None)."""

    __tablename__ = "blacklist_entry"
    __label__ = "黑名单记录"
    __field_labels__ = {"enterprise_id": "企业", "listed_on": "列入日期", "reason": "列入理由", "decided_by": "决定人",
                        "decision_no": "决定文号", "removed_on": "移出日期", "removal_reason": "移出理由",
                        "removed_by": "移出决定人", **_DELETED}
    __table_args__ = (Index("ix_blacklist_enterprise", "enterprise_id", "listed_on"),)

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    listed_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    removed_by: Mapped[str] = mapped_column(String(64), default="")


class Incident(Entity, Base):
    """事故信息: received at the bureau (``received_at``, the moment the 1-hour deadline counts from —
    or ``occurred_at`` when the rules say so), reported up (``reported_at``), where and what, and the
    figures as first reported; later corrections are ``IncidentUpdate`` rows (the latest figures win).
    ``grade`` is derived from the figures by the grade rule (kept for lists and statistics)."""

    __tablename__ = "incident"
    __label__ = "事故信息"
    __field_labels__ = {"title": "事故名称", "enterprise_id": "事发企业", "region_id": "事发区域", "location": "事发地点",
                        "kind": "事故类型", "occurred_at": "发生时间", "received_at": "接报时间", "reported_at": "上报时间",
                        "reported_to": "上报单位", "deaths": "死亡人数", "serious_injuries": "重伤人数",
                        "direct_loss_wan": "直接经济损失（万元）", "grade": "事故等级", "summary": "事故简要经过",
                        "reporter": "报告人", **_DELETED}
    __table_args__ = (Index("ix_incident_received", "received_at"),)

    title: Mapped[str] = mapped_column(String(128))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    location: Mapped[str] = mapped_column(String(256), default="")
    kind: Mapped[str] = mapped_column(String(16), default="other")
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_to: Mapped[str] = mapped_column(String(128), default="")
    deaths: Mapped[int] = mapped_column(Integer, default=0)
    serious_injuries: Mapped[int] = mapped_column(Integer, default=0)
    direct_loss_wan: Mapped[float] = mapped_column(Float, default=0.0)
    grade: Mapped[str] = mapped_column(String(16), default="general")
    summary: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(64), default="")


class IncidentUpdate(Entity, Base):
    """补报/续报: a dated correction of an incident's figures (a later death, a revised loss)."""

    __tablename__ = "incident_update"
    __label__ = "事故续报"
    __field_labels__ = {"incident_id": "事故信息", "reported_at": "续报时间", "deaths": "死亡人数",
                        "serious_injuries": "重伤人数", "direct_loss_wan": "直接经济损失（万元）", "note": "续报内容",
                        **_DELETED}
    __table_args__ = (Index("ix_incident_update_incident", "incident_id", "reported_at"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    deaths: Mapped[int] = mapped_column(Integer, default=0)
    serious_injuries: Mapped[int] = mapped_column(Integer, default=0)
    direct_loss_wan: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(Text, default="")


class IncidentPlan(Entity, Base):
    """A plan activated (启动) for an incident."""

    __tablename__ = "incident_plan"
    __label__ = "启动预案"
    __field_labels__ = {"incident_id": "事故信息", "plan_id": "预案", "activated_at": "启动时间", "response_level": "响应级别",
                        **_DELETED}
    __table_args__ = (UniqueConstraint("incident_id", "plan_id"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_level: Mapped[str] = mapped_column(String(16), default="")
