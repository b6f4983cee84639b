"""Supplies queries: the stock list (paged in SQL), shortfalls against minimums, every alert, the
movement history of a batch or an item, its inspection history, the warehouse tree, and the lookups the movement dialog
uses (an item by code or name, a batch by a scanned label).

A stock row is one batch in one warehouse (its ``StockBalance``): the book quantity (账面数量) and the
usable quantity on ``as_of`` (0 when the batch is expired, 待修 or 报废), with its alerts
(``models.supplies.rules.alerts_for``). Usability in SQL (``usable_clause``) says exactly what
``rules.usable`` says.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from models.core.days import add_years, as_date, month_index, month_starts
from models.core.entities import Region
from models.core.listing import contains_pattern, escape_like, order_by_key, unindexed, window
from models.enterprises.entities import Enterprise
from models.supplies import rules
from models.supplies.entities import (
    CONDITIONS,
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
from models.supplies.rules import Alert


def usable_clause(as_of: date) -> ColumnElement[bool]:
    """SQL for ``rules.usable``: condition 完好, not deleted, not expired on ``as_of``."""
    return and_(SupplyBatch.condition == "good", SupplyBatch.deleted_at.is_(None),
                or_(SupplyBatch.expires_on.is_(None), SupplyBatch.expires_on >= as_of))


def _usable_quantity(as_of: date) -> ColumnElement[int]:
    return case((usable_clause(as_of), StockBalance.quantity), else_=0)


@dataclass(frozen=True)
class StockFilter:
    as_of: date
    warehouse_ids: tuple[int, ...] = ()  # these warehouses (empty: all)
    warehouse_scope: str = ""  # a tree node's key ("enterprise", "enterprise-district:<code>" …): its warehouses
    item_id: int | None = None
    category_code: str = ""  # a category and everything under it
    text: str = ""  # item code, name, spec, batch number (every word)
    expiring_within: int | None = None  # not yet expired, expiring within this many days
    expired: bool = False
    below_minimum: bool = False  # the warehouse's usable stock of the item is below its minimum
    unusable: bool = False  # expired, 待修 or 报废
    flood: bool | None = None  # 防汛物资 only (True) or none of them (False)
    include_empty: bool = False  # rows whose balance is 0 too
    deleted: bool = False  # the recycle bin instead: deleted batches, items and warehouses (``trash_page``)


@dataclass(frozen=True)
class StockRow:
    warehouse_id: int
    warehouse: str
    item_id: int
    item_code: str
    item: str
    spec: str
    unit: str
    category_code: str
    batch_id: int
    batch_no: str
    book_qty: int
    usable_qty: int
    produced_on: date | None
    expires_on: date | None
    condition: str
    inspection_due: date | None
    calibration_due: date | None
    batch_version: int = 0  # the versions read, for saves and deletes from the list
    item_version: int = 0
    minimum: int | None = None  # the warehouse's minimum of the item
    minimum_version: int | None = None  # None: no minimum set
    item_usable: int = 0  # the warehouse's usable quantity of the item (every batch)
    usable_reason: str = ""  # why not usable ("" when usable)
    alerts: tuple[Alert, ...] = ()

    record = "batch"
    """What deleting the row deletes: its batch (a list row's ``id`` and ``version`` are the batch's)."""

    @property
    def id(self) -> int:
        return self.batch_id

    @property
    def version(self) -> int:
        return self.batch_version

    @property
    def usable(self) -> bool:
        return not self.usable_reason

    @property
    def condition_label(self) -> str:
        return CONDITIONS.get(self.condition, self.condition)

    @property
    def alert_text(self) -> str:
        return "；".join(a.label for a in self.alerts)

    def as_json(self) -> dict[str, object]:
        return {"warehouse_id": self.warehouse_id, "warehouse": self.warehouse, "item_id": self.item_id,
                "item_code": self.item_code, "item": self.item, "spec": self.spec, "unit": self.unit,
                "category": rules.category_label(self.category_code), "batch_id": self.batch_id,
                "batch_no": self.batch_no, "book_quantity": self.book_qty, "usable_quantity": self.usable_qty,
                "expires_on": self.expires_on.isoformat() if self.expires_on else None,
                "condition": self.condition_label, "minimum": self.minimum, "unusable_reason": self.usable_reason or None,
                "alerts": [str(a) for a in self.alerts]}


SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "warehouse": (StockBalance.warehouse_id,),  # grouped by warehouse, batches in the order they came: the index's order
    "item": (SupplyItem.code, Warehouse.name, SupplyBatch.expires_on),
    "name": (SupplyItem.name, SupplyItem.code),
    "batch": (SupplyBatch.batch_no,),
    # unindexed: SQLite would otherwise walk the expiry index and test every batch against a search
    "expires_on": (unindexed(SupplyBatch.expires_on),),
    "quantity": (StockBalance.quantity,),
}
NULLS_LAST = ("item", "expires_on")


def _item_totals(as_of: date, item_ids: Any = None) -> Any:
    """Per warehouse and item: the usable and book quantities (a subquery; only of ``item_ids``, a
    subquery of item ids, when given)."""
    query = (select(StockBalance.warehouse_id, StockBalance.item_id,
                    func.sum(_usable_quantity(as_of)).label("usable"), func.sum(StockBalance.quantity).label("book"))
             .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
             .group_by(StockBalance.warehouse_id, StockBalance.item_id))
    if item_ids is not None:
        query = query.where(StockBalance.item_id.in_(item_ids))
    return query.subquery("totals")


def _conditions(f: StockFilter) -> tuple[list[ColumnElement[bool]], bool]:
    """The filter as conditions on ``StockBalance`` (items and batches by id subqueries, so a count
    reads the balances alone), and whether they need ``SupplyBatch`` joined.

    Deleted warehouses, items and batches hold no stock (the services refuse to delete what does), so
    their rows are excluded by ``quantity != 0`` unless empty rows are asked for."""
    where: list[ColumnElement[bool]] = []
    needs_batch = False
    if f.include_empty:
        where += [StockBalance.warehouse_id.in_(select(Warehouse.id).where(Warehouse.deleted_at.is_(None))),
                  StockBalance.item_id.in_(select(SupplyItem.id).where(SupplyItem.deleted_at.is_(None))),
                  StockBalance.batch_id.in_(select(SupplyBatch.id).where(SupplyBatch.deleted_at.is_(None)))]
    else:
        where.append(StockBalance.quantity != 0)
    if f.warehouse_ids:
        where.append(StockBalance.warehouse_id.in_(f.warehouse_ids))
    if f.warehouse_scope:  # a subquery, never a literal list: a city's 企业储备点 are ≈ 10,000 warehouses
        where.append(StockBalance.warehouse_id.in_(scope_warehouses(f.warehouse_scope)))
    if f.item_id is not None:
        where.append(StockBalance.item_id == f.item_id)
    items = []
    if f.category_code:
        items.append(SupplyItem.category_code.like(rules.category_prefix(f.category_code) + "%"))
    if f.flood is not None:
        items.append(SupplyItem.flood.is_(f.flood))
    if items:
        where.append(StockBalance.item_id.in_(select(SupplyItem.id).where(*items)))
    for word in f.text.split():
        pattern = contains_pattern(word)
        where.append(or_(
            StockBalance.item_id.in_(select(SupplyItem.id).where(
                SupplyItem.code.like(pattern, escape="\\") | SupplyItem.name.like(pattern, escape="\\")
                | SupplyItem.spec.like(pattern, escape="\\"))),
            StockBalance.batch_id.in_(select(SupplyBatch.id).where(SupplyBatch.batch_no.like(pattern, escape="\\")))))
    if f.expiring_within is not None:
        needs_batch = True
        where += [SupplyBatch.expires_on >= f.as_of, SupplyBatch.expires_on <= f.as_of + timedelta(days=f.expiring_within)]
    if f.expired:
        needs_batch = True
        where.append(SupplyBatch.expires_on < f.as_of)
    if f.unusable:
        needs_batch = True
        where.append(~usable_clause(f.as_of))
    if f.below_minimum:
        minimums = select(MinimumStock.item_id).where(MinimumStock.deleted_at.is_(None))
        totals = _item_totals(f.as_of, minimums)
        short = (select(totals.c.warehouse_id, totals.c.item_id)
                 .join(MinimumStock, and_(MinimumStock.warehouse_id == totals.c.warehouse_id,
                                          MinimumStock.item_id == totals.c.item_id, MinimumStock.deleted_at.is_(None)))
                 .where(totals.c.usable < MinimumStock.quantity))
        where.append(tuple_(StockBalance.warehouse_id, StockBalance.item_id).in_(short))
    return where, needs_batch


def _counting(columns: Sequence[Any], f: StockFilter) -> Select[Any]:
    where, needs_batch = _conditions(f)
    query = select(*columns).select_from(StockBalance)
    if needs_batch:
        query = query.join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
    return query.where(*where)


def count(session: Session, f: StockFilter) -> int:
    return int(session.scalar(_counting([func.count()], f)) or 0)


def total_quantities(session: Session, f: StockFilter) -> tuple[int, int]:
    """The book and usable quantities of every row the filter selects (the list's footer)."""
    where, _needs = _conditions(f)
    query = (select(func.coalesce(func.sum(StockBalance.quantity), 0), func.coalesce(func.sum(_usable_quantity(f.as_of)), 0))
             .select_from(StockBalance).join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id).where(*where))
    row = session.execute(query).one()
    return int(row[0]), int(row[1])


