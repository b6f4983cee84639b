"""Small stock for the shortfall, annex and panel tests: warehouses, items, batches and their ledger
written through a unit of work (one receipt per batch, its balance beside it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.core.database import Database
from models.core.entities import Industry
from models.core.uow import unit_of_work
from models.supplies.entities import (
    PlanStaffNeed,
    PlanSupplyNeed,
    StockBalance,
    StockMovement,
    SupplyBatch,
    SupplyItem,
    Warehouse,
)
from tests.factories import TESTER, create_enterprise

AS_OF = date(2026, 11, 29)


def industry_id(db: Database, code: str) -> int:
    with db.read() as s:
        found = s.scalar(select(Industry.id).where(Industry.code == code))
    assert found is not None
    return found


def hazchem_enterprise(db: Database, n: int = 1, headcount: int = 30, **kw: object) -> int:
    return create_enterprise(db, n, industry_id=industry_id(db, "hazchem.production"), on_shift_headcount=headcount,
                             **kw)


def warehouse(db: Database, name: str, enterprise_id: int | None = None, **kw: object) -> int:
    with unit_of_work(db, TESTER) as uow:
        w = Warehouse(name=name, kind="enterprise" if enterprise_id else "reserve", enterprise_id=enterprise_id, **kw)
        uow.add(w)
        uow.session.flush()
        return w.id


def item(db: Database, code: str, name: str, unit: str = "套", spec: str = "", category: str = "2010101") -> int:
    with unit_of_work(db, TESTER) as uow:
        i = SupplyItem(code=code, name=name, spec=spec, category_code=category, unit=unit)
        uow.add(i)
        uow.session.flush()
        return i.id


def stock(db: Database, warehouse_id: int, item_id: int, quantity: int, *, batch_no: str = "B1",
          expires_on: date | None = None, condition: str = "good") -> int:
    """A batch of ``quantity`` received into ``warehouse_id`` (its ledger line and balance)."""
    with unit_of_work(db, TESTER) as uow:
        b = SupplyBatch(item_id=item_id, batch_no=batch_no, expires_on=expires_on, condition=condition)
        uow.add(b)
        uow.session.flush()
        uow.add(StockMovement(kind="receive", doc_no=f"RK-{b.id}", moved_on=date(2026, 1, 5), batch_id=b.id,
                              warehouse_id=warehouse_id, quantity=quantity))
        uow.session.add(StockBalance(warehouse_id=warehouse_id, batch_id=b.id, item_id=item_id, quantity=quantity))
        return b.id


def need(db: Database, plan_id: int, item_id: int, quantity: int) -> None:
    with unit_of_work(db, TESTER) as uow:
        uow.add(PlanSupplyNeed(plan_id=plan_id, item_id=item_id, quantity=quantity))


def staff_need(db: Database, plan_id: int, staff: int) -> None:
    """The plan's minimum staff on duty (应急值守人员)."""
    with unit_of_work(db, TESTER) as uow:
        uow.add(PlanStaffNeed(plan_id=plan_id, staff=staff))
