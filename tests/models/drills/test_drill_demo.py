"""The demo's drills: two years of them, in every status, consistent with the plans they exercise,
meeting and sometimes missing the frequency rules; their evaluations (2–4 evaluators, sometimes
disagreeing, some items 不适用), and the findings in every status they raised."""

from __future__ import annotations

import time as clock
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from models.core.audit import verify_chain, verify_data
from models.core.database import Database
from models.drills import findings as df
from models.drills import queries as dq
from models.drills import scoring
from models.drills.demo import DEFAULT_AS_OF
from models.drills.entities import Drill, DrillEvaluation, DrillFinding, DrillPlan, ScoreEntry, ScoreSheet
from models.drills.evaluation import form_for, grade_of
from models.modules import entity_classes
from models.plans.entities import Plan
from plans import demo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, float]]:
    from models.modules import open_database

    db = open_database(str(tmp_path_factory.mktemp("demo") / "demo.sqlite"))
    start = clock.perf_counter()
    result = demo.generate(db, count=40, seed=3)
    seconds = clock.perf_counter() - start
    assert "应急演练" in result.message() and "演练评估" in result.message()
    yield db, seconds
    db.dispose()


def test_demo_drills_are_plausible_and_some_obligations_are_overdue(demo_db) -> None:  # type: ignore[no-untyped-def]
    db, _seconds = demo_db
    with db.read() as s:
        drills = s.scalars(select(Drill)).all()
        statuses = Counter(d.status for d in drills)
        links = s.execute(select(Drill.enterprise_id, Drill.held_on, Plan.enterprise_id, Plan.publish_date)
                          .join(DrillPlan, DrillPlan.drill_id == Drill.id)
                          .join(Plan, Plan.id == DrillPlan.plan_id)).all()
        rows = dq.obligations(s, as_of=DEFAULT_AS_OF)
    assert len(drills) >= 80 and {"done", "planned", "cancelled"} <= set(statuses)
    assert all(d.held_on is not None for d in drills if d.status in ("conducting", "evaluating", "done"))
    assert all(d.cancel_reason for d in drills if d.status == "cancelled")
    assert min(d.planned_at.date() for d in drills) >= date(DEFAULT_AS_OF.year - 1, 1, 1)
    assert all(de == pe and (held is None or held >= pub) for de, held, pe, pub in links)
    overdue = [o for r in rows for o in r.overdue]
    met = [o for r in rows for o in r.obligations if o.applicable and not o.overdue]
    assert overdue and len(met) > 2 * len(overdue)


def test_demo_evaluations_have_two_to_four_sheets_scored_against_the_frozen_form(demo_db) -> None:  # type: ignore[no-untyped-def]
    db, _seconds = demo_db
    with db.read() as s:
        drills = {d.id: d for d in s.scalars(select(Drill))}
        evaluations = s.scalars(select(DrillEvaluation)).all()
        sheets = s.scalars(select(ScoreSheet)).all()
        results = {e.drill_id: scoring.results(s, e.drill_id) for e in evaluations}
        own = {sh.id: next(v for v in scoring.sheets_for(s, sh.drill_id, sh.evaluator) if v.id == sh.id).sheet
               for sh in sheets}
        not_applicable = s.scalar(select(ScoreEntry.id).where(ScoreEntry.not_applicable).limit(1))
    # a small demo has every held drill evaluated in the desk, and only held drills
    held = [d for d in drills.values() if d.status in ("evaluating", "done")]
    assert len(evaluations) == len(held) >= 60
    per_drill = Counter(sh.drill_id for sh in sheets)
    for e in evaluations:
        assert e.form == form_for(drills[e.drill_id].form).to_json()  # start_evaluation's frozen form
        assert 2 <= per_drill[e.drill_id] <= 4
    for sh in sheets:
        drill, entries = drills[sh.drill_id], own[sh.id]
        assert entries is not None
        if drill.status == "done":
            assert sh.status == "submitted"
        if sh.status == "submitted":
            assert sh.submitted_at is not None and drill.held_on <= sh.submitted_at.date() <= DEFAULT_AS_OF
            assert len(entries.entries) == len(form_for(drill.form).items)
            assert sh.digest == scoring.digest_of(entries)  # the lock holds what was entered
    # drills still being evaluated: open sheets, some filled in part
    open_sheets = [sh for sh in sheets if sh.status == "open"]
    assert open_sheets and {drills[sh.drill_id].status for sh in open_sheets} == {"evaluating"}
    assert any(0 < len(own[sh.id].entries) < len(form_for(drills[sh.drill_id].form).items)  # type: ignore[union-attr]
               for sh in open_sheets)
    # the aggregate: a total and its grade for every drill with a submitted sheet, grades of every kind
    # but the worst rare, items where the evaluators disagree in some drills, some items 不适用
    scored = {did: r for did, r in results.items() if r.evaluators}
    assert scored and all(r.total is not None and r.grade == grade_of(form_for(drills[did].form), r.total)
                          for did, r in scored.items())
    grades = Counter(r.grade for r in scored.values())
    assert {"优", "良", "中"} <= set(grades) and grades["差"] < 0.25 * len(scored)
    with_disagreement = [r for r in scored.values() if r.disagreements]
    assert 0.1 * len(scored) <= len(with_disagreement) <= 0.6 * len(scored)
    assert not_applicable is not None


