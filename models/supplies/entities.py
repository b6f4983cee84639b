"""Stored entities of the supplies module (应急物资, domain.md §4): warehouses, items, batches, the
movement ledger, the balances it keeps, minimum stocks, inspections (of a batch, or of an item's
batches in a warehouse at once), and what plans need (supplies with quantities, and the minimum
staff on duty).

Movements are the only source of stock: a receipt (入库), an issue (出库), the two legs of a
transfer (调拨, one document number, one transaction), a write-off (报废) and a count adjustment
(盘点) each add one signed ``StockMovement`` row. ``StockBalance`` is the quantity per batch and
warehouse those rows add up to, kept in the same transaction for speed — derived data, not audited
(``stock reconcile`` proves it equals the ledger). Quantities are whole numbers of the item's unit
(套, 个, 台, 件, 袋 …; an item counted in fractions is kept in a smaller unit, 千克 not 吨).
A batch's usability is derived: expired, scrapped, or failed at its last inspection (待修, 报废) is
not usable (``models.supplies.rules``). Category codes are GB/T 38565-2020's 7-digit codes, the tree
shipped as reference data (``refdata/categories.json``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base, Entity
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan

WAREHOUSE_KINDS: dict[str, str] = {"reserve": "政府储备库", "enterprise": "企业储备点"}
ITEM_KINDS: dict[str, str] = {"consumable": "消耗品", "equipment": "装备"}
MOVEMENT_KINDS: dict[str, str] = {
    "receive": "入库", "issue": "出库", "transfer_out": "调出", "transfer_in": "调入", "scrap": "报废",
    "adjust": "盘点调整",
}
CONDITIONS: dict[str, str] = {"good": "完好", "repair": "待修", "scrapped": "报废"}


class Warehouse(Entity, Base):
    """储备库（点）: a government reserve of a district, or an enterprise's own store."""

    __tablename__ = "warehouse"
    __label__ = "储备库"
    __field_labels__ = {"name": "名称", "kind": "类型", "region_id": "所属区域", "enterprise_id": "所属企业",
                        "address": "地址", "keeper": "保管人", "phone": "联系电话", "notes": "备注",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="reserve")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    keeper: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise | None] = relationship()


class SupplyItem(Entity, Base):
    """物资品目: what is kept, by GB/T 38565 category, in one unit."""

    __tablename__ = "supply_item"
    __label__ = "物资品目"
    __field_labels__ = {"code": "物资编码", "name": "物资名称", "spec": "规格型号", "category_code": "物资类别",
                        "unit": "计量单位", "kind": "物资性质", "flood": "防汛物资",
                        "shelf_life_months": "保质期（月）", "inspection_days": "检查周期（天）",
                        "calibration_days": "检定周期（天）", "notes": "备注",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("code"), Index("ix_supply_item_category", "category_code"))

    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    spec: Mapped[str] = mapped_column(String(128), default="")
    category_code: Mapped[str] = mapped_column(String(7))
    unit: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="equipment")
    flood: Mapped[bool] = mapped_column(Boolean, default=False)
    shelf_life_months: Mapped[int | None] = mapped_column(Integer)
    inspection_days: Mapped[int | None] = mapped_column(Integer)
    calibration_days: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")


