"""Test data built through the real services."""

from __future__ import annotations

from typing import Any

from models.core import demo as core_demo
from models.core import reference
from models.core.database import Database
from models.core.demo import DemoResult
from models.core.uow import Actor, unit_of_work
from models.enterprises import demo as enterprise_demo
from models.enterprises import rules as uscc
from models.enterprises import service as enterprises
from models.enterprises.service import ContactData, EnterpriseData

TESTER = Actor("测试员")


def valid_uscc(n: int) -> str:
    return uscc.make("9", "1", "369902", f"MA{n:06d}")


def enterprise_data(db: Database, n: int = 1, **overrides: object) -> EnterpriseData:
    with db.read() as s:
        industry = reference.industries(s)[n % 5]
        risk = reference.risk_levels(s)[n % 4]
        region = reference.regions(s)[2 + n % 5]
        dept = reference.departments(s)[n % 3]
    data = EnterpriseData(
        name=f"临江市测试{n}号化工有限公司", uscc=valid_uscc(n), industry_id=industry.id,
        risk_level_id=risk.id, region_id=region.id, department_id=dept.id,
        address=f"滨江路 {n} 号", principal="王建国", principal_phone="0539-8123456",
        safety_manager="李卫东", safety_manager_phone="13805391234", employees=120,
        on_shift_headcount=30, major_hazard_sources="液氯储罐区（三级）",
        contacts=[ContactData(name="赵敏", role="安全科长", phone="0539-8123457")],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def create_enterprise(db: Database, n: int = 1, actor: Actor = TESTER, **overrides: object) -> int:
    with unit_of_work(db, actor) as uow:
        return enterprises.create(uow, enterprise_data(db, n, **overrides))


def demo_enterprises(db: Database, **kwargs: Any) -> DemoResult:
    """The demo generator with the enterprise register's step only (no plans: faster, and what the
    models and export tests check)."""
    return core_demo.generate(db, [enterprise_demo.STEP], **kwargs)
