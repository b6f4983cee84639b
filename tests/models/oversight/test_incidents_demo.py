"""The demo incidents: every grade over the year before as_of, the big ones in other counties of the
city, one reported late across midnight, a 续报 and a 逾期补报, one not yet reported, a plan activated;
through the write path, and a cancel leaves nothing behind."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from models.core import demo as core_demo
from models.core.audit import verify_chain
from models.enterprises import demo as enterprise_demo
from models.oversight import incidents as inc
from models.oversight.entities import Incident, IncidentPlan, IncidentUpdate
from models.oversight.incidents import IncidentFilter
from plans.plans import demo as plan_demo

AS_OF = date(2026, 11, 29)
STEPS = [enterprise_demo.STEP, plan_demo.plans_step(), inc.incidents_step(AS_OF)]


def test_demo_incidents_of_every_grade(db) -> None:  # type: ignore[no-untyped-def]
    result = core_demo.generate(db, STEPS, count=40, seed=3)
    assert "事故信息 10" in result.message()
    now = datetime(2026, 11, 29, 18, 0)
    with db.read() as s:
        rows = inc.rows(s, IncidentFilter(now=now))
        assert Counter(r.grade for r in rows) == {"extraordinary": 1, "major": 1, "larger": 3, "general": 5}
        assert all((AS_OF - r.received_at.date()).days <= 365 for r in rows)
        big = [r for r in rows if r.grade in ("extraordinary", "major")]
        assert all(r.enterprise_id is None and r.region for r in big)  # in other counties of the city
        late = [r for r in rows if r.timing.status == "late"]
        assert [(r.received_at.strftime("%H:%M"), r.reported_at.strftime("%H:%M"), r.minutes_late)  # type: ignore[union-attr]
                for r in late] == [("23:40", "00:41", 1)]
        assert [r.timing.status for r in rows if r.reported_at is None] == ["overdue"]
        details = {r.id: inc.detail(s, r.id, now) for r in rows if r.updates}
        assert sorted(u.late for d in details.values() for u in d.updates) == [False, False, True]
        assert s.scalar(select(func.count()).select_from(IncidentPlan)) == 1
        assert verify_chain(s).ok
        items = inc.incident_due_items(s, as_of=AS_OF, within=30)
        assert {i.kind for i in items} >= {"incident_unreported", "incident_correction"}


def test_demo_incidents_are_undone_on_cancel(db) -> None:  # type: ignore[no-untyped-def]
    from models.core.errors import Cancelled
    from models.core.progress import Progress

    calls = []

    def report(done: int, total: int, message: str) -> None:
        calls.append(message)
        if message == "事故信息已生成":  # after the step's unit of work committed
            raise Cancelled()

    with pytest.raises(Cancelled):
        core_demo.generate(db, [enterprise_demo.STEP, inc.incidents_step(AS_OF)], count=20, seed=1,
                           progress=Progress(report))
    assert "事故信息已生成" in calls
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 0
        assert s.scalar(select(func.count()).select_from(IncidentUpdate)) == 0
