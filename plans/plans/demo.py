"""Demo plans: every demo enterprise's plan system, written through the plan services.

``plans_step()`` is the plan module's generation step (``plans.demo.STEPS`` lists it after the
enterprise register's); it writes, after the enterprises:

- for every enterprise one 综合应急预案 from the template, filled with the enterprise's facts and
  with enterprise-specific content in every section (``plans.plans.demo_content``), numbered like
  ``LJHT-YA-2024-01``, compiled by the enterprise, approved by its 主要负责人;
- 专项应急预案 for its industry's main accident types and 现场处置方案 for key places, hung under the
  综合 plan (``parent_plan_id``);
- 应急处置卡 for the key posts of units with enough risk (a hazardous-chemicals tank farm or store,
  有限空间 work, the 配电室, a furnace, a dam…; ``plans.plans.demo_content.CARD_POSTS``), also hung under
  the 综合 plan (the plan model lets only the 综合 plan head the system) and written for the post:
  its people, signs, steps in order, cautions and phone numbers;
- a lifecycle for each: drafts, plans under review, published ones (some with the filing overdue),
  filed ones (on time and late), old ones whose three-yearly evaluation is overdue (high-risk
  units), plans with a recorded revision trigger, plans under revision, retired ones, and plans
  with two or three published versions (V1.0 → V2.0 → V3.0 through ``start_revision``, a saved
  edit and a new publication).

Every plan is taken through its story by ``models.plans.service.PlanBuilder`` — the lifecycle
commands' own rules (``create``, ``transition``, ``start_revision``, ``save_sections``, ``update``,
``record_revision_trigger``), applied in memory — and a chunk of enterprises' plans is written by
``import_plans`` in its own unit of work, so each row gets its trail row and search index entry. Dates are computed from a fixed
reference day (``as_of``, default :data:`DEFAULT_AS_OF`), never from the clock, and every random
choice comes from streams seeded by the demo seed and the enterprise's name, so a seed gives the
same plans in any empty database.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.core import demo as base
from models.core.base import Entity
from models.core.database import Database
from models.core.demo import DemoContext, DemoEnterprise, DemoStep, RefData, person_name
from models.core.progress import NULL_PROGRESS
from models.core.uow import SYSTEM, UnitOfWork
from models.core.workdays import HolidayCalendar, load_shipped_calendar
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.plans import rules as plan_rules
from models.plans import search
from models.plans import service as ps
from models.plans.entities import Plan, PlanSection, PlanVersion
from models.plans.service import PlanData, SectionInput
from plans.document import Document, flatten
from plans.plans import store
from plans.plans.demo_content import (
    ACCIDENTS,
    MAX_VARIANT,
    Contact,
    PlanSpec,
    Unit,
    build_document,
    card_posts,
    card_spec,
    family_for,
)
from plans.plans.templates import load_template

DEFAULT_AS_OF = date(2026, 11, 29)
STEP_NAME = "plans"
CHUNK = 200  # enterprises whose plans are built and written together (one unit of work)
WORK_PER_ENTERPRISE = 40  # progress units: an enterprise's plans take about 40× its own row

# --- stories: where an enterprise's plan system stands on ``as_of`` -----------------------------------

# (story, weight); "evaluation" stories apply only where the three-yearly evaluation rule does.
STORIES: tuple[tuple[str, float], ...] = (
    ("filed", 34.0),
    ("draft", 6.0),
    ("reviewing", 5.0),
    ("published_new", 6.0),
    ("published_overdue", 7.0),
    ("filed_late", 8.0),
    ("evaluation_overdue", 9.0),
    ("evaluated", 4.0),
    ("revision_due", 4.0),
    ("revising", 6.0),
    ("versions", 11.0),
)
EVALUATION_STORIES = frozenset({"evaluation_overdue", "evaluated"})
RETIRED_SHARE = 0.04  # enterprises that also keep a retired 现场处置方案


@dataclass(frozen=True)
class Round:
    """One publication of a plan: review, approval, publication and (maybe) filing."""

    variant: int
    label: str
    publish: date
    review: date
    filing_submitted: date | None = None
    filing_registered: date | None = None
    filing_number: str = ""
    trigger: str | None = None  # the revision trigger that started this round (not the first)
    trigger_date: date | None = None
    reason: str = ""


@dataclass
class Story:
    name: str
    rounds: list[Round] = field(default_factory=list)
    final: str = ""  # draft / reviewing / revising / revision_due / "" (as the last round left it)
    trigger: str | None = None  # revising / revision_due
    trigger_date: date | None = None
    reason: str = ""
    evaluated: date | None = None
    compiled_year: int = 2026


# --- reasons for revising ---------------------------------------------------------------------------

REASONS: dict[str, tuple[str, ...]] = {
    "laws_or_upper_plans_changed": ("《生产经营单位生产安全事故应急预案编制导则》（GB/T 29639-2020）实施，按新导则调整预案结构和内容。",
                                    "《中华人民共和国安全生产法》（2021年修正）施行，修订应急职责和信息报告要求。"),
    "command_structure_changed": ("公司机构调整，应急救援指挥部成员及职责相应调整。", "安全管理部门与生产部门合并，应急小组分工调整。"),
    "risks_changed": ("新建装置投入使用，风险评估结果发生变化。", "生产工艺和原料调整，重新开展风险评估。"),
    "key_resources_changed": ("新建应急物资库并与专业救援队伍签订救援协议。", "应急救援队伍调整，更新物资装备清单。"),
    "exercise_or_response_problems": ("综合应急演练中发现信息报告流程不顺、疏散集合点设置不合理等问题。",
                                      "事故应急处置中发现应急物资不足、通信联络不畅。"),
    "unit_decides": ("按三年一次评估结论，公司决定对预案进行全面修订。", "结合安全生产标准化复审，公司决定修订应急预案。"),
}


def _trigger(rng: random.Random) -> tuple[str, str]:
    codes = [t.code for t in plan_rules.revision_triggers() if t.code in REASONS]
    code = rng.choice(codes)
    return code, rng.choice(REASONS[code])


# --- dates --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dates:
    """Working-day arithmetic on the shipped calendar, relative to ``as_of``."""

    as_of: date
    calendar: HolidayCalendar

    def back(self, days: int) -> date:
        """The working day on or before ``as_of - days``."""
        day = self.as_of - timedelta(days=days)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def after(self, day: date, working_days: int) -> date:
        return self.calendar.add_working_days(day, working_days)

    def filing_due(self, publish: date) -> date:
        return plan_rules.filing_due(publish, self.calendar).date

    def not_after_as_of(self, day: date) -> date | None:
        return day if day <= self.as_of else None


def _round(rng: random.Random, d: Dates, region6: str, variant: int, publish: date, *, filed: str = "on_time",
           trigger: tuple[str, str] | None = None, trigger_date: date | None = None) -> Round:
    """A publication on ``publish``; ``filed``: on_time / late / no."""
    review = publish - timedelta(days=rng.randint(7, 40))
    submitted = registered = None
    number = ""
    if filed != "no":
        due = d.filing_due(publish)
        if filed == "late":
            submitted = d.calendar.add_working_days(due, rng.randint(3, 40))
        else:
            span = max(1, d.calendar.working_days_between(publish, due))
            submitted = d.after(publish, rng.randint(max(1, span // 4), span))
        submitted = d.not_after_as_of(submitted)
        if submitted is not None:
            registered = d.not_after_as_of(d.after(submitted, rng.randint(1, 5)))
            if registered is not None:
                number = f"{region6}-{registered.year}-{rng.randint(1, 2999):04d}"
    return Round(variant, f"V{variant + 1}.0", publish, review, submitted, registered, number,
                 trigger[0] if trigger else None, trigger_date, trigger[1] if trigger else "")


def choose_story(rng: random.Random, name: str, d: Dates, region6: str) -> Story:
    story = Story(name, compiled_year=d.as_of.year)
    if name == "draft":
        story.final = "draft"
        return story
    if name == "reviewing":
        story.final = "reviewing"
        return story
    if name == "published_new":
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(1, 18)), filed="no")]
    elif name == "published_overdue":
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(45, 330)), filed="no")]
    elif name == "filed":
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(60, 3 * 365 - 30)))]
    elif name == "filed_late":
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(120, 3 * 365 - 30)), filed="late")]
    elif name == "evaluation_overdue":
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(3 * 365 + 20, 5 * 365)),
                               filed=rng.choice(("on_time", "on_time", "late")))]
    elif name == "evaluated":
        publish = d.back(rng.randint(3 * 365 + 60, 5 * 365))
        story.rounds = [_round(rng, d, region6, 0, publish)]
        story.evaluated = min(d.back(rng.randint(30, 300)), publish.replace(year=publish.year + 3))
    elif name in ("revision_due", "revising"):
        story.rounds = [_round(rng, d, region6, 0, d.back(rng.randint(200, 3 * 365 - 30)))]
        story.final = name
        story.trigger, story.reason = _trigger(rng)
        story.trigger_date = d.back(rng.randint(5, 150))
    elif name == "versions":
        n = rng.choice((2, 2, 3))
        first = d.back(rng.randint(5 * 365, 7 * 365))
        latest = d.back(rng.randint(10, 2 * 365))
        dates = [first] + ([d.back(rng.randint(3 * 365 + 30, 4 * 365 + 300))] if n == 3 else []) + [latest]
        rounds = []
        for i, publish in enumerate(dates):
            last = i == len(dates) - 1
            filed = "no" if last and rng.random() < 0.25 else "on_time"
            if i == 0:
                rounds.append(_round(rng, d, region6, i, publish, filed=filed))
            else:
                start = publish - timedelta(days=rng.randint(60, 200))
                rounds.append(_round(rng, d, region6, i, publish, filed=filed, trigger=_trigger(rng),
                                     trigger_date=start))
        story.rounds = rounds
    else:
        raise ValueError(f"unknown story {name!r}")
    story.compiled_year = story.rounds[0].publish.year
    return story


# --- plan numbers -------------------------------------------------------------------------------------

# GB2312 level-1 hanzi are ordered by pinyin: the first code of each initial (A … Z).
_GB_BOUNDS = ((0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"),
              (0xB8C1, "G"), (0xB9FE, "H"), (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"),
              (0xC4C3, "N"), (0xC5B6, "O"), (0xC5BE, "P"), (0xC6DA, "Q"), (0xC8BB, "R"), (0xC8F6, "S"),
              (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"), (0xD1B9, "Y"), (0xD4D1, "Z"))
_EXTRA_INITIALS = {"宸": "C", "晖": "H", "晟": "S", "瀚": "H", "睿": "R", "禧": "X", "鑫": "X"}


def initial(ch: str) -> str:
    """The pinyin initial of a common hanzi ("临" → "L"); ASCII letters and digits as they are; "" else."""
    if ch.isascii():
        return ch.upper() if ch.isalnum() else ""
    if ch in _EXTRA_INITIALS:
        return _EXTRA_INITIALS[ch]
    try:
        raw = ch.encode("gb2312")
    except UnicodeEncodeError:
        return ""
    if len(raw) != 2:
        return ""
    code = raw[0] << 8 | raw[1]
    if not 0xB0A1 <= code <= 0xD7F9:
        return ""
    letter = "A"
    for start, value in _GB_BOUNDS:
        if code >= start:
            letter = value
    return letter


def abbreviation(name: str, prefixes: Sequence[str]) -> str:
    """"LJHT" for 临江市恒泰化工有限公司: the place's first two initials and the trade name's two."""
    place, rest = "", name
    for prefix in sorted(prefixes, key=len, reverse=True):
        if prefix and name.startswith(prefix):
            place, rest = prefix, name[len(prefix):]
            break
    letters = "".join(initial(c) for c in place[:2]) + "".join(initial(c) for c in rest[:2])
    return letters or "YA"


# --- what each enterprise gets --------------------------------------------------------------------------


def plan_specs(rng: random.Random, unit: Unit, risk: str) -> list[PlanSpec]:
    """The 专项 and 现场处置 plans an enterprise of this industry and risk level keeps."""
    f = unit.family
    if risk == "major":
        n_special, n_onsite = len(f.specials), rng.randint(2, 3)
    elif risk == "larger":
        n_special, n_onsite = min(2, len(f.specials)), rng.randint(1, 2)
    elif risk == "general":
        n_special, n_onsite = min(len(f.specials), 1 + (rng.random() < 0.25)), 1 + (rng.random() < 0.3)
    else:
        n_special, n_onsite = int(rng.random() < 0.4), 1
    if f.key in ("general", "trade") and rng.random() < 0.4:
        n_special = 0  # small ordinary units: the 综合 plan and 现场处置方案 only
    out = [PlanSpec("special", key) for key in f.specials[:n_special]]
    places = list(f.onsites)
    hazards = [h for h in unit.hazards if "区" in h or "库" in h]
    for i in range(min(n_onsite, len(places))):
        place, accident = places[i]
        if place == "储罐区" and hazards:
            place = hazards[0]
        out.append(PlanSpec("onsite", accident, place))
    return out


# 应急处置卡 per enterprise by risk level: (fewest, most, chance of having any).
CARDS_BY_RISK: dict[str, tuple[int, int, float]] = {
    "major": (2, 3, 1.0), "larger": (1, 2, 1.0), "general": (1, 1, 0.6), "low": (1, 1, 0.3)}


def card_specs(rng: random.Random, unit: Unit, risk: str, parent_title: str = "") -> list[PlanSpec]:
    """The 应急处置卡 an enterprise keeps: its family's first key post and some of the others."""
    posts = card_posts(unit)
    low, high, chance = CARDS_BY_RISK.get(risk, CARDS_BY_RISK["low"])
    if not posts or rng.random() >= chance:
        return []
    n = min(len(posts), rng.randint(low, high))
    others = sorted(rng.sample(range(1, len(posts)), n - 1))
    return [card_spec(*posts[i], parent_title) for i in (0, *others)]


