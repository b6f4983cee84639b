"""Stored entities of the enterprise register: enterprises (企业) and their contacts (通讯录)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base, Entity
from models.core.entities import Department, Industry, Region, RiskLevel


class Enterprise(Entity, Base):
    """企业."""

    __tablename__ = "enterprise"
    __label__ = "企业"
    __field_labels__ = {
        "name": "企业名称",
        "uscc": "统一社会信用代码",
        "industry_id": "行业",
        "risk_level_id": "风险等级",
        "region_id": "所属区域",
        "department_id": "监管部门",
        "address": "地址",
        "principal": "主要负责人",
        "principal_phone": "主要负责人电话",
        "safety_manager": "安全管理人员",
        "safety_manager_phone": "安全管理人员电话",
        "employees": "从业人数",
        "on_shift_headcount": "当班人数",
        "major_hazard_sources": "重大危险源",
        "medium_or_larger": "中型及以上规模",
        "hazchem_use_above_threshold": "使用危险化学品达到规定数量",
        "notes": "备注",
        "blacklisted_on": "列入黑名单日期",
        "deleted_at": "删除时间",
        "deleted_by": "删除人",
    }

    name: Mapped[str] = mapped_column(String(128), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry_id: Mapped[int] = mapped_column(ForeignKey("industry.id"), index=True)
    risk_level_id: Mapped[int] = mapped_column(ForeignKey("risk_level.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    principal: Mapped[str] = mapped_column(String(32), default="")
    principal_phone: Mapped[str] = mapped_column(String(32), default="")
    safety_manager: Mapped[str] = mapped_column(String(32), default="")
    safety_manager_phone: Mapped[str] = mapped_column(String(32), default="")
    employees: Mapped[int] = mapped_column(Integer, default=0)
    on_shift_headcount: Mapped[int] = mapped_column(Integer, default=0)
    major_hazard_sources: Mapped[str] = mapped_column(Text, default="")
    # Unit facts the plan rules key on beside the industry (``models/plans/refdata/plan_rules.json``:
    # 评审 and the 3-yearly evaluation reach 中型规模以上 units and chemical users above the threshold).
    medium_or_larger: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hazchem_use_above_threshold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notes: Mapped[str] = mapped_column(Text, default="")
    # 黑名单: the day the enterprise's current stay on the blacklist began (None: not listed). Kept by the
    # oversight module's blacklist service in the same unit of work as its history, so every module's
    # lists and exports mark a blacklisted enterprise from its own row.
    blacklisted_on: Mapped[date | None] = mapped_column(Date)

    industry: Mapped[Industry] = relationship()
    risk_level: Mapped[RiskLevel] = relationship()
    region: Mapped[Region] = relationship()
    department: Mapped[Department] = relationship()
    contacts: Mapped[list[EnterpriseContact]] = relationship(
        back_populates="enterprise", order_by="EnterpriseContact.sort_order"
    )

    __table_args__ = (Index("ix_enterprise_deleted_name", "deleted_at", "name"),)


class EnterpriseContact(Entity, Base):
    """企业联系人 (通讯录 rows; the plan annex of contacts is built from these)."""

    __tablename__ = "enterprise_contact"
    __label__ = "联系人"
    __field_labels__ = {"name": "姓名", "role": "职务/岗位", "phone": "电话", "mobile": "手机",
                        "notes": "备注", "sort_order": "排序"}

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    enterprise: Mapped[Enterprise] = relationship(back_populates="contacts")