_COLUMNS = (StockBalance.warehouse_id, Warehouse.name.label("warehouse"), StockBalance.item_id,
            SupplyItem.code.label("item_code"), SupplyItem.name.label("item"), SupplyItem.spec, SupplyItem.unit,
            SupplyItem.category_code, StockBalance.batch_id, SupplyBatch.batch_no,
            StockBalance.quantity.label("book_qty"), SupplyBatch.produced_on, SupplyBatch.expires_on,
            SupplyBatch.condition, SupplyBatch.inspection_due, SupplyBatch.calibration_due, SupplyBatch.inspected_on,
            SupplyBatch.version.label("batch_version"), SupplyItem.version.label("item_version"))


def _select(f: StockFilter, sort: str, descending: bool, reverse: bool,
            extra: Sequence[ColumnElement[bool]] = ()) -> Select[Any]:
    where, _needs = _conditions(f)
    query = (select(*_COLUMNS).select_from(StockBalance)
             .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
             .join(SupplyItem, SupplyItem.id == StockBalance.item_id)
             .join(Warehouse, Warehouse.id == StockBalance.warehouse_id).where(*where, *extra))
    query = order_by_key(query, SORT_COLUMNS, sort, descending,
                         StockBalance.batch_id, nulls_last=NULLS_LAST, reverse=reverse)
    # (warehouse, batch) is the key: the warehouse last, in the same direction, makes the order total
    return query.order_by(StockBalance.warehouse_id.desc() if descending != reverse else StockBalance.warehouse_id)