# --- the step -------------------------------------------------------------------------------------------


@dataclass
class _Numbers:
    abbr: str
    used: dict[int, int] = field(default_factory=dict)

    def next(self, year: int) -> str:
        self.used[year] = self.used.get(year, 0) + 1
        return f"{self.abbr}-YA-{year}-{self.used[year]:02d}"


@dataclass
class _Enterprise:
    """One enterprise's plans being built (``models.plans.service.PlanBuilder``: the lifecycle
    commands' own rules, in memory), written with the chunk they belong to."""

    ctx: PlanContext
    ent: DemoEnterprise
    unit: Unit
    facts: dict[str, str]
    flags: tuple[str, ...]
    region6: str
    rng: random.Random
    numbers: _Numbers
    plans: int = 0
    versions: int = 0
    built: list[ps.PlanBuilder] = field(default_factory=list)

    @property
    def review_type(self) -> str:
        return plan_rules.suggest_review_type(self.flags)

    def reviewers(self) -> str:
        rng = self.rng
        if self.review_type == "评审":
            titles = ("高级工程师", "注册安全工程师", "应急管理专家", "教授级高级工程师", f"{self.unit.city}安全生产专家库专家")
            return "、".join(f"{person_name(rng)}（{rng.choice(titles)}）" for _ in range(rng.randint(3, 5)))
        return "、".join(f"{person_name(rng)}（{rng.choice(('注册安全工程师', '工程师', '安全管理人员'))}）"
                         for _ in range(rng.randint(2, 3)))

    def document(self, spec: PlanSpec, seed: str, variant: int) -> Document:
        return build_document(self.unit, spec, self.facts, seed=seed, variant=variant)

    def create(self, spec: PlanSpec, year: int, parent: ps.PlanBuilder | None, seed: str,
               variant: int = 0) -> ps.PlanBuilder:
        template = load_template(spec.kind)
        document = self.document(spec, seed, variant)
        data = PlanData(kind=spec.kind, plan_no=self.numbers.next(year), title=document.title,
                        version_label=f"V{variant + 1}.0", compiling_unit=self.unit.name,
                        compiled_by=self.unit.safety, approver=self.unit.principal, review_type=self.review_type,
                        controlled=True, copy_no=f"{self.rng.randint(1, 12):02d}",
                        holder=self.rng.choice(("安全管理部", "安全环保部", "应急办公室", "办公室", "生产技术部")),
                        template_key=template.kind, template_version=str(template.version))
        plan = ps.PlanBuilder(self.ent.id, data, _rows(document), parent=parent)
        self.built.append(plan)
        self.plans += 1
        return plan

    def publish(self, plan: ps.PlanBuilder, r: Round) -> None:
        plan.transition("submit_review")
        approval = max(r.review, r.publish - timedelta(days=self.rng.randint(0, 5)))
        plan.transition("publish", review_date=r.review, reviewers=self.reviewers(), approval_date=approval,
                        publish_date=r.publish,
                        effective_date=r.publish + timedelta(days=self.rng.choice((0, 0, 0, 1, 7, 10))))
        self.versions += 1
        if r.filing_submitted is not None:
            plan.transition("file", filing_submitted_date=r.filing_submitted, filing_number=r.filing_number,
                            filing_registered_date=r.filing_registered)

    def revise(self, plan: ps.PlanBuilder, spec: PlanSpec, seed: str, variant: int, trigger: str,
               trigger_date: date, reason: str) -> None:
        plan.start_revision(trigger=trigger, reason=reason, trigger_date=trigger_date,
                            version_label=f"V{variant + 1}.0")
        plan.save_sections(_rows(self.document(spec, seed, variant)))

    def run(self, spec: PlanSpec, story: Story, parent: ps.PlanBuilder | None, seed: str) -> ps.PlanBuilder:
        """Create one plan and take it through ``story``."""
        year = story.compiled_year
        plan = self.create(spec, year, parent, seed)
        if story.final in ("draft", "reviewing") and not story.rounds:
            if story.final == "reviewing":
                plan.transition("submit_review")
            return plan
        for i, r in enumerate(story.rounds):
            if i > 0:
                assert r.trigger is not None and r.trigger_date is not None
                self.revise(plan, spec, seed, min(r.variant, MAX_VARIANT), r.trigger, r.trigger_date, r.reason)
            self.publish(plan, r)
        if story.evaluated is not None:
            plan.update(replace(plan.data, last_evaluation_date=story.evaluated))
        if story.final == "revision_due":
            assert story.trigger and story.trigger_date
            plan.record_revision_trigger(trigger=story.trigger, trigger_date=story.trigger_date,
                                         reason=story.reason)
        elif story.final == "revising":
            assert story.trigger and story.trigger_date
            variant = min(len(story.rounds), MAX_VARIANT)
            self.revise(plan, spec, seed, variant, story.trigger, story.trigger_date, story.reason)
        return plan

    def retire_old(self, spec: PlanSpec, parent: ps.PlanBuilder, seed: str) -> None:
        """An old 现场处置方案 for a place no longer in use: published, filed, then retired."""
        d = self.ctx.dates
        r = _round(self.rng, d, self.region6, 0, d.back(self.rng.randint(3 * 365, 6 * 365)))
        plan = self.create(spec, r.publish.year, parent, seed)
        self.publish(plan, r)
        retired = d.back(self.rng.randint(20, 700))
        plan.transition("retire", notes=f"{retired.isoformat()} 场所停用，本方案废止。")


