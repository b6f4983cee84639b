"""The supplies module's due items (``models.core.due``): every alert of the stock held and of the
minimums on the day (``queries.alerts``, the 物资 page's alerts line) — expired or expiring batches,
inspections and calibrations overdue, unusable stock, items below their minimum — dated by the batch's
own date, and placed at the warehouse's enterprise (a government reserve has none)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.due import DueItem, days_between, in_window
from models.enterprises.entities import Enterprise
from models.supplies import queries as sq
from models.supplies.entities import Warehouse

DATED = {"expired": "expires_on", "expiring_30": "expires_on", "expiring_90": "expires_on",
         "inspection_overdue": "inspection_due", "calibration_overdue": "calibration_due"}
"""The batch date an alert is about (the others — below minimum, unusable, quality check — are now)."""


def due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    places = select(Warehouse.id, Warehouse.name, Warehouse.enterprise_id, Enterprise.name).outerjoin(
        Enterprise, Enterprise.id == Warehouse.enterprise_id).where(Warehouse.deleted_at.is_(None))
    if enterprise_id is not None:
        places = places.where(Warehouse.enterprise_id == enterprise_id)
    where = {wid: (name, eid, ename or "") for wid, name, eid, ename in session.execute(places)}
    if enterprise_id is not None and not where:
        return []
    alerts = sq.alerts(session, as_of, warehouse_ids=tuple(where) if enterprise_id is not None else ())
    out: list[DueItem] = []
    for a in alerts:
        field = DATED.get(a.alert.kind)
        day = getattr(a, field) if field and a.batch_id is not None else None
        if not in_window(day, as_of, within):
            continue
        _wname, eid, ename = where.get(a.warehouse_id, (a.warehouse, None, ""))
        record, record_id = ("batch", a.batch_id) if a.batch_id is not None else ("warehouse_item", a.item_id)
        what = f"{a.item}（批次 {a.batch_no}）" if a.batch_no else a.item
        out.append(DueItem("supplies", a.alert.kind, a.alert.label, record, record_id, eid, ename, what,
                           f"{a.warehouse}：{what}{a.alert.label}（{a.alert.detail}）", day, days_between(as_of, day),
                           a.alert.severity, a.warehouse_id))
    return out
