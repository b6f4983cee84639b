"""Demo drills: two years of drills for every demo enterprise, as a real ledger looks on ``as_of``.

Each enterprise drills its 综合/专项 plans about once a year and its 现场处置方案 about every
half-year, key industries their plans every half-year — and sometimes not (a missed year, a
cancelled drill, a half-year without an on-site drill), so the obligations page has real overdue
items. One drill sometimes exercises a comprehensive and an on-site plan together. Drills long
past are 完成, recent ones 实施 or 评估, those ahead 计划 or 准备. A drill exercises a plan only
after the plan was published (recorded with the plan's latest published version). Written chunk by chunk through
``models.drills.service.import_drills`` (validation, audit), each enterprise from its own stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from models.core.demo import DemoContext, DemoStep
from models.core.entities import Industry
from models.drills import service as ds
from models.drills.entities import Drill, DrillPlan
from models.drills.rules import load_drill_rules
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan, PlanVersion

STEP_NAME = "drills"
DEFAULT_AS_OF = date(2026, 11, 29)
CHUNK = 500
YEARS = 2

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
    drills = links = 0
    for start in range(0, len(ents), CHUNK):
        chunk = ents[start:start + CHUNK]
        ids = [e.id for e in chunk]
        with ctx.db.read() as s:
            plans: dict[int, list[_Plan]] = defaultdict(list)
            latest = (select(PlanVersion.plan_id, func.max(PlanVersion.number).label("n"))
                      .where(PlanVersion.plan_id.in_(select(Plan.id).where(Plan.enterprise_id.in_(ids))))
                      .group_by(PlanVersion.plan_id).subquery())
            for row in s.execute(select(Plan.id, Plan.enterprise_id, Plan.kind, Plan.title, Plan.publish_date,
                                        latest.c.n).outerjoin(latest, latest.c.plan_id == Plan.id)
                                 .where(Plan.enterprise_id.in_(ids), Plan.deleted_at.is_(None),
                                        Plan.publish_date.is_not(None), Plan.status != "retired")
                                 .order_by(Plan.id)):
                plans[row.enterprise_id].append(_Plan(row.id, row.kind, row.title, row.publish_date, row.n))
            flags = {r.id: enterprise_rules.rule_flags(r.flags or (), r._mapping) for r in s.execute(
                select(Enterprise.id, Industry.flags, Enterprise.medium_or_larger,
                       Enterprise.hazchem_use_above_threshold)
                .join(Industry, Industry.id == Enterprise.industry_id).where(Enterprise.id.in_(ids)))}
        records: list[ds.DrillRecord] = []
        for ent in chunk:
            rng = ctx.rng(f"{STEP_NAME}:{ent.name}")
            records += _enterprise_drills(rng, ent.id, ent.name, plans.get(ent.id, []),
                                          bool(set(flags.get(ent.id, ())) & key_flags), as_of)
        with ctx.unit() as uow:
            written = ds.import_drills(uow, records)
        ctx.wrote(Drill, written)
        with ctx.db.read() as s:
            link_ids = list(s.scalars(select(DrillPlan.id).where(DrillPlan.drill_id.in_(written))))
        ctx.wrote(DrillPlan, link_ids)
        drills += len(written)
        links += len(link_ids)
        ctx.report(start + len(chunk), message)
    ctx.tally("drills", "应急演练", drills)


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