class MinimumStock(Entity, Base):
    """The minimum of an item a warehouse must hold (below it: an alert)."""

    __tablename__ = "minimum_stock"
    __label__ = "最低库存"
    __field_labels__ = {"item_id": "物资", "warehouse_id": "储备库", "quantity": "最低库存",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("warehouse_id", "item_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    quantity: Mapped[int] = mapped_column(Integer)


class SupplyBatch(Entity, Base):
    """批次: one delivery of an item, with its dates; its condition follows its last inspection."""

    __tablename__ = "supply_batch"
    __label__ = "物资批次"
    __field_labels__ = {"item_id": "物资", "batch_no": "批次号", "produced_on": "生产日期",
                        "expires_on": "有效期至", "supplier": "供应商", "calibrated_on": "检定日期",
                        "calibration_due": "下次检定", "condition": "状态", "inspected_on": "最近检查",
                        "inspection_due": "下次检查", "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("item_id", "batch_no"), Index("ix_supply_batch_expires", "expires_on"))

    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    batch_no: Mapped[str] = mapped_column(String(64))
    produced_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    supplier: Mapped[str] = mapped_column(String(128), default="")
    calibrated_on: Mapped[date | None] = mapped_column(Date)
    calibration_due: Mapped[date | None] = mapped_column(Date)
    condition: Mapped[str] = mapped_column(String(16), default="good")
    inspected_on: Mapped[date | None] = mapped_column(Date)
    inspection_due: Mapped[date | None] = mapped_column(Date)

    item: Mapped[SupplyItem] = relationship()


class StockMovement(Entity, Base):
    """One line of the ledger (台账): a signed quantity of a batch in a warehouse on a day.

    Written once and never changed (a mistake is corrected by another movement); the two legs of a
    transfer share ``doc_no`` and point at each other through ``pair_id``."""

    __tablename__ = "stock_movement"
    __label__ = "出入库记录"
    __immutable__ = True
    __field_labels__ = {"kind": "类型", "doc_no": "单据号", "moved_on": "日期", "batch_id": "批次",
                        "warehouse_id": "储备库", "quantity": "数量", "reason": "事由", "handler": "经办人",
                        "counterparty": "领用/来源单位", "pair_id": "对应调拨记录",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (Index("ix_stock_movement_place", "warehouse_id", "batch_id", "moved_on"),
                      Index("ix_stock_movement_doc", "doc_no"))

    kind: Mapped[str] = mapped_column(String(16))
    doc_no: Mapped[str] = mapped_column(String(64))
    moved_on: Mapped[date] = mapped_column(Date)
    batch_id: Mapped[int] = mapped_column(ForeignKey("supply_batch.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # + in, − out
    reason: Mapped[str] = mapped_column(Text, default="")
    handler: Mapped[str] = mapped_column(String(32), default="")
    counterparty: Mapped[str] = mapped_column(String(128), default="")
    pair_id: Mapped[int | None] = mapped_column(Integer)


class StockBalance(Base):
    """The quantity of a batch in a warehouse: the sum of its movements, kept by the movement service
    in the same transaction (derived, so not audited; ``stock reconcile`` proves it)."""

    __tablename__ = "stock_balance"
    __table_args__ = (PrimaryKeyConstraint("warehouse_id", "batch_id"),
                      Index("ix_stock_balance_batch", "batch_id"))

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("supply_batch.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)


class SupplyInspection(Entity, Base):
    """检查维护记录: of one batch (``batch_id``), or of an item in a warehouse (``item_id`` and
    ``warehouse_id``, no batch: every batch of the item held there was inspected together). The
    result changes the condition of the batches it covers (待修/报废 are not usable). ``warehouse_id``
    is where it was inspected (empty on a batch's inspection recorded without one)."""

    __tablename__ = "supply_inspection"
    __label__ = "检查维护记录"
    __field_labels__ = {"batch_id": "批次", "item_id": "物资", "warehouse_id": "储备库", "inspected_on": "检查日期",
                        "inspector": "检查人", "result": "检查结果", "notes": "情况说明", "next_due": "下次检查",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (Index("ix_supply_inspection_item", "item_id", "warehouse_id"),)

    batch_id: Mapped[int | None] = mapped_column(ForeignKey("supply_batch.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("supply_item.id"))  # an item-level inspection only
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))
    inspected_on: Mapped[date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_due: Mapped[date | None] = mapped_column(Date)


class PlanSupplyNeed(Entity, Base):
    """What a plan declares it needs of an item (its shortfall is counted against usable stock)."""

    __tablename__ = "plan_supply_need"
    __label__ = "预案所需物资"
    __field_labels__ = {"plan_id": "预案", "item_id": "物资", "quantity": "所需数量", "notes": "说明",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("plan_id", "item_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship()


class PlanStaffNeed(Entity, Base):
    """The minimum staff on duty a plan declares (应急值守人员), counted against the on-shift headcount
    of the plan's enterprise (``Enterprise.on_shift_headcount``). One row per plan, kept with the
    plan's other declared needs (the plans module's entities are not changed for it)."""

    __tablename__ = "plan_staff_need"
    __label__ = "预案应急值守人员"
    __field_labels__ = {"plan_id": "预案", "staff": "应急值守人员", "notes": "说明",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}
    __table_args__ = (UniqueConstraint("plan_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    staff: Mapped[int] = mapped_column(Integer)  # people on duty, at least 1
    notes: Mapped[str] = mapped_column(Text, default="")
