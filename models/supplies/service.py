"""Supplies (S1, S2, S5, P9): the write services for warehouses, items, batches, minimum stocks,
inspections (of a batch, or of an item's batches in a warehouse) and what plans need (supplies and
the minimum staff on duty) — through the unit of work (role, audit, version check), with
Chinese field errors — and the forms' plain copies (``load_*`` returns the copy and its version).

Stock itself changes only through ``models.supplies.movements``. A warehouse, item or batch that
still holds stock cannot be deleted (issue or scrap it first; the refusal says how much is held
where); an inspection sets the condition (待修 and 报废 are not usable) and next due date of the
batches it covers. A minimum is saved with the version it was read at, like every form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.entities import Region
from models.core.errors import ConflictError, FieldError, NotFoundError, StateError, ValidationError
from models.core.records import copy_form, live_record, load_form, raise_errors, squash, text_limits
from models.core.uow import Command, UnitOfWork
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from models.supplies import rules
from models.supplies.entities import (
    CONDITIONS,
    ITEM_KINDS,
    WAREHOUSE_KINDS,
    MinimumStock,
    PlanStaffNeed,
    PlanSupplyNeed,
    StockBalance,
    SupplyBatch,
    SupplyInspection,
    SupplyItem,
    Warehouse,
)
from models.supplies.movements import Problem

ROLE = "staff"
CREATE_WAREHOUSE = Command("supplies.warehouse.create", "新建储备库", ROLE)
UPDATE_WAREHOUSE = Command("supplies.warehouse.update", "修改储备库", ROLE)
DELETE_WAREHOUSE = Command("supplies.warehouse.delete", "删除储备库", ROLE)
RESTORE_WAREHOUSE = Command("supplies.warehouse.restore", "恢复储备库", ROLE)
CREATE_ITEM = Command("supplies.item.create", "新建物资品目", ROLE)
UPDATE_ITEM = Command("supplies.item.update", "修改物资品目", ROLE)
DELETE_ITEM = Command("supplies.item.delete", "删除物资品目", ROLE)
RESTORE_ITEM = Command("supplies.item.restore", "恢复物资品目", ROLE)
CREATE_BATCH = Command("supplies.batch.create", "新建物资批次", ROLE)
UPDATE_BATCH = Command("supplies.batch.update", "修改物资批次", ROLE)
DELETE_BATCH = Command("supplies.batch.delete", "删除物资批次", ROLE)
RESTORE_BATCH = Command("supplies.batch.restore", "恢复物资批次", ROLE)
SET_MINIMUM = Command("supplies.minimum", "设置最低库存", ROLE)
INSPECT = Command("supplies.inspect", "登记检查维护", ROLE)
PLAN_NEEDS = Command("supplies.plan_needs", "设置预案所需物资", ROLE)


def _stock_of(session: Session, column: Any, entity_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(StockBalance.quantity), 0)).where(column == entity_id))
               or 0)


HELD_LISTED = 5  # places (or items) a refusal names before “等 N 处”


def _held_by(session: Session, column: Any, entity_id: int, by: Any) -> list[tuple[str, int, str]]:
    """What stock ``column == entity_id`` still holds, grouped by ``by`` (``Warehouse.name`` or
    ``SupplyItem.name``): [(name, quantity, unit)], the largest first."""
    rows = session.execute(
        select(by, func.sum(StockBalance.quantity), SupplyItem.unit)
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .join(SupplyItem, SupplyItem.id == StockBalance.item_id)
        .where(column == entity_id, StockBalance.quantity != 0)
        .group_by(by, SupplyItem.unit)).all()
    return sorted(((str(n), int(q), str(u)) for n, q, u in rows if q), key=lambda r: (-r[1], r[0]))


def _listing(held: Sequence[tuple[str, int, str]], noun: str) -> str:
    """“北城区应急物资储备库 6 套、南城区应急物资储备库 4 套” (the first few, then 等 N 处)."""
    text = "、".join(f"{name} {quantity} {unit}" for name, quantity, unit in held[:HELD_LISTED])
    return text + (f"等 {len(held)} {noun}" if len(held) > HELD_LISTED else "")


# ---- warehouses


@dataclass
class WarehouseData:
    """What the warehouse form edits (a plain copy)."""

    name: str = ""
    kind: str = "reserve"  # WAREHOUSE_KINDS
    region_id: int | None = None  # a government reserve: its district
    enterprise_id: int | None = None  # an enterprise's store: the enterprise
    address: str = ""
    keeper: str = ""
    phone: str = ""
    notes: str = ""

    def cleaned(self) -> WarehouseData:
        return replace(self, name=squash(self.name), address=squash(self.address), keeper=squash(self.keeper),
                       phone=squash(self.phone), notes=self.notes.strip())


def _check_warehouse(session: Session, data: WarehouseData, warehouse_id: int | None = None) -> WarehouseData:
    clean = data.cleaned()
    label = Warehouse.field_label
    errors = text_limits(Warehouse, clean, {"name": 128, "address": 256, "keeper": 32, "phone": 32})
    if not clean.name:
        errors.append(FieldError("name", label("name"), "不能为空"))
    if clean.kind not in WAREHOUSE_KINDS:
        errors.append(FieldError("kind", label("kind"), "请从 " + "、".join(WAREHOUSE_KINDS.values()) + " 中选择"))
    elif clean.kind == "reserve":
        if clean.region_id is None:
            errors.append(FieldError("region_id", label("region_id"), "政府储备库请选择所属区域"))
        elif live_record(session, Region, clean.region_id) is None:
            errors.append(FieldError("region_id", label("region_id"), "所选区域已不存在，请重新选择"))
        clean.enterprise_id = None
    else:
        if clean.enterprise_id is None:
            errors.append(FieldError("enterprise_id", label("enterprise_id"), "企业储备点请选择所属企业"))
        else:
            ent = live_record(session, Enterprise, clean.enterprise_id)
            if ent is None:
                errors.append(FieldError("enterprise_id", label("enterprise_id"), "所选企业已不存在，请重新选择"))
            elif clean.region_id is None:
                clean.region_id = ent.region_id
    if clean.name and not any(e.field == "name" for e in errors):
        same = select(Warehouse.id).where(Warehouse.name == clean.name, Warehouse.deleted_at.is_(None))
        if warehouse_id is not None:
            same = same.where(Warehouse.id != warehouse_id)
        if session.scalar(same.limit(1)) is not None:
            errors.append(FieldError("name", label("name"), f"已有名为“{clean.name}”的储备库"))
    raise_errors(errors)
    return clean


def create_warehouse(uow: UnitOfWork, data: WarehouseData) -> int:
    uow.require(CREATE_WAREHOUSE)
    clean = _check_warehouse(uow.session, data)
    row = Warehouse(**{f.name: getattr(clean, f.name) for f in fields(clean)})
    uow.add(row)
    uow.session.flush()
    return row.id


def update_warehouse(uow: UnitOfWork, warehouse_id: int, data: WarehouseData, expected_version: int) -> int:
    """Save the form over a warehouse; returns the new version."""
    uow.require(UPDATE_WAREHOUSE)
    row = uow.get_for_update(Warehouse, warehouse_id, expected_version)
    clean = _check_warehouse(uow.session, data, warehouse_id)
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_warehouse(uow: UnitOfWork, warehouse_id: int, expected_version: int) -> None:
    uow.require(DELETE_WAREHOUSE)
    row = uow.get_for_update(Warehouse, warehouse_id, expected_version)
    held = _held_by(uow.session, StockBalance.warehouse_id, warehouse_id, SupplyItem.name)
    if held:
        raise StateError(f"储备库“{row.name}”仍有 {len(held)} 种物资的库存（账面数量）：{_listing(held, '种')}。"
                         "请先出库、调拨或报废后再删除。")
    uow.soft_delete(row)
    uow.session.flush()


def restore_warehouse(uow: UnitOfWork, warehouse_id: int, expected_version: int) -> int:
    uow.require(RESTORE_WAREHOUSE)
    row = uow.get_from_bin(Warehouse, warehouse_id, expected_version, lambda r: f"储备库“{r.name}”")
    _check_warehouse(uow.session, load_warehouse(uow.session, warehouse_id)[0], warehouse_id)
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_warehouse(session: Session, warehouse_id: int) -> tuple[WarehouseData, int]:
    return load_form(session, Warehouse, warehouse_id, WarehouseData)  # type: ignore[return-value]


# ---- items


@dataclass
class ItemData:
    """What the item form edits (a plain copy)."""

    code: str = ""  # 物资编码, unique
    name: str = ""
    category_code: str = ""  # GB/T 38565, a code of refdata/categories.json
    unit: str = ""
    spec: str = ""
    kind: str = "equipment"  # ITEM_KINDS
    flood: bool = False  # 防汛物资
    shelf_life_months: int | None = None
    inspection_days: int | None = None
    calibration_days: int | None = None
    notes: str = ""

    def cleaned(self) -> ItemData:
        return replace(self, code=squash(self.code).upper(), name=squash(self.name),
                       category_code=squash(self.category_code), unit=squash(self.unit), spec=squash(self.spec),
                       notes=self.notes.strip())


def check_item(data: ItemData) -> tuple[ItemData, list[FieldError]]:
    """The cleaned copy and its problems that need no database (imports check whole files with it)."""
    clean = data.cleaned()
    label = SupplyItem.field_label
    errors = text_limits(SupplyItem, clean, {"code": 32, "name": 128, "spec": 128, "unit": 16})
    for name in ("code", "name", "unit"):
        if not getattr(clean, name):
            errors.append(FieldError(name, label(name), "不能为空"))
    if not clean.category_code:
        errors.append(FieldError("category_code", label("category_code"), "请选择物资类别"))
    else:
        problem = rules.check_category(clean.category_code)
        if problem:
            errors.append(FieldError("category_code", label("category_code"), problem))
    if clean.kind not in ITEM_KINDS:
        errors.append(FieldError("kind", label("kind"), "请从 " + "、".join(ITEM_KINDS.values()) + " 中选择"))
    for name, top in (("shelf_life_months", 600), ("inspection_days", 3650), ("calibration_days", 3650)):
        value = getattr(clean, name)
        if value is not None and not 1 <= value <= top:
            errors.append(FieldError(name, label(name), f"应在 1 到 {top} 之间（不适用时留空）"))
    return clean, errors


def _check_item(session: Session, data: ItemData, item_id: int | None = None) -> ItemData:
    clean, errors = check_item(data)
    if clean.code and not any(e.field == "code" for e in errors):
        same = select(SupplyItem.id, SupplyItem.deleted_at).where(SupplyItem.code == clean.code)
        for other, deleted in session.execute(same):
            if other != item_id:
                where = "（在回收站中，可恢复）" if deleted is not None else ""
                errors.append(FieldError("code", SupplyItem.field_label("code"), f"物资编码“{clean.code}”已被使用{where}"))
    raise_errors(errors)
    return clean


def create_item(uow: UnitOfWork, data: ItemData) -> int:
    uow.require(CREATE_ITEM)
    clean = _check_item(uow.session, data)
    row = SupplyItem(**{f.name: getattr(clean, f.name) for f in fields(clean)})
    uow.add(row)
    uow.session.flush()
    return row.id


def update_item(uow: UnitOfWork, item_id: int, data: ItemData, expected_version: int) -> int:
    uow.require(UPDATE_ITEM)
    row = uow.get_for_update(SupplyItem, item_id, expected_version)
    clean = _check_item(uow.session, data, item_id)
    if clean.unit != row.unit and _stock_of(uow.session, StockBalance.item_id, item_id):
        raise ValidationError([FieldError("unit", SupplyItem.field_label("unit"),
                                          f"已有库存按“{row.unit}”记账，不能改计量单位")])
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_item(uow: UnitOfWork, item_id: int, expected_version: int) -> None:
    uow.require(DELETE_ITEM)
    row = uow.get_for_update(SupplyItem, item_id, expected_version)
    held = _held_by(uow.session, StockBalance.item_id, item_id, Warehouse.name)
    if held:
        raise StateError(f"物资“{row.name}”仍有库存 {sum(q for _n, q, _u in held)} {row.unit}（账面数量）："
                         f"{_listing(held, '处')}。请先出库、调拨或报废后再删除。")
    uow.soft_delete(row)
    uow.session.flush()


def restore_item(uow: UnitOfWork, item_id: int, expected_version: int) -> int:
    uow.require(RESTORE_ITEM)
    row = uow.get_from_bin(SupplyItem, item_id, expected_version, lambda r: f"物资“{r.name}”")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_item(session: Session, item_id: int) -> tuple[ItemData, int]:
    return load_form(session, SupplyItem, item_id, ItemData)  # type: ignore[return-value]


# ---- batches


@dataclass
class BatchData:
    """What the batch form edits (a plain copy). ``expires_on`` left empty is derived from the item's
    shelf life and the production date; ``calibration_due`` from the item's calibration interval."""

    item_id: int | None = None
    batch_no: str = ""
    produced_on: date | None = None
    expires_on: date | None = None
    supplier: str = ""
    calibrated_on: date | None = None
    calibration_due: date | None = None
    inspection_due: date | None = None
    condition: str = "good"  # CONDITIONS; afterwards set by inspections

    def cleaned(self) -> BatchData:
        return replace(self, batch_no=squash(self.batch_no), supplier=squash(self.supplier))