def _rows(document: Document) -> list[SectionInput]:
    return [SectionInput(**vars(row)) for row in flatten(document)]


def _child_story(rng: random.Random, parent: Story, d: Dates) -> Story:
    """A 专项/现场处置 plan's story: mostly the 综合 plan's own, sometimes newer or still in work."""
    if parent.final in ("draft", "reviewing") and not parent.rounds:
        return Story(parent.name, final=rng.choice(("draft", parent.final)), compiled_year=parent.compiled_year)
    roll = rng.random()
    if roll < 0.08:
        return Story("draft", final="draft", compiled_year=d.as_of.year)
    if roll < 0.12:
        return Story("reviewing", final="reviewing", compiled_year=d.as_of.year)
    last = parent.rounds[-1]
    if len(parent.rounds) > 1 and roll < 0.6:
        rounds = parent.rounds  # revised together with the 综合 plan
    else:  # written (or last rewritten) for the latest publication: its own first version
        rounds = [Round(0, "V1.0", last.publish, last.review, last.filing_submitted, last.filing_registered,
                        last.filing_number)]
    story = Story(parent.name, rounds=list(rounds), evaluated=parent.evaluated,
                  compiled_year=rounds[0].publish.year)
    if parent.final == "revision_due" and roll < 0.5:
        story.final, story.trigger, story.trigger_date, story.reason = (
            parent.final, parent.trigger, parent.trigger_date, parent.reason)
    if parent.final == "revising" and roll < 0.4:
        story.final, story.trigger, story.trigger_date, story.reason = (
            parent.final, parent.trigger, parent.trigger_date, parent.reason)
    return story


