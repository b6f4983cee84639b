"""The demo's teams and duty: government teams for every district and the city, a team for each
high-risk enterprise, certificates valid, expiring and expired, teams in every readiness status,
and the two months' roster with its deliberate holes; through the write path (the trail proves every
record); a cancel leaves nothing behind."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models.core import demo as core_demo
from models.core.audit import verify_chain, verify_data
from models.core.errors import Cancelled
from models.core.progress import Progress
from models.enterprises import demo as enterprise_demo
from models.modules import entity_classes
from models.teams import demo as team_demo
from models.teams import queries as tq
from models.teams import rules
from models.teams.demo import DEFAULT_AS_OF
from models.teams.entities import (
    DutyPoint,
    DutyShift,
    DutySwap,
    HandoverLog,
    MemberCertificate,
    RescueTeam,
    TeamMember,
    TrainingRecord,
)

STEPS = [enterprise_demo.STEP, team_demo.teams_step()]


def test_demo_teams_and_their_roster(db) -> None:  # type: ignore[no-untyped-def]
    result = core_demo.generate(db, STEPS, count=120, seed=2)
    assert "救援队伍" in result.message() and "值班班次" in result.message()
    as_of = DEFAULT_AS_OF
    with db.read() as s:
        teams = s.execute(select(RescueTeam.name, RescueTeam.kind, RescueTeam.owner_enterprise_id)).all()
        kinds = Counter((k, owner is None) for _n, k, owner in teams)
        assert kinds[("professional", True)] >= 3 and kinds[("part_time", True)] >= 4 and kinds[("agreement", True)] >= 2
        assert sum(n for (_k, gov), n in kinds.items() if not gov) >= 5  # the high-risk enterprises' teams
        assert any(n.endswith("矿山救护大队") for n, _k, _o in teams) or not any("矿" in n for n, _k, _o in teams)
        certs = s.execute(select(MemberCertificate.expires_on)).scalars().all()
        states = Counter(rules.certificate_alert(e, as_of).kind if rules.certificate_alert(e, as_of) else "valid"
                         for e in certs)
        assert {"valid", "expiring_90", "expiring_30", "expired"} <= set(states)
        assert states["valid"] > len(certs) * 0.7
        ready = tq.readiness_of(s, as_of)
        assert {r.status for r in ready.values()} == {"green", "amber", "red"}
        assert Counter(r.status for r in ready.values())["green"] > len(ready) * 0.4
        statuses = s.execute(select(TeamMember.status, func.count()).group_by(TeamMember.status)).all()
        assert {k for k, _n in statuses} == {"on_duty", "leave", "left"}
        drills = s.scalar(select(func.count()).select_from(TrainingRecord).where(TrainingRecord.kind == "drill"))
        assert drills and drills >= len(teams)
        city = s.execute(select(DutyPoint.id).where(DutyPoint.name.like("%总值班室"))).scalar_one()
        start, end = date(2026, 11, 1), date(2026, 12, 31)
        r = tq.roster(s, city, start, end)
        assert len(r.shifts) == 61 * 2
        tuesday = date(2026, 12, 1)
        assert "12月1日（周二）夜班无带班领导" in [p.message for p in r.problems]
        assert any(p.kind == "double_booked" for p in r.problems)
        problems = Counter(p.kind for pid in s.scalars(select(DutyPoint.id)) for p in tq.roster(s, pid, start, end).problems)
        assert {"gap", "no_leader", "double_booked", "short_rest"} <= set(problems)
        assert s.scalar(select(func.count()).select_from(DutySwap)) >= 1
        assert s.scalar(select(func.min(HandoverLog.handed_at))) is not None
        assert s.scalar(select(func.max(DutyShift.day))) == end
        due = tq.due(s, as_of=as_of)
        assert {"certificate", "roster", "readiness"} <= {d.kind for d in due}
        assert any(d.kind == "roster" and d.due_on == tuesday for d in due)
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok


def test_the_same_seed_gives_the_same_teams(sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_db

    other = make_db("sqlite", tmp_path / "other")
    try:
        for database in (sqlite_db, other):
            core_demo.generate(database, STEPS, count=40, seed=5)
        rows = []
        for database in (sqlite_db, other):
            with database.read() as s:
                rows.append(s.execute(select(RescueTeam.name, RescueTeam.headcount, TeamMember.name)
                                      .join(TeamMember, TeamMember.team_id == RescueTeam.id)
                                      .order_by(RescueTeam.name, TeamMember.name)).all())
        assert rows[0] == rows[1] and rows[0]
    finally:
        other.dispose()


def test_a_cancelled_demo_leaves_no_team_behind(sqlite_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(team_demo, "CHUNK", 5)
    seen: list[int] = []

    def report(done: int, total: int, message: str) -> None:
        if "值班" in message:
            seen.append(done)
            if len(seen) == 3:  # two chunks of teams committed
                raise Cancelled()

    with pytest.raises(Cancelled):
        core_demo.generate(sqlite_db, STEPS, count=60, seed=1, progress=Progress(report))
    assert len(seen) == 3
    with sqlite_db.read() as s:
        for cls in (RescueTeam, TeamMember, MemberCertificate, DutyShift, DutyPoint):
            assert s.scalar(select(func.count()).select_from(cls)) == 0
        assert verify_chain(s).ok


def test_period_is_the_current_and_the_next_month() -> None:
    assert team_demo._period(DEFAULT_AS_OF) == (date(2026, 11, 1), date(2026, 12, 31))
    assert team_demo._period(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 31))
    assert DEFAULT_AS_OF + timedelta(days=2) == date(2026, 12, 1)