def _check_batch(session: Session, data: BatchData, batch_id: int | None = None) -> BatchData:
    item = live_record(session, SupplyItem, data.item_id)
    clean, errors = _batch_row(data, item)
    if item is not None and clean.batch_no and not any(e.field == "batch_no" for e in errors):
        same = select(SupplyBatch.id).where(SupplyBatch.item_id == item.id, SupplyBatch.batch_no == clean.batch_no)
        if any(other != batch_id for other in session.scalars(same)):
            errors.append(FieldError("batch_no", SupplyBatch.field_label("batch_no"),
                                     f"物资“{item.name}”已有批次号“{clean.batch_no}”"))
    raise_errors(errors)
    return clean


def create_batch(uow: UnitOfWork, data: BatchData) -> int:
    uow.require(CREATE_BATCH)
    clean = _check_batch(uow.session, data)
    row = SupplyBatch(**{f.name: getattr(clean, f.name) for f in fields(clean)})
    uow.add(row)
    uow.session.flush()
    return row.id


def update_batch(uow: UnitOfWork, batch_id: int, data: BatchData, expected_version: int) -> int:
    uow.require(UPDATE_BATCH)
    row = uow.get_for_update(SupplyBatch, batch_id, expected_version)
    clean = _check_batch(uow.session, data, batch_id)
    if clean.item_id != row.item_id:
        raise ValidationError([FieldError("item_id", SupplyBatch.field_label("item_id"), "批次所属的物资不能更改")])
    copy_form(clean, row)
    uow.session.flush()
    return row.version


