"""Weekly statistics and the monthly department ranking (“一周一统计、一月一排名”, domain.md §6).

``weekly(session, week=(2026, 48), as_of=…)`` and ``monthly(session, year=2026, month=11, as_of=…)``
answer one row per department (every live department, in its ``sort_order``, zeros included) and a
totals row. Every figure is counted over the period *as far as it has gone*: from its first day to its
last day or ``as_of`` when that is earlier (``cut``); a figure "at the period's end" is its state on
``cut``. What each figure is (the reports print the same definitions as footnotes, ``DEFINITIONS``):

- 检查次数 (``inspections``): live inspections with ``inspected_on`` in the period, by the inspecting
  department (``Inspection.department_id``); 检查企业数 (``enterprises``): the distinct enterprises among them.
- 发现隐患 一般 / 重大 (``hazards_general`` / ``hazards_major``): live hazards with ``found_on`` in the
  period, by ``Hazard.department_id`` (the inspecting department).
- 整改销号 (``rectified``): hazards whose ``closed_on`` (销号) is in the period, whenever found.
- 整改率 (``rectification_rate``): of the hazards found in the period, the share closed (``closed_on``)
  on or before ``cut``; None (“—”) when none were found.
- 逾期未整改 (``overdue``): hazards found on or before ``cut`` (any date), not closed on ``cut``, whose
  rectification deadline in force on ``cut`` is before ``cut`` (an extension granted after ``cut`` does
  not count: its ``old_deadline`` was in force then).
- 行政处罚 (``penalties`` / ``penalty_amount``): live penalties decided in the period by the department,
  their number and the fines' sum in 元.
- 演练 (``drills_held`` / ``drills_required`` / ``drills_met``, for the department's enterprises,
  ``Enterprise.department_id``): drills held (实施) in the period; the frequency obligations
  (``models.drills.rules``, worked out by ``models.drills.queries.obligations`` on the day before the
  period) whose due date is on or before ``cut`` — those falling due in the period and those already
  overdue when it began; and of those, the ones met by a qualifying drill held in the period.
  演练完成率 (``drill_rate``) = met / required; None when nothing was required.
- 预案逾期 (``plans_overdue``): the department's enterprises' plans overdue on ``cut`` for filing (备案)
  or periodic evaluation (评估), by the plans module's deadline rule (``models.plans.deadlines``, the rule
  the plan list and the due list show).

Each figure is one grouped query over the city (by department, or by enterprise for the two rules that
are worked out per enterprise), never a query per department.

``ranking(rows)`` turns the monthly rows into the composite of ``refdata/ranking.json``: each component
scored 0–100 across the departments (higher better: value / max × 100; lower better: 100 − value /
max × 100; every value zero: 100 to all; a rate with nothing to measure (None) scores 100), the
weighted sum, and the rank (equal scores share a rank: 1, 1, 3).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from models.core.calendar import load_calendar
from models.core.days import add_years, as_date
from models.core.entities import Department, Industry
from models.core.errors import FieldError, ValidationError
from models.core.reference import refdata
from models.drills import queries as drill_queries
from models.drills.entities import HELD_STATUSES, Drill, DrillPlan
from models.drills.rules import load_drill_rules
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.oversight.entities import Hazard, HazardExtension, Inspection, Penalty
from models.plans import rules as plan_rules
from models.plans.deadlines import IN_FORCE
from models.plans.entities import Plan, PlanVersion
from models.plans.rules import Status

WEEKDAYS = "一二三四五六日"

# ---- periods


@dataclass(frozen=True)
class Period:
    """A statistics period: an ISO week (Monday–Sunday) or a calendar month."""

    kind: str  # "week" | "month"
    year: int
    number: int  # ISO week number or month
    start: date
    end: date  # the last day

    @property
    def key(self) -> str:
        """``2026-W48`` / ``2026-11``: what the command line takes."""
        return f"{self.year}-W{self.number:02d}" if self.kind == "week" else f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        """``2026年第48周（11月23日—11月29日）`` / ``2026年11月``."""
        if self.kind == "week":
            return (f"{self.year}年第{self.number}周（{_md(self.start)}—"
                    f"{'' if self.end.year == self.start.year else f'{self.end.year}年'}{_md(self.end)}）")
        return f"{self.year}年{self.number}月"

    @property
    def range_text(self) -> str:
        """``2026年11月23日至2026年11月29日``."""
        return f"{_ymd(self.start)}至{_ymd(self.end)}"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _invalid(fld: str, label: str, message: str) -> ValidationError:
    return ValidationError([FieldError(fld, label, message)])


def week_period(year: int, week: int) -> Period:
    """The ISO week ``week`` of ``year`` (Monday to Sunday); a week the year does not have is refused."""
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise _invalid("week", "统计周", f"{year} 年没有第 {week} 周") from None
    return Period("week", year, week, start, start + timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise _invalid("month", "统计月份", f"没有 {year} 年 {month} 月")
    start = date(year, month, 1)
    end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return Period("month", year, month, start, end)


_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_week(text: str) -> tuple[int, int]:
    """``2026-W48`` (also ``2026W48``, ``2026-w48``) → ``(2026, 48)``; checked against the calendar."""
    m = _WEEK.match(text or "")
    if not m:
        raise _invalid("week", "统计周", f"“{text}”不是周的写法，应写作 2026-W48")
    year, week = int(m.group(1)), int(m.group(2))
    week_period(year, week)
    return year, week


def parse_month(text: str) -> tuple[int, int]:
    """``2026-11`` (also ``2026/11``, ``2026年11月``) → ``(2026, 11)``."""
    m = _MONTH.match(text or "")
    if not m:
        raise _invalid("month", "统计月份", f"“{text}”不是月份的写法，应写作 2026-11")
    year, month = int(m.group(1)), int(m.group(2))
    month_period(year, month)
    return year, month


def week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def last_complete_week(as_of: date) -> tuple[int, int]:
    """The latest ISO week whose Sunday is before ``as_of`` (on a Monday: the week just ended)."""
    return week_of(as_of - timedelta(days=as_of.weekday() + 1))


def last_complete_month(as_of: date) -> tuple[int, int]:
    """The latest calendar month whose last day is before ``as_of``: the month before ``as_of``'s."""
    prev = as_of.replace(day=1) - timedelta(days=1)
    return prev.year, prev.month


