"""The 演练档案: one document for the archive holding everything a drill left on paper (issue 10 D7).

``build_dossier(session, drill_id, as_of=…)`` gathers, in order: the 演练工作方案, the 演练脚本, the
演练保障方案, the 签到表, the 演练记录, every evaluator's sheet (``models.drills.scoring``; an open
sheet is named, its scores stay its evaluator's), the 演练评估报告, the 演练总结报告 and the
corrective actions' status on ``as_of`` (``models.drills.findings``). Each part is a
``ReportDocument`` of its own builder; the renderer (``exports.drills.dossier``) puts a cover and a
目次 with every part's page number before them, each part starting on a new page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFoundError, StateError
from models.drills import findings as df
from models.drills import scoring
from models.drills.entities import FINDING_KINDS, FINDING_STATUSES, Drill, DrillFinding
from models.drills.evaluation import Form, fraction
from models.enterprises.entities import Enterprise
from plans.document import Block, Cell, Paragraph, Table
from plans.drills import documents as docs
from plans.drills.report import build_evaluation_report, build_summary_report
from plans.report import ReportDocument, ReportSection


@dataclass(frozen=True)
class DossierPart:
    title: str  # as the 目次 and the part's first page show it
    document: ReportDocument


@dataclass(frozen=True)
class Dossier:
    title: str
    drill_title: str
    enterprise: str
    header_text: str
    created: datetime
    cover: list[tuple[str, str]]
    parts: list[DossierPart]
    keywords: tuple[str, ...] = ()
    images: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)

    @property
    def file_stem(self) -> str:
        return f"{self.drill_title}演练档案"


def _value_text(form: Form, kind: str, value: float | str | None, unit: str) -> str:
    if value is None:
        return "不适用"
    if kind == "score":
        labels = dict(form.scale)
        return f"{float(value):g}（{labels.get(float(value), '')}）".replace("（）", "")
    if kind == "measure":
        return f"{float(value):g} {unit}".strip()
    return str(value)


def evaluator_sheet(drill: Drill, form: Form, sheet: scoring.ArchivedSheet, header: str) -> ReportDocument:
    """One evaluator's sheet as submitted: every item with the value entered, its share of the
    item's points and the remark."""
    if sheet.sheet is None:
        blocks: list[Block] = [Paragraph(f"{sheet.evaluator}的评估表尚未提交，评分不列入档案。")]
        sections = [ReportSection("一、提交情况", blocks)]
    else:
        when = sheet.submitted_at.strftime("%Y-%m-%d %H:%M") if sheet.submitted_at else "—"
        facts = Paragraph(f"评估人：{sheet.evaluator}；评估表：{form.label}（第 {form.version} 版）；提交时间：{when}；"
                          f"提交时的校验值（SHA-256）：{sheet.digest}。")
        rows = [[Cell("序号"), Cell("环节"), Cell("评估指标"), Cell("评分"), Cell("得分率"), Cell("说明")]]
        for n, item in enumerate(form.items, 1):
            entry = sheet.sheet.entries.get(item.key)
            if entry is None:
                value, share, comment = "未评", "—", ""
            else:
                value = _value_text(form, item.kind, entry.value, item.unit)
                got = fraction(form, item, entry.value)
                share, comment = ("—" if got is None else f"{got * 100:.0f}"), entry.comment
            rows.append([Cell(str(n)), Cell(item.phase), Cell(item.indicator), Cell(value), Cell(share),
                         Cell(comment or "—")])
        sections = [ReportSection("一、提交情况", [facts]), ReportSection("二、评分", [Table(rows, header_rows=1)])]
    title = f"评估表（{sheet.evaluator}）"
    return ReportDocument(title=title, subtitle=drill.title, author="", header_text=header,
                          created=sheet.submitted_at or drill.updated_at, sections=sections)