def delete_batch(uow: UnitOfWork, batch_id: int, expected_version: int) -> None:
    uow.require(DELETE_BATCH)
    row = uow.get_for_update(SupplyBatch, batch_id, expected_version)
    held = _held_by(uow.session, StockBalance.batch_id, batch_id, Warehouse.name)
    if held:
        raise StateError(f"批次“{row.batch_no}”仍有库存 {sum(q for _n, q, _u in held)} {held[0][2]}（账面数量）："
                         f"{_listing(held, '处')}。请先出库、调拨或报废后再删除。")
    uow.soft_delete(row)
    uow.session.flush()


def restore_batch(uow: UnitOfWork, batch_id: int, expected_version: int) -> int:
    uow.require(RESTORE_BATCH)
    row = uow.get_from_bin(SupplyBatch, batch_id, expected_version, lambda r: f"批次“{r.batch_no}”")
    item = uow.session.get(SupplyItem, row.item_id)
    if item is None or item.is_deleted:
        raise StateError(f"批次“{row.batch_no}”所属的物资已删除，请先恢复物资。")
    uow.restore(row)
    uow.session.flush()
    return row.version


def load_batch(session: Session, batch_id: int) -> tuple[BatchData, int]:
    return load_form(session, SupplyBatch, batch_id, BatchData)  # type: ignore[return-value]


