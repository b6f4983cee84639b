"""Stored entities of the drills module (应急演练, domain.md §2): drills and the plans they exercise.

A drill belongs to one enterprise, exercises one or more of its plans (each with the version in force
when it was drilled), has its classification on the three axes of AQ/T 9007-2019 (content 综合/单项,
form 实战/桌面, purpose 检验性/示范性/研究性), a planned date and time, and runs through
计划 → 准备 → 实施 → 评估 → 完成, or is cancelled (取消) with a reason. ``held_on`` is the day it was
actually held: what the frequency rules count (``models.drills.rules``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base, Entity
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan

DRILL_STATUSES: dict[str, str] = {
    "planned": "计划", "preparing": "准备", "conducting": "实施", "evaluating": "评估", "done": "完成",
    "cancelled": "取消",
}
DRILL_CONTENTS: dict[str, str] = {"comprehensive": "综合演练", "single": "单项演练"}
DRILL_FORMS: dict[str, str] = {"live": "实战演练", "tabletop": "桌面演练"}
DRILL_PURPOSES: dict[str, str] = {"testing": "检验性演练", "demonstration": "示范性演练", "research": "研究性演练"}
HELD_STATUSES = ("conducting", "evaluating", "done")  # the drill took place


class Drill(Entity, Base):
    """应急演练."""

    __tablename__ = "drill"
    __label__ = "应急演练"
    __field_labels__ = {
        "enterprise_id": "企业",
        "drill_no": "演练编号",
        "title": "演练名称",
        "scenario": "演练情景",
        "content_type": "演练内容",
        "form": "组织形式",
        "purpose": "演练目的",
        "planned_at": "计划时间",
        "location": "演练地点",
        "organiser": "组织单位",
        "participants": "参演单位",
        "teams": "参演队伍与人员",
        "people_count": "参演人数",
        "status": "状态",
        "held_on": "实施日期",
        "cancel_reason": "取消原因",
        "reschedule_reason": "改期原因",
        "notes": "备注",
        "deleted_at": "删除时间",
        "deleted_by": "删除人",
    }
    __table_args__ = (Index("ix_drill_enterprise_held", "enterprise_id", "held_on"),
                      Index("ix_drill_live", "deleted_at", "status", "planned_at"))

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    drill_no: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(16), default="single")
    form: Mapped[str] = mapped_column(String(16), default="live")
    purpose: Mapped[str] = mapped_column(String(16), default="testing")
    planned_at: Mapped[datetime] = mapped_column(DateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(128), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    teams: Mapped[str] = mapped_column(Text, default="")
    people_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    held_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    reschedule_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship()
    plans: Mapped[list[DrillPlan]] = relationship(back_populates="drill", order_by="DrillPlan.id")


class DrillPlan(Entity, Base):
    """A plan a drill exercises, with the published version number drilled (None: the working draft)."""

    __tablename__ = "drill_plan"
    __label__ = "演练预案"
    __field_labels__ = {"drill_id": "演练", "plan_id": "预案", "plan_version": "演练的版次",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    plan_version: Mapped[int | None] = mapped_column(Integer)

    drill: Mapped[Drill] = relationship(back_populates="plans")
    plan: Mapped[Plan] = relationship()


class DrillEvaluation(Entity, Base):
    """A drill's evaluation: the form it is scored against, frozen when the evaluation starts."""

    __tablename__ = "drill_evaluation"
    __label__ = "演练评估"
    __field_labels__ = {"drill_id": "演练", "form_key": "评估表", "form_version": "评估表版本", "form": "评估表内容",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __audit_digest__ = frozenset({"form"})

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), unique=True)
    form_key: Mapped[str] = mapped_column(String(32))
    form_version: Mapped[int] = mapped_column(Integer)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)


class EvaluationTemplate(Entity, Base):
    """An administrator's version of an evaluation form (实战 or 桌面), overriding the shipped one.

    Each save adds a row with the next version number and every version is kept; soft-deleting every
    row of a form returns to the shipped form. ``data`` is the form JSON
    (``models.drills.evaluation.parse_form`` validates it). A drill keeps its own frozen copy
    (``DrillEvaluation.form``), so no edit here changes a past score.
    """

    __tablename__ = "evaluation_template"
    __label__ = "演练评估表模板"
    __field_labels__ = {"form_key": "评估表", "template_version": "模板版本", "name": "评估表名称", "source": "依据",
                        "data": "评估表内容", "note": "修改说明", "deleted_at": "停用时间", "deleted_by": "停用人"}
    __table_args__ = (UniqueConstraint("form_key", "template_version"),)

    form_key: Mapped[str] = mapped_column(String(32))
    template_version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")


