"""The demo's drills: two years of them, in every status, consistent with the plans they exercise,
meeting and sometimes missing the frequency rules."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from models.drills import queries as dq
from models.drills.demo import DEFAULT_AS_OF
from models.drills.entities import Drill, DrillPlan
from models.plans.entities import Plan
from plans import demo


def test_demo_drills_are_plausible_and_some_obligations_are_overdue(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from models.modules import open_database

    db = open_database(str(tmp_path / "demo.sqlite"))
    try:
        result = demo.generate(db, count=40, seed=3)
        assert "应急演练" in result.message()
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
    finally:
        db.dispose()


def test_a_demo_cancelled_in_the_drills_step_leaves_nothing_behind(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from sqlalchemy import func

    from models.core.audit import verify_chain, verify_data
    from models.core.errors import Cancelled
    from models.core.progress import Progress
    from models.drills import demo as drill_demo
    from models.enterprises.entities import Enterprise
    from models.modules import entity_classes

    monkeypatch.setattr(drill_demo, "CHUNK", 3)
    seen: list[int] = []

    def report(_done: int, _total: int, _message: str) -> None:
        with db.read() as s:
            seen.append(s.scalar(select(func.count(Drill.id))) or 0)
        if seen[-1] > 0:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        demo.generate(db, count=8, seed=2, progress=progress)
    assert max(seen) > 0  # drills had been committed before the cancel
    with db.read() as s:
        for cls in (Enterprise, Plan, Drill, DrillPlan):
            assert s.scalar(select(func.count(cls.id))) == 0, cls.__name__
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
