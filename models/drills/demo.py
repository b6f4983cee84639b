"""Demo drills: two years of drills for every demo enterprise, as a real ledger looks on ``as_of``.

Each enterprise drills its 综合/专项 plans about once a year and its 现场处置方案 about every
half-year, key industries their plans every half-year — and sometimes not (a missed year, a
cancelled drill, a half-year without an on-site drill), so the obligations page has real overdue
items. One drill sometimes exercises a comprehensive and an on-site plan together. Drills long
past are 完成, recent ones 实施 or 评估, those ahead 计划 or 准备. A drill exercises a plan only
after the plan was published (recorded with the plan's latest published version). Written chunk by chunk through
``models.drills.service.import_drills`` (validation, audit), each enterprise from its own stream.

Held drills are scored as far as the evaluation team can attend (``EVALUATION_CAPACITY``: all of
them in a small demo): the drill's form frozen as ``start_evaluation`` freezes it, 2–4 evaluators
reading one drill quality (the unit's usual skill, varied) each with their own leniency — now and
then one sees an item quite differently (a disagreement above the form's spread), items not
exercised 不适用, comments where a score is low. Sheets of finished drills are submitted (locked
with their digest), those of drills still in 评估 open, some filled in part. The weakest items
become findings with corrective actions, moved on as time allowed by ``as_of`` (待整改 → 整改中 →
待验证 → 已关闭 with a verification note; some late, some stalled, so some are overdue); a finding
about a published plan sometimes requires its revision and records the plan's trigger. Written in
the same chunks through ``scoring.import_evaluations`` and ``findings.import_findings`` from a
second stream per enterprise (the drills stay what they were).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from models.core.demo import DemoContext, DemoEnterprise, DemoStep, person_name, weighted
from models.core.entities import Industry
from models.drills import findings, scoring
from models.drills import service as ds
from models.drills.entities import Drill, DrillEvaluation, DrillFinding, DrillPlan, ScoreEntry, ScoreSheet
from models.drills.evaluation import Entry, Item, form_for, fraction
from models.drills.rules import load_drill_rules
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan, PlanVersion

STEP_NAME = "drills"
DEFAULT_AS_OF = date(2026, 11, 29)
CHUNK = 500
YEARS = 2
# The drills scored in the desk over the two years: what the city's evaluation team (the bureau's
# experts with the units' own 评估组) can attend — about 15 a month. A small demo has every held drill
# scored; in a large one the others were evaluated on paper. Each scored drill is ≈ 45 rows with their
# trail (≈ 24 KB, ≈ 2.5 ms): scoring all ≈ 28,000 held drills of the city would add ≈ 0.7 GB and ≈ 70 s.
EVALUATION_CAPACITY = 360
HELD_PER_ENTERPRISE = 2.8  # drills 评估 or 完成 per demo enterprise (measured on the demo)

AREAS = ("储罐区", "生产车间", "装卸站台", "仓库", "配电室", "厂区东门", "办公楼", "污水处理站", "危废暂存间")
ORGANISERS = ("安全环保部", "生产安全科", "安全管理部", "应急办公室", "设备动力部")
PARTICIPANTS = ("生产部", "设备部", "安全环保部", "综合办公室", "后勤保障部", "各生产班组", "医务室", "保卫科")
TEAMS = ("企业专职消防队", "义务消防队", "兼职应急救援队", "班组应急小组", "属地消防救援站（观摩指导）")
CANCEL_REASONS = ("企业停产检修，演练顺延", "遇台风红色预警，取消本次演练", "上级检查安排冲突，取消后另行安排",
                  "参演人员不足，取消本次演练")
SCENARIOS = ("模拟{area}发生{event}，现场人员发现后立即报警，启动应急响应，组织疏散、控制事态并开展救援。",
             "模拟夜班期间{area}发生{event}，检验夜间值班、报告和应急处置能力。",
             "以{area}{event}为情景，检验预警与信息报告、指挥协调、事故处置和医疗救护环节。")


@dataclass(frozen=True)
class _Plan:
    id: int
    kind: str
    title: str
    published: date
    version: int | None
    status: str = "published"
    trigger: str | None = None


def drills_step(as_of: date = DEFAULT_AS_OF) -> DemoStep:
    """The demo step writing two years of drills up to ``as_of`` (and some ahead of it)."""

    def run(ctx: DemoContext) -> None:
        _run(ctx, as_of)

    return DemoStep(STEP_NAME, "应急演练", run)


def _run(ctx: DemoContext, as_of: date) -> None:
    message = "正在生成应急演练…"
    ctx.report(0, message)
    ents = ctx.enterprises
    key_flags = next((o.flags for o in load_drill_rules().obligations if o.key == "key_industry_half_year"),
                     frozenset())
    drills = links = assessed = sheets = issues = 0
    for start in range(0, len(ents), CHUNK):
        chunk = ents[start:start + CHUNK]
        ids = [e.id for e in chunk]
        with ctx.db.read() as s:
            plans: dict[int, list[_Plan]] = defaultdict(list)
            latest = (select(PlanVersion.plan_id, func.max(PlanVersion.number).label("n"))
                      .where(PlanVersion.plan_id.in_(select(Plan.id).where(Plan.enterprise_id.in_(ids))))
                      .group_by(PlanVersion.plan_id).subquery())
            for row in s.execute(select(Plan.id, Plan.enterprise_id, Plan.kind, Plan.title, Plan.publish_date,
                                        latest.c.n, Plan.status, Plan.revision_trigger)
                                 .outerjoin(latest, latest.c.plan_id == Plan.id)
                                 .where(Plan.enterprise_id.in_(ids), Plan.deleted_at.is_(None),
                                        Plan.publish_date.is_not(None), Plan.status != "retired")
                                 .order_by(Plan.id)):
                plans[row.enterprise_id].append(_Plan(row.id, row.kind, row.title, row.publish_date, row.n,
                                                      row.status, row.revision_trigger))
            flags = {r.id: enterprise_rules.rule_flags(r.flags or (), r._mapping) for r in s.execute(
                select(Enterprise.id, Industry.flags, Enterprise.medium_or_larger,
                       Enterprise.hazchem_use_above_threshold)
                .join(Industry, Industry.id == Enterprise.industry_id).where(Enterprise.id.in_(ids)))}
        records: list[ds.DrillRecord] = []
        owners: list[DemoEnterprise] = []
        for ent in chunk:
            rng = ctx.rng(f"{STEP_NAME}:{ent.name}")
            mine = _enterprise_drills(rng, ent.id, ent.name, plans.get(ent.id, []),
                                      bool(set(flags.get(ent.id, ())) & key_flags), as_of)
            records += mine
            owners += [ent] * len(mine)
        with ctx.unit() as uow:
            written = ds.import_drills(uow, records)
            evaluations, found = _assessments(ctx, owners, written, records, plans, as_of)
            done = scoring.import_evaluations(uow, evaluations)
            raised = findings.import_findings(uow, found)
        ctx.wrote(Drill, written)
        with ctx.db.read() as s:
            link_ids = list(s.scalars(select(DrillPlan.id).where(DrillPlan.drill_id.in_(written))))
        ctx.wrote(DrillPlan, link_ids)
        ctx.wrote(DrillEvaluation, done.evaluations)
        ctx.wrote(ScoreSheet, done.sheets)
        ctx.wrote(ScoreEntry, done.entries)
        ctx.wrote(DrillFinding, raised.ids)
        drills += len(written)
        links += len(link_ids)
        assessed += len(done.evaluations)
        sheets += len(done.sheets)
        issues += len(raised.ids)
        ctx.report(start + len(chunk), message)
    ctx.tally("drills", "应急演练", drills)
    ctx.tally("drill_evaluations", "演练评估", assessed)
    ctx.tally("score_sheets", "评估表", sheets)
    ctx.tally("drill_findings", "演练发现问题", issues)


def _assessments(ctx: DemoContext, owners: list[DemoEnterprise], ids: list[int], records: list[ds.DrillRecord],
                 plans: dict[int, list[_Plan]], as_of: date
                 ) -> tuple[list[scoring.EvaluationRecord], list[findings.FindingRecord]]:
    """The evaluations of the chunk's held drills and the findings they raised, each enterprise from
    its own stream (its own, so the drills above stay what they were)."""
    evaluations: list[scoring.EvaluationRecord] = []
    found: list[findings.FindingRecord] = []
    streams: dict[int, tuple[random.Random, float]] = {}
    share = min(1.0, EVALUATION_CAPACITY / max(1.0, HELD_PER_ENTERPRISE * len(ctx.enterprises)))
    for ent, drill_id, record in zip(owners, ids, records, strict=True):
        if record.status not in ("evaluating", "done"):
            continue
        if ent.id not in streams:
            rng = ctx.rng(f"{EVAL_STREAM}:{ent.name}")
            streams[ent.id] = (rng, rng.uniform(0.66, 0.92))  # how well this unit usually drills
        rng, skill = streams[ent.id]
        if rng.random() >= share:
            continue
        evaluation = _evaluation(rng, drill_id, record, skill, as_of)
        evaluations.append(evaluation)
        if any(s.entries for s in evaluation.sheets):  # what the evaluators saw, raised at the 现场点评
            by_id = {p.id: p for p in plans.get(ent.id, ())}
            found += _findings(rng, evaluation, record, by_id, as_of)
    return evaluations, found


def _half_years(as_of: date) -> list[tuple[date, date]]:
    out = []
    for year in range(as_of.year - YEARS + 1, as_of.year + 1):
        out += [(date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))]
    out.append((date(as_of.year + 1, 1, 1), date(as_of.year + 1, 3, 31)))  # the next months, planned
    return out


def _day(rng: random.Random, first: date, last: date) -> date | None:
    if last < first:
        return None
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _enterprise_drills(rng: random.Random, ent_id: int, name: str, plans: list[_Plan], key: bool,
                       as_of: date) -> list[ds.DrillRecord]:
    top = [p for p in plans if p.kind in ("comprehensive", "special")]
    onsite = [p for p in plans if p.kind in ("onsite", "card")]
    if not plans:
        return []
    out: list[ds.DrillRecord] = []
    diligent = rng.random()  # some units drill as they should, some skip
    halves = _half_years(as_of)
    yearly_half = {year: rng.randrange(2) for year in {h[0].year for h in halves}}
    for first, last in halves:
        planned_ahead = first > as_of
        chosen: list[_Plan] = []
        if (top and (first.month == 1) == (yearly_half[first.year] == 0) and rng.random() < 0.75 + 0.2 * diligent) or (key and top and rng.random() < 0.65 + 0.3 * diligent):
            chosen.append(rng.choice(top))
        if onsite and rng.random() < 0.6 + 0.35 * diligent:
            site = rng.choice(onsite)
            if chosen and rng.random() < 0.35:
                chosen.append(site)  # one drill exercising both
            else:
                out += _drill(rng, ent_id, name, [site], first, last, as_of, len(out))
        if chosen:
            out += _drill(rng, ent_id, name, chosen, first, last, as_of, len(out))
        if planned_ahead:
            break
    return out


def _drill(rng: random.Random, ent_id: int, name: str, plans: list[_Plan], first: date, last: date, as_of: date,
           n: int) -> list[ds.DrillRecord]:
    day = _day(rng, max(first, max(p.published for p in plans) + timedelta(days=7)), last)
    if day is None:
        return []
    lead = plans[0]
    comprehensive = lead.kind == "comprehensive" or len(plans) > 1
    base = lead.title.removeprefix(name)
    if lead.kind == "comprehensive":
        event = "生产安全事故"
    elif lead.kind == "card":
        event = base.removesuffix("应急处置卡") + "岗位应急处置"
    else:
        event = base.removesuffix("应急预案").removesuffix("现场处置方案").removesuffix("专项") or "突发事件"
        event = event if event.endswith(("事故", "事件", "处置")) else event + "事故"
    form = "tabletop" if rng.random() < 0.25 else "live"
    title = f"{event}{'综合' if comprehensive else '单项'}{'桌面' if form == 'tabletop' else '实战'}演练"
    area = rng.choice(AREAS)
    data = ds.DrillData(
        enterprise_id=ent_id, title=title, drill_no=f"YL-{day.year}-{n + 1:02d}",
        planned_at=datetime.combine(day, time(rng.choice((9, 9, 10, 14, 15)), rng.choice((0, 30)))),
        scenario=rng.choice(SCENARIOS).format(area=area, event=event), location=f"{name}{area}",
        content_type="comprehensive" if comprehensive else "single", form=form,
        purpose="demonstration" if rng.random() < 0.08 else "testing", organiser=rng.choice(ORGANISERS),
        participants="、".join(rng.sample(PARTICIPANTS, 3)), teams="、".join(rng.sample(TEAMS, 2)),
        people_count=rng.randrange(12, 121), plan_ids=[p.id for p in plans])
    versions = {p.id: p.version for p in plans}
    if rng.random() < 0.04:
        return [ds.DrillRecord(data, "cancelled", cancel_reason=rng.choice(CANCEL_REASONS), plan_versions=versions)]
    if day > as_of:
        return [ds.DrillRecord(data, "preparing" if (day - as_of).days < 21 else "planned", plan_versions=versions)]
    age = (as_of - day).days
    status = "conducting" if age < 7 else "evaluating" if age < 30 or rng.random() < 0.03 else "done"
    return [ds.DrillRecord(data, status, held_on=day, plan_versions=versions)]


# ---- evaluations, score sheets and findings

EVAL_STREAM = "drill-evaluations"
EVALUATORS = ((2, 0.3), (3, 0.45), (4, 0.25))  # evaluators per evaluated drill, with their weights
SCALE = (1.0, 3.0, 5.0)

# Per item: the findings a weak score leads to — (description, corrective action, plan section, about the
# plan, a hazard (隐患) rather than a problem of the drill or the plan).
FINDINGS: dict[str, tuple[tuple[str, str, str, bool, bool], ...]] = {
    "prep.design": (("演练情景与本单位主要风险结合不够，未设置夜间、节假日等不利条件", "结合风险辨识结果修改演练情景，下次演练增加夜间情景", "", False, False),),
    "prep.documents": (("演练脚本未明确各环节的时间节点和负责人", "修订演练脚本，逐项明确时间节点、负责人和所需物资", "", False, False),
                       ("评估方案未细化评估指标，评估人员分工不明确", "完善评估方案，明确评估指标和评估人员分工", "", False, False)),
    "prep.support": (("演练前未对参演人员进行安全交底，部分人员未配备个人防护用品", "建立演练前安全交底制度，按岗位配齐个人防护用品", "", False, False),),
    "run.report_time": (("发现险情后未在规定时间内向值班室报告，报告用时明显超出预案要求", "组织信息报告专项培训，在岗位张贴报告流程和联系电话", "信息报告", True, False),
                        ("值班电话无人接听，改拨带班领导手机后才完成报告", "落实 24 小时值班制度，值班电话设置呼叫转移", "信息报告", True, False)),
    "run.report_content": (("首次报告内容不完整，缺少人员伤亡和已采取措施等要素", "修订信息报告模板，增加必报要素并组织演练", "信息报告", True, False),),
    "run.mobilise": (("应急人员集结用时过长，部分兼职救援人员未按职责到位", "更新应急人员通讯录，开展集结专项训练", "应急组织机构及职责", True, False),),
    "run.monitor": (("未对事故发展态势持续监测，研判依据不足", "配备便携式气体检测仪并明确监测人员职责", "应急响应", True, False),
                    ("可燃气体报警仪未按期检定，现场读数偏差较大", "送检并更换不合格报警仪，建立检定台账", "", False, True)),
    "run.command": (("现场指挥部成立滞后，指挥人员与预案规定不一致", "按人员变动调整应急指挥机构组成，明确替补人员", "应急组织机构及职责", True, False),
                    ("各处置小组之间信息沟通不畅，指令传达出现重复和遗漏", "明确各小组联络人和信息汇总渠道，开展指挥协调桌面推演", "应急响应", True, False)),
    "run.response": (("处置人员未按操作规程关闭紧急切断阀，处置顺序有误", "组织岗位人员重新学习现场处置方案并逐人考核", "处置措施", True, False),
                     ("处置人员未佩戴空气呼吸器即进入警戒区", "加强个人防护培训，演练中设置安全员现场监督", "处置措施", False, False),
                     ("紧急切断阀锈蚀卡涩，手动关闭困难", "检修更换紧急切断阀，纳入设备定期维护", "", False, True)),
    "run.resources": (("部分应急物资过期或数量不足，调用时未能及时找到", "清点应急物资，补充过期和短缺物资，建立物资台账", "应急保障", True, False),
                      ("消防栓锈蚀、出水压力不足", "维修更换消防栓并定期试水", "", False, True)),
    "run.comms": (("对讲机频道不统一，部分区域通信信号差", "统一对讲机频道，在信号盲区增设中继设备", "应急保障", True, False),),
    "run.public": (("对外信息发布口径不统一，未明确发布人", "明确信息发布责任人和审批流程", "信息公开", True, False),),
    "run.protect": (("疏散人员未到指定集合点，人员清点用时过长", "重新标识疏散路线和集合点，指定各区域清点负责人", "应急响应", True, False),
                    ("疏散通道堆放杂物，部分应急照明灯不亮", "清理疏散通道，更换损坏的应急照明灯", "", False, True)),
    "run.cordon": (("警戒范围设置偏小，无关人员进入警戒区", "依据情景重新确定警戒范围，配足警戒带和警戒人员", "处置措施", False, False),),
    "run.medical": (("伤员转运路线不畅，与医疗机构联系不及时", "与就近医院签订救护协议，明确转运路线", "应急保障", True, False),),
    "run.recovery": (("现场洗消和恢复措施未落实，废液未按规定收集", "完善现场恢复程序，配备废液收集容器", "后期处置", True, False),
                     ("围堰排水阀处于常开状态，泄漏物可能外溢", "将围堰排水阀改为常闭并挂牌管理", "", False, True)),
}
COMMENTS: dict[str, tuple[str, ...]] = {
    "run.report_time": ("报警后约 {m} 分钟才报告带班领导", "值班人员不熟悉报告流程"),
    "run.report_content": ("未报告已采取的措施", "未说明有无人员受伤"),
    "run.mobilise": ("兼职救援队员集结较慢", "部分人员未带对讲机"),
    "run.command": ("指挥部位置选在下风向", "指令下达不够清晰"),
    "run.response": ("处置顺序有误", "个人防护不到位"),
    "run.resources": ("正压式空气呼吸器气压不足", "物资柜钥匙找不到"),
    "run.protect": ("清点人数与实际不符", "集合点标识不清"),
}
COMMENT_ANY = ("表现较好", "基本符合要求", "需加强培训", "熟练程度有待提高")
VERIFY_NOTES = ("经复查，整改措施已落实，复演验证有效。", "现场核查整改到位，相关记录已归档。",
                "已组织专项培训并考核合格，验证通过。", "整改后经安全环保部验收合格。")
REOPEN_NOTES = ("复查发现整改不彻底，退回继续整改。", "整改材料不全，退回补充。")
DUE_DAYS = (15, 30, 30, 30, 45, 60, 90)


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, x))


def _reading(rng: random.Random, item: Item, fraction_: float) -> float | str:
    """What an evaluator records for an item they saw at ``fraction_`` of its full points."""
    if item.kind == "score":
        return 5.0 if fraction_ >= 0.74 else 3.0 if fraction_ >= 0.38 else 1.0
    if item.kind == "choice":
        labels = [label for label, _p in item.options]
        return labels[0] if fraction_ >= 0.74 else labels[1] if fraction_ >= 0.38 else labels[-1]
    assert item.target is not None and item.limit is not None
    minutes = item.target + (1 - fraction_) * (item.limit - item.target) * 1.2 + rng.uniform(-1.0, 0.5)
    return max(1.0, round(minutes * 2) / 2)


def _comment(rng: random.Random, item: Item, value: float | str) -> str:
    low = value == 1.0 or value == "否" or (item.kind == "measure" and item.target is not None
                                            and item.limit is not None and isinstance(value, float)
                                            and value > (item.target + item.limit) / 2)
    if low and rng.random() < 0.5:
        text = rng.choice(COMMENTS.get(item.key, COMMENT_ANY[2:]))
        return text.format(m=f"{value:g}") if isinstance(value, float) else text
    return rng.choice(COMMENT_ANY[:2]) if value == 5.0 and rng.random() < 0.03 else ""


def _evaluation(rng: random.Random, drill_id: int, record: ds.DrillRecord, skill: float,
                as_of: date) -> scoring.EvaluationRecord:
    """2–4 evaluators' sheets of a held drill: a drill quality, each item's true level around it, each
    evaluator reading it with their own leniency and noise; now and then one sees it quite differently
    (a disagreement above the form's spread), some items not exercised (不适用)."""
    form = form_for(record.data.form)
    held = record.held_on
    assert held is not None
    quality = _clamp(skill + rng.gauss(0, 0.08) + (0.03 if record.data.form == "tabletop" else 0.0), 0.2, 0.98)
    levels = {i.key: _clamp(quality + rng.gauss(0, 0.14)) for i in form.items}
    not_done = {i.key for i in form.items if (i.key == "run.public" and rng.random() < 0.6)
                or (i.key in ("run.medical", "run.cordon") and rng.random() < 0.15)}
    odd = {i.key for i in form.items if rng.random() < 0.02}  # one evaluator sees it otherwise
    count = weighted(rng, [n for n, _w in EVALUATORS], [w for _n, w in EVALUATORS])
    names: list[str] = []
    while len(names) < count:
        name = person_name(rng)
        if name not in names:
            names.append(name)
    dissenter = rng.randrange(count)
    sheets = []
    for n, name in enumerate(names):
        lenient = rng.gauss(0, 0.06)
        entries: dict[str, Entry] = {}
        for item in form.items:
            if item.key in not_done or rng.random() < 0.01:
                entries[item.key] = Entry(None)
                continue
            seen = levels[item.key] + (lenient + rng.gauss(0, 0.08)) * (0.3 if item.kind == "choice" else 1.0)
            if item.key in odd and n == dissenter:
                seen = 0.15 if levels[item.key] >= 0.5 else 0.95
            value = _reading(rng, item, _clamp(seen))
            entries[item.key] = Entry(value, _comment(rng, item, value))
        if record.status == "done":
            submitted: datetime | None = datetime.combine(min(held + timedelta(days=rng.randrange(3)), as_of),
                                                          time(rng.randrange(15, 19), rng.randrange(60)))
        else:  # being evaluated: some submitted, some filled in part, some not begun
            roll = rng.random()
            if roll < 0.35:
                submitted = datetime.combine(held + timedelta(days=rng.randrange(max(1, (as_of - held).days))),
                                             time(rng.randrange(15, 19), rng.randrange(60)))
            else:
                submitted = None
                keep = len(form.items) if roll < 0.5 else 0 if roll < 0.6 else rng.randrange(2, len(form.items))
                entries = dict(list(entries.items())[:keep])
        sheets.append(scoring.SheetRecord(name, entries, submitted))
    return scoring.EvaluationRecord(drill_id, form, tuple(sheets))


def _findings(rng: random.Random, evaluation: scoring.EvaluationRecord, record: ds.DrillRecord,
              plans: dict[int, _Plan], as_of: date) -> list[findings.FindingRecord]:
    """The problems a drill's weakest items show, with their corrective actions moved on as far as
    time allowed by ``as_of``: most old ones closed after verification, some late or stalled."""
    held = record.held_on
    assert held is not None
    form = evaluation.form
    means: list[tuple[float, str]] = []
    for item in form.items:
        values = [fraction(form, item, s.entries[item.key].value) for s in evaluation.sheets if item.key in s.entries]
        scored = [v for v in values if v is not None]
        if scored:
            means.append((sum(scored) / len(scored), item.key))
    weak = [key for mean, key in sorted(means) if mean < 0.45][:3]
    if not weak and means and rng.random() < 0.45:
        weak = [rng.choice(sorted(means)[:4])[1]]
    out = []
    lead = record.data.plan_ids[0]
    for key in weak:
        description, action, section, about_plan, hazard = rng.choice(FINDINGS[key])
        raised = min(held + timedelta(days=rng.randrange(1, 6)), as_of)
        due = raised + timedelta(days=rng.choice(DUE_DAYS))
        work = max(3, round((due - raised).days * rng.uniform(0.5, 1.4)))  # some units finish late
        begun, done_by = raised + timedelta(days=rng.randrange(1, max(2, work // 4))), raised + timedelta(days=work)
        verified = done_by + timedelta(days=rng.randrange(3, 40))
        note, closed = "", None
        if rng.random() < 0.06:  # stalled: nothing moved since it was raised, or since work began
            status = "open" if rng.random() < 0.5 or begun > as_of else "in_progress"
        elif verified <= as_of:
            status, note, closed = "closed", rng.choice(VERIFY_NOTES), verified
        elif done_by <= as_of:
            status = "verifying"
        elif begun <= as_of:
            status = "in_progress"
            if rng.random() < 0.12:
                note = rng.choice(REOPEN_NOTES)  # sent back once from 待验证
        else:
            status = "open"
        plan = plans.get(lead) if about_plan or rng.random() < 0.3 else None
        revise = (plan is not None and about_plan and status != "closed" and plan.trigger is None
                  and plan.status in ("published", "filed") and held >= plan.published and rng.random() < 0.6)
        data = findings.FindingData(
            description=description, kind="hazard" if hazard else "problem",
            plan_id=plan.id if plan is not None else None, section=section if plan is not None else "",
            action=action, owner=person_name(rng), department=rng.choice(ORGANISERS + PARTICIPANTS[:2]),
            due_date=due, requires_revision=revise)
        out.append(findings.FindingRecord(evaluation.drill_id, data, raised, status, note, closed))
    return out