# ---- the figures


@dataclass(frozen=True)
class DepartmentStats:
    department_id: int | None  # None: the totals row
    department: str
    short_name: str
    inspections: int = 0
    enterprises: int = 0
    hazards_general: int = 0
    hazards_major: int = 0
    closed_of_found: int = 0  # of the hazards found in the period, closed on or before the cut
    rectified: int = 0
    overdue: int = 0
    penalties: int = 0
    penalty_amount: float = 0.0
    drills_held: int = 0
    drills_required: int = 0
    drills_met: int = 0
    plans_overdue: int = 0

    @property
    def hazards_found(self) -> int:
        return self.hazards_general + self.hazards_major

    @property
    def rectification_rate(self) -> float | None:
        return self.closed_of_found / self.hazards_found if self.hazards_found else None

    @property
    def drill_rate(self) -> float | None:
        return self.drills_met / self.drills_required if self.drills_required else None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(hazards_found=self.hazards_found, rectification_rate=_round(self.rectification_rate),
                   drill_rate=_round(self.drill_rate), penalty_amount=round(self.penalty_amount, 2))
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


_SUMMED = ("inspections", "enterprises", "hazards_general", "hazards_major", "closed_of_found", "rectified",
           "overdue", "penalties", "penalty_amount", "drills_held", "drills_required", "drills_met",
           "plans_overdue")


@dataclass(frozen=True)
class PeriodStats:
    period: Period
    as_of: date
    cut: date  # the last day counted: the period's end, or as_of when earlier
    rows: tuple[DepartmentStats, ...]
    totals: DepartmentStats

    @property
    def complete(self) -> bool:
        return self.cut == self.period.end

    def as_json(self) -> dict[str, Any]:
        return {"period": self.period.key, "kind": self.period.kind, "label": self.period.label,
                "start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                "as_of": self.as_of.isoformat(), "counted_until": self.cut.isoformat(), "complete": self.complete,
                "departments": [r.as_json() for r in self.rows], "totals": self.totals.as_json()}


def weekly(session: Session, *, week: tuple[int, int], as_of: date) -> PeriodStats:
    """The statistics of ISO week ``week`` (year, week) per department, as of ``as_of``."""
    return period_stats(session, week_period(*week), as_of=as_of)