@dataclass
class PlanContext:
    demo: DemoContext
    dates: Dates


def _unit(ent: DemoEnterprise, row: Enterprise, facts: dict[str, str], ctx: DemoContext) -> Unit:
    street = next((s for s in ctx.ref.streets if s.code == ent.region_code), None)
    hazards_text = (row.major_hazard_sources or "").strip()
    parts = [p.strip() for p in hazards_text.replace(";", "；").split("；") if p.strip()]
    contacts = tuple(Contact(c.name, c.role, c.phone or c.mobile) for c in row.contacts if c.deleted_at is None)
    return Unit(
        name=ent.name, address=row.address, city=ctx.ref.city,
        district=street.district if street and street.named_district else "",
        street=street.name if street else "", industry=row.industry.name,
        family=family_for(ent.industry_code, ent.name), risk=ent.risk_code, employees=ent.employees,
        on_shift=ent.on_shift_headcount, principal=row.principal, principal_phone=row.principal_phone,
        safety=row.safety_manager or row.principal, safety_phone=row.safety_manager_phone or row.principal_phone,
        duty_phone=facts["值班电话"], hazards=tuple(p.split("（")[0] for p in parts), hazards_text="、".join(parts),
        department=row.department.name, contacts=contacts,
        in_park=bool(street and ("化工" in street.district or "化工" in street.name)),
    )


