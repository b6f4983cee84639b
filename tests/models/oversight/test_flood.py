"""The flood season window (reference data, per region) and which due items are flood work."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from models.core import reference
from models.core.database import Database
from models.core.due import DueItem
from models.core.entities import Industry
from models.core.uow import unit_of_work
from models.enterprises.entities import Enterprise
from models.oversight import flood
from models.supplies.entities import SupplyBatch, SupplyItem, Warehouse
from models.teams.entities import RescueTeam
from tests.factories import TESTER, create_enterprise


@pytest.mark.parametrize(("day", "inside", "main"), [
    (date(2026, 5, 31), False, False), (date(2026, 6, 1), True, False), (date(2026, 7, 1), True, True),
    (date(2026, 8, 31), True, True), (date(2026, 9, 1), True, False), (date(2026, 9, 30), True, False),
    (date(2026, 10, 1), False, False), (date(2026, 12, 4), False, False)])
def test_the_default_season_and_its_main_part(day: date, inside: bool, main: bool) -> None:
    found = flood.season_on(day)
    assert (found is not None) == inside
    assert flood.season(day.year).in_main(day) == main
    assert flood.season(2026).label == "汛期 6月1日至9月30日（主汛期 7月1日至8月31日）"


def test_a_region_may_have_its_own_window(monkeypatch: pytest.MonkeyPatch) -> None:
    rules: dict[str, Any] = {**flood._rules(), "regions": {"371302": {"starts": "05-15", "ends": "10-15"}}}
    monkeypatch.setattr(flood, "_rules", lambda: rules)
    assert flood.season_on(date(2026, 5, 20), "371302") is not None
    assert flood.season_on(date(2026, 5, 20), "371301") is None
    assert flood.season(2026, "371302").label == "汛期 5月15日至10月15日（主汛期 7月1日至8月31日）"


def test_flood_categories_cover_their_subtree() -> None:
    assert flood.is_flood_category("3010101") and flood.is_flood_category("2060102")
    assert not flood.is_flood_category("2010101") and not flood.is_flood_category("3020000")


def _item(module: str, record: str, record_id: int | None, enterprise_id: int | None = None,
          parent_id: int | None = None) -> DueItem:
    return DueItem(module, "k", "事项", record, record_id, enterprise_id, "", "标题", "说明", date(2026, 7, 10), 3,
                   "warning", parent_id)


def test_flood_work_among_the_due_items(db: Database) -> None:
    plain = create_enterprise(db, 1)
    mine = create_enterprise(db, 2)
    with unit_of_work(db, TESTER) as uow:
        s = uow.session
        mining = s.scalars(select(Industry).where(Industry.code == "mining")).one()
        ent = s.get(Enterprise, mine)
        assert ent is not None
        ent.industry_id = mining.id
        other = next(i for i in s.scalars(select(Industry)) if not i.flags)
        s.get(Enterprise, plain).industry_id = other.id  # type: ignore[union-attr]
        store = Warehouse(name="市级防汛物资储备库", kind="government", region_id=reference.regions(s)[1].id)
        sandbags = SupplyItem(code="FX-001", name="编织袋", category_code="3010101", unit="条")
        pumps = SupplyItem(code="PS-001", name="抽水泵", category_code="2010101", unit="台", flood=True)
        masks = SupplyItem(code="HX-001", name="防毒面具", category_code="2010101", unit="个")
        s.add_all([store, sandbags, pumps, masks])
        s.flush()
        bag_batch = SupplyBatch(item_id=sandbags.id, batch_no="B1")
        mask_batch = SupplyBatch(item_id=masks.id, batch_no="B2")
        flood_team = RescueTeam(name="市防汛抢险队", specialties=["flood"])
        fire_team = RescueTeam(name="市危化救援队", specialties=["hazchem"])
        s.add_all([bag_batch, mask_batch, flood_team, fire_team])
        s.flush()
        ids = (bag_batch.id, mask_batch.id, pumps.id, masks.id, flood_team.id, fire_team.id)
    bag_b, mask_b, pump_i, mask_i, flood_t, fire_t = ids
    items = [
        _item("supplies", "batch", bag_b), _item("supplies", "batch", mask_b),
        _item("supplies", "warehouse_item", pump_i), _item("supplies", "warehouse_item", mask_i),
        _item("drills", "enterprise_drills", mine, mine), _item("drills", "finding", 9, plain),
        _item("teams", "shift", 5, None, 1), _item("teams", "certificate", 7, None, flood_t),
        _item("teams", "certificate", 8, None, fire_t), _item("teams", "team", flood_t), _item("teams", "team", fire_t),
        _item("plans", "plan", 3, mine),
    ]
    with db.read() as s:
        found = flood.flood_work(s, items)
    assert [(i.module, i.record, i.record_id) for i in found] == [
        ("supplies", "batch", bag_b), ("supplies", "warehouse_item", pump_i), ("drills", "enterprise_drills", mine),
        ("teams", "shift", 5), ("teams", "certificate", 7), ("teams", "team", flood_t)]
