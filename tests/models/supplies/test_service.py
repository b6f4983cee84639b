"""Warehouses, items, batches, minimums, inspections and plan needs through the write path (both
backends): Chinese field errors, stale saves refused, stock blocking deletion, inspections changing
what is usable, and the trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.core.audit import history
from models.core.errors import ConflictError, PermissionDenied, StateError, ValidationError
from models.core.uow import Actor, unit_of_work
from models.supplies import service as ss
from models.supplies.entities import (
    MinimumStock,
    PlanStaffNeed,
    PlanSupplyNeed,
    SupplyBatch,
    SupplyInspection,
)
from tests.factories import TESTER, create_enterprise
from tests.models.plans.test_plan_service import new_plan, version_of
from tests.models.supplies.world import DAY, add_batch, build, item_data, move


def test_forms_load_what_was_saved_and_a_stale_save_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    with db.read() as s:
        data, version = ss.load_warehouse(s, w.north)
        item, item_version = ss.load_item(s, w.item)
        batch, batch_version = ss.load_batch(s, w.batch)
    assert data.name == "北城区应急物资储备库" and data.keeper == "李四" and version == 1
    assert item.code == "HX-001" and item.category_code == "2010101" and batch.expires_on == date(2027, 6, 30)
    with unit_of_work(db, TESTER) as uow:
        data.phone = "0539-8000002"
        assert ss.update_warehouse(uow, w.north, data, version) == 2
    with pytest.raises(ConflictError) as exc, unit_of_work(db, TESTER) as uow:
        ss.update_warehouse(uow, w.north, ss.WarehouseData(name="改名", region_id=data.region_id), version)
    assert "第 1 版" in str(exc.value) and "第 2 版" in str(exc.value) and "没有写入任何内容" in str(exc.value)
    with unit_of_work(db, TESTER) as uow:
        item.spec = "RHZKF6.8/30-2"
        ss.update_item(uow, w.item, item, item_version)
        batch.supplier = "某某消防器材有限公司"
        ss.update_batch(uow, w.batch, batch, batch_version)
    for update, entity_id, copy in ((ss.update_item, w.item, item), (ss.update_batch, w.batch, batch)):
        with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
            update(uow, entity_id, copy, 1)  # type: ignore[operator]
    with db.read() as s:
        assert ss.load_warehouse(s, w.north)[0].name == "北城区应急物资储备库"
        changes = {c.field: (c.before, c.after) for c in history(s, "warehouse", w.north) if c.action == "update"}
    assert changes == {"phone": ("0539-8000001", "0539-8000002")}


def test_warehouse_fields_are_checked(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    ent = create_enterprise(db, 1)
    cases = [
        (ss.WarehouseData(name=" "), "name", "不能为空"),
        (ss.WarehouseData(name="新库", kind="reserve"), "region_id", "政府储备库请选择所属区域"),
        (ss.WarehouseData(name="新库", kind="enterprise"), "enterprise_id", "企业储备点请选择所属企业"),
        (ss.WarehouseData(name="新库", kind="depot"), "kind", "请从 政府储备库、企业储备点 中选择"),
        (ss.WarehouseData(name="北城区应急物资储备库", kind="enterprise", enterprise_id=ent), "name",
         "已有名为“北城区应急物资储备库”的储备库"),
    ]
    for data, field, message in cases:
        with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
            ss.create_warehouse(uow, data)
        assert [e.message for e in exc.value.for_field(field)] == [message], field
    with unit_of_work(db, TESTER) as uow:
        store = ss.create_warehouse(uow, ss.WarehouseData(name="  化工 一厂 储备点 ", kind="enterprise",
                                                          enterprise_id=ent))
    with db.read() as s:
        data, _v = ss.load_warehouse(s, store)
    assert data.name == "化工 一厂 储备点" and data.region_id is not None  # the enterprise's region
    assert w.north


def test_item_fields_are_checked_against_the_category_tree(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    cases = [
        (item_data(2, category_code="2999998"), "category_code", "类别代码 2999998 不在物资分类表中"),
        (item_data(2, category_code=""), "category_code", "请选择物资类别"),
        (item_data(2, unit=""), "unit", "不能为空"),
        (item_data(2, kind="tool"), "kind", "请从 消耗品、装备 中选择"),
        (item_data(2, inspection_days=0), "inspection_days", "应在 1 到 3650 之间（不适用时留空）"),
        (item_data(1, name="另一个"), "code", "物资编码“HX-001”已被使用"),
    ]
    for data, field, message in cases:
        with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
            ss.create_item(uow, data)
        assert [e.message for e in exc.value.for_field(field)] == [message], field
    with unit_of_work(db, TESTER) as uow:
        other = ss.create_item(uow, item_data(2, code="hx-002", name="沙袋", category_code="3010102", unit="袋",
                                              kind="consumable", flood=True))
    with db.read() as s:
        assert ss.load_item(s, other)[0].code == "HX-002"  # codes are kept upper-case
    move(db, "receive", w.batch, w.north, 2)
    with db.read() as s:
        data, version = ss.load_item(s, w.item)
    data.unit = "个"
    with pytest.raises(ValidationError, match="已有库存按“套”记账，不能改计量单位"), unit_of_work(db, TESTER) as uow:
        ss.update_item(uow, w.item, data, version)


def test_batch_dates_are_derived_and_checked(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    with unit_of_work(db, TESTER) as uow:
        masks = ss.create_item(uow, item_data(3, name="过滤式防毒面具", category_code="2010102", unit="个",
                                              shelf_life_months=36, calibration_days=365))
    batch = add_batch(db, masks, "M-2026-1", None, produced_on=date(2026, 3, 15), calibrated_on=date(2026, 4, 1))
    with db.read() as s:
        data, _v = ss.load_batch(s, batch)
    assert data.expires_on == date(2029, 3, 14) and data.calibration_due == date(2027, 4, 1)
    cases = [
        (ss.BatchData(item_id=masks, batch_no="M-2026-1"), "batch_no", "物资“过滤式防毒面具”已有批次号“M-2026-1”"),
        (ss.BatchData(item_id=masks, batch_no="M-2", produced_on=date(2026, 5, 1), expires_on=date(2026, 4, 1)),
         "expires_on", "不能早于生产日期"),
        (ss.BatchData(item_id=None, batch_no="M-3"), "item_id", "请选择物资"),
        (ss.BatchData(item_id=masks, batch_no=""), "batch_no", "不能为空"),
    ]
    for data, field, message in cases:
        with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
            ss.create_batch(uow, data)
        assert [e.message for e in exc.value.for_field(field)] == [message], field
    assert w.batch


def test_what_holds_stock_cannot_be_deleted(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=4)
    move(db, "transfer", w.batch, w.north, 1, to_warehouse_id=w.south)
    with db.read() as s:
        versions = (ss.load_warehouse(s, w.north)[1], ss.load_item(s, w.item)[1], ss.load_batch(s, w.batch)[1])
    for delete, entity_id, version, message in (  # how much is held, and where
            (ss.delete_warehouse, w.north, versions[0],
             "储备库“北城区应急物资储备库”仍有 1 种物资的库存（账面数量）：正压式空气呼吸器 3 套。请先出库、调拨或报废后再删除。"),
            (ss.delete_item, w.item, versions[1],
             "物资“正压式空气呼吸器”仍有库存 4 套（账面数量）：北城区应急物资储备库 3 套、南城区应急物资储备库 1 套。"),
            (ss.delete_batch, w.batch, versions[2],
             "批次“B2026-01”仍有库存 4 套（账面数量）：北城区应急物资储备库 3 套、南城区应急物资储备库 1 套。")):
        with pytest.raises(StateError) as exc, unit_of_work(db, TESTER) as uow:
            delete(uow, entity_id, version)  # type: ignore[operator]
        assert str(exc.value).startswith(message)
    move(db, "transfer", w.batch, w.south, 1, to_warehouse_id=w.north)
    move(db, "scrap", w.batch, w.north, 4, reason="到期报废")
    with unit_of_work(db, TESTER) as uow:
        ss.delete_warehouse(uow, w.north, versions[0])
    with db.read() as s:
        version = ss.load_warehouse(s, w.north)[1]
    with unit_of_work(db, TESTER) as uow:
        ss.restore_warehouse(uow, w.north, version)
        ss.delete_batch(uow, w.batch, versions[2])
    with db.read() as s:
        version = ss.load_batch(s, w.batch)[1]
    with unit_of_work(db, TESTER) as uow:
        ss.restore_batch(uow, w.batch, version)
    with pytest.raises(StateError, match="不在回收站中"), unit_of_work(db, TESTER) as uow:
        ss.restore_batch(uow, w.batch, version + 1)


def test_an_inspection_sets_the_condition_and_the_next_due(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)
    with unit_of_work(db, TESTER) as uow:
        ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五",
                                                    result="repair", notes="气瓶压力不足"))
    with db.read() as s:
        batch = s.get(SupplyBatch, w.batch)
        assert (batch.condition, batch.inspected_on, batch.inspection_due) == ("repair", DAY, date(2027, 1, 2))
    with unit_of_work(db, TESTER) as uow:  # an older inspection entered late: logged, the batch unchanged
        ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=date(2026, 11, 1),
                                                    inspector="王五", result="good"))
        ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=date(2026, 12, 10),
                                                    inspector="王五", result="good", next_due=date(2027, 3, 1)))
    with db.read() as s:
        batch = s.get(SupplyBatch, w.batch)
        assert (batch.condition, batch.inspection_due) == ("good", date(2027, 3, 1))
    for data, field, message in (
            (ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector=""), "inspector", "不能为空"),
            (ss.InspectionData(batch_id=w.batch, inspector="王五"), "inspected_on", "请填写检查日期"),
            (ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五", result="ok"), "result",
             "请从 完好、待修、报废 中选择"),
            (ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五", next_due=DAY), "next_due",
             "应晚于检查日期")):
        with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
            ss.record_inspection(uow, data)
        assert [e.message for e in exc.value.for_field(field)] == [message]


def test_an_inspection_of_an_item_in_a_warehouse_covers_every_batch_held_there(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)
    second = add_batch(db, w.item, "B2026-02", date(2028, 1, 31))
    empty = add_batch(db, w.item, "B2026-03", date(2028, 1, 31))  # held nowhere: not covered
    elsewhere = add_batch(db, w.item, "B2026-04", date(2028, 1, 31))  # held in the south only
    move(db, "receive", second, w.north, 5)
    move(db, "receive", empty, w.north, 1)
    move(db, "issue", empty, w.north, 1)
    move(db, "receive", elsewhere, w.south, 3)

    def state(batch: int) -> tuple[str, date | None, date | None]:
        with db.read() as s:
            b = s.get(SupplyBatch, batch)
            return b.condition, b.inspected_on, b.inspection_due

    with unit_of_work(db, TESTER) as uow:  # the first batch's own inspection, later than the item's below
        ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, warehouse_id=w.north,
                                                    inspected_on=date(2026, 12, 10), inspector="王五", result="good"))
    with unit_of_work(db, TESTER) as uow:
        iid = ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.north, inspected_on=DAY,
                                                          inspector="李四", result="repair", notes="面罩老化"))
    assert state(w.batch) == ("good", date(2026, 12, 10), date(2027, 1, 9))  # its own later inspection wins
    assert state(second) == ("repair", DAY, date(2027, 1, 2))  # the item's 30-day interval
    assert state(empty)[1] is None and state(elsewhere)[1] is None  # nothing held here
    with db.read() as s:
        row = s.get(SupplyInspection, iid)
        assert (row.batch_id, row.item_id, row.warehouse_id, row.result) == (None, w.item, w.north, "repair")
    with unit_of_work(db, TESTER) as uow:  # entered late: logged, no batch changed
        ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.north,
                                                    inspected_on=date(2026, 11, 1), inspector="李四", result="scrapped"))
    assert state(second) == ("repair", DAY, date(2027, 1, 2)) and state(w.batch)[0] == "good"
    with unit_of_work(db, TESTER) as uow:  # the same day as the last one: the later entered wins, as for a batch
        ss.record_inspection(uow, ss.InspectionData(item_id=w.item, warehouse_id=w.north, inspected_on=date(2026, 12, 10),
                                                    inspector="李四", result="good", next_due=date(2027, 6, 1)))
    assert state(w.batch) == ("good", date(2026, 12, 10), date(2027, 6, 1))
    assert state(second) == ("good", date(2026, 12, 10), date(2027, 6, 1))
    with unit_of_work(db, TESTER) as uow:  # a batch's own inspection afterwards wins for that batch alone
        ss.record_inspection(uow, ss.InspectionData(batch_id=second, inspected_on=date(2026, 12, 11),
                                                    inspector="王五", result="scrapped"))
    assert state(second) == ("scrapped", date(2026, 12, 11), None) and state(w.batch)[0] == "good"
    with db.read() as s:
        assert len(list(s.scalars(select(SupplyInspection)))) == 5


def test_an_item_inspection_needs_a_warehouse_holding_the_item(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)
    for data, field, message in (
            (ss.InspectionData(item_id=w.item, inspected_on=DAY, inspector="李四"), "warehouse_id",
             "按物资检查请选择储备库（所选储备库已不存在）"),
            (ss.InspectionData(item_id=w.item, warehouse_id=w.south, inspected_on=DAY, inspector="李四"), "item_id",
             "储备库“南城区应急物资储备库”中没有“正压式空气呼吸器”的库存批次"),
            (ss.InspectionData(inspected_on=DAY, inspector="李四"), "item_id",
             "请选择要检查的批次或物资（所选物资已不存在）"),
            (ss.InspectionData(batch_id=w.batch, warehouse_id=9999, inspected_on=DAY, inspector="李四"), "warehouse_id",
             "所选储备库已不存在")):
        with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
            ss.record_inspection(uow, data)
        assert [e.message for e in exc.value.for_field(field)] == [message]
    with db.read() as s:
        assert list(s.scalars(select(SupplyInspection))) == []


def test_a_plans_minimum_staff_on_duty_is_kept_with_its_needs(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    plan = new_plan(db, create_enterprise(db, 1))
    version = version_of(db, plan)
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [(w.item, 2)], version, staff=6)
    with db.read() as s:
        assert ss.load_plan_staff(s, plan) == 6
    with unit_of_work(db, TESTER) as uow:  # staff not given: left as it is
        version = ss.set_plan_needs(uow, plan, [(w.item, 3)], version)
    with unit_of_work(db, TESTER) as uow:
        same = ss.set_plan_needs(uow, plan, [(w.item, 3)], version, staff=6)
    assert same == version  # nothing changed: the plan's version stays
    with db.read() as s:
        assert ss.load_plan_staff(s, plan) == 6
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [(w.item, 3)], version, staff=0)  # none required any more
    with db.read() as s:
        assert ss.load_plan_staff(s, plan) == 0
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [], version, staff=4)  # the same row, restored
    with db.read() as s:
        rows = list(s.scalars(select(PlanStaffNeed)))
        assert [(r.plan_id, r.staff, r.deleted_at) for r in rows] == [(plan, 4, None)]
        assert [c.action for c in history(s, "plan_staff_need", rows[0].id)][:1] == ["insert"]
    with pytest.raises(ValidationError, match="应急值守人员：应在 0 到 10000 人之间"), unit_of_work(db, TESTER) as uow:
        ss.set_plan_needs(uow, plan, [], version, staff=-1)
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
        ss.set_plan_needs(uow, plan, [], version - 1, staff=9)
    with db.read() as s:
        assert ss.load_plan_staff(s, plan) == 4


def _minimum(db, w):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return ss.load_minimum(s, w.north, w.item)


def test_minimums_are_set_changed_and_removed_with_the_version_read(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    assert _minimum(db, w) == (ss.MinimumData(None), None)  # none yet: the version to expect is None
    with unit_of_work(db, TESTER) as uow:
        mid = ss.set_minimum(uow, w.north, w.item, 2, None)
    data, version = _minimum(db, w)
    assert data.quantity == 2 and version == 1
    with unit_of_work(db, TESTER) as uow:
        assert ss.set_minimum(uow, w.north, w.item, 4, version) == mid
    with unit_of_work(db, TESTER) as uow:
        assert ss.set_minimum(uow, w.north, w.item, None, _minimum(db, w)[1]) is None
    assert _minimum(db, w) == (ss.MinimumData(None), None)  # removed: seen as none again
    with unit_of_work(db, TESTER) as uow:
        assert ss.set_minimum(uow, w.north, w.item, 3, None) == mid  # the same row, restored
    with db.read() as s:
        row = s.get(MinimumStock, mid)
        assert row.quantity == 3 and not row.is_deleted
    with pytest.raises(ValidationError, match="最低库存：应在 0 到 10000000 之间"), unit_of_work(db, TESTER) as uow:
        ss.set_minimum(uow, w.north, w.item, -1, _minimum(db, w)[1])


def test_two_desks_setting_a_minimum_from_the_same_read_the_second_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    _data, seen = _minimum(db, w)  # both desks read: no minimum
    with unit_of_work(db, TESTER) as uow:
        ss.set_minimum(uow, w.north, w.item, 10, seen)
    with pytest.raises(ConflictError) as exc, unit_of_work(db, TESTER) as uow:
        ss.set_minimum(uow, w.north, w.item, 20, seen)
    assert "此记录已被他人修改" in str(exc.value) and "您打开时还没有这条最低库存" in str(exc.value)
    assert "没有写入任何内容" in str(exc.value)
    _data, seen = _minimum(db, w)  # both read version 1 now
    with unit_of_work(db, TESTER) as uow:
        ss.set_minimum(uow, w.north, w.item, 12, seen)
    for wanted in (30, None):  # changing or removing from the stale read
        with pytest.raises(ConflictError) as exc, unit_of_work(db, TESTER) as uow:
            ss.set_minimum(uow, w.north, w.item, wanted, seen)
        assert "第 1 版" in str(exc.value) and "第 2 版" in str(exc.value)
    with unit_of_work(db, TESTER) as uow:  # removed by one desk …
        ss.set_minimum(uow, w.north, w.item, 0, 2)
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:  # … the other still had version 2
        ss.set_minimum(uow, w.north, w.item, 8, 2)
    assert _minimum(db, w) == (ss.MinimumData(None), None)


def test_plan_needs_replace_the_list_and_check_the_plan_version(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    plan = new_plan(db, create_enterprise(db, 1))
    with unit_of_work(db, TESTER) as uow:
        sand = ss.create_item(uow, item_data(5, name="沙袋", category_code="3010102", unit="袋", kind="consumable"))
    version = version_of(db, plan)
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [(w.item, 2), (sand, 500)], version)
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [(sand, 800)], version)
    with unit_of_work(db, TESTER) as uow:
        version = ss.set_plan_needs(uow, plan, [(sand, 800), (w.item, 4)], version)
    with db.read() as s:
        assert ss.load_plan_needs(s, plan) == ([(w.item, 4), (sand, 800)], version)
        assert len(list(s.scalars(select(PlanSupplyNeed)))) == 2  # the removed need came back as the same row
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
        ss.set_plan_needs(uow, plan, [], version - 1)
    with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
        ss.set_plan_needs(uow, plan, [(sand, 0), (sand, 3)], version)
    assert [str(e) for e in exc.value.errors] == ["第 1 行的所需数量：应在 1 到 10000000 之间",
                                                  "第 2 行的物资：同一物资只能列一次"]


def test_supplies_commands_need_the_staff_role(db) -> None:  # type: ignore[no-untyped-def]
    visitor = Actor("访客", roles=frozenset())
    with pytest.raises(PermissionDenied, match="用户“访客”无权执行“新建物资品目”"), unit_of_work(db, visitor) as uow:
        ss.create_item(uow, item_data(9))


def test_items_and_batches_many_at_once_all_or_nothing(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    rows = [item_data(10, code="JY-01", name="急救箱", category_code="2080101", unit="个"),
            item_data(11, code="HX-001"),  # taken in the database
            item_data(12, code="jy-01", name="急救包"),  # the same code as row 1 once cleaned
            item_data(13, code="SD-01", name="沙袋", category_code="39")]
    with db.read() as s:
        problems = ss.check_items(s, rows)
    assert [str(p) for p in problems] == ["第 2 行的物资编码：物资编码“HX-001”已被使用",
                                          "第 3 行的物资编码：物资编码“JY-01”与第 1 行重复",
                                          "第 4 行的物资类别：应为 GB/T 38565 的 7 位数字代码"]
    with pytest.raises(ValidationError, match="第 2 行的物资编码"), unit_of_work(db, TESTER) as uow:
        ss.import_items(uow, rows)
    with unit_of_work(db, TESTER) as uow:
        [kit] = ss.import_items(uow, rows[:1])
    with db.read() as s:
        assert ss.load_item(s, kit)[0].name == "急救箱"
        trail = history(s, "supply_item", kit)
    assert trail[0].action == "insert"
    batches = [ss.BatchData(item_id=kit, batch_no="K-1", produced_on=date(2026, 1, 1), expires_on=date(2028, 1, 1)),
               ss.BatchData(item_id=kit, batch_no="K-1"),
               ss.BatchData(item_id=w.item, batch_no="B2026-01"),
               ss.BatchData(item_id=9999, batch_no="X")]
    with db.read() as s:
        assert [str(p) for p in ss.check_batches(s, batches)] == [
            "第 2 行的批次号：物资“急救箱”的批次号“K-1”与第 1 行重复",
            "第 3 行的批次号：物资“正压式空气呼吸器”已有批次号“B2026-01”",
            "第 4 行的物资：所选物资已不存在，请重新选择"]
    with unit_of_work(db, TESTER) as uow:
        ids = ss.import_batches(uow, batches[:1])
    move(db, "receive", ids[0], w.north, 3)


def test_a_refusal_names_the_first_places_and_how_many_there_are() -> None:
    held = [(f"第{n}储备库", 10 - n, "套") for n in range(1, 8)]
    assert ss._listing(held[:2], "处") == "第1储备库 9 套、第2储备库 8 套"
    assert ss._listing(held, "处") == "第1储备库 9 套、第2储备库 8 套、第3储备库 7 套、第4储备库 6 套、第5储备库 5 套等 7 处"
