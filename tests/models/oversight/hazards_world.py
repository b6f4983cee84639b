"""A small oversight world built through the real services: three enterprises, a campaign and
helpers to record an inspection with findings and to move a hazard along."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.core import reference
from models.core.database import Database
from models.core.uow import unit_of_work
from models.oversight import service as hs
from models.oversight.entities import Hazard
from tests.factories import TESTER, create_enterprise

AS_OF = date(2026, 11, 30)


@dataclass
class World:
    enterprises: list[int]
    departments: list[int]
    campaign: int


def build(db: Database) -> World:
    ents = [create_enterprise(db, n) for n in (1, 2, 3)]
    with db.read() as s:
        depts = [d.id for d in reference.departments(s)]
    with unit_of_work(db, TESTER) as uow:
        campaign = hs.create_campaign(uow, hs.CampaignData(
            name="2026 安全生产大检查", kind="general", starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31),
            lead_department_id=depts[0], department_ids=tuple(depts[:2])))
    return World(ents, depts, campaign)


def inspect(db: Database, w: World, enterprise: int, day: date, *findings: hs.FindingData,
            department: int | None = None, campaign: bool = True) -> hs.Recorded:
    with unit_of_work(db, TESTER) as uow:
        return hs.record_inspection(uow, hs.InspectionData(
            enterprise_id=enterprise, department_id=department or w.departments[0], inspected_on=day,
            campaign_id=w.campaign if campaign else None, inspectors="张强、李明", summary="现场检查",
            findings=findings))


def finding(level: str = "general", deadline: date | None = None, description: str = "消防通道堵塞",
            category: str = "fire") -> hs.FindingData:
    return hs.FindingData(level=level, category=category, description=description, responsible="王建国",
                          responsible_phone="13905390001", deadline=deadline)


def version(db: Database, hazard_id: int) -> int:
    with db.read() as s:
        row = s.get(Hazard, hazard_id)
        assert row is not None
        return row.version


def hazard(db: Database, hazard_id: int) -> Hazard:
    with db.read() as s:
        row = s.get(Hazard, hazard_id)
        assert row is not None
        s.expunge(row)
        return row


def close(db: Database, hazard_id: int, day: date) -> None:
    """Rectified and re-checked (passed) on ``day``."""
    v = version(db, hazard_id)
    with unit_of_work(db, TESTER) as uow:
        v = hs.submit_rectified(uow, hazard_id, hs.RectifiedData(day, "已清理"), v)
    with unit_of_work(db, TESTER) as uow:
        hs.recheck(uow, hazard_id, hs.RecheckData(day + timedelta(days=1), "赵敏", True, "合格"), v)