# ---- minimum stocks


def _minimum_row(session: Session, warehouse_id: int, item_id: int) -> MinimumStock | None:
    return session.scalar(select(MinimumStock).where(MinimumStock.warehouse_id == warehouse_id,
                                                     MinimumStock.item_id == item_id))


@dataclass
class MinimumData:
    """What the minimum form edits: the warehouse's minimum of an item (None: none is set)."""

    quantity: int | None = None


def load_minimum(session: Session, warehouse_id: int, item_id: int) -> tuple[MinimumData, int | None]:
    """A warehouse's minimum of an item and the version to save it with (None: no minimum is set,
    which is what ``set_minimum`` then expects)."""
    row = _minimum_row(session, warehouse_id, item_id)
    if row is None or row.is_deleted:
        return MinimumData(None), None
    return MinimumData(row.quantity), row.version


def set_minimum(uow: UnitOfWork, warehouse_id: int, item_id: int, quantity: int | None,
                expected_version: int | None) -> int | None:
    """Set (or with ``quantity`` None or 0, remove) a warehouse's minimum stock of an item; returns
    the minimum's id (None when there is none afterwards). ``expected_version`` is the version of the
    minimum the caller saw (``load_minimum``; None when it saw none): a minimum set, changed or
    removed by somebody else since is refused with ``ConflictError``, nothing written."""
    uow.require(SET_MINIMUM)
    errors = []
    if live_record(uow.session, Warehouse, warehouse_id) is None:
        errors.append(FieldError("warehouse_id", MinimumStock.field_label("warehouse_id"), "所选储备库已不存在"))
    if live_record(uow.session, SupplyItem, item_id) is None:
        errors.append(FieldError("item_id", MinimumStock.field_label("item_id"), "所选物资已不存在"))
    if quantity is not None and not 0 <= quantity <= 10_000_000:
        errors.append(FieldError("quantity", MinimumStock.field_label("quantity"), "应在 0 到 10000000 之间"))
    raise_errors(errors)
    row = _minimum_row(uow.session, warehouse_id, item_id)
    if row is not None:
        if expected_version is None and not row.is_deleted:  # somebody set one since the caller looked
            raise ConflictError(MinimumStock.__label__, row.id, None, row.version)
        if expected_version is not None:
            row = uow.get_for_update(MinimumStock, row.id, expected_version, include_deleted=True)
    elif expected_version is not None:  # the caller saw a minimum that is not there (never happens by itself)
        raise ConflictError(MinimumStock.__label__, None, expected_version, None)
    if not quantity:
        if row is not None and not row.is_deleted:
            uow.soft_delete(row)
            uow.session.flush()
        return None
    if row is None:
        row = MinimumStock(warehouse_id=warehouse_id, item_id=item_id, quantity=quantity)
        uow.add(row)
    else:
        if row.is_deleted:
            uow.restore(row)
        row.quantity = quantity
    uow.session.flush()
    return row.id


