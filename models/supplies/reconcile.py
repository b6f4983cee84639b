"""账实核对: prove every kept balance equals the sum of its movements, and name any that does not.

``StockBalance`` is derived data kept by the movement service for speed; the ledger
(``StockMovement``, written once) is the truth. ``reconcile(session)`` compares the two for every
(warehouse, batch) in one pass in SQL — a balance without movements, movements without a balance,
a balance that differs from its movements, and a negative balance all count — and returns the
differences with their names, the biggest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from models.supplies.entities import StockBalance, StockMovement, SupplyBatch, SupplyItem, Warehouse


@dataclass(frozen=True)
class Difference:
    warehouse_id: int
    warehouse: str
    batch_id: int
    batch_no: str
    item_id: int | None
    item: str
    unit: str
    balance: int | None  # what StockBalance says (None: no balance row)
    ledger: int  # the sum of the movements

    @property
    def difference(self) -> int:
        return (self.balance or 0) - self.ledger

    def describe(self) -> str:
        where = f"{self.warehouse}（编号 {self.warehouse_id}）的{self.item}批次 {self.batch_no}（编号 {self.batch_id}）"
        if self.balance is None:
            return f"{where}：出入库记录合计 {self.ledger} {self.unit}，但没有库存余额记录"
        if self.balance < 0 and self.balance == self.ledger:
            return f"{where}：库存为负数 {self.balance} {self.unit}"
        return (f"{where}：库存余额 {self.balance} {self.unit}，出入库记录合计 {self.ledger} {self.unit}，"
                f"相差 {self.difference:+d}")


@dataclass(frozen=True)
class Result:
    checked: int  # (warehouse, batch) places compared
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def check(session: Session) -> Result:
    """Compare every balance with its movements; also counts what was checked."""
    sides = union_all(
        select(StockMovement.warehouse_id.label("w"), StockMovement.batch_id.label("b"),
               StockMovement.quantity.label("ledger"), literal(0).label("book"), literal(0).label("has")),
        select(StockBalance.warehouse_id, StockBalance.batch_id, literal(0), StockBalance.quantity, literal(1)),
    ).subquery("sides")
    per_place = (select(sides.c.w, sides.c.b, func.sum(sides.c.ledger).label("ledger"),
                        func.sum(sides.c.book).label("book"), func.max(sides.c.has).label("has"))
                 .group_by(sides.c.w, sides.c.b).subquery("places"))
    checked = int(session.scalar(select(func.count()).select_from(per_place)) or 0)
    query = (select(per_place.c.w, func.coalesce(Warehouse.name, "（已不存在的储备库）"), per_place.c.b,
                    func.coalesce(SupplyBatch.batch_no, "（已不存在的批次）"), SupplyItem.id,
                    func.coalesce(SupplyItem.name, "物资"), func.coalesce(SupplyItem.unit, ""),
                    per_place.c.book, per_place.c.ledger, per_place.c.has)
             .outerjoin(Warehouse, Warehouse.id == per_place.c.w)
             .outerjoin(SupplyBatch, SupplyBatch.id == per_place.c.b)
             .outerjoin(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
             .where((per_place.c.book != per_place.c.ledger) | (per_place.c.has == 0) | (per_place.c.book < 0)))
    found = []
    for w, wname, b, bno, iid, iname, unit, book, ledger, has in session.execute(query):
        if not has and not ledger:
            continue  # movements adding up to nothing and no balance row: nothing is held, nothing differs
        found.append(Difference(w, wname, b, bno, iid, iname, unit, int(book) if has else None, int(ledger)))
    found.sort(key=lambda d: (-abs(d.difference), d.warehouse, d.batch_no))
    return Result(checked, found)


def reconcile(session: Session) -> list[Difference]:
    """Every (warehouse, batch) whose balance is not the sum of its movements (or is negative)."""
    return check(session).differences
