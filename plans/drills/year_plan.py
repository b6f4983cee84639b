"""The 年度演练计划 of an enterprise for a year (domain.md §2, 计划 phase) on the document model.

``build_year_plan(session, enterprise_id, year)`` prints what the desk keeps: the frequency rules
that apply to the enterprise, each with how often and on what authority (from
``models/drills/refdata/drill_rules.json``, the region's stricter rule included), and the drills
planned for the year as they stand now — generated from those rules (``service.plan_year``) and
edited since — with their month, classification, the plans to be exercised, the organiser, the
status, and the reason of a change of date. Rendered by ``exports.report`` like the reports.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.entities import Region
from models.core.errors import NotFoundError
from models.drills import queries as dq
from models.drills.entities import DRILL_CONTENTS, DRILL_FORMS, DRILL_STATUSES, Drill, DrillPlan
from models.drills.rules import load_drill_rules
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from plans.document import Block, Cell, Paragraph, Table
from plans.report import ReportDocument, ReportSection

EVERY = {6: "每半年至少 1 次", 12: "每年至少 1 次", 24: "每两年至少 1 次"}


def _every(months: int) -> str:
    return EVERY.get(months, f"每 {months} 个月至少 1 次")


def build_year_plan(session: Session, enterprise_id: int, year: int, *, as_of: date) -> ReportDocument:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or enterprise.is_deleted:
        raise NotFoundError(Enterprise.__label__, enterprise_id)
    name = enterprise.name
    region = session.get(Region, enterprise.region_id)
    rules = load_drill_rules()
    by_key = {o.key: o for o in rules.obligations}
    found = dq.obligations(session, as_of=max(as_of, date(year, 1, 1)), enterprise_id=enterprise_id)
    applicable = [o for o in (found[0].obligations if found else []) if o.applicable]
    code = region.code if region else None
    listed = [o for o in applicable if o.key in by_key]
    header = [Cell("序号"), Cell("演练要求"), Cell("频次")]
    rows = [[Cell(str(n)), Cell(o.label), Cell(_every(rules.period_for(by_key[o.key], code)))]
            for n, o in enumerate(listed, 1)]
    requirements: list[Block] = ([Table([header, *rows], header_rows=1), Paragraph("依据："),
                                  *[Paragraph(f"{n}. {o.source}") for n, o in enumerate(listed, 1)]] if rows else
                                 [Paragraph("本单位目前没有已发布的应急预案，暂无演练频次要求。")])

    drills = session.scalars(select(Drill).where(
        Drill.enterprise_id == enterprise_id, Drill.deleted_at.is_(None),
        Drill.planned_at >= datetime(year, 1, 1), Drill.planned_at < datetime(year + 1, 1, 1))
        .order_by(Drill.planned_at, Drill.id)).all()
    plans: dict[int, list[str]] = {}
    for drill_id, plan_no, title in session.execute(
            select(DrillPlan.drill_id, Plan.plan_no, Plan.title).join(Plan, Plan.id == DrillPlan.plan_id)
            .where(DrillPlan.drill_id.in_([d.id for d in drills]), DrillPlan.deleted_at.is_(None))
            .order_by(DrillPlan.id)):
        plans.setdefault(drill_id, []).append(f"{plan_no} {title}".strip())
    head = [Cell(text) for text in ("序号", "计划时间", "演练名称", "演练类别", "检验的预案", "状态")]
    body = []
    for n, d in enumerate(drills, 1):
        status = DRILL_STATUSES.get(d.status, d.status)
        note = d.cancel_reason if d.status == "cancelled" else d.reschedule_reason
        body.append([Cell(str(n)), Cell(f"{d.planned_at.month}月{d.planned_at.day}日"), Cell(d.title),
                     Cell(f"{DRILL_CONTENTS.get(d.content_type, '')}\n{DRILL_FORMS.get(d.form, '')}"),
                     Cell("\n".join(plans.get(d.id, [])) or "—"), Cell(status + (f"（{note}）" if note else ""))])
    schedule: list[Block] = ([Table([head, *body], header_rows=1)] if body else
                      [Paragraph(f"{year} 年尚未安排演练。")])
    held = sum(1 for d in drills if d.status in ("conducting", "evaluating", "done"))
    cancelled = sum(1 for d in drills if d.status == "cancelled")
    sections = [
        ReportSection("一、演练频次要求", requirements),
        ReportSection("二、年度演练安排", schedule),
        ReportSection("三、说明", [Paragraph(
            f"本计划按上列演练频次要求编制，{year} 年共安排演练 {len(drills)} 次，其中已实施 {held} 次、"
            f"取消 {cancelled} 次（截至 {as_of.year} 年 {as_of.month} 月 {as_of.day} 日）。各次演练应在实施前编制"
            "演练工作方案、演练脚本和保障方案，实施后及时评估和总结；演练时间调整或取消须说明原因并记录。")]),
    ]
    return ReportDocument(title=f"{year}年度应急演练计划", subtitle=name, author=name,
                          header_text=f"{name}　{year}年度应急演练计划",
                          created=datetime.combine(as_of, datetime.min.time()),
                          sections=sections, keywords=("应急演练", "年度演练计划", name, str(year)))