# ---- inspections


@dataclass
class InspectionData:
    """An inspection of one batch (``batch_id``), or — ``batch_id`` None — of an item in a warehouse
    (``item_id``, ``warehouse_id``): every batch of the item held there is inspected at once."""

    batch_id: int | None = None
    inspected_on: date | None = None
    inspector: str = ""
    result: str = "good"  # CONDITIONS: 完好 / 待修 / 报废
    notes: str = ""
    next_due: date | None = None  # empty: the item's inspection interval after the inspection
    item_id: int | None = None  # an item-level inspection: the item …
    warehouse_id: int | None = None  # … and where (a batch's own: where it was inspected, may be empty)


def held_batches(session: Session, warehouse_id: int, item_id: int) -> list[SupplyBatch]:
    """The live batches of an item with stock in a warehouse (what an item-level inspection covers),
    by expiry."""
    return list(session.scalars(
        select(SupplyBatch).join(StockBalance, StockBalance.batch_id == SupplyBatch.id)
        .where(StockBalance.warehouse_id == warehouse_id, StockBalance.item_id == item_id,
               StockBalance.quantity > 0, SupplyBatch.deleted_at.is_(None))
        .order_by(SupplyBatch.expires_on, SupplyBatch.batch_no, SupplyBatch.id)))