def page(session: Session, f: StockFilter, *, offset: int = 0, limit: int = 100, sort: str = "warehouse",
         descending: bool = False, total: int | None = None) -> list[StockRow]:
    reverse, start, size = window(offset, limit, total)
    found = list(session.execute(_select(f, sort, descending, reverse).offset(start).limit(size)))
    if reverse:
        found.reverse()
    return _rows(session, found, f.as_of)


def rows(session: Session, f: StockFilter, *, sort: str = "warehouse", descending: bool = False,
         extra: Sequence[ColumnElement[bool]] = ()) -> list[StockRow]:
    """Every row the filter selects (exports, the CLI), in one pass, their alerts a chunk at a time.
    ``extra``: further conditions (``alerts`` narrows to the rows that may have one)."""
    out: list[StockRow] = []
    result = session.execute(_select(f, sort, descending, False, extra).execution_options(yield_per=5000))
    for chunk in result.partitions():
        out += _rows(session, chunk, f.as_of)
    return out


def _may_alert(as_of: date) -> ColumnElement[bool]:
    """The rows that may carry a batch alert on ``as_of`` (a superset: ``rules.alerts_for`` decides)."""
    alert_rules = rules.alert_rules()
    widest = max((w.days for w in alert_rules.windows), default=0)
    held = add_years(as_of, -alert_rules.quality_check_years)
    return or_(SupplyBatch.expires_on <= as_of + timedelta(days=widest), SupplyBatch.condition != "good",
               SupplyBatch.inspection_due < as_of, SupplyBatch.calibration_due < as_of,
               SupplyBatch.produced_on <= held,
               and_(SupplyBatch.produced_on.is_(None), StockBalance.batch_id.in_(
                   select(StockMovement.batch_id).where(StockMovement.kind == "receive", StockMovement.moved_on <= held))))


def _first_receipts(session: Session, batch_ids: Iterable[int]) -> dict[int, date]:
    ids = sorted(set(batch_ids))
    out: dict[int, date] = {}
    for start in range(0, len(ids), 2000):
        out.update(session.execute(select(StockMovement.batch_id, func.min(StockMovement.moved_on))
                                   .where(StockMovement.batch_id.in_(ids[start:start + 2000]),
                                          StockMovement.kind == "receive")
                                   .group_by(StockMovement.batch_id)).all())
    return {k: v if isinstance(v, date) else date.fromisoformat(v) for k, v in out.items()}


