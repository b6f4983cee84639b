"""附件 应急物资装备清单 of a printed plan, built from the live ledger (the supplies module's annex
builder, listed in ``plans.annexes.BUILDERS``).

The list is what the plan's enterprise holds in its own warehouses on ``as_of``, one row per item
and warehouse: name, specification, usable quantity (book quantity beside it when they differ),
the nearest expiry of the usable batches and where it is kept; under it each warehouse's address
and who keeps it (管理责任人 and phone). When the plan declares
what it needs (``PlanSupplyNeed``), a second table sets each need against the usable stock with the
shortfall; the pre-print check gets a warning for every shortfall and for expired or unusable stock
still on the books. An enterprise without any stock gets None (the annex is printed as bound
separately) unless the plan declares needs, which are then all short. The plan's minimum staff on
duty (应急值守人员), when it declares one, is a sentence under the tables with the enterprise's
on-shift headcount (a warning when short).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from models.supplies.entities import StockBalance, SupplyBatch, SupplyItem, Warehouse
from models.supplies.queries import usable_clause
from models.supplies.shortfalls import plan_needs
from plans.document import Block, Cell, Paragraph, Table
from plans.plans.annexes import AnnexBuilder, AnnexContent

__all__ = ["SUPPLIES", "supplies_annex"]


@dataclass(frozen=True)
class _Row:
    item: str
    spec: str
    unit: str
    usable: int
    book: int
    expires: date | None
    warehouse: str
    address: str
    keeper: str
    phone: str


def _rows(session: Session, enterprise_id: int, as_of: date) -> list[_Row]:
    usable = usable_clause(as_of)
    stmt = (select(SupplyItem.code, SupplyItem.name, SupplyItem.spec, SupplyItem.unit,
                   func.sum(case((usable, StockBalance.quantity), else_=0)).label("usable"),
                   func.sum(StockBalance.quantity).label("book"),
                   func.min(case((usable, SupplyBatch.expires_on), else_=None)).label("expires"),
                   Warehouse.name.label("warehouse"), Warehouse.address, Warehouse.keeper, Warehouse.phone)
            .select_from(StockBalance)
            .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
            .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
            .join(SupplyItem, SupplyItem.id == StockBalance.item_id)
            .where(Warehouse.enterprise_id == enterprise_id, Warehouse.deleted_at.is_(None),
                   SupplyBatch.deleted_at.is_(None), SupplyItem.deleted_at.is_(None), StockBalance.quantity != 0)
            .group_by(SupplyItem.code, SupplyItem.name, SupplyItem.spec, SupplyItem.unit, Warehouse.id,
                      Warehouse.name, Warehouse.address, Warehouse.keeper, Warehouse.phone)
            .order_by(SupplyItem.code, Warehouse.name, Warehouse.id))
    return [_Row(r.name, r.spec, r.unit, int(r.usable or 0), int(r.book or 0), r.expires, r.warehouse, r.address,
                 r.keeper, r.phone) for r in session.execute(stmt)]


def _quantity(usable: int, book: int, unit: str) -> str:
    return f"{usable} {unit}" if usable == book else f"{usable} {unit}（账面 {book}）"


def _keeper(keeper: str, phone: str) -> str:
    return f"{keeper} {phone}".strip()


def supplies_annex(session: Session, plan: Plan, as_of: date) -> AnnexContent | None:
    """应急物资装备清单 of ``plan`` from the ledger as of ``as_of``."""
    rows = _rows(session, plan.enterprise_id, as_of)
    needs = plan_needs(session, plan.id, as_of)
    if not rows and not needs.all_lines:
        return None
    blocks: list[Block] = []
    warnings: list[str] = []
    if rows:
        ent = session.get(Enterprise, plan.enterprise_id)
        prefix = ent.name if ent is not None else ""
        table = [[Cell(t) for t in ("序号", "名称", "规格型号", "可用数量", "有效期至", "存放地点")]]
        for n, r in enumerate(rows, 1):  # the store without the unit's name, which the plan carries
            table.append([Cell(str(n)), Cell(r.item), Cell(r.spec), Cell(_quantity(r.usable, r.book, r.unit)),
                          Cell(r.expires.isoformat() if r.expires else "—"),
                          Cell(r.warehouse.removeprefix(prefix) or r.warehouse)])
        blocks.append(Table(rows=table, header_rows=1))
        places = dict.fromkeys((r.warehouse, r.address, r.keeper, r.phone) for r in rows)
        for name, address, keeper, phone in places:
            parts = [f"地址：{address}" if address else "", f"管理责任人：{_keeper(keeper, phone)}" if keeper or phone else ""]
            blocks.append(Paragraph(f"{name}，" + "；".join(p for p in parts if p) + "。" if any(parts) else f"{name}。"))
        unusable = [r for r in rows if r.book > r.usable]
        if unusable:
            blocks.append(Paragraph("注：可用数量不含已过期、待修和报废的物资；括号内为台账账面数量。"))
            names = "、".join(dict.fromkeys(r.item for r in unusable))
            warnings.append(f"附件“应急物资装备清单”：{names}有已过期或不可用的库存，未计入可用数量，请及时处置或补充。")
    else:
        blocks.append(Paragraph("本单位储备库中尚无物资台账记录。"))
    if needs.lines:
        blocks.append(Paragraph("本预案所需应急物资与可用库存对照："))
        table = [[Cell(t) for t in ("序号", "名称", "规格型号", "所需数量", "可用数量", "缺口")]]
        for n, line in enumerate(needs.lines, 1):
            table.append([Cell(str(n)), Cell(line.name), Cell(line.spec), Cell(f"{line.needed} {line.unit}"),
                          Cell(f"{line.usable} {line.unit}"),
                          Cell(f"{line.shortfall} {line.unit}" if line.shortfall else "无")])
        blocks.append(Table(rows=table, header_rows=1))
        for line in needs.short:
            if line.is_staff:
                continue
            warnings.append(f"附件“应急物资装备清单”：{line.name}所需 {line.needed} {line.unit}，"
                            f"可用 {line.usable} {line.unit}，缺 {line.shortfall} {line.unit}。")
    staff = needs.staff
    if staff is not None:
        state = f"，缺 {staff.shortfall} 人" if staff.shortfall else "，满足要求"
        blocks.append(Paragraph(f"本预案要求应急值守人员不少于 {staff.needed} 人；企业当班人数 {staff.usable} 人{state}。"))
        if staff.shortfall:
            warnings.append(f"附件“应急物资装备清单”：{staff.summary}。")
    return AnnexContent(blocks, warnings, source=f"应急物资台账，截至 {as_of.isoformat()}")


SUPPLIES = AnnexBuilder("supplies", supplies_annex)
