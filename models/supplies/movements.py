"""The movement ledger (S2, S3): the only way stock changes.

``post(uow, MovementData(...))`` writes one movement — 入库 ``receive``, 出库 ``issue``, 调拨
``transfer`` (two legs, 调出 and 调入, one document number, each pointing at the other through
``pair_id``), 报废 ``scrap``, 盘点调整 ``adjust`` (signed) — and keeps ``StockBalance`` in the same
transaction. ``post_many(uow, rows)`` writes many (an import, the demo) with the same checks, in the
caller's one unit of work: the first bad row stops everything, naming the row.

What is refused (``StockError``, or ``ValidationError`` for a field; nothing is written then):
a quantity that would leave a batch's balance in a warehouse below zero (the message names what is
there); issuing a batch that is not usable on the day (expired, 待修, 报废 — the message says which);
a transfer to the same warehouse; a deleted warehouse or batch.

Two desks issuing the last units at once: the unit of work makes writers take turns (SQLite
``BEGIN IMMEDIATE``, PostgreSQL a transaction-scoped advisory lock), and the balance update itself
is conditional (``… SET quantity = quantity + d WHERE … AND quantity + d >= 0``), so even a writer
that slipped past the lock could not take stock twice: the second finds nothing to update and is
refused.

``fefo(session, warehouse_id, item_id, quantity, as_of)`` proposes batches first-expiry-first-out
over the usable stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from models.core.errors import DeskError, FieldError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.supplies import rules
from models.supplies.entities import (
    MOVEMENT_KINDS,
    StockBalance,
    StockMovement,
    SupplyBatch,
    SupplyItem,
    Warehouse,
)

KINDS: dict[str, str] = {"receive": "入库", "issue": "出库", "transfer": "调拨", "scrap": "报废", "adjust": "盘点调整"}
DOC_PREFIX: dict[str, str] = {"receive": "RK", "issue": "CK", "transfer": "DB", "scrap": "BF", "adjust": "PD"}

POST = Command("supplies.move", "登记出入库", "staff")
POST_MANY = Command("supplies.move.import", "批量导入出入库记录", "staff")

LABELS = StockMovement.__field_labels__
MAX_QUANTITY = 10_000_000
_LIMITS = {"doc_no": 64, "handler": 32, "counterparty": 128}


class StockError(DeskError):
    """A movement that would make stock negative or take unusable stock; nothing was written."""


@dataclass
class MovementData:
    """One movement as a form or an import row gives it. ``quantity`` is positive for every kind but
    ``adjust``, whose sign is the count's difference (盘盈 +, 盘亏 −). ``doc_no`` left empty is
    numbered ``RK-20261203-0001`` (prefix by kind, the day, the next number of that day)."""

    kind: str = "receive"
    batch_id: int | None = None
    warehouse_id: int | None = None
    quantity: int = 0
    moved_on: date | None = None
    doc_no: str = ""
    reason: str = ""
    handler: str = ""
    counterparty: str = ""
    to_warehouse_id: int | None = None  # a transfer's destination

    def cleaned(self) -> MovementData:
        return replace(self, doc_no=" ".join(self.doc_no.split()), handler=" ".join(self.handler.split()),
                       counterparty=" ".join(self.counterparty.split()), reason=self.reason.strip())


def check(data: MovementData) -> list[FieldError]:
    """The problems of a movement that need no database."""
    errors = []
    if data.kind not in KINDS:
        errors.append(FieldError("kind", LABELS["kind"], "请从 " + "、".join(KINDS.values()) + " 中选择"))
    if data.batch_id is None:
        errors.append(FieldError("batch_id", LABELS["batch_id"], "请选择批次"))
    if data.warehouse_id is None:
        errors.append(FieldError("warehouse_id", LABELS["warehouse_id"], "请选择储备库"))
    if data.moved_on is None:
        errors.append(FieldError("moved_on", LABELS["moved_on"], "请填写日期"))
    if data.kind == "adjust":
        if data.quantity == 0 or abs(data.quantity) > MAX_QUANTITY:
            errors.append(FieldError("quantity", LABELS["quantity"], "盘点调整的数量不能为 0（盘盈为正，盘亏为负）"))
        if not data.reason:
            errors.append(FieldError("reason", LABELS["reason"], "盘点调整请写明原因"))
    elif not 1 <= data.quantity <= MAX_QUANTITY:
        errors.append(FieldError("quantity", LABELS["quantity"], f"应为 1 到 {MAX_QUANTITY} 之间的整数"))
    if data.kind == "scrap" and not data.reason:
        errors.append(FieldError("reason", LABELS["reason"], "报废请写明原因"))
    if data.kind == "transfer":
        if data.to_warehouse_id is None:
            errors.append(FieldError("to_warehouse_id", "调入储备库", "请选择调入的储备库"))
        elif data.to_warehouse_id == data.warehouse_id:
            errors.append(FieldError("to_warehouse_id", "调入储备库", "调入与调出的储备库不能相同"))
    elif data.to_warehouse_id is not None:
        errors.append(FieldError("to_warehouse_id", "调入储备库", "只有调拨才有调入储备库"))
    for name, limit in _LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, LABELS[name], f"最多 {limit} 个字，现为 {len(getattr(data, name))} 个字"))
    return errors


@dataclass(frozen=True)
class _Batch:
    id: int
    item_id: int
    batch_no: str
    item: str
    unit: str
    expires_on: date | None
    condition: str
    deleted_at: object


def _batches(session: Session, ids: Iterable[int]) -> dict[int, _Batch]:
    out: dict[int, _Batch] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 2000):
        query = (select(SupplyBatch.id, SupplyBatch.item_id, SupplyBatch.batch_no, SupplyItem.name, SupplyItem.unit,
                        SupplyBatch.expires_on, SupplyBatch.condition,
                        func.coalesce(SupplyBatch.deleted_at, SupplyItem.deleted_at))
                 .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
                 .where(SupplyBatch.id.in_(wanted[start:start + 2000])))
        for row in session.execute(query):
            out[row[0]] = _Batch(*row)
    return out


def _warehouses(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 2000):
        out.update(session.execute(select(Warehouse.id, Warehouse.name).where(
            Warehouse.id.in_(wanted[start:start + 2000]), Warehouse.deleted_at.is_(None))).all())
    return out


def _balances(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    wanted = set(keys)
    batch_ids = sorted({b for _w, b in wanted})
    out: dict[tuple[int, int], int] = {}
    for start in range(0, len(batch_ids), 2000):
        query = select(StockBalance.warehouse_id, StockBalance.batch_id, StockBalance.quantity).where(
            StockBalance.batch_id.in_(batch_ids[start:start + 2000]))
        out.update({(w, b): q for w, b, q in session.execute(query) if (w, b) in wanted})
    return out


def _doc_numbers(session: Session, rows: list[MovementData]) -> None:
    """Number the rows without a document number: ``RK-20261203-0001`` …, after that day's last."""
    nexts: dict[str, int] = {}
    for row in rows:
        if row.doc_no:
            continue
        assert row.moved_on is not None
        stem = f"{DOC_PREFIX[row.kind]}-{row.moved_on:%Y%m%d}-"
        if stem not in nexts:
            last = session.scalar(select(func.max(StockMovement.doc_no)).where(
                StockMovement.doc_no.like(stem + "%"), func.length(StockMovement.doc_no) == len(stem) + 4))
            tail = last[len(stem):] if last else ""
            nexts[stem] = int(tail) + 1 if tail.isdigit() else 1
        row.doc_no = f"{stem}{nexts[stem]:04d}"
        nexts[stem] += 1