def monthly(session: Session, *, year: int, month: int, as_of: date) -> PeriodStats:
    """The statistics of a calendar month per department, as of ``as_of``."""
    return period_stats(session, month_period(year, month), as_of=as_of)


def period_stats(session: Session, period: Period, *, as_of: date) -> PeriodStats:
    if as_of < period.start:
        raise _invalid("as_of", "统计日期", f"{period.label}尚未开始（统计日期 {as_of.isoformat()}）")
    start, cut = period.start, min(period.end, as_of)
    counts: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def put(rows: Any, *names: str) -> None:
        for dept, *values in rows:
            for name, value in zip(names, values, strict=True):
                counts[dept][name] += value or 0

    live_i = Inspection.deleted_at.is_(None)
    put(session.execute(select(Inspection.department_id, func.count(Inspection.id),
                               func.count(func.distinct(Inspection.enterprise_id)))
                        .where(live_i, Inspection.inspected_on >= start, Inspection.inspected_on <= cut)
                        .group_by(Inspection.department_id)), "inspections", "enterprises")
    live_h = Hazard.deleted_at.is_(None)
    closed_by_cut = and_(Hazard.closed_on.is_not(None), Hazard.closed_on <= cut)
    put(session.execute(select(Hazard.department_id, func.sum(case((Hazard.level == "major", 0), else_=1)),
                               func.sum(case((Hazard.level == "major", 1), else_=0)),
                               func.sum(case((closed_by_cut, 1), else_=0)))
                        .where(live_h, Hazard.found_on >= start, Hazard.found_on <= cut)
                        .group_by(Hazard.department_id)), "hazards_general", "hazards_major", "closed_of_found")
    put(session.execute(select(Hazard.department_id, func.count(Hazard.id))
                        .where(live_h, Hazard.closed_on >= start, Hazard.closed_on <= cut)
                        .group_by(Hazard.department_id)), "rectified")
    # The deadline in force on the cut: the old deadline of the first extension granted after it, if any.
    later = (select(HazardExtension.old_deadline)
             .where(HazardExtension.hazard_id == Hazard.id, HazardExtension.deleted_at.is_(None),
                    HazardExtension.granted_on > cut)
             .order_by(HazardExtension.granted_on, HazardExtension.id).limit(1).scalar_subquery())
    put(session.execute(select(Hazard.department_id, func.count(Hazard.id))
                        .where(live_h, Hazard.found_on <= cut, ~closed_by_cut,
                               func.coalesce(later, Hazard.deadline) < cut)
                        .group_by(Hazard.department_id)), "overdue")
    put(session.execute(select(Penalty.department_id, func.count(Penalty.id), func.sum(Penalty.amount))
                        .where(Penalty.deleted_at.is_(None), Penalty.decided_on >= start, Penalty.decided_on <= cut)
                        .group_by(Penalty.department_id)), "penalties", "penalty_amount")
    put(session.execute(select(Enterprise.department_id, func.count(Drill.id))
                        .join(Enterprise, Enterprise.id == Drill.enterprise_id)
                        .where(Drill.deleted_at.is_(None), Drill.status.in_(HELD_STATUSES),
                               Drill.held_on >= start, Drill.held_on <= cut)
                        .group_by(Enterprise.department_id)), "drills_held")
    department_of = dict(session.execute(select(Enterprise.id, Enterprise.department_id)).all())
    for ent, required, met in _drill_obligations(session, start, cut):
        dept = department_of.get(ent)
        if dept is not None:
            counts[dept]["drills_required"] += required
            counts[dept]["drills_met"] += met
    for ent, overdue in _plans_overdue(session, cut).items():
        dept = department_of.get(ent)
        if dept is not None:
            counts[dept]["plans_overdue"] += overdue

    rows = []
    for dept_id, name, short in session.execute(
            select(Department.id, Department.name, Department.short_name)
            .where(Department.deleted_at.is_(None)).order_by(Department.sort_order, Department.id)):
        values = counts.get(dept_id, {})
        rows.append(DepartmentStats(dept_id, name, short or name, **{
            k: (round(float(values.get(k, 0)), 2) if k == "penalty_amount" else int(values.get(k, 0)))
            for k in _SUMMED}))
    totals = DepartmentStats(None, "合计", "合计", **{
        k: (round(sum(getattr(r, k) for r in rows), 2) if k == "penalty_amount" else sum(getattr(r, k) for r in rows))
        for k in _SUMMED})
    # A distinct enterprise inspected by two departments counts once in the totals.
    totals = replace(totals, enterprises=int(session.scalar(
        select(func.count(func.distinct(Inspection.enterprise_id)))
        .where(live_i, Inspection.inspected_on >= start, Inspection.inspected_on <= cut)) or 0))
    return PeriodStats(period, as_of, cut, tuple(rows), totals)


