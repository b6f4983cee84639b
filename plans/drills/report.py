"""The 演练评估报告 of a drill (D7) on the format-neutral document model (``plans.document``).

``build_evaluation_report(session, drill_id, as_of=…)`` gathers what AQ/T 9009 asks the report to
say — the drill's basic facts, its process (scenario), every evaluation item with every evaluator's
score, the mean and the spread (分歧 marked), the total and the grade, the strengths and the
problems the scores show, and the corrective actions with their status — as titled sections of
blocks that the shared renderers draw (``exports.report``), in the same print quality as plan
documents. Every figure comes from the submitted sheets (``models.drills.scoring.results``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFoundError, StateError
from models.drills import findings as df
from models.drills import scoring
from models.drills.entities import (
    DRILL_CONTENTS,
    DRILL_FORMS,
    DRILL_PURPOSES,
    FINDING_KINDS,
    Drill,
    DrillPlan,
)
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from plans.document import Block, BulletList, Cell, Paragraph, Table
from plans.report import ReportDocument, ReportSection


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}"


def drill_facts(session: Session, drill: Drill, ent_name: str, evaluators: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The drill's basic facts, as the reports list them."""
    plans = session.execute(select(Plan.plan_no, Plan.title, DrillPlan.plan_version)
                            .join(DrillPlan, DrillPlan.plan_id == Plan.id)
                            .where(DrillPlan.drill_id == drill.id, DrillPlan.deleted_at.is_(None))).all()
    classification = "、".join((DRILL_CONTENTS[drill.content_type], DRILL_FORMS[drill.form],
                               DRILL_PURPOSES[drill.purpose]))
    return [
        ("演练名称", drill.title), ("演练编号", drill.drill_no or "—"), ("组织单位", drill.organiser or ent_name),
        ("演练时间", (drill.held_on or drill.planned_at.date()).isoformat()), ("演练地点", drill.location or "—"),
        ("演练类别", classification), ("参演单位", drill.participants or "—"),
        ("参演队伍与人员", (drill.teams or "—") + (f"，共 {drill.people_count} 人" if drill.people_count else "")),
        ("检验的预案", "；".join(f"{no} {title}" + (f"（第 {n} 版）" if n else "") for no, title, n in plans) or "—"),
        *([("评估人", "、".join(evaluators))] if evaluators else []),
    ]


def build_evaluation_report(session: Session, drill_id: int, *, as_of: date) -> ReportDocument:
    drill = session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    enterprise = session.get(Enterprise, drill.enterprise_id)
    ent_name = enterprise.name if enterprise is not None else ""
    result = scoring.results(session, drill_id)
    form = scoring.frozen_form(session, drill_id)
    facts = [*drill_facts(session, drill, ent_name, result.evaluators), ("评估表", f"{form.label}（第 {form.version} 版）")]
    sections = [ReportSection("一、演练基本情况", [Table([[Cell(k), Cell(v)] for k, v in facts], header_rows=0)])]
    sections.append(ReportSection("二、演练过程", [Paragraph(drill.scenario or "（未记录演练情景。）")]))
    head = [Cell("环节"), Cell("评估指标"), Cell("权重"), *[Cell(e) for e in result.evaluators],
            Cell("平均"), Cell("最低"), Cell("最高"), Cell("差距")]
    rows = [head]
    for r in result.items:
        given = dict(r.fractions)
        rows.append([Cell(r.item.phase), Cell(r.item.indicator), Cell(f"{r.item.weight:g}"),
                     *[Cell(_pct(given.get(e))) if e in given else Cell("不适用") for e in result.evaluators],
                     Cell(_pct(r.mean)), Cell(_pct(r.low)), Cell(_pct(r.high)),
                     Cell(_pct(r.spread) + ("（分歧）" if r.disagreement else ""))])
    total = "—" if result.total is None else f"{result.total:g}"
    scores = [Paragraph(f"各评估人独立评分，下表为各评估项得分（折算为百分制）及其平均、最低、最高和差距；差距超过 "
                        f"{form.spread * 100:.0f} 的项标为“分歧”。"),
              Table(rows, header_rows=1),
              Paragraph(f"综合得分 {total} 分（满分 100，按权重加权，不适用项不计入），评估结论：{result.grade or '—'}。")]
    sections.append(ReportSection("三、评估项目与得分", scores))
    # strengths and problems by the form's own HSEEP bands: P (顺利完成) and below S (存在一些问题)
    bands = {rating: minimum for rating, _label, minimum in form.hseep}
    good, poor = bands.get("P", 0.85), bands.get("S", 0.6)
    strong = [f"{r.item.indicator}：{r.item.criterion}" for r in result.items if r.mean is not None and r.mean >= good]
    weak = [f"{r.item.indicator}：平均 {_pct(r.mean)} 分" + ("，评估人意见分歧较大" if r.disagreement else "")
            for r in result.items if r.mean is not None and (r.mean < poor or r.disagreement)]
    sections.append(ReportSection("四、主要成绩", [BulletList(strong)] if strong else [Paragraph("无得分突出的项目。")]))
    found = df.findings(session, as_of=as_of, drill_id=drill_id)
    problems: list[Block] = [BulletList(weak)] if weak else []
    problems += [BulletList([f"{FINDING_KINDS.get(f.kind, f.kind)}：{f.description}" for f in found])] if found else []
    sections.append(ReportSection("五、存在的问题", problems or [Paragraph("评估中未发现明显问题。")]))
    actions: list[Block] = [Paragraph("无。")]
    if found:
        actions = [Table([[Cell("问题"), Cell("责任人"), Cell("责任部门"), Cell("整改期限"), Cell("状态")]]
                         + [[Cell(f.description), Cell(f.owner or "—"), Cell(f.department or "—"),
                             Cell(f.due_date.isoformat() if f.due_date else "—"),
                             Cell(f.status_label + (f"（逾期 {f.overdue_days} 天）" if f.overdue_days else ""))]
                            for f in found], header_rows=1)]
    sections.append(ReportSection("六、整改措施及落实情况", actions))
    return ReportDocument(title=f"{drill.title}评估报告", subtitle=ent_name, author=ent_name,
                          header_text=f"{ent_name}　{drill.drill_no}".strip("　"),
                          created=drill.updated_at, sections=sections,
                          keywords=("应急演练", "评估报告", ent_name, drill.drill_no))


