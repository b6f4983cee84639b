"""The supplies lists as Excel workbooks, through the writer of ``exports.excel``: the balances (库存结存),
the movement ledger (出入库台账), the expiring list (到期预警) and the shortfalls (物资缺口: a warehouse's
usable stock below its minimum, an enterprise's GB 30077 workplace minimums, what its plans need —
supplies, and the minimum staff on duty against the on-shift headcount —, the lines of ``list
supply-shortfalls``). Rows are read in batches of short read sessions; ``as_of`` decides usability
and alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from exports.excel import ALERT, DATE_FORMAT, PLAIN, CellStyle, Sheet, SheetColumn, batches, export_rows
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.supplies import queries as sq
from models.supplies import rules
from models.supplies import shortfalls as sf
from models.supplies.entities import MOVEMENT_KINDS, StockMovement, SupplyBatch, SupplyItem, Warehouse
from models.supplies.queries import StockFilter, StockRow

LISTS = {"ledger": "出入库台账", "balances": "库存结存", "expiring": "到期预警", "shortfalls": "物资缺口"}


def _alert_style(row: StockRow) -> CellStyle:
    return ALERT if row.alerts else PLAIN


BALANCE_COLUMNS: tuple[SheetColumn[StockRow], ...] = (
    SheetColumn("储备库", 26, lambda r: r.warehouse),
    SheetColumn("物资编码", 14, lambda r: r.item_code),
    SheetColumn("物资名称", 20, lambda r: r.item),
    SheetColumn("规格型号", 18, lambda r: r.spec),
    SheetColumn("物资类别", 26, lambda r: rules.category_label(r.category_code)),
    SheetColumn("单位", 6, lambda r: r.unit),
    SheetColumn("批次号", 14, lambda r: r.batch_no),
    SheetColumn("生产日期", 12, lambda r: r.produced_on, DATE_FORMAT),
    SheetColumn("有效期至", 12, lambda r: r.expires_on, DATE_FORMAT),
    SheetColumn("状态", 8, lambda r: r.condition_label),
    SheetColumn("账面数量", 10, lambda r: r.book_qty),
    SheetColumn("可用数量", 10, lambda r: r.usable_qty),
    SheetColumn("最低库存", 10, lambda r: r.minimum),
    SheetColumn("提示", 36, lambda r: r.alert_text, style=_alert_style),
)


@dataclass(frozen=True)
class LedgerRow:
    id: int
    moved_on: date
    doc_no: str
    kind: str
    warehouse: str
    other_warehouse: str
    item_code: str
    item: str
    spec: str
    unit: str
    batch_no: str
    quantity: int
    counterparty: str
    reason: str
    handler: str
    created_by: str


LEDGER_COLUMNS: tuple[SheetColumn[LedgerRow], ...] = (
    SheetColumn("日期", 12, lambda r: r.moved_on, DATE_FORMAT),
    SheetColumn("单据号", 20, lambda r: r.doc_no),
    SheetColumn("类型", 10, lambda r: MOVEMENT_KINDS.get(r.kind, r.kind)),
    SheetColumn("储备库", 26, lambda r: r.warehouse),
    SheetColumn("对方储备库", 26, lambda r: r.other_warehouse),
    SheetColumn("物资编码", 14, lambda r: r.item_code),
    SheetColumn("物资名称", 20, lambda r: r.item),
    SheetColumn("规格型号", 18, lambda r: r.spec),
    SheetColumn("单位", 6, lambda r: r.unit),
    SheetColumn("批次号", 14, lambda r: r.batch_no),
    SheetColumn("收入", 8, lambda r: r.quantity if r.quantity > 0 else None),
    SheetColumn("发出", 8, lambda r: -r.quantity if r.quantity < 0 else None),
    SheetColumn("领用/来源单位", 20, lambda r: r.counterparty),
    SheetColumn("事由", 28, lambda r: r.reason),
    SheetColumn("经办人", 10, lambda r: r.handler),
    SheetColumn("录入人", 10, lambda r: r.created_by),
)

@dataclass(frozen=True)
class ShortfallRow:
    """One line of the shortfall workbook: a warehouse's minimum, or an enterprise's line
    (``models.supplies.shortfalls.ShortfallLine``)."""

    kind: str
    enterprise: str
    warehouse: str
    basis: str
    item_code: str
    item: str
    unit: str
    required: int
    usable: int
    book: int
    note: str = ""

    @property
    def missing(self) -> int:
        return max(self.required - self.usable, 0)


SHORTFALL_KINDS = {"minimum": "低于最低库存", "gb30077": "GB 30077 最低配备", "plan_item": "预案所需物资",
                   "plan_staff": "预案应急值守人员"}

SHORTFALL_COLUMNS: tuple[SheetColumn[ShortfallRow], ...] = (
    SheetColumn("类别", 16, lambda r: SHORTFALL_KINDS.get(r.kind, r.kind)),
    SheetColumn("企业", 26, lambda r: r.enterprise),
    SheetColumn("储备库", 26, lambda r: r.warehouse),
    SheetColumn("依据", 28, lambda r: r.basis),
    SheetColumn("物资编码", 14, lambda r: r.item_code),
    SheetColumn("物资名称", 20, lambda r: r.item),
    SheetColumn("单位", 6, lambda r: r.unit),
    SheetColumn("应配数量", 10, lambda r: r.required),
    SheetColumn("可用数量", 10, lambda r: r.usable),
    SheetColumn("账面数量", 10, lambda r: r.book),
    SheetColumn("缺少", 10, lambda r: r.missing, style=lambda _r: ALERT),
    SheetColumn("说明", 36, lambda r: r.note),
)


def shortfall_rows(session: Session, as_of: date, warehouse_ids: tuple[int, ...] = ()) -> list[ShortfallRow]:
    """Below-minimum stock by warehouse, then every enterprise's shortfalls (of the enterprises owning
    ``warehouse_ids`` when given)."""
    out = [ShortfallRow("minimum", "", s.warehouse, f"最低库存 {s.minimum} {s.unit}", s.item_code, s.item, s.unit,
                        s.minimum, s.usable, s.book) for s in sq.shortfalls(session, as_of, warehouse_ids=warehouse_ids)]
    owners: list[int] | None = None
    if warehouse_ids:
        owners = sorted({e for e in session.scalars(select(Warehouse.enterprise_id).where(
            Warehouse.id.in_(warehouse_ids), Warehouse.enterprise_id.is_not(None))) if e is not None})
        if not owners:
            return out
    for line in sf.shortfall_lines(session, as_of, owners):
        staff = line.kind == "plan_staff"
        note = line.summary if staff else (line.rule if line.kind == "gb30077" else "")
        if line.note:
            note = f"{note}（{line.note}）" if note else line.note
        out.append(ShortfallRow(line.kind, line.enterprise, "", line.basis, "", line.item, line.unit, line.required,
                                line.usable, line.book, note))
    return out


def _ledger_query(warehouse_id: int | None, item_id: int | None, since: date | None,
                  until: date | None) -> Select[Any]:
    other = aliased(StockMovement)
    other_place = aliased(Warehouse)
    query = (select(StockMovement.id, StockMovement.moved_on, StockMovement.doc_no, StockMovement.kind, Warehouse.name,
                    func.coalesce(other_place.name, ""), SupplyItem.code, SupplyItem.name, SupplyItem.spec,
                    SupplyItem.unit, SupplyBatch.batch_no, StockMovement.quantity, StockMovement.counterparty,
                    StockMovement.reason, StockMovement.handler, StockMovement.created_by)
             .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
             .join(SupplyBatch, SupplyBatch.id == StockMovement.batch_id)
             .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
             .outerjoin(other, other.id == StockMovement.pair_id)
             .outerjoin(other_place, other_place.id == other.warehouse_id)
             .where(StockMovement.deleted_at.is_(None)))
    if warehouse_id is not None:
        query = query.where(StockMovement.warehouse_id == warehouse_id)
    if item_id is not None:
        query = query.where(SupplyBatch.item_id == item_id)
    if since is not None:
        query = query.where(StockMovement.moved_on >= since)
    if until is not None:
        query = query.where(StockMovement.moved_on <= until)
    return query


def export_ledger(db: Database, path: Path, *, warehouse_id: int | None = None, item_id: int | None = None,
                  since: date | None = None, until: date | None = None, progress: Progress = NULL_PROGRESS) -> int:
    """Every movement (of a warehouse, an item, between two dates) by date and entry order."""
    query = _ledger_query(warehouse_id, item_id, since, until)
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0

    def fetch(session: Session, offset: int, limit: int) -> list[LedgerRow]:
        page = query.order_by(StockMovement.moved_on, StockMovement.id).offset(offset).limit(limit)
        return [LedgerRow(*row) for row in session.execute(page)]

    rows = batches(db, fetch, lambda r: r.id)
    return export_rows(Path(path), Sheet(LISTS["ledger"], "应急物资出入库台账导出", LEDGER_COLUMNS), rows, total, progress)


def export_balances(db: Database, flt: StockFilter, path: Path, *, progress: Progress = NULL_PROGRESS,
                    title: str = LISTS["balances"]) -> int:
    """The stock rows ``flt`` selects (book and usable quantity, expiry, alerts on ``flt.as_of``)."""
    with db.read() as session:
        total = sq.count(session, flt)
    rows = batches(db, lambda session, offset, limit: sq.page(session, flt, offset=offset, limit=limit, total=total),
                   lambda r: r.warehouse_id * 10**12 + r.batch_id)
    return export_rows(Path(path), Sheet(title, f"应急物资{title}导出", BALANCE_COLUMNS), rows, total, progress)


def export_expiring(db: Database, as_of: date, path: Path, *, warehouse_ids: tuple[int, ...] = (),
                    progress: Progress = NULL_PROGRESS) -> int:
    """The stock expired or expiring within the widest alert window, soonest first."""
    window = max(w.days for w in rules.alert_rules().windows)
    with db.read() as session:
        found = sq.rows(session, StockFilter(as_of=as_of, warehouse_ids=warehouse_ids, expired=True),
                        sort="expires_on")
        found += sq.rows(session, StockFilter(as_of=as_of, warehouse_ids=warehouse_ids, expiring_within=window),
                         sort="expires_on")
    unique = {(r.warehouse_id, r.batch_id): r for r in found}
    ordered = sorted(unique.values(), key=lambda r: (r.expires_on or date.max, r.warehouse, r.item_code, r.batch_no))
    columns = (SheetColumn[StockRow]("剩余天数", 10, lambda r: (r.expires_on - as_of).days if r.expires_on else None),
               *BALANCE_COLUMNS)
    return export_rows(Path(path), Sheet(LISTS["expiring"], f"应急物资到期预警（{as_of.isoformat()}）", columns),
                       iter(ordered), len(ordered), progress)


def export_shortfalls(db: Database, as_of: date, path: Path, *, warehouse_ids: tuple[int, ...] = (),
                      progress: Progress = NULL_PROGRESS) -> int:
    """物资缺口 on ``as_of``: what is short, one sheet (the 类别 column tells the lists apart; for
    应急值守人员 the 可用数量 is the enterprise's on-shift headcount)."""
    with db.read() as session:
        found = shortfall_rows(session, as_of, warehouse_ids)
    return export_rows(Path(path), Sheet(LISTS["shortfalls"], f"应急物资缺口（{as_of.isoformat()}）", SHORTFALL_COLUMNS),
                       iter(found), len(found), progress)