def _stories_for(rng: random.Random, ents: Sequence[tuple[DemoEnterprise, bool]]) -> list[str]:
    """A story per enterprise: the first enterprises that can take each story cover every story
    (so a small demo shows the whole lifecycle), the rest follow the weights."""
    names = [s for s, _ in STORIES]
    weights = [w for _, w in STORIES]
    uncovered = list(names)
    out = []
    for _ent, evaluation in ents:
        fitting = [s for s in uncovered if evaluation or s not in EVALUATION_STORIES]
        if fitting:
            story = fitting[0]
            uncovered.remove(story)
        else:
            while True:
                story = rng.choices(names, weights=weights, k=1)[0]
                if evaluation or story not in EVALUATION_STORIES:
                    break
        out.append(story)
    return out


def plans_step(as_of: date = DEFAULT_AS_OF) -> DemoStep:
    """The demo step writing every enterprise's plans as they stand on ``as_of``."""

    def run(ctx: DemoContext) -> None:
        _run(ctx, as_of)

    return DemoStep(STEP_NAME, "应急预案", run, size=lambda count: WORK_PER_ENTERPRISE * count, undo=_undo)


@dataclass(frozen=True)
class _Job:
    """One chunk of enterprises whose plans are to be built."""

    seed: int
    scale: str
    ref: RefData
    as_of: date
    start: int
    chunk: tuple[DemoEnterprise, ...]