def test_demo_findings_are_in_every_status_some_overdue_some_forcing_a_plan_revision(demo_db) -> None:  # type: ignore[no-untyped-def]
    db, _seconds = demo_db
    with db.read() as s:
        found = s.scalars(select(DrillFinding)).all()
        evaluated = set(s.scalars(select(DrillEvaluation.drill_id)))
        drills = {d.id: d for d in s.scalars(select(Drill))}
        due = df.due(s, as_of=DEFAULT_AS_OF)
        revised = s.scalars(select(Plan).where(Plan.revision_trigger == df.TRIGGER)).all()
        drilled = {(dp.drill_id, dp.plan_id) for dp in s.scalars(select(DrillPlan))}
    assert set(Counter(f.status for f in found)) == {"open", "in_progress", "verifying", "closed"}
    assert {f.kind for f in found} == {"problem", "hazard"}
    for f in found:
        assert f.drill_id in evaluated and f.description and f.action and f.owner and f.due_date is not None
        assert f.due_date > drills[f.drill_id].held_on
        assert f.plan_id is None or (f.drill_id, f.plan_id) in drilled
        if f.status == "closed":
            assert f.verification_note and f.closed_on is not None and f.closed_on <= DEFAULT_AS_OF
        else:
            assert f.closed_on is None
    assert due and all(row.status != "closed" and row.due_date < DEFAULT_AS_OF for row in due)
    # a finding that requires a revision records the plan's trigger, citing the drill
    assert revised and any(f.requires_revision for f in found)
    for plan in revised:
        assert plan.status in ("published", "filed") and "演练“" in (plan.revision_reason or "")
        assert plan.revision_trigger_date is not None and plan.revision_trigger_date <= DEFAULT_AS_OF


def test_the_demo_with_evaluations_is_whole_in_the_trail_and_fast(demo_db) -> None:  # type: ignore[no-untyped-def]
    db, seconds = demo_db
    with db.read() as s:
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
    assert seconds < 20  # ≈ 1 s on the development machine: 40 enterprises with all their records


def test_a_demo_cancelled_in_the_drills_step_leaves_nothing_behind(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func

    from models.core.errors import Cancelled
    from models.core.progress import Progress
    from models.drills import demo as drill_demo
    from models.enterprises.entities import Enterprise

    monkeypatch.setattr(drill_demo, "CHUNK", 3)
    seen: list[int] = []

    def report(_done: int, _total: int, _message: str) -> None:
        with db.read() as s:
            seen.append(s.scalar(select(func.count(ScoreEntry.id))) or 0)
        if seen[-1] > 0:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        demo.generate(db, count=8, seed=2, progress=progress)
    assert max(seen) > 0  # evaluations had been committed before the cancel
    with db.read() as s:
        for cls in (Enterprise, Plan, Drill, DrillPlan, DrillEvaluation, ScoreSheet, ScoreEntry, DrillFinding):
            assert s.scalar(select(func.count(cls.id))) == 0, cls.__name__
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
