"""A small oversight world for the statistics, hand-counted: three departments (the first three by
``sort_order``) and four enterprises, inspections, hazards, penalties, plans and drills around ISO week
2026-W48 (Monday 23 to Sunday 29 November 2026) and the month of November 2026, with the boundary
days on purpose (found on the week's Sunday, on the Monday after, on the Sunday before; closed after
the period's end; an extension granted after the period's end; deleted rows).

The expected figures are in ``WEEK`` and ``MONTH`` (per department index 0–2); every other department
is all zeros."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.core import reference
from models.core.database import Database
from models.core.uow import unit_of_work
from models.drills.entities import Drill, DrillPlan
from models.oversight.entities import Hazard, HazardExtension, Inspection, Penalty
from models.plans.entities import Plan
from tests.factories import TESTER, create_enterprise

WEEK = (2026, 48)
MONTH = (2026, 11)
AS_OF = date(2026, 12, 1)


@dataclass
class World:
    departments: list[int]  # the three departments used, by sort_order
    names: list[str]
    enterprises: list[int]  # E1, E2 (department 0), E3 (department 1), E4 (department 2, hazardous goods)
    other_departments: list[int]


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def build(db: Database) -> World:
    with db.read() as s:
        depts = reference.departments(s)
        industries = {i.code: i.id for i in reference.industries(s)}
    d1, d2, d3 = (x.id for x in depts[:3])
    plain, hazchem = industries["manufacturing"], industries["hazchem"]
    e1 = create_enterprise(db, 1, department_id=d1, industry_id=plain)
    e2 = create_enterprise(db, 2, department_id=d1, industry_id=plain)
    e3 = create_enterprise(db, 3, department_id=d2, industry_id=plain)
    e4 = create_enterprise(db, 4, department_id=d3, industry_id=hazchem)
    with unit_of_work(db, TESTER) as uow:
        add = uow.session.add
        flush = uow.session.flush

        def inspection(ent: int, dept: int, day: date) -> int:
            row = Inspection(enterprise_id=ent, department_id=dept, inspected_on=day, inspectors="张三、李四")
            add(row)
            flush()
            return row.id

        i1 = inspection(e1, d1, d(11, 23))  # the week's Monday
        i2 = inspection(e2, d1, d(11, 29))  # the week's Sunday
        inspection(e1, d1, d(11, 26))
        i4 = inspection(e3, d2, d(11, 30))  # the Monday after: in the month, not the week
        i5 = inspection(e3, d2, d(11, 22))  # the Sunday before: in the month, not the week
        i6 = inspection(e1, d3, d(11, 25))  # department 3 inspects department 1's enterprise
        i7 = inspection(e2, d1, d(10, 31))  # the month before
        gone = inspection(e2, d1, d(11, 24))
        uow.soft_delete(uow.session.get(Inspection, gone))  # type: ignore[arg-type]

        def hazard(insp: int, ent: int, dept: int, found: date, level: str, deadline: date,
                   closed: date | None = None, **kw: Any) -> Hazard:
            row = Hazard(inspection_id=insp, enterprise_id=ent, department_id=dept, found_on=found, level=level,
                         category="equipment", description="消防通道堵塞", deadline=deadline,
                         status="closed" if closed else "open", closed_on=closed, **kw)
            add(row)
            flush()
            return row

        hazard(i1, e1, d1, d(11, 23), "general", d(12, 23), d(11, 28))  # H1: found and closed in the week
        hazard(i2, e2, d1, d(11, 29), "major", d(11, 30))  # H2: found on the Sunday, due the Monday after
        hazard(i4, e3, d2, d(11, 30), "general", d(12, 10))  # H3: found on the Monday after
        hazard(i5, e3, d2, d(11, 22), "general", d(11, 25), d(12, 1))  # H4: closed after both periods
        hazard(i7, e2, d1, d(10, 31), "general", d(11, 20), d(11, 24))  # H5: found before, closed in the week
        h6 = hazard(i7, e2, d1, d(10, 31), "major", d(12, 31))  # H6: extended on 1 December from 15 November
        add(HazardExtension(hazard_id=h6.id, granted_on=d(12, 1), old_deadline=d(11, 15), new_deadline=d(12, 31),
                            reason="设备采购周期长", approved_by="王局长"))
        hazard(i6, e1, d3, d(11, 25), "major", d(11, 27))  # H7: department 3, overdue in the week
        h8 = hazard(i1, e1, d1, d(11, 24), "major", d(11, 25))
        uow.soft_delete(h8)

        add(Penalty(enterprise_id=e1, department_id=d1, kind="fine", amount=5000.0, decided_on=d(11, 29),
                    decision_no="临应急罚〔2026〕31号"))
        add(Penalty(enterprise_id=e2, department_id=d1, kind="fine", amount=3000.0, decided_on=d(11, 30),
                    decision_no="临应急罚〔2026〕32号"))
        add(Penalty(enterprise_id=e3, department_id=d2, kind="warning", amount=0.0, decided_on=d(11, 23),
                    decision_no="临住建罚〔2026〕8号"))

        def plan(ent: int, kind: str, no: str, published: date, status: str = "published", **kw: Any) -> int:
            row = Plan(enterprise_id=ent, kind=kind, plan_no=no, title=f"{no} 应急预案", status=status,
                       publish_date=published, **kw)
            add(row)
            flush()
            return row.id

        # E1: filed, its yearly drill overdue since 2025 (met in the week)
        p1 = plan(e1, "comprehensive", "YA-1", d(3, 1, 2025), "filed", filing_submitted_date=d(3, 10, 2025),
                  filing_registered_date=d(3, 14, 2025))
        # E2: an on-site plan never filed (filing overdue); its half-year drill overdue (met on 30 November)
        p2 = plan(e2, "onsite", "YA-2", d(1, 10))
        # E3: submitted, the authority's check overdue (not counted); drilled in March: nothing due
        p3 = plan(e3, "comprehensive", "YA-3", d(2, 1), filing_submitted_date=d(2, 10))
        # E4 (hazardous goods): filed in 2022, never evaluated (evaluation overdue since 1 June 2025);
        # two drill obligations overdue (yearly, and the key industries' half-year), never met
        plan(e4, "comprehensive", "YA-4", d(6, 1, 2022), "filed", filing_submitted_date=d(6, 10, 2022),
             filing_registered_date=d(6, 15, 2022))

        def drill(ent: int, plan_id: int, held: date | None, status: str = "done") -> Drill:
            row = Drill(enterprise_id=ent, title="综合应急演练", planned_at=datetime.combine(held or d(11, 24),
                                                                                      datetime.min.time()),
                        status=status, held_on=held)
            add(row)
            flush()
            add(DrillPlan(drill_id=row.id, plan_id=plan_id, plan_version=1))
            return row

        drill(e1, p1, d(11, 25))  # in the week
        drill(e2, p2, d(11, 30))  # the Monday after: in the month
        drill(e3, p3, d(3, 15))  # long before
        drill(e3, p3, None, "planned")  # not held
        uow.soft_delete(drill(e3, p3, d(11, 23)))  # deleted
    with db.read() as s:
        others = [x.id for x in reference.departments(s)[3:]]
    return World([d1, d2, d3], [x.name for x in depts[:3]], [e1, e2, e3, e4], others)


_KEYS = ("inspections", "enterprises", "hazards_general", "hazards_major", "closed_of_found", "rectified", "overdue",
         "penalties", "penalty_amount", "drills_held", "drills_required", "drills_met", "plans_overdue")


def _rows(*rows: tuple[float, ...]) -> list[dict[str, float]]:
    return [dict(zip(_KEYS, r, strict=True)) for r in rows]


#                insp ent gen maj closed rect overdue pen amount held req met plans
WEEK_ROWS = _rows((3, 2, 1, 1, 1, 2, 1, 1, 5000.0, 1, 2, 1, 1),
                  (0, 0, 0, 0, 0, 0, 1, 1, 0.0, 0, 0, 0, 0),
                  (1, 1, 0, 1, 0, 0, 1, 0, 0.0, 0, 2, 0, 1))
MONTH_ROWS = _rows((3, 2, 1, 1, 1, 2, 1, 2, 8000.0, 2, 2, 2, 1),
                   (2, 1, 2, 0, 0, 0, 1, 1, 0.0, 0, 0, 0, 0),
                   (1, 1, 0, 1, 0, 0, 1, 0, 0.0, 0, 2, 0, 1))
