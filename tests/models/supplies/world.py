"""A small supplies world built through the real services: two district reserves, an item, batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.core import reference
from models.core.database import Database
from models.core.uow import unit_of_work
from models.supplies import movements as mv
from models.supplies import service as ss
from models.supplies.movements import MovementData
from tests.factories import TESTER

DAY = date(2026, 12, 3)


@dataclass
class World:
    north: int  # warehouse ids
    south: int
    item: int  # 正压式空气呼吸器
    batch: int  # expires 2027-06-30


def item_data(n: int = 1, **kw: object) -> ss.ItemData:
    data = ss.ItemData(code=f"HX-{n:03d}", name="正压式空气呼吸器", category_code="2010101", unit="套",
                       spec="RHZKF6.8/30", kind="equipment", shelf_life_months=None, inspection_days=30)
    for k, v in kw.items():
        setattr(data, k, v)
    return data


def add_batch(db: Database, item: int, batch_no: str, expires_on: date | None, **kw: object) -> int:
    with unit_of_work(db, TESTER) as uow:
        return ss.create_batch(uow, ss.BatchData(item_id=item, batch_no=batch_no, expires_on=expires_on,
                                                 produced_on=kw.pop("produced_on", None), **kw))  # type: ignore[arg-type]


def move(db: Database, kind: str, batch: int, warehouse: int, quantity: int, **kw: object) -> list[int]:
    data = MovementData(kind=kind, batch_id=batch, warehouse_id=warehouse, quantity=quantity,
                        moved_on=kw.pop("moved_on", DAY), handler="张三", **kw)  # type: ignore[arg-type]
    with unit_of_work(db, TESTER) as uow:
        return mv.post(uow, data)


def build(db: Database, receive: int = 10) -> World:
    with db.read() as s:
        districts = [r for r in reference.regions(s) if r.level == 2]
    with unit_of_work(db, TESTER) as uow:
        north = ss.create_warehouse(uow, ss.WarehouseData(name="北城区应急物资储备库", region_id=districts[0].id,
                                                          keeper="李四", phone="0539-8000001"))
        south = ss.create_warehouse(uow, ss.WarehouseData(name="南城区应急物资储备库", region_id=districts[1].id))
        item = ss.create_item(uow, item_data())
    batch = add_batch(db, item, "B2026-01", date(2027, 6, 30))
    if receive:
        move(db, "receive", batch, north, receive, doc_no="RK-1")
    return World(north, south, item, batch)