def _drill_obligations(session: Session, start: date, cut: date) -> list[tuple[int, int, int]]:
    """Per enterprise: (obligations required in the period, those met by a drill held in it)."""
    rules = load_drill_rules()
    kinds = {ob.key: sorted(ob.plan_kinds) for ob in rules.obligations}
    keys = list(kinds)
    met_rows = session.execute(
        select(Drill.enterprise_id, *[func.max(case((Plan.kind.in_(kinds[k]), 1), else_=0)) for k in keys])
        .join(DrillPlan, DrillPlan.drill_id == Drill.id).join(Plan, Plan.id == DrillPlan.plan_id)
        .where(Drill.deleted_at.is_(None), DrillPlan.deleted_at.is_(None), Drill.status.in_(HELD_STATUSES),
               Drill.held_on >= start, Drill.held_on <= cut)
        .group_by(Drill.enterprise_id)).all()
    met = {r[0]: {k for k, v in zip(keys, r[1:], strict=True) if v} for r in met_rows}
    out = []
    for ent in drill_queries.obligations(session, as_of=start - timedelta(days=1)):
        required = [o for o in ent.obligations if o.applicable and o.due is not None and o.due <= cut]
        if required:
            done = met.get(ent.enterprise_id, set())
            out.append((ent.enterprise_id, len(required), sum(1 for o in required if o.key in done)))
    return out


def _plans_overdue(session: Session, cut: date) -> dict[int, int]:
    """Per enterprise: its plans overdue on ``cut`` for filing (备案) or periodic evaluation (评估) — a plan
    overdue for both counts once.

    The same rule as the plan list and the due list (``models.plans.deadlines.plan_deadlines``, which
    ``tests/models/oversight/test_stats.py`` checks this against): SQL picks the candidates (a plan in
    force whose filing was not submitted by ``cut``, or whose evaluation base is old enough), and the
    rule's own functions decide per plan — ``filing_due`` once per publish date, ``evaluation_due`` with
    the enterprise's rule flags once per kind of enterprise. Only the columns the rule reads are read
    (no ``PlanRow`` per candidate: at city scale thousands of plans are candidates)."""
    rules = plan_rules.load_plan_rules()
    calendar = load_calendar(session)
    cutoff = add_years(cut, -rules.evaluation_every_years)
    in_force_version = (select(PlanVersion.publish_date).where(PlanVersion.plan_id == Plan.id)
                        .order_by(PlanVersion.number.desc()).limit(1).scalar_subquery())
    published = func.coalesce(Plan.publish_date, in_force_version)
    query = (select(Plan.id, Plan.enterprise_id, Plan.publish_date, Plan.filing_submitted_date,
                    Plan.last_evaluation_date, published, Enterprise.industry_id, Enterprise.medium_or_larger,
                    Enterprise.hazchem_use_above_threshold)
             .join(Enterprise, Enterprise.id == Plan.enterprise_id)
             .where(Plan.deleted_at.is_(None), Plan.status.in_(IN_FORCE),
                    or_(and_(Plan.publish_date.is_not(None),
                             or_(Plan.filing_submitted_date.is_(None), Plan.filing_submitted_date > cut)),
                        and_(published <= cutoff,
                             or_(Plan.last_evaluation_date.is_(None), Plan.last_evaluation_date <= cutoff)))))
    industry_flags = {i: tuple(f or ()) for i, f in session.execute(select(Industry.id, Industry.flags))}
    flags_of: dict[tuple[int, bool, bool], tuple[str, ...]] = {}
    filing: dict[date, date] = {}
    out: dict[int, int] = defaultdict(int)
    for _id, ent, publish, submitted, evaluated, in_force, industry, medium, hazchem in session.execute(query):
        overdue = False
        if publish is not None:
            due = filing.get(publish)
            if due is None:
                due = filing[publish] = plan_rules.filing_due(publish, calendar, rules).date
            overdue = plan_rules.deadline_status(due, submitted, cut, rules) is Status.OVERDUE
        if not overdue and in_force is not None:
            key = (industry, bool(medium), bool(hazchem))
            flags = flags_of.get(key)
            if flags is None:
                flags = flags_of[key] = enterprise_rules.rule_flags(
                    industry_flags.get(industry, ()), {"medium_or_larger": medium, "hazchem_use_above_threshold": hazchem})
            base = max(d for d in (evaluated, as_date(in_force)) if d is not None)
            evaluation = plan_rules.evaluation_due(base, flags, rules)
            overdue = evaluation is not None and plan_rules.deadline_status(evaluation, None, cut, rules) is Status.OVERDUE
        if overdue:
            out[ent] += 1
    return dict(out)




