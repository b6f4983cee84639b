"""Weekly statistics and the monthly ranking against the hand-counted world (``stats_world``), on both
backends; the ranking's normalisation, weights and ties against hand-computed scores; the periods."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.core.database import Database
from models.core.errors import ValidationError
from models.oversight import stats
from models.oversight.stats import DepartmentStats
from tests.models.oversight import stats_world as w


def _figures(row: DepartmentStats) -> dict[str, float]:
    return {k: getattr(row, k) for k in w._KEYS}


def test_weekly_statistics_per_department(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        result = stats.weekly(s, week=w.WEEK, as_of=w.AS_OF)
    assert result.period.start == date(2026, 11, 23) and result.period.end == date(2026, 11, 29)
    assert result.complete and result.cut == date(2026, 11, 29)
    by_id = {r.department_id: r for r in result.rows}
    for i, dept in enumerate(world.departments):
        assert _figures(by_id[dept]) == w.WEEK_ROWS[i], world.names[i]
    for dept in world.other_departments:  # every department listed, with zeros
        assert _figures(by_id[dept]) == dict.fromkeys(w._KEYS, 0)
    assert [r.department_id for r in result.rows][:3] == world.departments
    assert len(result.rows) == 3 + len(world.other_departments)
    first, second, third = (by_id[d] for d in world.departments)
    assert first.rectification_rate == 0.5 and first.hazards_found == 2
    assert second.rectification_rate is None  # nothing found: nothing to measure
    assert third.rectification_rate == 0.0
    assert first.drill_rate == 0.5 and second.drill_rate is None and third.drill_rate == 0.0
    t = result.totals
    assert t.department_id is None and t.department == "合计"
    assert (t.inspections, t.enterprises, t.hazards_general, t.hazards_major, t.rectified, t.overdue) == (4, 2, 1, 2, 2, 3)
    assert (t.penalties, t.penalty_amount, t.drills_held, t.drills_required, t.drills_met, t.plans_overdue) == (
        2, 5000.0, 1, 4, 1, 2)


def test_monthly_statistics_per_department(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        result = stats.monthly(s, year=2026, month=11, as_of=w.AS_OF)
    assert result.period.label == "2026年11月" and result.cut == date(2026, 11, 30)
    by_id = {r.department_id: r for r in result.rows}
    for i, dept in enumerate(world.departments):
        assert _figures(by_id[dept]) == w.MONTH_ROWS[i], world.names[i]
    assert result.totals.enterprises == 3  # E1 inspected by two departments counts once
    assert by_id[world.departments[0]].drill_rate == 1.0
    assert by_id[world.departments[1]].rectification_rate == 0.0  # H4 closed on 1 December: after the month


def test_an_unfinished_period_counts_up_to_as_of(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        result = stats.weekly(s, week=w.WEEK, as_of=date(2026, 11, 25))
        with pytest.raises(ValidationError, match="尚未开始"):
            stats.weekly(s, week=(2026, 49), as_of=date(2026, 11, 25))
    assert not result.complete and result.cut == date(2026, 11, 25)
    first = next(r for r in result.rows if r.department_id == world.departments[0])
    # I1 (23rd) and I3 (26th)? only I1 by the 25th; H1 found, not yet closed (closed on the 28th); H5 closed on the 24th
    assert (first.inspections, first.hazards_general, first.closed_of_found, first.rectified) == (1, 1, 0, 1)
    assert first.drills_held == 1 and first.drills_met == 1  # E1's drill on the 25th


def test_json_of_a_period(db: Database) -> None:
    w.build(db)
    with db.read() as s:
        data = stats.weekly(s, week=w.WEEK, as_of=w.AS_OF).as_json()
    assert data["period"] == "2026-W48" and data["start"] == "2026-11-23" and data["complete"] is True
    first = data["departments"][0]
    assert first["hazards_found"] == 2 and first["rectification_rate"] == 0.5
    assert data["departments"][1]["rectification_rate"] is None


def test_monthly_ranking_of_the_world(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        rows = stats.ranking(stats.monthly(s, year=2026, month=11, as_of=w.AS_OF))
    assert len(rows) == 3 + len(world.other_departments)
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    first = next(r for r in rows if r.department_id == world.departments[0])
    parts = {c.key: c for c in first.components}
    assert parts["inspections"].value == 3 and parts["inspections"].points == 100.0  # the most inspections
    assert parts["rectification_rate"].value_text == "50.0%"
    assert parts["overdue"].points == 0.0  # as many overdue as the worst
    assert sum(c.weight for c in first.components) == pytest.approx(1.0)


# ---- the ranking, by hand


def _dept(i: int, **kw: float) -> DepartmentStats:
    return DepartmentStats(i, f"部门{i}", f"部{i}", **kw)  # type: ignore[arg-type]


def test_ranking_normalises_weights_and_ranks() -> None:
    a = _dept(1, inspections=10, hazards_general=3, hazards_major=1, closed_of_found=2, overdue=2, drills_required=4,
              drills_met=2, plans_overdue=1)
    b = _dept(2, inspections=5, hazards_general=8, closed_of_found=8, overdue=0, plans_overdue=3)
    c = _dept(3, overdue=1, drills_required=2, drills_met=2)
    rows = stats.ranking([a, b, c])
    assert [(r.department_id, r.score, r.rank) for r in rows] == [(2, 77.5, 1), (1, 54.17, 2), (3, 50.0, 3)]
    pa = {p.key: p.points for p in rows[1].components}
    assert pa == {"inspections": 100.0, "hazards_found": 50.0, "rectification_rate": 50.0, "overdue": 0.0,
                  "drill_rate": 50.0, "plans_overdue": 66.67}
    pc = {p.key: (p.value, p.points) for p in rows[2].components}
    assert pc["rectification_rate"] == (None, 75.0)  # nothing found: the others' mean (50 and 100), not full points
    assert {p.key: p.points for p in rows[0].components}["drill_rate"] == 75.0  # no drill required: likewise
    assert pc["overdue"] == (1.0, 50.0)
    assert pc["inspections"] == (0.0, 0.0)


def test_ranking_ties_share_a_rank() -> None:
    a = _dept(1, inspections=4, overdue=1)
    b = _dept(2, inspections=4, overdue=1)
    c = _dept(3, inspections=2, overdue=1)
    rows = stats.ranking([a, b, c, replace(a, department_id=None, department="合计")])
    assert [(r.department_id, r.rank) for r in rows] == [(1, 1), (2, 1), (3, 3)]  # the totals row left out


def test_ranking_all_zero_scores_everyone_full() -> None:
    rows = stats.ranking([_dept(1), _dept(2)])
    assert [(r.score, r.rank) for r in rows] == [(100.0, 1), (100.0, 1)]


def test_ranking_rules_are_checked() -> None:
    base = {"source": "测试", "components": [{"key": "inspections", "label": "检查", "weight": 0.5, "better": "higher"}]}
    with pytest.raises(ValueError, match="权重之和应为 1"):
        stats.parse_ranking(base)
    with pytest.raises(ValueError, match="未知的指标"):
        stats.parse_ranking({"source": "", "components": [{"key": "x", "label": "x", "weight": 1, "better": "higher"}]})
    with pytest.raises(ValueError, match="higher 或 lower"):
        stats.parse_ranking({"source": "", "components": [
            {"key": "overdue", "label": "逾期", "weight": 1, "better": "less"}]})
    assert stats.ranking_rules().source


# ---- periods


def test_periods_and_their_parsing() -> None:
    assert stats.parse_week("2026-W48") == (2026, 48) == stats.parse_week(" 2026w48 ")
    assert stats.week_period(2026, 53).start == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    assert stats.week_period(2027, 1).start == date(2027, 1, 4)
    with pytest.raises(ValidationError, match="2025 年没有第 53 周"):
        stats.parse_week("2025-W53")
    with pytest.raises(ValidationError, match="2026-W48"):
        stats.parse_week("48周")
    assert stats.parse_month("2026-11") == (2026, 11) == stats.parse_month("2026年11月")
    with pytest.raises(ValidationError, match="没有 2026 年 13 月"):
        stats.parse_month("2026-13")
    assert stats.month_period(2024, 2).end == date(2024, 2, 29)
    assert stats.last_complete_week(date(2026, 11, 30)) == (2026, 48)  # Monday: the week just ended
    assert stats.last_complete_week(date(2026, 11, 29)) == (2026, 47)  # Sunday: this week is not over
    assert stats.last_complete_week(date(2027, 1, 4)) == (2026, 53)
    assert stats.last_complete_month(date(2026, 12, 1)) == (2026, 11)
    assert stats.last_complete_month(date(2027, 1, 31)) == (2026, 12)
    assert stats.week_period(2026, 53).label == "2026年第53周（12月28日—2027年1月3日）"


# ---- plans overdue: the plan deadline rule itself, on every plan


def _reference_plans_overdue(db: Database, cut: date) -> dict[int, int]:
    from collections import defaultdict

    from models.core.calendar import load_calendar
    from models.plans.deadlines import plan_deadlines
    from models.plans.queries import PlanFilter, rows_where
    from models.plans.rules import Status

    out: dict[int, int] = defaultdict(int)
    with db.read() as s:
        calendar = load_calendar(s)
        for row in rows_where(s, PlanFilter()):
            items = plan_deadlines(row, cut, calendar=calendar).items
            if any(d.kind in ("filing", "evaluation") and d.status is Status.OVERDUE for d in items):
                out[row.enterprise_id] += 1
    return dict(out)


def test_plans_overdue_agree_with_the_plan_deadline_rule(sqlite_db: Database) -> None:
    """On the demo's plans (every status, filed on time, late, never; evaluated or not) and the world's,
    at several days, including a day before a late filing (overdue then, though filed now)."""
    from plans import demo

    demo.generate(sqlite_db, scale="small", seed=1)
    w.build(sqlite_db)
    for cut in (date(2026, 11, 29), date(2026, 6, 30), date(2025, 3, 1), date(2024, 2, 29), date(2022, 7, 20)):
        with sqlite_db.read() as s:
            found = stats._plans_overdue(s, cut)
        assert found == _reference_plans_overdue(sqlite_db, cut), cut
    with sqlite_db.read() as s:
        assert sum(stats._plans_overdue(s, date(2026, 11, 29)).values()) > 2  # the demo has overdue plans too
