"""The stock list and what the page and the home page read (both backends): usable against book
quantity, the filters, alerts and shortfalls, the movement history, the tree, the lookups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from models.core.entities import Region
from models.core.uow import unit_of_work
from models.enterprises.entities import Enterprise
from models.supplies import queries as sq
from models.supplies import service as ss
from models.supplies.queries import StockFilter
from tests.factories import TESTER, create_enterprise
from tests.models.supplies.world import DAY, add_batch, build, item_data, move


def _stocked(db):  # type: ignore[no-untyped-def]
    """North: the good batch (10), one expiring in 20 days (3), one expired (4), one under repair (2);
    south: 5 sandbags. Minimum of the breathing sets in the north: 12."""
    w = build(db, receive=10)
    soon = add_batch(db, w.item, "B2025-02", date(2026, 12, 23))
    gone = add_batch(db, w.item, "B2023-05", date(2026, 11, 1), produced_on=date(2023, 5, 1))
    broken = add_batch(db, w.item, "B2025-08", None)
    for batch, qty in ((soon, 3), (gone, 4), (broken, 2)):
        move(db, "receive", batch, w.north, qty, moved_on=date(2025, 9, 1))
    with unit_of_work(db, TESTER) as uow:
        ss.record_inspection(uow, ss.InspectionData(batch_id=broken, inspected_on=DAY, inspector="王五",
                                                    result="repair"))
        sand = ss.create_item(uow, item_data(2, code="SD-001", name="沙袋", category_code="3010102", unit="袋",
                                             kind="consumable", flood=True, inspection_days=None))
        ss.set_minimum(uow, w.north, w.item, 12, None)
        ss.set_minimum(uow, w.south, w.item, 1, None)
    bags = add_batch(db, sand, "SD-2026", None)
    move(db, "receive", bags, w.south, 5)
    return w, soon, gone, broken, sand


def test_rows_tell_book_from_usable_with_their_alerts(db) -> None:  # type: ignore[no-untyped-def]
    w, soon, gone, broken, _sand = _stocked(db)
    f = StockFilter(as_of=DAY)
    with db.read() as s:
        assert sq.count(s, f) == 5
        rows = {r.batch_id: r for r in sq.page(s, f, limit=10)}
        assert sq.total_quantities(s, f) == (24, 18)
    good = rows[w.batch]
    assert (good.book_qty, good.usable_qty, good.usable, good.minimum, good.item_usable) == (10, 10, True, 12, 13)
    assert good.alerts == ()  # 13 usable of a minimum of 12
    assert [a.kind for a in rows[soon].alerts] == ["expiring_30"] and rows[soon].usable_qty == 3
    assert rows[gone].usable_qty == 0 and rows[gone].usable_reason == "该批次已于 2026-11-01 过期"
    assert [a.kind for a in rows[gone].alerts] == ["expired"]  # held 3 years, but expired: no quality check asked
    assert rows[broken].usable_qty == 0 and rows[broken].condition_label == "待修"
    assert [a.kind for a in rows[broken].alerts] == ["unusable"]
    assert rows[w.batch].as_json()["category"] == "2010101 正压式空气呼吸器"


def test_below_minimum_counts_only_usable_stock(db) -> None:  # type: ignore[no-untyped-def]
    w, soon, _gone, _broken, _sand = _stocked(db)
    move(db, "issue", w.batch, w.north, 5)  # usable 5 + 3 = 8 < 12 (book 14)
    f = StockFilter(as_of=DAY, below_minimum=True)
    with db.read() as s:
        rows = sq.rows(s, f)
        assert {r.warehouse_id for r in rows} == {w.north} and len(rows) == 4
        short, nothing = sq.shortfalls(s, DAY)  # 北城区 below its minimum; 南城区 holds none at all
    assert (nothing.warehouse_id, nothing.usable, nothing.book, nothing.missing) == (w.south, 0, 0, 1)
    assert (short.warehouse_id, short.minimum, short.usable, short.book, short.missing) == (w.north, 12, 8, 14, 4)
    assert [a.detail for a in rows[0].alerts if a.kind == "below_minimum"] == ["可用 8，最低库存 12，缺 4"]
    move(db, "transfer", soon, w.north, 1, to_warehouse_id=w.south)  # the south now holds 1: its minimum met
    with db.read() as s:
        assert [x.warehouse_id for x in sq.shortfalls(s, DAY)] == [w.north]


def test_filters(db) -> None:  # type: ignore[no-untyped-def]
    w, soon, gone, broken, sand = _stocked(db)
    base = StockFilter(as_of=DAY)
    with db.read() as s:
        def ids(**kw: object) -> set[int]:
            return {r.batch_id for r in sq.rows(s, replace(base, **kw))}

        assert ids(warehouse_ids=(w.south,)) == {r.batch_id for r in sq.rows(s, replace(base, item_id=sand))}
        assert ids(category_code="2010000") == {w.batch, soon, gone, broken}  # 个体防护装备 and below
        assert ids(category_code="3000000") == ids(flood=True) and len(ids(flood=True)) == 1
        assert ids(expiring_within=30) == {soon}
        assert ids(expiring_within=19) == set()  # 20 days left
        assert ids(expiring_within=20) == {soon}
        assert ids(expired=True) == {gone}
        assert ids(unusable=True) == {gone, broken}
        assert ids(text="呼吸器 B2025") == {soon, broken}
        assert ids(text="100%_") == set()
        assert sq.count(s, replace(base, text="沙袋")) == 1
    move(db, "scrap", gone, w.north, 4, reason="过期报废")
    with db.read() as s:
        assert gone not in {r.batch_id for r in sq.rows(s, base)}  # an empty balance is hidden
        assert gone in {r.batch_id for r in sq.rows(s, replace(base, include_empty=True))}


def test_paging_in_every_order_is_total(db) -> None:  # type: ignore[no-untyped-def]
    _stocked(db)
    f = StockFilter(as_of=DAY)
    with db.read() as s:
        total = sq.count(s, f)
        for sort in sq.SORT_COLUMNS:
            for descending in (False, True):
                whole = [(r.warehouse_id, r.batch_id) for r in sq.page(s, f, sort=sort, descending=descending)]
                paged = [(r.warehouse_id, r.batch_id) for off in range(0, total, 2)
                         for r in sq.page(s, f, offset=off, limit=2, sort=sort, descending=descending, total=total)]
                assert paged == whole and len(set(whole)) == total, (sort, descending)
        by_expiry = [r.expires_on for r in sq.page(s, f, sort="expires_on")]
    assert by_expiry[-2:] == [None, None] and by_expiry[0] == date(2026, 11, 1)


def test_alerts_list_every_alert_most_urgent_first(db) -> None:  # type: ignore[no-untyped-def]
    w, soon, gone, broken, _sand = _stocked(db)
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        empty = ss.create_warehouse(uow, ss.WarehouseData(name="东城区应急物资储备库", kind="enterprise",
                                                          enterprise_id=ent))
        ss.set_minimum(uow, empty, w.item, 2, None)
    with db.read() as s:
        found = sq.alerts(s, DAY)
    kinds = [(a.alert.kind, a.batch_id, a.warehouse_id) for a in found]
    assert kinds == [("expired", gone, w.north), ("unusable", broken, w.north), ("below_minimum", None, empty),
                     ("below_minimum", None, w.south), ("expiring_30", soon, w.north)]
    assert str(found[2].alert) == "低于最低库存（可用 0，最低库存 2，缺 2）"
    with db.read() as s:
        assert [a.alert.kind for a in sq.alerts(s, date(2029, 1, 1), warehouse_ids=(w.south,))] == ["below_minimum"]
        # the sandbags, received on DAY, are held 3 years on its anniversary: a quality check is due
        assert [(a.alert.kind, a.item) for a in sq.alerts(s, date(2029, 12, 3), warehouse_ids=(w.south,))] == [
            ("below_minimum", "正压式空气呼吸器"), ("quality_check", "沙袋")]


def test_the_movement_history_runs_the_balance(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=10)
    move(db, "issue", w.batch, w.north, 3, moved_on=date(2026, 12, 5), counterparty="北城区消防救援大队")
    move(db, "transfer", w.batch, w.north, 2, moved_on=date(2026, 12, 6), to_warehouse_id=w.south)
    with db.read() as s:
        north = sq.movements(s, batch_id=w.batch, warehouse_id=w.north)
        batch = sq.movements(s, batch_id=w.batch)
        later = sq.movements(s, item_id=w.item, warehouse_id=w.north, since=date(2026, 12, 5))
    assert [(m.kind_label, m.quantity, m.balance) for m in north] == [("入库", 10, 10), ("出库", -3, 7), ("调出", -2, 5)]
    assert north[2].other_warehouse == "南城区应急物资储备库" and north[1].counterparty == "北城区消防救援大队"
    assert [m.balance for m in batch] == [10, 7, 5, 7]  # both legs: the batch as a whole is conserved
    assert [m.balance for m in later] == [7, 5]


def test_the_tree_and_the_lookups(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=1)
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        store = ss.create_warehouse(uow, ss.WarehouseData(name="一号库", kind="enterprise", enterprise_id=ent))
    with db.read() as s:
        tree = sq.warehouses_tree(s)
        assert [n.label for n in tree] == ["政府储备库", "企业储备点"]
        assert set(tree[0].warehouse_ids) == {w.north, w.south} and tree[1].warehouse_ids == (store,)
        district = tree[1].children[0]  # enterprise stores by the enterprise's district, then by enterprise
        with_region = s.scalars(select(Region).join(Enterprise, Enterprise.region_id == Region.id)
                                .where(Enterprise.id == ent)).one()
        expected = with_region.name if with_region.level <= 2 else s.scalars(
            select(Region.name).where(Region.code == with_region.parent_code)).one()
        assert district.key.startswith("enterprise-district:") and district.label == expected
        assert district.children[0].label.endswith("有限公司") and district.children[0].children[0].label == "一号库"

        def nodes(node: sq.TreeNode) -> list[sq.TreeNode]:
            return [node, *(n for c in node.children for n in nodes(c))]

        for node in (n for root in tree for n in nodes(root)):  # a node's scope in SQL = its warehouses
            by_scope = sq.rows(s, StockFilter(as_of=DAY, warehouse_scope=node.key, include_empty=True))
            by_ids = sq.rows(s, StockFilter(as_of=DAY, warehouse_ids=node.warehouse_ids, include_empty=True))
            assert [(r.warehouse_id, r.batch_id) for r in by_scope] == [(r.warehouse_id, r.batch_id) for r in by_ids]
            assert set(s.scalars(sq.scope_warehouses(node.key))) == set(node.warehouse_ids), node.key
        assert [i.code for i in sq.find_items(s, "hx-0")] == ["HX-001"]
        assert [i.label for i in sq.find_items(s, "呼吸")] == ["HX-001 正压式空气呼吸器（RHZKF6.8/30）"]
        assert sq.find_items(s, "_") == []
        code = sq.label_code(w.batch)
        assert code == f"WZB{w.batch:08d}" and sq.parse_label(f" {code.lower()}\r\n") == w.batch
        found = sq.batch_from_scan(s, code)
        assert found is not None and (found.batch_no, found.item) == ("B2026-01", "正压式空气呼吸器")
        assert sq.batch_from_scan(s, "B2026-01") == found  # the batch number typed by hand
        assert sq.batch_from_scan(s, "WZB99999999") is None and sq.parse_label("没有条码") is None


def test_the_recycle_bin_lists_deleted_batches_items_and_warehouses(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    spare = add_batch(db, w.item, "B2025-09", None)
    with unit_of_work(db, TESTER) as uow:
        sand = ss.create_item(uow, item_data(2, code="SD-001", name="沙袋", category_code="3010102", unit="袋",
                                             kind="consumable"))
    with db.read() as s:
        versions = {"batch": ss.load_batch(s, spare)[1], "item": ss.load_item(s, sand)[1],
                    "warehouse": ss.load_warehouse(s, w.south)[1]}
    with unit_of_work(db, TESTER) as uow:
        ss.delete_batch(uow, spare, versions["batch"])
    with unit_of_work(db, TESTER) as uow:
        ss.delete_item(uow, sand, versions["item"])
    with unit_of_work(db, TESTER) as uow:
        ss.delete_warehouse(uow, w.south, versions["warehouse"])
    f = StockFilter(as_of=DAY, deleted=True)
    with db.read() as s:
        total = sq.trash_count(s, f)
        rows = sq.trash_page(s, f)
        by_name = sq.trash_page(s, f, sort="name")
        found = sq.trash_page(s, StockFilter(as_of=DAY, deleted=True, text="B2025"))
        assert sq.trash_count(s, StockFilter(as_of=DAY, deleted=True, text="没有")) == 0
    assert total == 3
    assert [(r.record, r.id) for r in rows] == [("warehouse", w.south), ("item", sand), ("batch", spare)]  # latest first
    batch = rows[2]
    assert (batch.batch_no, batch.item, batch.unit, batch.version, batch.deleted_by) == (
        "B2025-09", "正压式空气呼吸器", "套", versions["batch"] + 1, TESTER.name)
    assert batch.name == "批次“B2025-09”（正压式空气呼吸器）" and rows[0].name == "储备库“南城区应急物资储备库”"
    assert rows[1].record_label == "物资" and rows[1].item_code == "SD-001" and rows[0].expires_on is None
    assert [r.record for r in by_name] == ["warehouse", "batch", "item"]  # by name: "", 正压式…, 沙袋
    assert [r.id for r in found] == [spare]
    with db.read() as s:  # what is in the bin is no longer in the stock list, nor in the tree
        assert sq.count(s, StockFilter(as_of=DAY, include_empty=True, item_id=w.item)) == 0
        assert [n.warehouse_ids for n in sq.warehouses_tree(s)] == [(w.north,)]


def test_an_items_inspection_history_holds_its_batches_and_the_item_in_a_warehouse(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)
    move(db, "transfer", w.batch, w.north, 1, to_warehouse_id=w.south)
    with unit_of_work(db, TESTER) as uow:
        own = ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五"))
        north = ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.north,
                                                            inspected_on=date(2026, 12, 5), inspector="李四",
                                                            result="repair", notes="面罩老化"))
        south = ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.south,
                                                            inspected_on=date(2026, 12, 4), inspector="李四"))
    with db.read() as s:
        every = sq.inspections(s, w.item)
        here = sq.inspections(s, w.item, warehouse_id=w.north, newest_first=False)
    assert [r.id for r in every] == [north, south, own]
    assert [(r.scope, r.warehouse, r.result_label) for r in every] == [
        ("全部批次", "北城区应急物资储备库", "待修"), ("全部批次", "南城区应急物资储备库", "完好"), ("批次 B2026-01", "", "完好")]
    assert [r.id for r in here] == [own, north]