# ---- the definitions the reports print


DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("统计区间", "自统计周期第一天起，至周期最后一天（统计日期早于周期结束时，至统计日期）止；“期末”指区间的最后一天。"),
    ("检查次数、检查企业数", "区间内各部门开展的检查记录数，及其中被检查的不同企业数（合计行中同一企业只计一次）。"),
    ("发现隐患", "区间内发现（发现日期在区间内）的隐患，按检查部门统计，分一般隐患和重大隐患。"),
    ("销号", "区间内整改销号（销号日期在区间内）的隐患数，不论何时发现。"),
    ("整改率", "区间内发现的隐患中，期末已销号的所占比例；区间内未发现隐患的记为“—”。"),
    ("逾期", "逾期未整改的隐患数：期末尚未销号、且期末有效的整改期限早于期末，不论何时发现（期末以后批准的延期不计）。"),
    ("行政处罚", "区间内作出的行政处罚决定件数及罚款金额（元）。"),
    ("应急演练", "实施为各部门监管企业在区间内实施的演练次数；应完成为区间开始前一天各企业演练频次要求中到期日不晚于期末的项数"
               "（含此前已逾期的），已完成为其中在区间内以相应预案演练的项数；完成率＝已完成÷应完成，无应完成项的记为“—”。"),
    ("预案逾期", "各部门监管企业的预案在期末逾期未备案或逾期未评估的件数（同一预案两项均逾期的计一件）。"),
)


# ---- the monthly ranking


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: float
    better: str  # "higher" | "lower"
    rate: bool = False


@dataclass(frozen=True)
class RankingRules:
    components: tuple[Component, ...]
    source: str
    unmeasured: str = "mean"  # a rate with nothing to measure: "mean" of the others' points, or "full" (100)


def parse_ranking(data: Mapping[str, Any]) -> RankingRules:
    components = tuple(Component(c["key"], c["label"], float(c["weight"]), c["better"], bool(c.get("rate")))
                       for c in data["components"])
    problems = [f"未知的指标“{c.key}”" for c in components if c.key not in _COMPONENT_VALUES]
    problems += [f"指标“{c.label}”的 better 只能是 higher 或 lower" for c in components
                 if c.better not in ("higher", "lower")]
    problems += [f"指标“{c.label}”的权重不能为负数" for c in components if c.weight < 0]
    if abs(sum(c.weight for c in components) - 1.0) > 1e-6:
        problems.append(f"权重之和应为 1（现为 {sum(c.weight for c in components):g}）")
    if problems:
        raise ValueError("；".join(problems))
    unmeasured = str(data.get("unmeasured", "mean"))
    if unmeasured not in ("mean", "full"):
        raise ValueError("unmeasured 只能是 mean 或 full")
    return RankingRules(components, data["source"], unmeasured)


@cache
def ranking_rules() -> RankingRules:
    return parse_ranking(refdata("models.oversight.refdata", "ranking"))


_COMPONENT_VALUES: dict[str, Any] = {
    "inspections": lambda r: r.inspections,
    "enterprises": lambda r: r.enterprises,
    "hazards_found": lambda r: r.hazards_found,
    "hazards_major": lambda r: r.hazards_major,
    "rectified": lambda r: r.rectified,
    "rectification_rate": lambda r: r.rectification_rate,
    "overdue": lambda r: r.overdue,
    "penalties": lambda r: r.penalties,
    "drill_rate": lambda r: r.drill_rate,
    "drills_held": lambda r: r.drills_held,
    "plans_overdue": lambda r: r.plans_overdue,
}