@dataclass(frozen=True)
class _Built:
    plans: list[ps.PlanBuilder]
    count: int
    versions: int


def _build(job: _Job, db: Database) -> _Built:
    """The plans of one chunk, built in memory. Each chunk draws its stories from its own stream, so
    a chunk's plans do not depend on the chunks before it."""
    ctx = DemoContext(db=db, actor=SYSTEM, seed=job.seed, scale=job.scale, count=0, progress=NULL_PROGRESS,
                      ref=job.ref)
    pctx = PlanContext(ctx, Dates(job.as_of, load_shipped_calendar()))
    ref = job.ref
    street_of = {s.code: s for s in ref.streets}
    places = {s.district for s in ref.streets if s.district} | {s.name for s in ref.streets}
    prefixes = [ref.city, ref.city.removesuffix("市"), *sorted(places)]
    story_rng = ctx.rng(f"{STEP_NAME}:stories:{job.start}")
    built: list[ps.PlanBuilder] = []
    plans = versions = 0
    with db.read() as session:
        rows = {e.id: e for e in session.scalars(
            select(Enterprise).where(Enterprise.id.in_([e.id for e in job.chunk]))
            .options(selectinload(Enterprise.contacts), selectinload(Enterprise.industry),
                     selectinload(Enterprise.department)))}
        flags = {e.id: enterprise_rules.rule_flags(rows[e.id].industry.flags or (), vars(rows[e.id]))
                 for e in job.chunk}
        due = [(e, plan_rules.evaluation_due(job.as_of, flags[e.id]) is not None) for e in job.chunk]
        stories = _stories_for(story_rng, due) if job.start == 0 else [
            _weighted_story(story_rng, evaluation) for _e, evaluation in due]
        for i, (ent, story_name) in enumerate(zip(job.chunk, stories, strict=True)):
            rng = ctx.rng(f"{STEP_NAME}:{ent.name}")
            facts = store.facts_of(rows[ent.id])
            if "值班电话" not in facts:
                facts["值班电话"] = base.landline(rng)
            unit = _unit(ent, rows[ent.id], facts, ctx)
            street = street_of.get(ent.region_code)
            region6 = (street.district_code if street else ref.city_code)[:6]
            writer = _Enterprise(pctx, ent, unit, facts, flags[ent.id], region6, rng,
                                 _Numbers(abbreviation(ent.name, prefixes)))
            _write_enterprise(writer, story_name, rng, retired=job.start + i == 0)
            built += writer.built
            plans += writer.plans
            versions += writer.versions
    return _Built(built, plans, versions)