@dataclass(frozen=True)
class Problem:
    """One problem of one row of many (``check_many``): what an import's error workbook lists."""

    row: int  # 1-based, in the order given
    field: str  # the MovementData attribute ("" for the row as a whole)
    label: str  # its Chinese label
    message: str
    stock: bool = False  # not enough stock, or unusable stock: the row itself is well formed

    def __str__(self) -> str:
        return f"第 {self.row} 行的{self.label}：{self.message}"


@dataclass
class _Plan:
    rows: list[MovementData]
    problems: list[Problem]
    legs: list[tuple[MovementData, str, int, int]]  # (row, stored kind, warehouse, signed quantity)
    batches: dict[int, _Batch]
    places: dict[int, str]
    start: dict[tuple[int, int], int]
    end: dict[tuple[int, int], int]


def _plan(session: Session, items: Sequence[MovementData], *, every: bool) -> _Plan:
    """Check the rows in order against the stock they find (a row may take what an earlier one
    brought); a row with a problem is left out of the stock that follows. ``every``: go on after
    the first problem and find them all."""
    rows = [d.cleaned() for d in items]
    problems: list[Problem] = []
    bad: set[int] = set()

    def fail(n: int, field: str, label: str, message: str, stock: bool = False) -> None:
        problems.append(Problem(n, field, label, message, stock))
        bad.add(n)

    for n, row in enumerate(rows, start=1):
        for e in check(row):
            fail(n, e.field, e.label, e.message)
        if problems and not every:
            break
    batches = _batches(session, [r.batch_id for r in rows if r.batch_id is not None])
    places = _warehouses(session, [w for r in rows for w in (r.warehouse_id, r.to_warehouse_id) if w is not None])
    for n, row in enumerate(rows, start=1):
        if n in bad or (problems and not every):
            continue
        batch = batches.get(row.batch_id)  # type: ignore[arg-type]
        if batch is None or batch.deleted_at is not None:
            fail(n, "batch_id", LABELS["batch_id"], "所选批次已不存在或已删除")
        for name, label in (("warehouse_id", LABELS["warehouse_id"]), ("to_warehouse_id", "调入储备库")):
            wid = getattr(row, name)
            if wid is not None and wid not in places:
                fail(n, name, label, "所选储备库已不存在或已删除")
    legs: list[tuple[MovementData, str, int, int]] = []
    owner: list[int] = []
    for n, row in enumerate(rows, start=1):
        if n in bad:
            continue
        assert row.warehouse_id is not None
        if row.kind == "transfer":
            assert row.to_warehouse_id is not None
            legs += [(row, "transfer_out", row.warehouse_id, -row.quantity),
                     (row, "transfer_in", row.to_warehouse_id, row.quantity)]
            owner += [n, n]
        else:
            sign = -1 if row.kind in ("issue", "scrap") else 1
            legs.append((row, row.kind, row.warehouse_id, sign * row.quantity))
            owner.append(n)
    stock = _balances(session, [(w, r.batch_id) for r, _k, w, _q in legs])  # type: ignore[misc]
    start = dict(stock)
    kept: list[tuple[MovementData, str, int, int]] = []
    pending: dict[tuple[int, int], int] = {}  # a transfer's out leg, applied with its in leg
    for (row, kind, wid, qty), n in zip(legs, owner, strict=True):
        if n in bad or (problems and not every):
            continue
        batch = batches[row.batch_id]  # type: ignore[index]
        if row.kind == "issue":
            ok, why = rules.usable(batch, row.moved_on)  # type: ignore[arg-type]
            if not ok:
                fail(n, "batch_id", LABELS["batch_id"], f"{why}，不能出库（{batch.item} 批次 {batch.batch_no}）。"
                     "过期或待修、报废的物资请办理报废或维修，不能发放使用。", stock=True)
                continue
        key = (wid, batch.id)
        have = stock.get(key, 0)
        if have + qty < 0:
            fail(n, "quantity", LABELS["quantity"], f"库存不足：{places[wid]}的{batch.item}（批次 {batch.batch_no}）"
                 f"现有 {have} {batch.unit}，不够{MOVEMENT_KINDS[kind]} {-qty} {batch.unit}。", stock=True)
            continue
        if kind == "transfer_out":
            pending = {key: qty}
            continue
        for k, q in pending.items():  # the out leg of this transfer, now that its in leg is checked too
            stock[k] = stock.get(k, 0) + q
            kept.append((row, "transfer_out", k[0], q))
        pending = {}
        stock[key] = have + qty
        kept.append((row, kind, wid, qty))
    return _Plan(rows, problems, kept, batches, places, start, stock)


