"""What a barcode scanner types into the movement dialog, and how it names a batch.

A scanner is a keyboard: it types the label's payload and then Enter. A label (``exports.supplies``
labels) carries the item's code and the batch number, separated by ``|`` (``物资编码|批次号|有效期至``,
the expiry optional); a plain item code or batch number typed by hand is looked up as well. The
parsing is pure (no database), the lookup one short read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.supplies.entities import SupplyBatch, SupplyItem

SEPARATORS = re.compile(r"[|｜;；\t]")


@dataclass(frozen=True)
class Scan:
    """What a typed or scanned text names: an item code (or name) and maybe a batch number."""

    text: str
    item: str
    batch_no: str = ""

    @property
    def is_label(self) -> bool:
        return bool(self.batch_no)


def parse_scan(text: str) -> Scan | None:
    """``物资编码|批次号[|有效期至]`` (a label), or one word (a code, a name, a batch number)."""
    text = text.strip()
    if not text:
        return None
    parts = [p.strip() for p in SEPARATORS.split(text)]
    if len(parts) >= 2 and parts[0] and parts[1]:
        return Scan(text, parts[0], parts[1])
    return Scan(text, parts[0])


@dataclass(frozen=True)
class ItemChoice:
    """An item as the lookup offers it."""

    id: int
    code: str
    name: str
    spec: str
    unit: str

    @property
    def label(self) -> str:
        spec = f"（{self.spec}）" if self.spec else ""
        return f"{self.code}　{self.name}{spec}"


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
    """The item (and batch) ``text`` names: a label's code and batch number, an item's code or name,
    or a batch number alone (of one item only)."""
    scan = parse_scan(text)
    if scan is None:
        return Found(problem="请输入物资编码、名称，或扫描标签")
    if scan.is_label:
        item = next((i for i in items if i.code.casefold() == scan.item.casefold()), None)
        if item is None:
            return Found(problem=f"标签上的物资编码“{scan.item}”不在物资目录中")
        batch_id = session.scalar(select(SupplyBatch.id).where(
            SupplyBatch.item_id == item.id, func.lower(SupplyBatch.batch_no) == scan.batch_no.lower(),
            SupplyBatch.deleted_at.is_(None)))
        if batch_id is None:
            return Found(item=item, problem=f"“{item.name}”没有批次号为“{scan.batch_no}”的批次")
        return Found(item=item, batch_id=batch_id)
    found = match_items(items, scan.item)
    if len(found) == 1:
        return Found(item=found[0])
    if not found:  # a batch number typed (or scanned from an old label) alone
        batches = session.execute(select(SupplyBatch.id, SupplyBatch.item_id).where(
            or_(func.lower(SupplyBatch.batch_no) == scan.item.lower()), SupplyBatch.deleted_at.is_(None))).all()
        if len(batches) == 1:
            item = next((i for i in items if i.id == batches[0].item_id), None)
            if item is not None:
                return Found(item=item, batch_id=batches[0].id)
        if len(batches) > 1:
            return Found(problem=f"批次号“{scan.item}”属于 {len(batches)} 种物资，请输入物资编码或扫描标签")
        return Found(problem=f"没有编码、名称或批次号为“{scan.item}”的物资")
    return Found(candidates=tuple(found), problem=f"有 {len(found)} 种物资符合“{scan.item}”，请从列表中选择")