def record_inspection(uow: UnitOfWork, data: InspectionData) -> int:
    """Record an inspection of a batch, or of every batch of an item with stock in a warehouse.
    Each batch's latest inspection — its own or its item's, whichever is later by date (the later
    entered on the same day) — sets its condition (待修/报废 make it unusable) and its next due
    date; an inspection entered late (older than a batch's last one) is kept in the log without
    changing that batch. Returns the inspection's id."""
    uow.require(INSPECT)
    label = SupplyInspection.field_label
    inspector, notes = squash(data.inspector), data.notes.strip()
    errors = []
    batches: list[SupplyBatch] = []
    item: SupplyItem | None = None
    warehouse = live_record(uow.session, Warehouse, data.warehouse_id)
    if data.batch_id is not None:
        batch = live_record(uow.session, SupplyBatch, data.batch_id)
        if batch is None:
            errors.append(FieldError("batch_id", label("batch_id"), "所选批次已不存在"))
        else:
            batches, item = [batch], batch.item
    else:
        item = live_record(uow.session, SupplyItem, data.item_id)
        if item is None:
            errors.append(FieldError("item_id", label("item_id"), "请选择要检查的批次或物资（所选物资已不存在）"))
        elif warehouse is None:
            errors.append(FieldError("warehouse_id", label("warehouse_id"), "按物资检查请选择储备库（所选储备库已不存在）"))
        else:
            batches = held_batches(uow.session, warehouse.id, item.id)
            if not batches:
                errors.append(FieldError("item_id", label("item_id"),
                                         f"储备库“{warehouse.name}”中没有“{item.name}”的库存批次"))
    if data.warehouse_id is not None and warehouse is None and data.batch_id is not None:
        errors.append(FieldError("warehouse_id", label("warehouse_id"), "所选储备库已不存在"))
    if data.inspected_on is None:
        errors.append(FieldError("inspected_on", label("inspected_on"), "请填写检查日期"))
    if not inspector:
        errors.append(FieldError("inspector", label("inspector"), "不能为空"))
    elif len(inspector) > 32:
        errors.append(FieldError("inspector", label("inspector"), f"最多 32 个字，现为 {len(inspector)} 个字"))
    if data.result not in CONDITIONS:
        errors.append(FieldError("result", label("result"), "请从 " + "、".join(CONDITIONS.values()) + " 中选择"))
    if data.inspected_on and data.next_due and data.next_due <= data.inspected_on:
        errors.append(FieldError("next_due", label("next_due"), "应晚于检查日期"))
    raise_errors(errors)
    assert item is not None and data.inspected_on is not None
    due = data.next_due
    if due is None and data.result != "scrapped":
        due = rules.next_due(data.inspected_on, item.inspection_days)
    row = SupplyInspection(batch_id=data.batch_id, item_id=None if data.batch_id is not None else item.id,
                           warehouse_id=warehouse.id if warehouse is not None else None,
                           inspected_on=data.inspected_on, inspector=inspector, result=data.result, notes=notes,
                           next_due=due)
    uow.add(row)
    for batch in batches:
        if batch.inspected_on is None or data.inspected_on >= batch.inspected_on:
            batch.condition, batch.inspected_on, batch.inspection_due = data.result, data.inspected_on, due
    uow.session.flush()
    return row.id


# ---- what plans need


MAX_STAFF = 10_000


def set_plan_needs(uow: UnitOfWork, plan_id: int, needs: Sequence[tuple[int, int]], expected_version: int, *,
                   staff: int | None = None) -> int:
    """Make a plan's declared needs exactly ``needs`` ([(item id, quantity)], quantity ≥ 1) and, when
    ``staff`` is given, its minimum staff on duty (应急值守人员; 0: none required; None leaves it as it
    is); the plan's version is checked and bumped. Returns the plan's new version."""
    uow.require(PLAN_NEEDS)
    plan = uow.get_for_update(Plan, plan_id, expected_version)
    label = PlanSupplyNeed.field_label
    errors: list[FieldError] = []
    if staff is not None and not 0 <= staff <= MAX_STAFF:
        errors.append(FieldError("staff", PlanStaffNeed.field_label("staff"), f"应在 0 到 {MAX_STAFF} 人之间（不要求时填 0）"))
    wanted: dict[int, int] = {}
    for n, (item_id, quantity) in enumerate(needs, start=1):
        if item_id in wanted:
            errors.append(FieldError("item_id", f"第 {n} 行的{label('item_id')}", "同一物资只能列一次"))
        if live_record(uow.session, SupplyItem, item_id) is None:
            errors.append(FieldError("item_id", f"第 {n} 行的{label('item_id')}", "所选物资已不存在"))
        if not 1 <= quantity <= 10_000_000:
            errors.append(FieldError("quantity", f"第 {n} 行的{label('quantity')}", "应在 1 到 10000000 之间"))
        wanted[item_id] = quantity
    raise_errors(errors)
    existing = {r.item_id: r for r in uow.session.scalars(select(PlanSupplyNeed).where(
        PlanSupplyNeed.plan_id == plan_id))}
    changed = False
    for item_id, quantity in wanted.items():
        row = existing.get(item_id)
        if row is None:
            uow.add(PlanSupplyNeed(plan_id=plan_id, item_id=item_id, quantity=quantity))
            changed = True
            continue
        if row.is_deleted:
            uow.restore(row)
            changed = True
        if row.quantity != quantity:
            row.quantity = quantity
            changed = True
    for item_id, row in existing.items():
        if item_id not in wanted and not row.is_deleted:
            uow.soft_delete(row)
            changed = True
    if staff is not None:
        changed = _set_staff(uow, plan_id, staff) or changed
    if changed:
        uow.touch(plan)
    uow.session.flush()
    return plan.version