def _run(ctx: DemoContext, as_of: date) -> None:
    """Build chunk by chunk and write each in its own unit of work. (Building the chunks in a worker
    process while this one writes was measured no faster: handing the built plans over costs what
    building them does; nor was writing on a second thread.)"""
    message = "正在生成应急预案…"
    ctx.report(0, message)
    ents = ctx.enterprises
    done = plans = versions = 0
    for start in range(0, len(ents), CHUNK):
        job = _Job(ctx.seed, ctx.scale, ctx.ref, as_of, start, tuple(ents[start:start + CHUNK]))
        built = _build(job, ctx.db)
        done += len(job.chunk)
        ctx.report(done * WORK_PER_ENTERPRISE - WORK_PER_ENTERPRISE // 2, message)
        with ctx.unit() as uow:
            written = ps.import_plans(uow, built.plans)
        _written(ctx, written)
        plans += built.count
        versions += built.versions
        ctx.report(done * WORK_PER_ENTERPRISE, message)
    ctx.tally("plans", "应急预案", plans)
    ctx.tally("plan_versions", "已发布版本", versions)


def _written(ctx: DemoContext, written: ps.Imported) -> None:
    ctx.wrote(Plan, written.plans)
    ctx.wrote(PlanSection, written.sections)
    ctx.wrote(PlanVersion, written.versions)


def _undo(uow: UnitOfWork, written: list[tuple[type[Entity], list[int]]]) -> None:
    """Take the cancelled plans' sections out of the search index before they are purged."""
    ids = [i for cls, chunk in written if cls is PlanSection for i in chunk]
    for start in range(0, len(ids), 2000):
        rows = uow.session.execute(select(PlanSection.id, PlanSection.title, PlanSection.blocks)
                                   .where(PlanSection.id.in_(ids[start:start + 2000]),
                                          PlanSection.deleted_at.is_(None))).all()
        search.index_sections(uow.session, removed=[(r.id, r.title, r.blocks) for r in rows])


def _weighted_story(rng: random.Random, evaluation: bool) -> str:
    names = [s for s, _ in STORIES]
    weights = [w for _, w in STORIES]
    while True:
        story = rng.choices(names, weights=weights, k=1)[0]
        if evaluation or story not in EVALUATION_STORIES:
            return story


def _write_enterprise(w: _Enterprise, story_name: str, rng: random.Random, *, retired: bool = False) -> None:
    d = w.ctx.dates
    story = choose_story(rng, story_name, d, w.region6)
    seed = f"{w.ctx.demo.seed}:{w.ent.name}"
    main = PlanSpec("comprehensive")
    main_plan = w.run(main, story, None, f"{seed}:0")
    parent_title = main_plan.data.title
    specs = plan_specs(rng, w.unit, w.ent.risk_code)
    for i, spec in enumerate(specs, start=1):
        spec = PlanSpec(spec.kind, spec.accident, spec.place, parent_title)
        w.run(spec, _child_story(rng, story, d), main_plan, f"{seed}:{i}")
    if rng.random() < RETIRED_SHARE or retired:
        used = {s.place for s in specs}
        places = [(p, a) for p, a in w.unit.family.onsites if p not in used] or list(w.unit.family.onsites)
        place, accident = rng.choice(places)
        w.retire_old(PlanSpec("onsite", accident, f"原{place}", parent_title), main_plan, f"{seed}:retired")
    # The cards draw from their own stream, so adding them left every other plan as it was.
    card_rng = w.ctx.demo.rng(f"{STEP_NAME}:cards:{w.ent.name}")
    for i, spec in enumerate(card_specs(card_rng, w.unit, w.ent.risk_code, parent_title)):
        w.run(spec, _child_story(card_rng, story, d), main_plan, f"{seed}:card{i}")


__all__ = ["ACCIDENTS", "DEFAULT_AS_OF", "STEP_NAME", "abbreviation", "card_specs", "choose_story", "initial",
           "plan_specs", "plans_step"]
