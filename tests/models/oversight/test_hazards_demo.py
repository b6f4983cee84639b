"""The demo's inspections, hazards, penalties and blacklist: campaigns, departments that clearly differ
in their rectification rate, hazards overdue, 重大 ones under 挂牌督办, penalties, three enterprises
blacklisted now and one removed (history kept, marks right), and at least one the suggestion rule flags
that is not yet listed; deterministic from the seed; a cancel leaves nothing behind."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import func, select

from models.core import demo as core_demo
from models.core.audit import verify_chain, verify_data
from models.core.entities import Department
from models.core.errors import Cancelled
from models.core.progress import Progress
from models.enterprises import demo as enterprise_demo
from models.enterprises.entities import Enterprise
from models.modules import entity_classes
from models.oversight import queries as oq
from models.oversight import rules
from models.oversight.demo import DEFAULT_AS_OF, oversight_step
from models.oversight.entities import (
    BlacklistEntry,
    Hazard,
    HazardRecheck,
    Inspection,
    InspectionCampaign,
    Penalty,
)

STEPS = [enterprise_demo.STEP, oversight_step()]


def test_demo_oversight(db) -> None:  # type: ignore[no-untyped-def]
    result = core_demo.generate(db, STEPS, count=80, seed=3)
    assert "隐患" in result.message() and "黑名单企业 3" in result.message()
    as_of = DEFAULT_AS_OF
    with db.read() as s:
        names = set(s.scalars(select(InspectionCampaign.name)))
        assert names == {"2026 安全生产大检查", "汛期专项检查"}
        assert s.scalar(select(func.count()).select_from(Inspection)) > 40
        rows = oq.hazard_rows(s, oq.HazardFilter(as_of=as_of))
        assert len(rows) > 80
        by_dept: dict[str, list[bool]] = defaultdict(list)
        for r in rows:
            if r.deadline < as_of:
                by_dept[r.department].append(r.status == "closed")
        rates = {d: sum(v) / len(v) for d, v in by_dept.items() if len(v) >= 5}
        assert max(rates.values()) - min(rates.values()) > 0.3  # some departments clearly better
        assert sum(r.overdue for r in rows) >= 10
        assert sum(1 for r in rows if r.supervised and r.level == "major") >= 2
        assert all(r.found_on >= as_of.replace(month=5) for r in rows)
        assert s.scalar(select(func.count()).select_from(Penalty)) >= 5
        assert s.scalar(select(func.count()).select_from(HazardRecheck).where(HazardRecheck.passed.is_(False))) >= 1
        closed = [r for r in rows if r.status == "closed"]
        assert closed and all(r.closed_on is not None and r.closed_on <= as_of for r in closed)
        current = oq.blacklist_rows(s, oq.BlacklistFilter())
        history = oq.blacklist_rows(s, oq.BlacklistFilter(current=False))
        assert len(current) == 3 and len(history) == 4
        removed = [h for h in history if not h.current]
        assert removed[0].removal_reason and removed[0].removed_on is not None
        marked = set(s.scalars(select(Enterprise.id).where(Enterprise.blacklisted_on.is_not(None))))
        assert marked == {r.enterprise_id for r in current}
        candidates = oq.blacklist_candidates(s, as_of)
        assert candidates and not {c.enterprise_id for c in candidates} & marked
        assert all(c.reasons for c in candidates)
        assert s.scalar(select(func.count()).select_from(Department)) >= 5
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
    assert rules.catalog().statuses  # the reference data the demo follows


def test_the_same_seed_gives_the_same_hazards(sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_db

    other = make_db("sqlite", tmp_path / "other")
    try:
        for database in (sqlite_db, other):
            core_demo.generate(database, STEPS, count=30, seed=5)

        def facts(database):  # type: ignore[no-untyped-def]
            with database.read() as s:
                return (list(s.execute(select(Hazard.found_on, Hazard.level, Hazard.status, Hazard.deadline,
                                              Hazard.description).order_by(Hazard.id))),
                        list(s.execute(select(BlacklistEntry.listed_on, BlacklistEntry.reason).order_by(BlacklistEntry.id))))

        assert facts(sqlite_db) == facts(other)
    finally:
        other.dispose()


def test_a_cancel_leaves_nothing(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def report(done: int, total: int, message: str) -> None:
        if "隐患" in message:
            seen.append(message)
            if len(seen) == 2:  # after the hazards and the blacklist were committed
                raise Cancelled()

    with pytest.raises(Cancelled):
        core_demo.generate(sqlite_db, STEPS, count=20, seed=1, progress=Progress(report))
    assert len(seen) == 2
    with sqlite_db.read() as s:
        for cls in (Inspection, Hazard, Penalty, BlacklistEntry, InspectionCampaign):
            assert s.scalar(select(func.count()).select_from(cls)) == 0
        assert verify_chain(s).ok