def _set_staff(uow: UnitOfWork, plan_id: int, staff: int) -> bool:
    """The plan's 应急值守人员 row made ``staff`` (0: none); whether anything changed."""
    row = uow.session.scalar(select(PlanStaffNeed).where(PlanStaffNeed.plan_id == plan_id))
    if not staff:
        if row is None or row.is_deleted:
            return False
        uow.soft_delete(row)
        return True
    if row is None:
        uow.add(PlanStaffNeed(plan_id=plan_id, staff=staff))
        return True
    changed = row.is_deleted or row.staff != staff
    if row.is_deleted:
        uow.restore(row)
    row.staff = staff
    return changed


def load_plan_staff(session: Session, plan_id: int) -> int:
    """The minimum staff on duty a plan declares (0: none)."""
    return int(session.scalar(select(PlanStaffNeed.staff).where(PlanStaffNeed.plan_id == plan_id,
                                                                PlanStaffNeed.deleted_at.is_(None))) or 0)


def load_plan_needs(session: Session, plan_id: int) -> tuple[list[tuple[int, int]], int]:
    """A plan's declared needs [(item id, quantity)] and the plan's version (for ``set_plan_needs``)."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.is_deleted:
        raise NotFoundError(Plan.__label__, plan_id)
    rows = session.execute(select(PlanSupplyNeed.item_id, PlanSupplyNeed.quantity).where(
        PlanSupplyNeed.plan_id == plan_id, PlanSupplyNeed.deleted_at.is_(None)).order_by(PlanSupplyNeed.id))
    return [(i, q) for i, q in rows], plan.version


# ---- many at once (imports, the demo)

IMPORT_ITEMS = Command("supplies.item.import", "批量导入物资品目", ROLE)
IMPORT_BATCHES = Command("supplies.batch.import", "批量导入物资批次", ROLE)


def _problems_raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError([FieldError(p.field, f"第 {p.row} 行的{p.label}", p.message) for p in problems])


def check_items(session: Session, rows: Sequence[ItemData]) -> list[Problem]:
    """Every problem of many new items, without writing (an import's error workbook): the form's
    checks, and codes already used — in the database or by an earlier row."""
    problems: list[Problem] = []
    cleaned = [check_item(r) for r in rows]
    codes = [c.code for c, _e in cleaned if c.code]
    taken: dict[str, bool] = {}
    for start in range(0, len(codes), 2000):
        taken.update({code: deleted is not None for code, deleted in session.execute(
            select(SupplyItem.code, SupplyItem.deleted_at).where(SupplyItem.code.in_(codes[start:start + 2000])))})
    seen: dict[str, int] = {}
    label = SupplyItem.field_label("code")
    for n, (clean, errors) in enumerate(cleaned, start=1):
        problems += [Problem(n, e.field, e.label, e.message) for e in errors]
        if clean.code and not any(e.field == "code" for e in errors):
            if clean.code in taken:
                where = "（在回收站中，可恢复）" if taken[clean.code] else ""
                problems.append(Problem(n, "code", label, f"物资编码“{clean.code}”已被使用{where}"))
            elif clean.code in seen:
                problems.append(Problem(n, "code", label, f"物资编码“{clean.code}”与第 {seen[clean.code]} 行重复"))
            seen.setdefault(clean.code, n)
    return problems


def import_items(uow: UnitOfWork, rows: Sequence[ItemData]) -> list[int]:
    """Write many new items at once (all or nothing: any problem raises, naming 第 N 行); their ids."""
    uow.require(IMPORT_ITEMS)
    _problems_raise(check_items(uow.session, rows))
    clean = [check_item(r)[0] for r in rows]
    ids = uow.reserve_ids(SupplyItem, len(clean))
    uow.insert_rows(SupplyItem, [{"id": i, **{f.name: getattr(c, f.name) for f in fields(c)}}
                                 for i, c in zip(ids, clean, strict=True)])
    return ids


def _batch_row(data: BatchData, item: SupplyItem | None) -> tuple[BatchData, list[FieldError]]:
    clean = data.cleaned()
    label = SupplyBatch.field_label
    errors = text_limits(SupplyBatch, clean, {"batch_no": 64, "supplier": 128})
    if clean.item_id is None:
        errors.append(FieldError("item_id", label("item_id"), "请选择物资"))
    elif item is None:
        errors.append(FieldError("item_id", label("item_id"), "所选物资已不存在，请重新选择"))
    if not clean.batch_no:
        errors.append(FieldError("batch_no", label("batch_no"), "不能为空"))
    if clean.condition not in CONDITIONS:
        errors.append(FieldError("condition", label("condition"), "请从 " + "、".join(CONDITIONS.values()) + " 中选择"))
    if item is not None:
        if clean.expires_on is None:
            clean.expires_on = rules.expiry_from_shelf_life(clean.produced_on, item.shelf_life_months)
        if clean.calibration_due is None:
            clean.calibration_due = rules.next_due(clean.calibrated_on, item.calibration_days)
    if clean.produced_on and clean.expires_on and clean.expires_on < clean.produced_on:
        errors.append(FieldError("expires_on", label("expires_on"), "不能早于生产日期"))
    if clean.calibrated_on and clean.calibration_due and clean.calibration_due < clean.calibrated_on:
        errors.append(FieldError("calibration_due", label("calibration_due"), "不能早于检定日期"))
    return clean, errors


def _items_of(session: Session, ids: Sequence[int | None]) -> dict[int, SupplyItem]:
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, SupplyItem] = {}
    for start in range(0, len(wanted), 2000):
        out.update({i.id: i for i in session.scalars(select(SupplyItem).where(
            SupplyItem.id.in_(wanted[start:start + 2000]), SupplyItem.deleted_at.is_(None)))})
    return out


def check_batches(session: Session, rows: Sequence[BatchData]) -> list[Problem]:
    """Every problem of many new batches, without writing: the form's checks, and batch numbers an
    item already has — in the database or in an earlier row."""
    items = _items_of(session, [r.item_id for r in rows])
    cleaned = [_batch_row(r, items.get(r.item_id) if r.item_id is not None else None) for r in rows]
    taken: set[tuple[int, str]] = set()
    item_ids = sorted(items)
    for start in range(0, len(item_ids), 500):
        taken.update(session.execute(select(SupplyBatch.item_id, SupplyBatch.batch_no).where(
            SupplyBatch.item_id.in_(item_ids[start:start + 500]))).all())
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    label = SupplyBatch.field_label("batch_no")
    for n, (clean, errors) in enumerate(cleaned, start=1):
        problems += [Problem(n, e.field, e.label, e.message) for e in errors]
        if not errors and clean.item_id is not None:
            key = (clean.item_id, clean.batch_no)
            name = items[clean.item_id].name
            if key in taken:
                problems.append(Problem(n, "batch_no", label, f"物资“{name}”已有批次号“{clean.batch_no}”"))
            elif key in seen:
                problems.append(Problem(n, "batch_no", label, f"物资“{name}”的批次号“{clean.batch_no}”与第 {seen[key]} 行重复"))
            seen.setdefault(key, n)
    return problems


def import_batches(uow: UnitOfWork, rows: Sequence[BatchData]) -> list[int]:
    """Write many new batches at once (all or nothing, naming 第 N 行); their ids. Dates left empty
    are derived from the item as ``create_batch`` derives them."""
    uow.require(IMPORT_BATCHES)
    _problems_raise(check_batches(uow.session, rows))
    items = _items_of(uow.session, [r.item_id for r in rows])
    clean = [_batch_row(r, items[r.item_id])[0] for r in rows]  # type: ignore[index]
    ids = uow.reserve_ids(SupplyBatch, len(clean))
    uow.insert_rows(SupplyBatch, [{"id": i, **{f.name: getattr(c, f.name) for f in fields(c)}}
                                  for i, c in zip(ids, clean, strict=True)])
    return ids
