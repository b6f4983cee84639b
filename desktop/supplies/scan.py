"""What a barcode scanner types into the movement dialog, and what a typed text names.

A scanner is a keyboard: it types the label's code and then Enter. A batch's label carries its code
(``models.supplies.queries.label_code``: ``WZB00000123``, the QR code more after it), an item's label
``WZI…`` (``plans.supplies.labels``); an item's code or name, or a batch number, typed by hand is looked
up as well. One short read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.supplies import queries as sq
from models.supplies.entities import SupplyItem
from models.supplies.queries import ItemChoice
from plans.supplies.labels import parse_scan


def load_items(session: Session) -> list[ItemChoice]:
    """Every item not in the recycle bin, by code."""
    rows = session.execute(select(SupplyItem.id, SupplyItem.code, SupplyItem.name, SupplyItem.spec, SupplyItem.unit)
                           .where(SupplyItem.deleted_at.is_(None)).order_by(SupplyItem.code))
    return [ItemChoice(*row) for row in rows]


@dataclass(frozen=True)
class Found:
    """What a scan or a typed text resolved to: one item (and batch), or why not."""

    item: ItemChoice | None = None
    batch_id: int | None = None
    candidates: tuple[ItemChoice, ...] = ()
    problem: str = ""


def match_items(items: list[ItemChoice], text: str) -> list[ItemChoice]:
    """Items whose code is ``text`` (any case); else whose name is; else whose code, name or spec
    contains it."""
    key = text.strip().casefold()
    if not key:
        return []
    exact = [i for i in items if i.code.casefold() == key]
    if exact:
        return exact
    named = [i for i in items if i.name.casefold() == key]
    if named:
        return named
    return [i for i in items if key in i.code.casefold() or key in i.name.casefold() or key in i.spec.casefold()]


def resolve(session: Session, items: list[ItemChoice], text: str) -> Found:
    """The item (and batch) ``text`` names: a scanned label, an item's code or name, or a batch
    number alone (of one item only)."""
    text = text.strip()
    if not text:
        return Found(problem="请输入物资编码、名称，或扫描标签")
    label = parse_scan(text)
    if label is not None and label.kind == "item":  # an item's label (no batch): the batch comes by FEFO
        item = next((i for i in items if i.id == label.ident), None)
        return Found(item=item) if item is not None else Found(problem=f"标签“{text}”对应的物资不存在或已删除")
    if sq.parse_label(text) is not None:
        scanned = sq.batch_from_scan(session, text)
        item = next((i for i in items if scanned is not None and i.id == scanned.item_id), None)
        if scanned is None or item is None:
            return Found(problem=f"标签“{text}”对应的批次不存在或已删除")
        return Found(item=item, batch_id=scanned.batch_id)
    found = match_items(items, text)
    if len(found) == 1:
        return Found(item=found[0])
    if not found:  # a batch number typed alone
        scanned = sq.batch_from_scan(session, text)
        item = next((i for i in items if scanned is not None and i.id == scanned.item_id), None)
        if scanned is not None and item is not None:
            return Found(item=item, batch_id=scanned.batch_id)
        return Found(problem=f"没有编码、名称或批次号为“{text}”的物资")
    return Found(candidates=tuple(found), problem=f"有 {len(found)} 种物资符合“{text}”，请从列表中选择")