def _minimums(session: Session, pairs: set[tuple[int, int]],
              as_of: date) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(warehouse, item) → (minimum, usable quantity, the minimum's version) for the pairs that have a
    minimum (read for those warehouses and items only: a page's worth)."""
    if not pairs:
        return {}
    mins = session.execute(select(MinimumStock.warehouse_id, MinimumStock.item_id, MinimumStock.quantity,
                                  MinimumStock.version).where(
        MinimumStock.warehouse_id.in_(sorted({w for w, _i in pairs})),
        MinimumStock.item_id.in_(sorted({i for _w, i in pairs})), MinimumStock.deleted_at.is_(None)))
    wanted = {(w, i): (q, v) for w, i, q, v in mins if (w, i) in pairs}
    if not wanted:
        return {}
    usable = {(w, i): int(u or 0) for w, i, u in session.execute(
        select(StockBalance.warehouse_id, StockBalance.item_id, func.sum(_usable_quantity(as_of)))
        .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
        .where(StockBalance.warehouse_id.in_(sorted({w for w, _i in wanted})),
               StockBalance.item_id.in_(sorted({i for _w, i in wanted})))
        .group_by(StockBalance.warehouse_id, StockBalance.item_id))}
    return {k: (q, usable.get(k, 0), v) for k, (q, v) in wanted.items()}


def _rows(session: Session, found: Sequence[Any], as_of: date) -> list[StockRow]:
    receipts = _first_receipts(session, [r.batch_id for r in found if r.produced_on is None])
    minimums = _minimums(session, {(r.warehouse_id, r.item_id) for r in found}, as_of)
    alert_rules = rules.alert_rules()
    out = []
    for r in found:
        ok, why = rules.usable(r, as_of)
        minimum, item_usable, minimum_version = minimums.get((r.warehouse_id, r.item_id), (None, 0, None))
        alerts = rules.alerts_for(as_of=as_of, expires_on=r.expires_on, condition=r.condition,
                                  inspection_due=r.inspection_due, calibration_due=r.calibration_due,
                                  inspected_on=r.inspected_on, held_since=r.produced_on or receipts.get(r.batch_id),
                                  usable_total=item_usable, minimum=minimum, rules=alert_rules)
        values = {k: v for k, v in r._mapping.items() if k != "inspected_on"}
        out.append(StockRow(**values, usable_qty=r.book_qty if ok else 0, minimum=minimum,
                            minimum_version=minimum_version, item_usable=item_usable, usable_reason=why,
                            alerts=tuple(alerts)))
    return out


# ---- the recycle bin

RECORDS: dict[str, str] = {"batch": "批次", "item": "物资", "warehouse": "储备库"}


@dataclass(frozen=True)
class TrashRow:
    """A deleted batch, item or warehouse in the 物资 page's 回收站 (``record`` says which; ``id`` and
    ``version`` are that record's, to restore it with). The stock list's columns read it too: it holds
    nothing (deleting refuses what holds stock)."""

    record: str  # RECORDS
    id: int
    version: int
    warehouse: str
    item_code: str
    item: str
    spec: str
    batch_no: str
    unit: str
    expires_on: date | None
    deleted_at: datetime
    deleted_by: str
    book_qty: int = 0
    usable_qty: int = 0
    usable_reason: str = ""
    alerts: tuple[Alert, ...] = ()

    @property
    def record_label(self) -> str:
        return RECORDS.get(self.record, self.record)

    @property
    def name(self) -> str:
        """What it is called in messages: “批次 B2026-01（正压式空气呼吸器）”."""
        if self.record == "batch":
            return f"批次“{self.batch_no}”（{self.item}）"
        if self.record == "item":
            return f"物资“{self.item}”（{self.item_code}）"
        return f"储备库“{self.warehouse}”"


def _trash_union(f: StockFilter) -> Any:
    """Every deleted batch, item and warehouse, as one subquery of the trash row's columns."""
    empty, none_date = literal(""), cast(null(), Date)
    batches = (select(literal("batch").label("record"), SupplyBatch.id, SupplyBatch.version,
                      empty.label("warehouse"), SupplyItem.code.label("item_code"), SupplyItem.name.label("item"),
                      SupplyItem.spec, SupplyBatch.batch_no, SupplyItem.unit, SupplyBatch.expires_on,
                      SupplyBatch.deleted_at, SupplyBatch.deleted_by)
               .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id).where(SupplyBatch.deleted_at.is_not(None)))
    items = select(literal("item"), SupplyItem.id, SupplyItem.version, empty, SupplyItem.code, SupplyItem.name,
                   SupplyItem.spec, empty, SupplyItem.unit, none_date, SupplyItem.deleted_at,
                   SupplyItem.deleted_by).where(SupplyItem.deleted_at.is_not(None))
    places = select(literal("warehouse"), Warehouse.id, Warehouse.version, Warehouse.name, empty, empty, empty, empty,
                    empty, none_date, Warehouse.deleted_at, Warehouse.deleted_by).where(Warehouse.deleted_at.is_not(None))
    union = union_all(batches, items, places).subquery("trash")
    query = select(union)
    for word in f.text.split():
        pattern = contains_pattern(word)
        query = query.where(or_(*(union.c[name].like(pattern, escape="\\")
                                  for name in ("warehouse", "item_code", "item", "spec", "batch_no"))))
    return query.subquery("found")


TRASH_SORT = {"warehouse": "warehouse", "item": "item_code", "name": "item", "batch": "batch_no"}


def trash_count(session: Session, f: StockFilter) -> int:
    found = _trash_union(f)
    return int(session.scalar(select(func.count()).select_from(found)) or 0)


def trash_page(session: Session, f: StockFilter, *, offset: int = 0, limit: int = 100, sort: str = "",
               descending: bool = False) -> list[TrashRow]:
    """A page of the recycle bin: by the list's sort when it names something a deleted record has
    (warehouse, item code or name, batch number), else the latest deleted first."""
    found = _trash_union(f)
    order: list[Any] = []
    if sort in TRASH_SORT:
        column = found.c[TRASH_SORT[sort]]
        order.append(column.desc() if descending else column.asc())
    order += [found.c.deleted_at.desc(), found.c.record, found.c.id]
    rows = session.execute(select(found).order_by(*order).offset(offset).limit(limit))
    out = []
    for r in rows:
        values = dict(r._mapping)
        for key in ("expires_on", "deleted_at"):  # a union's literal NULL comes back as text on SQLite
            if isinstance(values[key], str):
                values[key] = (date.fromisoformat(values[key]) if key == "expires_on"
                               else datetime.fromisoformat(values[key]))
        out.append(TrashRow(**values))
    return out


# ---- shortfalls and alerts


@dataclass(frozen=True)
class Shortfall:
    """A warehouse's minimum of an item not met by its usable stock."""

    warehouse_id: int
    warehouse: str
    item_id: int
    item_code: str
    item: str
    unit: str
    minimum: int
    usable: int
    book: int

    @property
    def missing(self) -> int:
        return self.minimum - self.usable


def shortfalls(session: Session, as_of: date, *, warehouse_ids: Sequence[int] = ()) -> list[Shortfall]:
    """Every minimum the usable stock does not meet (an item with no stock at all included)."""
    totals = _item_totals(as_of)
    query = (select(MinimumStock.warehouse_id, Warehouse.name, MinimumStock.item_id, SupplyItem.code, SupplyItem.name,
                    SupplyItem.unit, MinimumStock.quantity, func.coalesce(totals.c.usable, 0),
                    func.coalesce(totals.c.book, 0))
             .join(Warehouse, Warehouse.id == MinimumStock.warehouse_id)
             .join(SupplyItem, SupplyItem.id == MinimumStock.item_id)
             .outerjoin(totals, and_(totals.c.warehouse_id == MinimumStock.warehouse_id,
                                     totals.c.item_id == MinimumStock.item_id))
             .where(MinimumStock.deleted_at.is_(None), Warehouse.deleted_at.is_(None), SupplyItem.deleted_at.is_(None),
                    func.coalesce(totals.c.usable, 0) < MinimumStock.quantity)
             .order_by(Warehouse.name, SupplyItem.code, MinimumStock.id))
    if warehouse_ids:
        query = query.where(MinimumStock.warehouse_id.in_(warehouse_ids))
    return [Shortfall(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class AlertRow:
    warehouse_id: int
    warehouse: str
    item_id: int
    item: str
    batch_id: int | None  # None: an alert of the item in the warehouse (below minimum)
    batch_no: str
    quantity: int  # the batch's book quantity (below minimum: the usable quantity)
    alert: Alert
    expires_on: date | None = None  # the batch's dates (an alert of the item has none)
    inspection_due: date | None = None
    calibration_due: date | None = None


ALERT_ORDER = {k: n for n, k in enumerate(("expired", "unusable", "below_minimum", "expiring_30", "expiring_90",
                                           "calibration_overdue", "inspection_overdue", "quality_check"))}


def alerts(session: Session, as_of: date, *, warehouse_ids: Sequence[int] = ()) -> list[AlertRow]:
    """Every alert on ``as_of`` over the stock held (balances above zero) and the minimums: the
    supplies page's list and the home page's due items. Most urgent kind first."""
    f = StockFilter(as_of=as_of, warehouse_ids=tuple(warehouse_ids))
    out: list[AlertRow] = []
    alert_rules = rules.alert_rules()
    # The stock list's own selection (``_select``) read as plain driver rows: no ``StockRow`` with its usable
    # quantity and minimum (below-minimum comes from ``shortfalls``), the rule applied to each row's dates.
    query = _select(f, "warehouse", False, False, [_may_alert(as_of)]).order_by(None)  # the alerts are sorted below
    found = session.connection().execute(query).all()
    receipts = _first_receipts(session, [r.batch_id for r in found if r.produced_on is None])
    for r in found:
        expires, inspection_due, calibration_due = as_date(r.expires_on), as_date(r.inspection_due), \
            as_date(r.calibration_due)
        for a in rules.alerts_for(as_of=as_of, expires_on=expires, condition=r.condition,
                                  inspection_due=inspection_due, calibration_due=calibration_due,
                                  inspected_on=as_date(r.inspected_on),
                                  held_since=as_date(r.produced_on) or receipts.get(r.batch_id), rules=alert_rules):
            out.append(AlertRow(r.warehouse_id, r.warehouse, r.item_id, r.item, r.batch_id, r.batch_no, r.book_qty, a,
                                expires, inspection_due, calibration_due))
    for s in shortfalls(session, as_of, warehouse_ids=warehouse_ids):
        alert = rules.alerts_for(as_of=as_of, usable_total=s.usable, minimum=s.minimum, rules=alert_rules)[0]
        out.append(AlertRow(s.warehouse_id, s.warehouse, s.item_id, s.item, None, "", s.usable, alert))
    out.sort(key=lambda a: (ALERT_ORDER.get(a.alert.kind, 99), a.warehouse, a.item, a.batch_no))
    return out


# ---- movement history


@dataclass(frozen=True)
class MovementRow:
    id: int
    kind: str
    doc_no: str
    moved_on: date
    warehouse_id: int
    warehouse: str
    batch_id: int
    batch_no: str
    item_id: int
    item: str
    unit: str
    quantity: int  # signed: + in, − out
    reason: str
    handler: str
    counterparty: str
    pair_id: int | None
    other_warehouse: str  # a transfer's other side ("" otherwise)
    created_by: str
    balance: int = 0  # the running balance of what is listed, after this movement

    @property
    def kind_label(self) -> str:
        return MOVEMENT_KINDS.get(self.kind, self.kind)


def movements(session: Session, *, batch_id: int | None = None, item_id: int | None = None,
              warehouse_id: int | None = None, since: date | None = None, until: date | None = None,
              limit: int | None = None) -> list[MovementRow]:
    """The ledger lines of a batch or an item (in one warehouse, or all), by date and entry order,
    with the running balance of those lines (a stock card: 台账). ``since``/``until`` bound the dates
    (inclusive); the running balance then starts from what the earlier lines left."""
    other = aliased(StockMovement)
    other_place = aliased(Warehouse)
    query = (select(StockMovement.id, StockMovement.kind, StockMovement.doc_no, StockMovement.moved_on,
                    StockMovement.warehouse_id, Warehouse.name, StockMovement.batch_id, SupplyBatch.batch_no,
                    SupplyBatch.item_id, SupplyItem.name, SupplyItem.unit, StockMovement.quantity, StockMovement.reason,
                    StockMovement.handler, StockMovement.counterparty, StockMovement.pair_id,
                    func.coalesce(other_place.name, ""), StockMovement.created_by)
             .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
             .join(SupplyBatch, SupplyBatch.id == StockMovement.batch_id)
             .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
             .outerjoin(other, other.id == StockMovement.pair_id)
             .outerjoin(other_place, other_place.id == other.warehouse_id))
    scope = []
    if batch_id is not None:
        scope.append(StockMovement.batch_id == batch_id)
    if item_id is not None:
        scope.append(SupplyBatch.item_id == item_id)
    if warehouse_id is not None:
        scope.append(StockMovement.warehouse_id == warehouse_id)
    if not scope:
        raise ValueError("movements() needs a batch, an item or a warehouse")
    query = query.where(*scope)
    opening = 0
    if since is not None:
        opening = int(session.scalar(select(func.coalesce(func.sum(StockMovement.quantity), 0))
                                     .join(SupplyBatch, SupplyBatch.id == StockMovement.batch_id)
                                     .where(*scope, StockMovement.moved_on < since)) or 0)
        query = query.where(StockMovement.moved_on >= since)
    if until is not None:
        query = query.where(StockMovement.moved_on <= until)
    query = query.order_by(StockMovement.moved_on, StockMovement.id)
    if limit is not None:
        query = query.limit(limit)
    out = []
    balance = opening
    for row in session.execute(query):
        balance += row[11]
        out.append(MovementRow(*row, balance=balance))
    return out


# ---- inspection history


@dataclass(frozen=True)
class InspectionRow:
    """One 检查维护记录 of an item: of one of its batches, or of all its batches in a warehouse."""

    id: int
    inspected_on: date
    batch_id: int | None  # None: the item's batches in ``warehouse`` at once
    batch_no: str
    warehouse_id: int | None
    warehouse: str
    inspector: str
    result: str
    notes: str
    next_due: date | None

    @property
    def result_label(self) -> str:
        return CONDITIONS.get(self.result, self.result)

    @property
    def scope(self) -> str:
        """What was inspected: “批次 B2026-01”, or “全部批次” (of the item in the warehouse)."""
        return f"批次 {self.batch_no}" if self.batch_id is not None else "全部批次"


def inspections(session: Session, item_id: int, *, warehouse_id: int | None = None,
                newest_first: bool = True) -> list[InspectionRow]:
    """The inspections of an item — of each of its batches and of the item in a warehouse — (in one
    warehouse: those recorded there, and a batch's recorded without a place), by date."""
    batch_of_item = select(SupplyBatch.id).where(SupplyBatch.item_id == item_id)
    query = (select(SupplyInspection.id, SupplyInspection.inspected_on, SupplyInspection.batch_id,
                    func.coalesce(SupplyBatch.batch_no, ""), SupplyInspection.warehouse_id,
                    func.coalesce(Warehouse.name, ""), SupplyInspection.inspector, SupplyInspection.result,
                    SupplyInspection.notes, SupplyInspection.next_due)
             .outerjoin(SupplyBatch, SupplyBatch.id == SupplyInspection.batch_id)
             .outerjoin(Warehouse, Warehouse.id == SupplyInspection.warehouse_id)
             .where(SupplyInspection.deleted_at.is_(None),
                    or_(SupplyInspection.batch_id.in_(batch_of_item), SupplyInspection.item_id == item_id)))
    if warehouse_id is not None:
        query = query.where(or_(SupplyInspection.warehouse_id == warehouse_id,
                                and_(SupplyInspection.warehouse_id.is_(None), SupplyInspection.batch_id.is_not(None))))
    if newest_first:
        query = query.order_by(SupplyInspection.inspected_on.desc(), SupplyInspection.id.desc())
    else:
        query = query.order_by(SupplyInspection.inspected_on, SupplyInspection.id)
    return [InspectionRow(*row) for row in session.execute(query)]


# ---- the warehouse tree


@dataclass
class TreeNode:
    key: str  # "reserve", "reserve:<region code>", "enterprise:<id>", "warehouse:<id>"
    label: str
    warehouse_id: int | None = None
    children: list[TreeNode] = field(default_factory=list)
    version: int = 0  # a warehouse's: the version the tree read (to delete it with)

    @property
    def warehouse_ids(self) -> tuple[int, ...]:
        """This node's warehouses: itself, or every warehouse under it."""
        if self.warehouse_id is not None:
            return (self.warehouse_id,)
        return tuple(w for c in self.children for w in c.warehouse_ids)


def scope_warehouses(key: str) -> Select[Any]:
    """The ids of the live warehouses under the tree node ``key`` (see ``warehouses_tree``)."""
    kind, _, rest = key.partition(":")
    query = select(Warehouse.id).where(Warehouse.deleted_at.is_(None))
    if kind == "warehouse":
        return query.where(Warehouse.id == int(rest))
    if kind == "enterprise" and rest:
        return query.where(Warehouse.kind == "enterprise", Warehouse.enterprise_id == int(rest))
    if kind == "enterprise-district":
        in_district = select(Enterprise.id).join(Region, Region.id == Enterprise.region_id).where(
            or_(Region.code == rest, Region.parent_code == rest))
        return query.where(Warehouse.kind == "enterprise", Warehouse.enterprise_id.in_(in_district))
    if kind in WAREHOUSE_KINDS and rest:
        return query.where(Warehouse.kind == kind, Warehouse.region_id.in_(select(Region.id).where(Region.code == rest)))
    if kind in WAREHOUSE_KINDS and key.endswith(":"):
        return query.where(Warehouse.kind == kind, Warehouse.region_id.is_(None))
    if kind in WAREHOUSE_KINDS:
        return query.where(Warehouse.kind == kind)
    raise ValueError(f"未知的储备库范围：{key}")


def warehouses_tree(session: Session) -> list[TreeNode]:
    """政府储备库 by region; 企业储备点 by the enterprise's district (区县), then by enterprise — a city
    has thousands of enterprise stores —; each warehouse a leaf (live ones only)."""
    own = aliased(Region)
    query = (select(Warehouse.id, Warehouse.name, Warehouse.kind, Region.code, Region.name, Region.sort_order,
                    Enterprise.id, Enterprise.name, own.code, own.parent_code, own.level, Warehouse.version)
             .outerjoin(Region, Region.id == Warehouse.region_id)
             .outerjoin(Enterprise, Enterprise.id == Warehouse.enterprise_id)
             .outerjoin(own, own.id == Enterprise.region_id)
             .where(Warehouse.deleted_at.is_(None))
             .order_by(Warehouse.kind.desc(), Region.sort_order, Enterprise.name, Warehouse.name, Warehouse.id))
    regions = {code: (name, order) for code, name, order in session.execute(
        select(Region.code, Region.name, Region.sort_order).where(Region.level <= 2))}
    roots = {kind: TreeNode(kind, label) for kind, label in WAREHOUSE_KINDS.items()}
    groups: dict[str, TreeNode] = {}
    for wid, name, kind, rcode, rname, _order, eid, ename, ecode, eparent, elevel, wversion in session.execute(query):
        parent = roots.get(kind, roots["reserve"])
        if kind == "enterprise" and eid is not None:
            district = (eparent if (elevel or 0) > 2 else ecode) or ""
            dkey = f"enterprise-district:{district}"
            dnode = groups.get(dkey)
            if dnode is None:
                dnode = groups[dkey] = TreeNode(dkey, regions.get(district, ("未指定区域", 0))[0])
                parent.children.append(dnode)
            parent, key, label = dnode, f"enterprise:{eid}", ename
        else:
            key, label = f"{kind}:{rcode or ''}", rname or "未指定区域"
        group = groups.get(key)
        if group is None:
            group = groups[key] = TreeNode(key, label)
            parent.children.append(group)
        group.children.append(TreeNode(f"warehouse:{wid}", name, wid, version=wversion))
    enterprise = roots["enterprise"]
    enterprise.children.sort(key=lambda n: (regions.get(n.key.split(":", 1)[1], ("", 10**6))[1], n.label))
    return [node for node in roots.values() if node.children]


# ---- lookups for the movement dialog


@dataclass(frozen=True)
class ItemChoice:
    id: int
    code: str
    name: str
    spec: str
    unit: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" + (f"（{self.spec}）" if self.spec else "")


def find_items(session: Session, text: str, *, limit: int = 20) -> list[ItemChoice]:
    """Items whose code starts with ``text`` (exact code first) or whose name or spec contains it."""
    text = text.strip()
    query = select(SupplyItem.id, SupplyItem.code, SupplyItem.name, SupplyItem.spec, SupplyItem.unit).where(
        SupplyItem.deleted_at.is_(None))
    if text:
        pattern, code = contains_pattern(text), text.upper()
        query = query.where(SupplyItem.code.like(escape_like(code) + "%", escape="\\")
                            | SupplyItem.name.like(pattern, escape="\\") | SupplyItem.spec.like(pattern, escape="\\"))
        query = query.order_by(SupplyItem.code != code, ~SupplyItem.code.like(escape_like(code) + "%", escape="\\"),
                               SupplyItem.code)
    else:
        query = query.order_by(SupplyItem.code)
    return [ItemChoice(*r) for r in session.execute(query.limit(limit))]


LABEL_PREFIX = "WZB"
_LABEL = re.compile(LABEL_PREFIX + r"(\d{1,12})")


def label_code(batch_id: int) -> str:
    """What a batch's label encodes (QR code or Code 128, ASCII only): ``WZB00000123``."""
    return f"{LABEL_PREFIX}{batch_id:08d}"


def parse_label(text: str) -> int | None:
    """The batch id in a scanner's input (the code anywhere in it, case-insensitive), else None."""
    found = _LABEL.search(text.upper())
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class ScannedBatch:
    batch_id: int
    batch_no: str
    item_id: int
    item: str
    expires_on: date | None


def batch_from_scan(session: Session, text: str) -> ScannedBatch | None:
    """The live batch a scanned label names, or — typed by hand — the batch whose number it is."""
    batch_id = parse_label(text)
    query = (select(SupplyBatch.id, SupplyBatch.batch_no, SupplyBatch.item_id, SupplyItem.name, SupplyBatch.expires_on)
             .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id).where(SupplyBatch.deleted_at.is_(None)))
    if batch_id is not None:
        query = query.where(SupplyBatch.id == batch_id)
    else:
        query = query.where(SupplyBatch.batch_no == text.strip())
    found = session.execute(query.limit(2)).all()
    return ScannedBatch(*found[0]) if len(found) == 1 else None


def balances_of(session: Session, batch_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(warehouse, batch) → book quantity, for the given batches."""
    ids = sorted(set(batch_ids))
    out: dict[tuple[int, int], int] = defaultdict(int)
    for start in range(0, len(ids), 2000):
        for w, b, q in session.execute(select(StockBalance.warehouse_id, StockBalance.batch_id, StockBalance.quantity)
                                       .where(StockBalance.batch_id.in_(ids[start:start + 2000]))):
            out[(w, b)] = q
    return dict(out)


# ---- the home page's figures


def expiring_by_month(session: Session, as_of: date, months: int = 6) -> list[tuple[date, int]]:
    """How many batches held (a balance above zero somewhere) expire in each of the next ``months``
    calendar months, ``as_of``'s first (batches already expired are not counted here: the alerts list them)."""
    starts = month_starts(as_of, months + 1)
    held = select(StockBalance.batch_id).where(StockBalance.quantity > 0)
    rows = session.execute(select(SupplyBatch.expires_on).where(
        SupplyBatch.deleted_at.is_(None), SupplyBatch.id.in_(held), SupplyBatch.expires_on >= as_of,
        SupplyBatch.expires_on < starts[-1])).scalars().all()
    counts = [0] * months
    for day in rows:
        counts[month_index(day) - month_index(starts[0])] += 1
    return list(zip(starts[:-1], counts, strict=True))