def build_score_sheet(session: Session, drill_id: int, *, evaluator: str = "") -> ReportDocument:
    """A blank score sheet (评分表) to print and score on paper: the drill, every item of its frozen
    form (the form in use, which the drill would be frozen with, when the evaluation has not started), with room
    for the score and a remark, and lines for the evaluator's signature and the date."""
    from models.drills.templates import form_for_drill

    drill = session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    enterprise = session.get(Enterprise, drill.enterprise_id)
    ent_name = enterprise.name if enterprise is not None else ""
    try:
        form = scoring.frozen_form(session, drill_id)
    except StateError:  # not started yet: the form it will be frozen with
        form = form_for_drill(session, drill.form)
    scale = "、".join(f"{v:g}={label}" for v, label in form.scale)
    when = (drill.held_on or drill.planned_at.date()).isoformat()
    intro = [Paragraph(f"演练：{drill.title}（{drill.drill_no or '无编号'}），{when}，{drill.location or '地点未填'}。"),
             Paragraph(f"评分：评分项填 {scale}；选择项圈选；计量项填实测数值；不涉及的项填“不适用”。")]
    rows = [[Cell("序号"), Cell("环节"), Cell("评估指标"), Cell("评估内容"), Cell("权重"), Cell("评分"), Cell("说明")]]
    for n, item in enumerate(form.items, 1):
        criterion = item.criterion
        if item.kind == "choice":
            criterion += "（" + "／".join(label for label, _p in item.options) + "）"
        elif item.kind == "measure":
            criterion += f"（{item.unit}）"
        rows.append([Cell(str(n)), Cell(item.phase), Cell(item.indicator), Cell(criterion), Cell(f"{item.weight:g}"),
                     Cell("　" * 4), Cell("　" * 9)])  # room to write by hand
    sign = [Paragraph(f"评估人（签字）：{evaluator or '　' * 8}　　　　日期：　　　　年　　月　　日")]
    return ReportDocument(title=f"{form.label}", subtitle=f"{ent_name}　{drill.title}", author=ent_name,
                          header_text=f"{ent_name}　{drill.drill_no}".strip("　"), created=drill.updated_at,
                          sections=[ReportSection("一、说明", intro), ReportSection("二、评估项目", [Table(rows, header_rows=1)]),
                                    ReportSection("三、签字", sign)],
                          keywords=("应急演练", "评分表", ent_name, drill.drill_no))


def build_summary_report(session: Session, drill_id: int, *, as_of: date) -> ReportDocument:
    """The 演练总结报告 (AQ/T 9007: purpose, time and place, units and people, scenario, problems and
    their causes, lessons, improvements), from the drill's record, its evaluation and its findings."""
    drill = session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    enterprise = session.get(Enterprise, drill.enterprise_id)
    ent_name = enterprise.name if enterprise is not None else ""
    found = df.findings(session, as_of=as_of, drill_id=drill_id)
    try:
        result = scoring.results(session, drill_id)
        verdict = (f"评估综合得分 {result.total:g} 分，结论为“{result.grade}”。" if result.total is not None
                   else "评估表尚未提交。")
        evaluators = result.evaluators
    except StateError:
        verdict, evaluators = "这次演练尚未评估。", ()
    facts = [Table([[Cell(k), Cell(v)] for k, v in drill_facts(session, drill, ent_name, evaluators)], header_rows=0)]
    purpose = {"testing": "检验预案的可操作性和应急准备的充分性", "demonstration": "示范应急处置的规范做法",
               "research": "研究和探索应急处置的新方法"}.get(drill.purpose, "检验应急预案")
    sections = [
        ReportSection("一、演练目的", [Paragraph(f"通过{DRILL_FORMS[drill.form]}，{purpose}，锻炼应急队伍，"
                                               "提高从业人员的应急处置能力。")]),
        ReportSection("二、演练时间、地点、参演单位和人员", facts),
        ReportSection("三、演练情景概要", [Paragraph(drill.scenario or "（未记录演练情景。）")]),
        ReportSection("四、发现的问题和原因", [BulletList([f"{f.description}" for f in found])] if found
                      else [Paragraph("演练中未登记问题。")]),
        ReportSection("五、经验和教训", [Paragraph(verdict)]),
        ReportSection("六、改进建议", [BulletList([f"{f.description}：由{f.owner or '责任人'}于"
                                                f"{f.due_date.isoformat() if f.due_date else '规定期限'}前整改（{f.status_label}）"
                                                for f in found])] if found else [Paragraph("无。")]),
    ]
    return ReportDocument(title=f"{drill.title}总结报告", subtitle=ent_name, author=ent_name,
                          header_text=f"{ent_name}　{drill.drill_no}".strip("　"), created=drill.updated_at,
                          sections=sections, keywords=("应急演练", "总结报告", ent_name, drill.drill_no))
