"""The obligations of every enterprise (``models.drills.queries.obligations``, both backends): the
grouped SQL and the summary kept from the audit trail give exactly what the pure rule
(``models.drills.rules.obligations_for``) gives on the stored records — on random demo data with
random changes on top, on several days, and after every kind of write the summary must notice."""

from __future__ import annotations

import random
from dataclasses import fields
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from models.core.database import Database
from models.core.entities import Industry, Region
from models.core.uow import unit_of_work
from models.drills import queries as dq
from models.drills import service as ds
from models.drills.entities import HELD_STATUSES, Drill
from models.drills.rules import (
    HeldDrill,
    ObligationStatus,
    load_drill_rules,
    obligation_status,
    obligations_for,
)
from models.enterprises import rules as enterprise_rules
from models.enterprises import service as es
from models.enterprises.entities import Enterprise
from models.modules import open_database
from models.plans import service as ps
from models.plans.entities import Plan
from plans import demo
from tests.factories import TESTER, create_enterprise

AS_OF = date(2026, 11, 29)


def pure(db: Database, as_of: date) -> list[tuple[object, ...]]:
    """The rule on the stored records, read one by one through the ORM."""
    out: list[tuple[object, ...]] = []
    with db.read() as s:
        for ent in s.scalars(select(Enterprise).where(Enterprise.deleted_at.is_(None))
                             .order_by(Enterprise.name, Enterprise.id)):
            industry = s.get(Industry, ent.industry_id)
            region = s.get(Region, ent.region_id)
            flags = enterprise_rules.rule_flags((industry.flags or ()) if industry else (), vars(ent))
            firsts: dict[str, date] = {}
            for plan in s.scalars(select(Plan).where(Plan.enterprise_id == ent.id, Plan.deleted_at.is_(None),
                                                     Plan.publish_date.is_not(None), Plan.status != "retired")):
                if plan.kind not in firsts or plan.publish_date < firsts[plan.kind]:
                    firsts[plan.kind] = plan.publish_date
            held = [HeldDrill(d.id, d.held_on, frozenset(link.plan.kind for link in d.plans if not link.is_deleted))
                    for d in s.scalars(select(Drill).where(Drill.enterprise_id == ent.id, Drill.deleted_at.is_(None),
                                                           Drill.status.in_(HELD_STATUSES), Drill.held_on.is_not(None)))]
            out.append((ent.id, ent.name, flags, tuple(obligations_for(flags, firsts, held, as_of,
                                                                      region_code=region.code if region else None))))
    return out


def fast(db: Database, as_of: date, enterprise_id: int | None = None) -> list[tuple[object, ...]]:
    with db.read() as s:
        return [(r.enterprise_id, r.enterprise, r.flags, r.obligations)
                for r in dq.obligations(s, as_of=as_of, enterprise_id=enterprise_id)]


def fresh(db: Database, as_of: date) -> list[tuple[object, ...]]:
    """The same database through a second handle: nothing kept from before."""
    other = open_database(db.url.render_as_string(hide_password=False))
    try:
        return fast(other, as_of)
    finally:
        other.dispose()


def _shuffle(db: Database, rng: random.Random) -> None:
    """Random changes the demo does not make: drills held on the same day (ties), held after the day
    asked about, cancelled after being held, deleted, a drill's plan link removed."""
    with db.read() as s:
        drills = s.execute(select(Drill.id, Drill.status, Drill.held_on, Drill.enterprise_id)
                           .where(Drill.deleted_at.is_(None)).order_by(Drill.id)).all()
    by_ent: dict[int, list[int]] = {}
    for did, status, _held, eid in drills:
        if status in HELD_STATUSES:
            by_ent.setdefault(eid, []).append(did)
    with unit_of_work(db, TESTER) as uow:
        for did, status, _held, _eid in rng.sample(drills, min(len(drills), 40)):
            drill = uow.session.get(Drill, did)
            assert drill is not None
            roll = rng.random()
            if status in HELD_STATUSES and roll < 0.3:
                drill.held_on = AS_OF + timedelta(days=rng.randrange(1, 40))  # after the day asked about
            elif status in HELD_STATUSES and roll < 0.45:
                drill.status = "cancelled"
                drill.cancel_reason = "测试：实施后取消"
            elif roll < 0.6:
                uow.soft_delete(drill)
            elif roll < 0.75 and drill.plans:
                uow.soft_delete(drill.plans[0])
        for ids in list(by_ent.values())[:15]:
            if len(ids) >= 2:  # two drills on one day: the larger id is the last
                a, b = uow.session.get(Drill, ids[0]), uow.session.get(Drill, ids[1])
                assert a is not None and b is not None
                b.held_on = a.held_on


