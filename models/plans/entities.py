"""Stored plans (应急预案): the plan record, its section tree, images, and frozen versions.

A section's ``blocks`` is the JSON of ``plans.document`` blocks; this layer stores it without
interpreting it (plans/ builds documents from these rows); its plain text for search is derived
from it (``models.plans.text``). A published version's frozen content is stored compressed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base, CompressedJSON, Entity
from models.enterprises.entities import Enterprise

PLAN_KINDS: dict[str, str] = {
    "comprehensive": "综合应急预案",
    "special": "专项应急预案",
    "onsite": "现场处置方案",
    "card": "应急处置卡",
}

PLAN_STATUSES: dict[str, str] = {
    "draft": "草稿",
    "reviewing": "评审中",
    "published": "已发布",
    "filed": "已备案",
    "revising": "修订中",
    "retired": "废止",
}


class Plan(Entity, Base):
    """应急预案."""

    __tablename__ = "plan"
    __label__ = "应急预案"
    __field_labels__ = {
        "enterprise_id": "企业", "parent_plan_id": "上级预案", "kind": "预案类型", "plan_no": "预案编号",
        "title": "预案名称", "version_label": "版本号", "compiling_unit": "编制单位", "compiled_by": "编制人",
        "approver": "主要负责人（批准人）", "review_type": "评审方式", "review_date": "评审日期",
        "reviewers": "评审专家", "approval_date": "批准日期", "publish_date": "发布日期",
        "effective_date": "实施日期", "filing_submitted_date": "备案申报日期", "filing_number": "备案编号",
        "filing_registered_date": "备案登记日期", "last_evaluation_date": "最近评估日期",
        "controlled": "受控状态", "copy_no": "发放号", "holder": "持有人", "notes": "备注", "status": "状态",
        "template_key": "模板", "template_version": "模板版本", "revision_trigger": "修订原因",
        "revision_trigger_date": "修订原因记录日期", "revision_reason": "修订说明",
        "deleted_at": "删除时间", "deleted_by": "删除人",
        "attachments": "附件",  # not a column: what a frozen version records of the attachments
    }

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    plan_no: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    version_label: Mapped[str] = mapped_column(String(32), default="")
    compiling_unit: Mapped[str] = mapped_column(String(128), default="")
    compiled_by: Mapped[str] = mapped_column(String(64), default="")
    approver: Mapped[str] = mapped_column(String(32), default="")
    review_type: Mapped[str] = mapped_column(String(8), default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    reviewers: Mapped[str] = mapped_column(Text, default="")
    approval_date: Mapped[date | None] = mapped_column(Date)
    publish_date: Mapped[date | None] = mapped_column(Date)
    effective_date: Mapped[date | None] = mapped_column(Date)
    filing_submitted_date: Mapped[date | None] = mapped_column(Date)
    filing_number: Mapped[str] = mapped_column(String(64), default="")
    filing_registered_date: Mapped[date | None] = mapped_column(Date)
    last_evaluation_date: Mapped[date | None] = mapped_column(Date)
    controlled: Mapped[bool] = mapped_column(Boolean, default=True)
    copy_no: Mapped[str] = mapped_column(String(32), default="")
    holder: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    template_key: Mapped[str] = mapped_column(String(32), default="")
    template_version: Mapped[str] = mapped_column(String(16), default="")
    revision_trigger: Mapped[str | None] = mapped_column(String(48))
    revision_trigger_date: Mapped[date | None] = mapped_column(Date)
    revision_reason: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship()
    sections: Mapped[list[PlanSection]] = relationship(back_populates="plan", order_by="PlanSection.position")

    __table_args__ = (UniqueConstraint("enterprise_id", "plan_no"),
                      # The list's counts and filters read this index alone (live plans by status and kind).
                      Index("ix_plan_live", "deleted_at", "status", "kind"),
                      Index("ix_plan_plan_no", "plan_no"))


class PlanSection(Entity, Base):
    """章节: one node of a plan's section tree, ordered by ``position`` among its siblings."""

    __tablename__ = "plan_section"
    __label__ = "章节"
    # The content is kept once, here; the trail records each change of it by digest, and its text
    # (search, snippets) is derived from it (models.plans.text), never stored again.
    __audit_digest__ = frozenset({"blocks"})
    __field_labels__ = {"plan_id": "预案", "parent_id": "上级章节", "position": "顺序", "key": "章节标识",
                        "title": "标题", "required": "必备章节", "template_key": "模板章节",
                        "blocks": "内容", "deleted_at": "删除时间"}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_section.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    template_key: Mapped[str | None] = mapped_column(String(64))
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="sections")

    __table_args__ = (UniqueConstraint("plan_id", "key"),
                      Index("ix_plan_section_plan_parent", "plan_id", "parent_id", "position"))


class PlanImage(Entity, Base):
    """An image of a plan (site plans, evacuation maps), stored once per plan and content hash."""

    __tablename__ = "plan_image"
    __label__ = "图片"
    __audit_digest__ = frozenset({"data"})
    __field_labels__ = {"plan_id": "预案", "sha256": "内容摘要", "mime": "类型", "data": "图片数据"}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("plan_id", "sha256"),)


class PlanVersion(Entity, Base):
    """A published, frozen version of a plan: content, metadata and the template it used.

    Rows are written once by ``publish`` and never changed (the services refuse to).
    """

    __tablename__ = "plan_version"
    __label__ = "已发布的预案版本"
    __immutable__ = True
    # A frozen copy of the plan's sections and record fields (each audited as it was edited), kept
    # unchanged in this row: the trail keeps their digests, which prove the row was not altered.
    __audit_digest__ = frozenset({"content", "meta"})
    __field_labels__ = {"plan_id": "预案", "number": "版次", "version_label": "版本号",
                        "publish_date": "发布日期", "reason": "修订原因", "reason_text": "修订说明",
                        "content": "内容", "meta": "元数据", "template_key": "模板",
                        "template_version": "模板版本"}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    version_label: Mapped[str] = mapped_column(String(32))
    publish_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(48))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[list[dict[str, Any]]] = mapped_column(CompressedJSON)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    template_key: Mapped[str] = mapped_column(String(32), default="")
    template_version: Mapped[str] = mapped_column(String(16), default="")

    __table_args__ = (UniqueConstraint("plan_id", "number"),)


class PlanTemplate(Entity, Base):
    """An administrator's version of a plan template, overriding the shipped one of its kind.

    Each save adds a row with the next version number, so a plan created from it can always find
    the template it used; soft-deleting every row of a kind returns to the shipped template.
    ``data`` is the template JSON (``plans.plans.templates`` validates it).
    """

    __tablename__ = "plan_template"
    __label__ = "预案模板"
    __field_labels__ = {"kind": "预案类型", "template_version": "模板版本", "name": "模板名称", "source": "依据",
                        "data": "模板内容", "note": "修改说明", "deleted_at": "停用时间",
                        "deleted_by": "停用人"}

    kind: Mapped[str] = mapped_column(String(16))
    template_version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("kind", "template_version"),)
