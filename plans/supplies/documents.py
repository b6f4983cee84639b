"""The supplies module's printed documents on the format-neutral document model (``plans.document``):
the stock card (物资台账卡) of an item and the inventory (库存清单/盘点表) of a warehouse, drawn by the
shared renderers (``exports.report``).

- ``build_stock_card(session, item_id, as_of=…, warehouse_id=None)``: the item's facts, its stock by
  warehouse and batch (book and usable quantity on ``as_of``, expiry, condition, alerts), every
  movement in order with 收入 / 发出 / 结存 — the running balance of the ledger itself, so the card
  agrees with the balances ("账、卡相符") — and the inspection record (each batch's, and the item's
  in a warehouse: 全部批次).
- ``build_inventory(session, warehouse_id, as_of=…)``: the warehouse's facts and every batch held
  there (item, spec, batch, expiry, book and usable quantity, what needs attention), with an empty
  实盘数量 column and signature lines, to count the stock against the book.

Every figure comes from the stored ledger; ``as_of`` decides usability and alerts (never today's date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFoundError
from models.supplies import queries as sq
from models.supplies import rules
from models.supplies.entities import (
    CONDITIONS,
    ITEM_KINDS,
    MOVEMENT_KINDS,
    WAREHOUSE_KINDS,
    MinimumStock,
    StockBalance,
    StockMovement,
    SupplyBatch,
    SupplyInspection,
    SupplyItem,
    Warehouse,
)
from plans.document import Block, Cell, Paragraph, Table
from plans.report import ReportDocument, ReportSection


def _day(value: date | None, empty: str = "—") -> str:
    return value.isoformat() if value else empty


def _facts(pairs: Sequence[tuple[str, str]]) -> Table:
    """Facts two to a row: 名称 | 值 | 名称 | 值."""
    rows = []
    for i in range(0, len(pairs), 2):
        row = [Cell(pairs[i][0]), Cell(pairs[i][1] or "—")]
        if i + 1 < len(pairs):
            row += [Cell(pairs[i + 1][0]), Cell(pairs[i + 1][1] or "—")]
        else:
            row[-1] = Cell(pairs[i][1] or "—", colspan=3)
        rows.append(row)
    return Table(rows, header_rows=0)


def _alerts(batch: SupplyBatch, as_of: date, *, held_since: date | None = None) -> str:
    found = rules.alerts_for(as_of=as_of, expires_on=batch.expires_on, condition=batch.condition,
                             inspection_due=batch.inspection_due, calibration_due=batch.calibration_due,
                             inspected_on=batch.inspected_on, held_since=batch.produced_on or held_since)
    return "；".join(a.label for a in found)


def _latest(*stamps: datetime | None) -> datetime:
    return max((s for s in stamps if s is not None), default=datetime(2000, 1, 1))


def build_stock_card(session: Session, item_id: int, *, as_of: date, warehouse_id: int | None = None) -> ReportDocument:
    item = session.get(SupplyItem, item_id)
    if item is None or item.deleted_at is not None:
        raise NotFoundError(SupplyItem.__label__, item_id)
    place = None
    if warehouse_id is not None:
        place = session.get(Warehouse, warehouse_id)
        if place is None or place.deleted_at is not None:
            raise NotFoundError(Warehouse.__label__, warehouse_id)
    names = dict(session.execute(select(Warehouse.id, Warehouse.name)).all())
    batches = {b.id: b for b in session.scalars(select(SupplyBatch).where(SupplyBatch.item_id == item_id)
                                                .order_by(SupplyBatch.expires_on, SupplyBatch.batch_no))}
    facts = [("物资编码", item.code), ("物资名称", item.name), ("规格型号", item.spec),
             ("物资类别", rules.category_label(item.category_code)), ("计量单位", item.unit),
             ("物资性质", ITEM_KINDS.get(item.kind, item.kind) + ("（防汛物资）" if item.flood else "")),
             ("保质期", f"{item.shelf_life_months} 个月" if item.shelf_life_months else "—"),
             ("检查周期", f"{item.inspection_days} 天" if item.inspection_days else "—"),
             ("检定周期", f"{item.calibration_days} 天" if item.calibration_days else "—"),
             ("台账范围", place.name if place else "全部储备库")]
    sections = [ReportSection("一、物资信息", [_facts(facts)])]

    balances = session.execute(select(StockBalance.warehouse_id, StockBalance.batch_id, StockBalance.quantity)
                               .where(StockBalance.item_id == item_id, StockBalance.quantity != 0)).all()
    if place is not None:
        balances = [b for b in balances if b[0] == place.id]
    minimums = dict(session.execute(select(MinimumStock.warehouse_id, MinimumStock.quantity).where(
        MinimumStock.item_id == item_id, MinimumStock.deleted_at.is_(None))).all())
    # a card of one warehouse names it once (in its facts), not on every row: the room goes to the figures
    every = place is None
    stock_rows = [[Cell(h) for h in ("储备库", "批次号", "生产日期", "有效期至", "状态", "账面数量", "可用数量", "提示")
                   if every or h != "储备库"]]
    book_total = usable_total = 0
    usable_by_place: dict[int, int] = {}
    for wid, bid, qty in sorted(balances, key=lambda b: (names.get(b[0], ""), batches[b[1]].expires_on or date.max,
                                                         batches[b[1]].batch_no)):
        batch = batches[bid]
        ok, _why = rules.usable(batch, as_of)
        usable = qty if ok else 0
        book_total += qty
        usable_total += usable
        usable_by_place[wid] = usable_by_place.get(wid, 0) + usable
        where = [Cell(names.get(wid, str(wid)))] if every else []
        stock_rows.append([*where, Cell(batch.batch_no), Cell(_day(batch.produced_on)),
                           Cell(_day(batch.expires_on, "长期")), Cell(CONDITIONS.get(batch.condition, batch.condition)),
                           Cell(str(qty)), Cell(str(usable)), Cell(_alerts(batch, as_of) or "—")])
    stock: list[Block]
    if len(stock_rows) == 1:
        stock = [Paragraph("目前没有库存。")]
    else:
        stock_rows.append([Cell("合计", colspan=5 if every else 4), Cell(str(book_total)), Cell(str(usable_total)),
                           Cell("")])
        stock = [Paragraph(f"截至 {as_of.isoformat()}，账面结存 {book_total} {item.unit}，其中可用 {usable_total} "
                           f"{item.unit}（已过期、待修、报废的不计入可用）。"), Table(stock_rows, header_rows=1)]
        short = [f"{names.get(w, w)}最低库存 {m} {item.unit}，可用 {usable_by_place.get(w, 0)} {item.unit}，"
                 f"缺 {m - usable_by_place.get(w, 0)} {item.unit}"
                 for w, m in sorted(minimums.items()) if (place is None or w == place.id) and usable_by_place.get(w, 0) < m]
        if short:
            stock.append(Paragraph("低于最低库存：" + "；".join(short) + "。"))
    sections.append(ReportSection("二、库存情况", stock))

    query = (select(StockMovement).join(SupplyBatch, SupplyBatch.id == StockMovement.batch_id)
             .where(SupplyBatch.item_id == item_id, StockMovement.deleted_at.is_(None))
             .order_by(StockMovement.moved_on, StockMovement.id))
    if place is not None:
        query = query.where(StockMovement.warehouse_id == place.id)
    moves = list(session.scalars(query))
    ledger_rows = [[Cell(h) for h in ("日期", "单据号", "摘要", "储备库", "批次号", "收入", "发出", "结存", "经办人")
                    if every or h != "储备库"]]
    running = 0
    for m in moves:
        running += m.quantity
        batch = batches.get(m.batch_id)
        what = MOVEMENT_KINDS.get(m.kind, m.kind)
        other = m.counterparty or m.reason
        where = [Cell(names.get(m.warehouse_id, str(m.warehouse_id)))] if every else []
        ledger_rows.append([Cell(m.moved_on.isoformat()), Cell(m.doc_no), Cell(what + (f"：{other}" if other else "")),
                            *where, Cell(batch.batch_no if batch else "—"),
                            Cell(str(m.quantity) if m.quantity > 0 else ""), Cell(str(-m.quantity) if m.quantity < 0 else ""),
                            Cell(str(running)), Cell(m.handler or "—")])
    ledger: list[Block] = [Paragraph("没有出入库记录。")] if not moves else [
        Paragraph(f"共 {len(moves)} 笔，收入合计 {sum(m.quantity for m in moves if m.quantity > 0)} {item.unit}，"
                  f"发出合计 {-sum(m.quantity for m in moves if m.quantity < 0)} {item.unit}，结存 {running} {item.unit}。"
                  + ("调拨的调出与调入各记一笔。" if place is None and any(m.pair_id for m in moves) else "")),
        Table(ledger_rows, header_rows=1)]
    sections.append(ReportSection("三、出入库明细", ledger))

    checks = sq.inspections(session, item_id, warehouse_id=place.id if place else None, newest_first=False)
    check_rows = [[Cell(h) for h in ("检查日期", "检查范围", "储备库", "检查人", "检查结果", "情况说明", "下次检查")]]
    for c in checks:
        check_rows.append([Cell(c.inspected_on.isoformat()), Cell(c.scope), Cell(c.warehouse or "—"),
                           Cell(c.inspector), Cell(c.result_label), Cell(c.notes or "—"), Cell(_day(c.next_due))])
    sections.append(ReportSection("四、检查维护记录", [Table(check_rows, header_rows=1)] if checks
                                  else [Paragraph("没有检查维护记录。")]))
    last_check = session.get(SupplyInspection, max(c.id for c in checks)) if checks else None
    created = _latest(item.updated_at, *(m.created_at for m in moves[-1:]),
                      last_check.updated_at if last_check is not None else None)
    scope = place.name if place else "全部储备库"
    return ReportDocument(title=f"{item.name}物资台账卡", subtitle=f"{item.code}　{scope}　截至 {as_of.isoformat()}",
                          author=scope, header_text=f"物资台账卡　{item.code} {item.name}", created=created,
                          sections=sections, keywords=("应急物资", "台账", item.code, item.name), landscape=True)


def build_inventory(session: Session, warehouse_id: int, *, as_of: date) -> ReportDocument:
    place = session.get(Warehouse, warehouse_id)
    if place is None or place.deleted_at is not None:
        raise NotFoundError(Warehouse.__label__, warehouse_id)
    rows = session.execute(
        select(SupplyItem, SupplyBatch, StockBalance.quantity)
        .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
        .join(SupplyItem, SupplyItem.id == StockBalance.item_id)
        .where(StockBalance.warehouse_id == warehouse_id, StockBalance.quantity != 0)
        .order_by(SupplyItem.category_code, SupplyItem.code, SupplyBatch.expires_on, SupplyBatch.batch_no)).all()
    minimums = dict(session.execute(select(MinimumStock.item_id, MinimumStock.quantity).where(
        MinimumStock.warehouse_id == warehouse_id, MinimumStock.deleted_at.is_(None))).all())
    owner = place.enterprise.name if place.enterprise is not None else ""
    facts = [("储备库", place.name), ("类型", WAREHOUSE_KINDS.get(place.kind, place.kind)),
             ("所属单位", owner), ("地址", place.address), ("保管人", place.keeper), ("联系电话", place.phone),
             ("盘点日期", as_of.isoformat()), ("库存品目", f"{len({i.id for i, _b, _q in rows})} 种（{len(rows)} 个批次）")]
    if not owner:
        facts.pop(2)
    table = [[Cell(h) for h in ("序号", "编码", "物资名称", "规格型号", "单位", "批次号", "有效期至", "账面",
                                "可用", "提示", "实盘", "备注")]]  # short heads: the columns stay narrow
    usable_by_item: dict[int, int] = {}
    for n, (item, batch, qty) in enumerate(rows, start=1):
        ok, _why = rules.usable(batch, as_of)
        usable_by_item[item.id] = usable_by_item.get(item.id, 0) + (qty if ok else 0)
        table.append([Cell(str(n)), Cell(item.code), Cell(item.name), Cell(item.spec or "—"), Cell(item.unit),
                      Cell(batch.batch_no), Cell(_day(batch.expires_on, "长期")), Cell(str(qty)),
                      Cell(str(qty if ok else 0)), Cell(_alerts(batch, as_of) or ""),
                      Cell("　" * 4), Cell("　" * 6)])  # room to write by hand
    blocks: list[Block]
    if not rows:
        blocks = [Paragraph("该储备库目前没有库存。")]
    else:
        blocks = [Paragraph("账面为系统结存，可用不含过期、待修和报废的物资；实盘由盘点人现场清点填写，与账面不符的按盘点调整登记。"), Table(table, header_rows=1)]
    # every minimum the usable stock misses, an item held nowhere here included
    minimum_items = {i.id: i for i in session.scalars(select(SupplyItem).where(SupplyItem.id.in_(list(minimums)),
                                                                              SupplyItem.deleted_at.is_(None)))}
    missing = sorted((i for i in minimum_items.values() if usable_by_item.get(i.id, 0) < minimums[i.id]),
                     key=lambda i: (i.category_code, i.code))
    short_rows = [[Cell(h) for h in ("序号", "编码", "物资名称", "单位", "最低库存", "可用", "缺少")]]
    short_rows += [[Cell(str(n)), Cell(i.code), Cell(i.name), Cell(i.unit), Cell(str(minimums[i.id])),
                    Cell(str(usable_by_item.get(i.id, 0))), Cell(str(minimums[i.id] - usable_by_item.get(i.id, 0)))]
                   for n, i in enumerate(missing, start=1)]
    sections = [ReportSection("一、储备库信息", [_facts(facts)]), ReportSection("二、库存明细", blocks, row_height_mm=9)]
    short = bool(missing)
    if short:
        sections.append(ReportSection("三、低于最低库存的物资", [
            Paragraph(f"以下 {len(missing)} 种物资的可用数量低于本库最低库存，请及时补充。"), Table(short_rows, header_rows=1)]))
    sections.append(ReportSection(f"{'四' if short else '三'}、盘点签字", [Paragraph(
        "盘点人（签字）：" + "　" * 8 + "复核人（签字）：" + "　" * 8 + "日期：　　　　年　　月　　日")]))
    return ReportDocument(title=f"{place.name}库存盘点表", subtitle=f"截至 {as_of.isoformat()}", author=owner or place.name,
                          header_text=f"{place.name}　库存盘点表", created=_latest(place.updated_at),
                          sections=sections, keywords=("应急物资", "库存盘点", place.name), landscape=True)