@pytest.mark.parametrize("seed", [5, 11])
def test_the_query_equals_the_rule_on_random_data(db, seed: int) -> None:  # type: ignore[no-untyped-def]
    demo.generate(db, count=14, seed=seed)
    _shuffle(db, random.Random(seed))
    for as_of in (AS_OF, date(2025, 12, 31), date(2026, 7, 1), date(2027, 3, 1)):
        expected = pure(db, as_of)
        assert fast(db, as_of) == expected, as_of
        assert fast(db, as_of) == expected  # asked again: the summary kept
        some = expected[len(expected) // 2]
        assert fast(db, as_of, enterprise_id=some[0]) == [some]  # type: ignore[arg-type]


def test_the_summary_follows_every_write_it_depends_on(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    demo.generate(db, count=10, seed=7)
    assert fast(db, AS_OF) == pure(db, AS_OF)
    with db.read() as s:
        some = dq.obligations(s, as_of=AS_OF)[0]
    assert some == dq.EnterpriseObligations(**vars(some)) and set(vars(some)) == {
        f.name for f in fields(dq.EnterpriseObligations)}
    with db.read() as s:
        planned = s.execute(select(Drill.id, Drill.version).where(Drill.status == "planned",
                                                                  Drill.deleted_at.is_(None))).first()
        done = s.execute(select(Drill.id, Drill.version).where(Drill.status == "done")).first()
        onsite = s.execute(select(Plan.id, Plan.version).where(Plan.kind == "onsite", Plan.deleted_at.is_(None))
                           .order_by(Plan.id)).first()
        ents = s.execute(select(Enterprise.id, Enterprise.version).order_by(Enterprise.id)).all()
        industry = s.scalar(select(Industry.id).join(Enterprise, Enterprise.industry_id == Industry.id).limit(1))
    assert planned and done and onsite

    def check(what: str) -> None:
        expected = pure(db, AS_OF)
        assert fast(db, AS_OF) == expected, what
        assert fresh(db, AS_OF) == expected, what

    with unit_of_work(db, TESTER) as uow:  # a planned drill is held: its enterprise's obligations move on
        ds.transition(uow, planned.id, "conduct", planned.version, held_on=AS_OF - timedelta(days=2))
    check("held")
    with unit_of_work(db, TESTER) as uow:
        ds.delete(uow, done.id, done.version)
    check("drill deleted")
    with unit_of_work(db, TESTER) as uow:
        ps.delete(uow, onsite.id, onsite.version)
    check("plan deleted")
    with db.read() as s:
        data, version = es.load(s, ents[0].id)
    data.name = "阿" + data.name  # first by name now
    with unit_of_work(db, TESTER) as uow:
        es.update(uow, ents[0].id, data, version)
    check("renamed")
    with unit_of_work(db, TESTER) as uow:
        es.delete(uow, ents[1].id, ents[1].version)
    create_enterprise(db, 99)
    check("deleted and added")
    with unit_of_work(db, TESTER) as uow:  # reference data: everything is read again
        row = uow.session.get(Industry, industry)
        assert row is not None
        row.flags = [*(row.flags or ()), "mining"]
    check("industry flags")
    monkeypatch.setattr(dq, "_INCREMENTAL_LIMIT", 0)  # more changes than worth following: read everything
    with unit_of_work(db, TESTER) as uow:
        ds.create(uow, ds.DrillData(enterprise_id=ents[2].id, title="补充演练", planned_at=datetime(2026, 12, 20, 9),
                                    plan_ids=_plans_of(db, ents[2].id)[:1]))
    check("many changes")
    assert fast(db, date(2026, 1, 5)) == pure(db, date(2026, 1, 5))  # another day


def _plans_of(db: Database, enterprise_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Plan.id).where(Plan.enterprise_id == enterprise_id, Plan.deleted_at.is_(None))))


def test_the_rule_makes_its_status_as_the_dataclass_does() -> None:
    ob = load_drill_rules().obligations[0]
    made = obligation_status(ob, 12, (date(2026, 3, 1), 7), date(2025, 1, 2), AS_OF)
    assert made == ObligationStatus(ob.key, ob.label, ob.source, "2027年", date(2026, 3, 1), 7, date(2027, 12, 31),
                                    (date(2027, 12, 31) - AS_OF).days, True)
    assert set(vars(made)) == {f.name for f in fields(ObligationStatus)}
    with pytest.raises(AttributeError):
        made.days_left = 1  # type: ignore[misc]