def check_many(session: Session, rows: Sequence[MovementData]) -> list[Problem]:
    """Every problem of many rows, in order, without writing anything (an import's error workbook):
    field errors, missing batches or warehouses, unusable issues, and stock that would go negative —
    each row checked against the stock the rows before it leave (a bad row is left out)."""
    return _plan(session, rows, every=True).problems


def _write(uow: UnitOfWork, items: Sequence[MovementData], numbered: bool) -> list[int]:
    plan = _plan(uow.session, items, every=numbered)
    if plan.problems:
        fields = [p for p in plan.problems if not p.stock]
        if fields:
            raise ValidationError([FieldError(p.field, f"第 {p.row} 行的{p.label}" if numbered else p.label, p.message)
                                   for p in fields])
        first = plan.problems[0]
        raise StockError((f"第 {first.row} 行：" if numbered else "") + first.message + "没有写入任何内容。")
    legs = plan.legs
    _doc_numbers(uow.session, plan.rows)
    ids = uow.reserve_ids(StockMovement, len(legs))
    records = []
    for n, (row, kind, wid, qty) in enumerate(legs):
        pair = None
        if kind == "transfer_out":
            pair = ids[n + 1]
        elif kind == "transfer_in":
            pair = ids[n - 1]
        records.append({"id": ids[n], "kind": kind, "doc_no": row.doc_no, "moved_on": row.moved_on,
                        "batch_id": row.batch_id, "warehouse_id": wid, "quantity": qty, "reason": row.reason,
                        "handler": row.handler, "counterparty": row.counterparty, "pair_id": pair})
    uow.insert_rows(StockMovement, records)
    _apply(uow, plan.batches, plan.start, plan.end, plan.places)
    return ids