@dataclass(frozen=True)
class ComponentScore:
    key: str
    label: str
    weight: float
    value: float | None  # the department's figure (a rate as 0–1; None: nothing to measure)
    points: float  # 0–100 against the other departments
    rate: bool = False

    @property
    def value_text(self) -> str:
        if self.value is None:
            return "—"
        if self.rate:
            return f"{self.value * 100:.1f}%"
        return f"{self.value:g}"


@dataclass(frozen=True)
class RankingRow:
    department_id: int | None
    department: str
    short_name: str
    score: float  # the weighted sum, 0–100
    rank: int
    components: tuple[ComponentScore, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {"department_id": self.department_id, "department": self.department, "rank": self.rank,
                "score": round(self.score, 2),
                "components": [{"key": c.key, "label": c.label, "weight": c.weight,
                                "value": None if c.value is None else round(c.value, 4),
                                "points": round(c.points, 2)} for c in self.components]}


def _points(value: float | None, top: float, better: str) -> float:
    if value is None:
        return 100.0  # nothing to measure anywhere (ranking fills a department's gap from the others)
    if top <= 0:
        return 100.0
    share = value / top * 100
    return share if better == "higher" else 100.0 - share


def ranking(rows: Sequence[DepartmentStats] | PeriodStats, rules: RankingRules | None = None) -> list[RankingRow]:
    """The departments ranked by the weighted composite (best first; equal scores share a rank,
    the next rank skipping as many: 1, 1, 3). The totals row, if passed, is left out."""
    rules = rules or ranking_rules()
    depts = [r for r in (rows.rows if isinstance(rows, PeriodStats) else rows) if r.department_id is not None]
    values = {c.key: [_COMPONENT_VALUES[c.key](r) for r in depts] for c in rules.components}
    tops = {k: max((v for v in vs if v is not None), default=0) for k, vs in values.items()}
    # A rate with nothing to measure (no hazards found, no drill required) is neither a success nor a
    # failure: it gets the mean points of the departments measured (ranking.json "unmeasured": "mean"),
    # so a department that found nothing is not ranked up for it; 100 when no department is measured.
    unmeasured: dict[str, float] = {}
    for c in rules.components:
        measured = [_points(v, tops[c.key], c.better) for v in values[c.key] if v is not None]
        unmeasured[c.key] = round(sum(measured) / len(measured), 2) if measured and rules.unmeasured == "mean" \
            else 100.0
    scored = []
    for i, r in enumerate(depts):
        parts = tuple(ComponentScore(c.key, c.label, c.weight, None if values[c.key][i] is None
                                     else float(values[c.key][i]),
                                     round(_points(values[c.key][i], tops[c.key], c.better), 2)
                                     if values[c.key][i] is not None else unmeasured[c.key], c.rate)
                      for c in rules.components)
        score = round(sum(p.points * p.weight for p in parts), 2)
        scored.append((i, r, score, parts))
    scored.sort(key=lambda t: (-t[2], t[0]))
    out: list[RankingRow] = []
    for position, (_i, r, score, parts) in enumerate(scored, start=1):
        rank = out[-1].rank if out and out[-1].score == score else position
        out.append(RankingRow(r.department_id, r.department, r.short_name, score, rank, parts))
    return out


def ranking_footnotes(rules: RankingRules | None = None) -> list[str]:
    rules = rules or ranking_rules()
    weights = "，".join(f"{c.label} {c.weight * 100:g}%" for c in rules.components)
    return [f"综合得分＝各项指标得分×权重之和（{weights}）。",
            "各项指标得分按各部门中的相对表现折算为 0—100 分：越多越好的指标为本部门数值÷各部门最大值×100，"
            "越少越好的指标为 100－本部门数值÷各部门最大值×100；各部门均为 0 时均得 100 分；"
            + ("整改率、演练完成率无可统计对象（记为“—”）时，取有统计对象的各部门该项得分的平均值（各部门均无统计对象时得 100 分）。"
             if rules.unmeasured == "mean" else "整改率、演练完成率无可统计对象（记为“—”）时得 100 分。"),
            "得分相同的部门名次并列，其后名次顺延。",
            f"依据：{rules.source}"]