def corrective_actions(session: Session, drill: Drill, header: str, *, as_of: date) -> ReportDocument:
    """Every finding of the drill with its corrective action, owner, deadline, status on ``as_of``
    and how it was verified."""
    rows = {f.id: f for f in df.findings(session, as_of=as_of, drill_id=drill.id)}
    stored = session.scalars(select(DrillFinding).where(DrillFinding.id.in_(rows))).all() if rows else []
    extra = {f.id: f for f in stored}
    if rows:
        closed = sum(1 for f in rows.values() if f.status == "closed")
        late = sum(1 for f in rows.values() if f.overdue_days)
        summary = Paragraph(f"截至 {as_of.isoformat()}，这次演练发现的问题共 {len(rows)} 项：已关闭 {closed} 项，"
                            f"未关闭 {len(rows) - closed} 项" + (f"（其中逾期 {late} 项）。" if late else "。"))
        table = [[Cell("序号"), Cell("问题"), Cell("整改措施"), Cell("责任人"), Cell("整改期限"), Cell("状态"),
                  Cell("验证情况")]]
        for n, f in enumerate(rows.values(), 1):
            who = f.owner or "—"
            if f.department:
                who += f"（{f.department}）"
            status = FINDING_STATUSES[f.status] + (f"（逾期 {f.overdue_days} 天）" if f.overdue_days else "")
            if f.status == "closed" and extra[f.id].closed_on:
                status += f"，{extra[f.id].closed_on.isoformat()}"  # type: ignore[union-attr]
            table.append([Cell(str(n)), Cell(f"{FINDING_KINDS.get(f.kind, f.kind)}：{f.description}"),
                          Cell(extra[f.id].action or "—"), Cell(who),
                          Cell(f.due_date.isoformat() if f.due_date else "—"), Cell(status),
                          Cell(extra[f.id].verification_note or "—")])
        blocks: list[Block] = [summary, Table(table, header_rows=1)]
    else:
        blocks = [Paragraph("这次演练未登记发现的问题，无整改事项。")]
    return ReportDocument(title="整改落实情况", subtitle=drill.title, author="", header_text=header,
                          created=drill.updated_at, sections=[ReportSection("一、整改事项及其状态", blocks)])


def _placeholder(title: str, drill: Drill, header: str, text: str) -> ReportDocument:
    return ReportDocument(title=title, subtitle=drill.title, author="", header_text=header,
                          created=drill.updated_at, sections=[ReportSection("一、说明", [Paragraph(text)])])


def build_dossier(session: Session, drill_id: int, *, as_of: date) -> Dossier:
    drill = session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    enterprise = session.get(Enterprise, drill.enterprise_id)
    ent_name = enterprise.name if enterprise is not None else ""
    header = "　".join(part for part in (ent_name, drill.drill_no, "演练档案") if part)
    record = docs.build_record(session, drill_id)
    parts = [DossierPart("演练工作方案", docs.build_work_plan(session, drill_id)),
             DossierPart("演练脚本", docs.build_script(session, drill_id)),
             DossierPart("演练保障方案", docs.build_support_plan(session, drill_id)),
             DossierPart("签到表", docs.build_sign_in(session, drill_id)),
             DossierPart("演练记录", record)]
    try:
        form = scoring.frozen_form(session, drill_id)
    except StateError:
        parts.append(DossierPart("演练评估报告", _placeholder("演练评估报告", drill, header, "这次演练尚未评估。")))
    else:
        for sheet in scoring.archived_sheets(session, drill_id):
            part = evaluator_sheet(drill, form, sheet, header)
            parts.append(DossierPart(part.title, part))
        parts.append(DossierPart("演练评估报告", build_evaluation_report(session, drill_id, as_of=as_of)))
    parts.append(DossierPart("演练总结报告", build_summary_report(session, drill_id, as_of=as_of)))
    parts.append(DossierPart("整改落实情况", corrective_actions(session, drill, header, as_of=as_of)))
    when = (drill.held_on or drill.planned_at.date()).isoformat()
    cover = [("演练名称", drill.title), ("演练编号", drill.drill_no or "—"), ("组织单位", drill.organiser or ent_name),
             ("演练时间", when), ("演练地点", drill.location or "—"), ("立卷日期", as_of.isoformat())]
    created = max(p.document.created for p in parts)
    return Dossier(title="应急演练档案", drill_title=drill.title, enterprise=ent_name, header_text=header,
                   created=created, cover=cover, parts=parts, images=record.images,
                   keywords=("应急演练", "演练档案", ent_name, drill.drill_no))