def _apply(uow: UnitOfWork, batches: dict[int, _Batch], start: dict[tuple[int, int], int],
           end: dict[tuple[int, int], int], places: dict[int, str]) -> None:
    """Move the balances from what was read to what the movements make them — conditionally: a
    decrease is written only while the stored balance still covers it."""
    conn = uow.session.connection()
    table = StockBalance.__table__
    new = []
    for (wid, bid), quantity in end.items():
        if (wid, bid) not in start:
            new.append({"warehouse_id": wid, "batch_id": bid, "item_id": batches[bid].item_id, "quantity": quantity})
            continue
        delta = quantity - start[(wid, bid)]
        if delta == 0:
            continue
        stmt = update(table).where(table.c.warehouse_id == wid, table.c.batch_id == bid).values(
            quantity=table.c.quantity + delta)
        if delta < 0:
            stmt = stmt.where(table.c.quantity + delta >= 0)
        if conn.execute(stmt).rowcount != 1:
            batch = batches[bid]
            have = conn.scalar(select(table.c.quantity).where(table.c.warehouse_id == wid, table.c.batch_id == bid))
            raise StockError(f"库存不足：{places[wid]}的{batch.item}（批次 {batch.batch_no}）现有 {have or 0} "
                             f"{batch.unit}，已被他人同时领用。没有写入任何内容。")
    if new:
        conn.execute(insert(table), new)


def post(uow: UnitOfWork, data: MovementData) -> list[int]:
    """Write one movement (a transfer: its two legs, out first); returns the new movement ids."""
    uow.require(POST)
    return _write(uow, [data], numbered=False)


def post_many(uow: UnitOfWork, rows: Sequence[MovementData]) -> list[int]:
    """Write many movements in order, in the caller's unit of work (all or nothing: a bad row raises,
    naming 第 N 行, and the caller's rollback leaves everything as it was). Returns every leg's id."""
    uow.require(POST_MANY)
    if not rows:
        return []
    return _write(uow, rows, numbered=True)


# ---- first expiry, first out


@dataclass(frozen=True)
class Pick:
    batch_id: int
    batch_no: str
    expires_on: date | None
    quantity: int  # taken from this batch
    available: int  # its usable quantity in the warehouse


def fefo_picks(session: Session, warehouse_id: int, item_id: int, quantity: int, as_of: date, *,
               partial: bool = False) -> list[Pick]:
    """The batches an issue of ``quantity`` should take from, first expiry first (batches without an
    expiry last, then by production date and batch number), over the stock usable on ``as_of``.
    Not enough usable stock: ``StockError`` naming what there is (``partial``: what there is)."""
    query = (select(SupplyBatch.id, SupplyBatch.batch_no, SupplyBatch.expires_on, StockBalance.quantity)
             .join(StockBalance, StockBalance.batch_id == SupplyBatch.id)
             .where(StockBalance.warehouse_id == warehouse_id, StockBalance.item_id == item_id,
                    StockBalance.quantity > 0, SupplyBatch.deleted_at.is_(None), SupplyBatch.condition == "good",
                    or_(SupplyBatch.expires_on.is_(None), SupplyBatch.expires_on >= as_of))
             .order_by(SupplyBatch.expires_on.is_(None), SupplyBatch.expires_on, SupplyBatch.produced_on.is_(None),
                       SupplyBatch.produced_on, SupplyBatch.batch_no, SupplyBatch.id))
    picks: list[Pick] = []
    left = quantity
    total = 0
    for bid, no, expires, have in session.execute(query):
        total += have
        if left > 0:
            take = min(left, have)
            picks.append(Pick(bid, no, expires, take, have))
            left -= take
    if left > 0 and not partial:
        item = session.get(SupplyItem, item_id)
        place = session.get(Warehouse, warehouse_id)
        unit = item.unit if item else ""
        raise StockError(f"可用库存不足：{place.name if place else '该储备库'}的{item.name if item else '该物资'}"
                         f"可用 {total} {unit}，需要 {quantity} {unit}（过期、待修、报废的不计）。")
    return picks


def fefo(session: Session, warehouse_id: int, item_id: int, quantity: int, as_of: date, *,
         partial: bool = False) -> list[tuple[int, int]]:
    """``fefo_picks`` as [(batch id, quantity)]."""
    return [(p.batch_id, p.quantity) for p in fefo_picks(session, warehouse_id, item_id, quantity, as_of,
                                                         partial=partial)]