class ScoreSheet(Entity, Base):
    """One evaluator's sheet for a drill: open while scoring, locked once submitted."""

    __tablename__ = "score_sheet"
    __label__ = "评估表"
    __field_labels__ = {"drill_id": "演练", "evaluator": "评估人", "status": "状态", "submitted_at": "提交时间",
                        "digest": "提交时的校验值", "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("drill_id", "evaluator"),)

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), index=True)
    evaluator: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    digest: Mapped[str] = mapped_column(String(64), default="")


class ScoreEntry(Entity, Base):
    """One item of a sheet: the value entered (a number, or an option's label), 不适用, a comment."""

    __tablename__ = "score_entry"
    __label__ = "评估项得分"
    __field_labels__ = {"sheet_id": "评估表", "item_key": "评估项", "number": "分值", "choice": "选项",
                        "not_applicable": "不适用", "comment": "说明", "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("sheet_id", "item_key"),)

    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    number: Mapped[float | None] = mapped_column(Float)
    choice: Mapped[str] = mapped_column(String(32), default="")
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")


FINDING_STATUSES: dict[str, str] = {"open": "待整改", "in_progress": "整改中", "verifying": "待验证", "closed": "已关闭"}
FINDING_KINDS: dict[str, str] = {"problem": "问题", "hazard": "隐患"}


class DrillFinding(Entity, Base):
    """A problem or hazard a drill found, with its corrective action tracked to closure (D6)."""

    __tablename__ = "drill_finding"
    __label__ = "演练发现问题"
    __field_labels__ = {"drill_id": "演练", "kind": "类型", "description": "问题描述", "plan_id": "相关预案",
                        "section": "相关章节", "action": "整改措施", "owner": "责任人", "department": "责任部门",
                        "due_date": "整改期限", "status": "状态", "requires_revision": "需要修订预案",
                        "verification_note": "验证情况", "closed_on": "关闭日期",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (Index("ix_drill_finding_open", "deleted_at", "status", "due_date"),)

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="problem")
    description: Mapped[str] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    section: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(64), default="")
    department: Mapped[str] = mapped_column(String(64), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    requires_revision: Mapped[bool] = mapped_column(Boolean, default=False)
    verification_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)


class DrillDocument(Entity, Base):
    """A drill's documents (演练文件, AQ/T 9007 准备 and 实施): the work plan and the support plan as
    their sections' texts (section key → text, the sections from ``refdata/documents.json``), the
    on-the-day record's notes; the script steps and the sign-in list are its rows, photos and
    videos its attachments (owner ``drill_document``). One per drill, saved as a whole."""

    __tablename__ = "drill_document"
    __label__ = "演练文件"
    __field_labels__ = {"drill_id": "演练", "work_plan": "演练工作方案", "support_plan": "演练保障方案",
                        "record_notes": "演练记录", "deleted_at": "删除时间", "deleted_by": "删除人"}

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), unique=True)
    work_plan: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    support_plan: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    record_notes: Mapped[str] = mapped_column(Text, default="")

    steps: Mapped[list[DrillScriptStep]] = relationship(order_by="DrillScriptStep.seq")
    sign_ins: Mapped[list[DrillSignIn]] = relationship(order_by="DrillSignIn.seq")


class DrillScriptStep(Entity, Base):
    """A step of the drill's script (演练脚本): when (a clock time "09:00" or a minute offset "T+15"),
    what happens, who is responsible, what they are expected to do."""

    __tablename__ = "drill_script_step"
    __label__ = "演练脚本步骤"
    __field_labels__ = {"document_id": "演练文件", "seq": "序号", "start": "时间", "step": "演练步骤",
                        "responsible": "责任人（单位）", "expected": "预期行动",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}

    document_id: Mapped[int] = mapped_column(ForeignKey("drill_document.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[str] = mapped_column(String(8), default="")
    step: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(64), default="")
    expected: Mapped[str] = mapped_column(Text, default="")


class DrillSignIn(Entity, Base):
    """A person on the drill's sign-in list (签到表): name, unit, role or duty in the drill, phone,
    and whether they signed in on the day."""

    __tablename__ = "drill_sign_in"
    __label__ = "签到人员"
    __field_labels__ = {"document_id": "演练文件", "seq": "序号", "name": "姓名", "unit": "单位",
                        "duty": "演练职责", "phone": "联系电话", "signed": "已签到",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}

    document_id: Mapped[int] = mapped_column(ForeignKey("drill_document.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(128), default="")
    duty: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
