"""0016: a batch's inspections written before it are kept as they were (nothing the trail does not
say is filled in), the staff need and item-level inspections go down with the revision and come back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from models.core.audit import verify_data
from models.core.schema import migrate
from models.core.uow import unit_of_work
from models.modules import SCHEMA, entity_classes
from models.supplies import service as ss
from models.supplies.entities import SupplyInspection
from tests.factories import TESTER
from tests.models.supplies.world import DAY, build


def test_inspections_survive_the_way_down_and_up_and_agree_with_the_trail(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)
    with unit_of_work(db, TESTER) as uow:
        own = ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五",
                                                          result="repair", notes="气瓶压力不足"))
    migrate(db, SCHEMA, command.downgrade, "0015")
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, batch_id, inspector FROM supply_inspection").all()
        assert [tuple(r) for r in rows] == [(own, w.batch, "王五")]
    migrate(db, SCHEMA, command.upgrade, "head")
    with db.read() as s:
        row = s.get(SupplyInspection, own)
        assert (row.batch_id, row.item_id, row.warehouse_id, row.result) == (w.batch, None, None, "repair")
        report = verify_data(s, entity_classes())
    assert report.ok, report.message()

    with unit_of_work(db, TESTER) as uow:  # an inspection of the item has no batch to stay with
        ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.north, inspected_on=DAY,
                                                    inspector="李四"))
    migrate(db, SCHEMA, command.downgrade, "0015")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM supply_inspection").scalar() == 1
    migrate(db, SCHEMA, command.upgrade, "head")
    with db.read() as s:
        assert list(s.scalars(select(SupplyInspection.id))) == [own]
