"""The home page's world, built through the real services: two enterprises with a plan each (one's filing
long overdue, the other's coming due), the supplies world with an expired batch and one expiring in 20
days, and the duty world (a team not ready, the duty room's November roster with a hole and December not
rostered yet: roster gaps in the coming week), an inspection's 重大 hazard past its deadline and an
incident received this morning and not reported yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from models.core.database import Database
from tests.desktop.teams.duty_world import TODAY, DutyWorld, build_duty
from tests.factories import create_enterprise
from tests.models.supplies.world import World as SupplyWorld
from tests.models.supplies.world import add_batch, move
from tests.models.supplies.world import build as build_supplies
from tests.models.test_due import _publish

__all__ = ["TODAY", "HomeWorld", "build_home"]


@dataclass
class HomeWorld:
    enterprise: int
    other: int
    late_plan: int  # its filing is overdue
    soon_plan: int  # filing due in the coming weeks
    supplies: SupplyWorld
    expired: int  # a batch expired 3 days ago (in ``supplies.north``)
    expiring: int  # a batch expiring in 20 days
    duty: DutyWorld
    hazard: int = 0  # a 重大 hazard of the first enterprise, its deadline passed 5 days ago
    inspection: int = 0  # the inspection that found it
    incident: int = 0  # received this morning at 08:00, not reported yet


def _oversight(db: Database, enterprise: int) -> tuple[int, int, int]:
    from datetime import datetime

    from models.core.uow import unit_of_work
    from models.enterprises.entities import Enterprise
    from models.oversight import incidents
    from models.oversight import service as os_
    from tests.factories import TESTER

    with db.read() as s:
        ent = s.get(Enterprise, enterprise)
        assert ent is not None
        department = ent.department_id
    with unit_of_work(db, TESTER) as uow:
        found = os_.record_inspection(uow, os_.InspectionData(
            enterprise_id=enterprise, department_id=department, inspected_on=TODAY - timedelta(days=40),
            inspectors="张明、李强", findings=(os_.FindingData(level="major", category="fire", description="东侧罐区防火堤破损",
                                                              responsible="王建国", deadline=TODAY - timedelta(days=5)),)))
        incident = incidents.create_incident(uow, incidents.IncidentData(
            title="临江市测试1号化工有限公司灼烫事故", kind="hazchem", enterprise_id=enterprise,
            occurred_at=datetime.combine(TODAY, datetime.min.time()).replace(hour=7, minute=40),
            received_at=datetime.combine(TODAY, datetime.min.time()).replace(hour=8), serious_injuries=1))
    return found.inspection_id, found.hazard_ids[0], incident


def build_home(db: Database) -> HomeWorld:
    ent = create_enterprise(db, 1)
    other = create_enterprise(db, 2)
    late = _publish(db, ent, "YA-01", TODAY - timedelta(days=60))
    soon = _publish(db, other, "YA-02", TODAY - timedelta(days=2))
    supplies = build_supplies(db)
    expired = add_batch(db, supplies.item, "B-OLD", TODAY - timedelta(days=3))
    move(db, "receive", expired, supplies.north, 2)
    expiring = add_batch(db, supplies.item, "B-SOON", TODAY + timedelta(days=20))
    move(db, "receive", expiring, supplies.north, 2)
    duty = build_duty(db)
    inspection, hazard, incident = _oversight(db, ent)
    return HomeWorld(ent, other, late, soon, supplies, expired, expiring, duty, hazard, inspection, incident)
