"""What a supplies label says (物资标签): the item, the batch, its expiry — as text to read and as the
code a scanner reads (``exports.supplies.labels`` draws them on A4 label sheets).

The code is plain ASCII, because a scanner types what it reads like a keyboard and keyboard
emulation cannot type Chinese. It starts with the batch's label code of ``models.supplies.queries``
(``label_code``: ``WZB00001234``), which the movement dialog finds anywhere in what the scanner typed
(``queries.batch_from_scan``): ``short`` (in a Code 128 bar code, short enough to scan from a 70 mm
label) is just that; ``payload`` (in the QR code) adds ``|<item code>|<batch no>|<expiry YYYYMMDD or
->``, any character outside printable ASCII (and ``|``, ``%``) percent-encoded, so a phone reading
the QR code shows what the batch is. An item label without a batch says ``WZI<item id>|<item code>``.
``parse_scan(text)`` reads either back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import quote, unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFoundError
from models.supplies.entities import StockBalance, SupplyBatch, SupplyItem, Warehouse
from models.supplies.queries import LABEL_PREFIX, label_code, parse_label

ITEM_PREFIX = "WZI"
_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in "|%")

Kind = Literal["batch", "item"]


@dataclass(frozen=True)
class Label:
    kind: Kind
    ident: int  # the batch's id (kind "batch") or the item's
    item_code: str
    item_name: str
    spec: str
    unit: str
    batch_no: str = ""
    expires_on: date | None = None
    place: str = ""  # the warehouse it is kept in, when the label is for one

    def short(self) -> str:
        """The Code 128 bar code's content: ``WZB00001234`` (an item: ``WZI00000056``)."""
        return label_code(self.ident) if self.kind == "batch" else f"{ITEM_PREFIX}{self.ident:08d}"

    def payload(self) -> str:
        """The QR code's content (ASCII; see the module docstring)."""
        expiry = self.expires_on.strftime("%Y%m%d") if self.expires_on else "-"
        rest = [self.item_code, self.batch_no, expiry] if self.kind == "batch" else [self.item_code]
        return "|".join([self.short(), *(quote(p, safe=_SAFE) for p in rest)])

    def lines(self) -> list[str]:
        """The text printed beside the code, most important first."""
        out = [self.item_name + (f"（{self.spec}）" if self.spec else "")]
        out.append(f"编码：{self.item_code}")
        if self.kind == "batch":
            out.append(f"批次：{self.batch_no}")
            out.append(f"有效期至：{self.expires_on.isoformat() if self.expires_on else '长期'}")
        else:
            out.append(f"单位：{self.unit}")
        if self.place:
            out.append(f"存放：{self.place}")
        return out


@dataclass(frozen=True)
class Scanned:
    kind: Kind
    ident: int
    item_code: str = ""
    batch_no: str = ""
    expires_on: date | None = None


_ITEM = re.compile(ITEM_PREFIX + r"(\d{1,12})")


def parse_scan(text: str) -> Scanned | None:
    """What a label's code said (either code, with the stray spaces or line end a scanner adds), or
    None for anything else — e.g. an item code typed by hand, which the caller looks up as such."""
    text = text.strip()
    parts = text.split("|")
    head = parts[0].strip().upper()
    batch_id = parse_label(head) if head.startswith(LABEL_PREFIX) else None
    item = _ITEM.fullmatch(head)
    if batch_id is None and item is None:
        return None
    if batch_id is None or not re.fullmatch(LABEL_PREFIX + r"\d{1,12}", head):
        if item is None:
            return None
        return Scanned("item", int(item.group(1)), unquote(parts[1]) if len(parts) > 1 else "")
    expires = None
    if len(parts) >= 4 and re.fullmatch(r"\d{8}", parts[3]):
        try:
            expires = date(int(parts[3][:4]), int(parts[3][4:6]), int(parts[3][6:]))
        except ValueError:
            expires = None
    return Scanned("batch", batch_id, unquote(parts[1]) if len(parts) > 1 else "",
                   unquote(parts[2]) if len(parts) > 2 else "", expires)


def batch_labels(session: Session, batch_ids: Sequence[int]) -> list[Label]:
    """A label for each batch, in the order given (``NotFoundError`` for one that does not exist)."""
    rows = {b.id: (b, i) for b, i in session.execute(
        select(SupplyBatch, SupplyItem).join(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
        .where(SupplyBatch.id.in_(list(batch_ids)), SupplyBatch.deleted_at.is_(None)))}
    out = []
    for batch_id in batch_ids:
        if batch_id not in rows:
            raise NotFoundError(SupplyBatch.__label__, batch_id)
        batch, item = rows[batch_id]
        out.append(_batch_label(batch, item))
    return out


def item_labels(session: Session, item_ids: Sequence[int]) -> list[Label]:
    items = {i.id: i for i in session.scalars(select(SupplyItem).where(SupplyItem.id.in_(list(item_ids)),
                                                                        SupplyItem.deleted_at.is_(None)))}
    out = []
    for item_id in item_ids:
        if item_id not in items:
            raise NotFoundError(SupplyItem.__label__, item_id)
        item = items[item_id]
        out.append(Label("item", item.id, item.code, item.name, item.spec, item.unit))
    return out


def stock_labels(session: Session, *, warehouse_id: int | None = None, item_id: int | None = None) -> list[Label]:
    """A label for every batch in stock (in a warehouse, of an item), one per batch and warehouse it
    lies in, by warehouse, item code and batch number."""
    query = (select(SupplyBatch, SupplyItem, Warehouse.name)
             .join(StockBalance, StockBalance.batch_id == SupplyBatch.id)
             .join(SupplyItem, SupplyItem.id == SupplyBatch.item_id)
             .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
             .where(StockBalance.quantity > 0, SupplyBatch.deleted_at.is_(None), SupplyItem.deleted_at.is_(None)))
    if warehouse_id is not None:
        if session.get(Warehouse, warehouse_id) is None:
            raise NotFoundError(Warehouse.__label__, warehouse_id)
        query = query.where(StockBalance.warehouse_id == warehouse_id)
    if item_id is not None:
        query = query.where(SupplyBatch.item_id == item_id)
    query = query.order_by(Warehouse.name, SupplyItem.code, SupplyBatch.batch_no)
    return [_batch_label(b, i, place) for b, i, place in session.execute(query)]


def _batch_label(batch: SupplyBatch, item: SupplyItem, place: str = "") -> Label:
    return Label("batch", batch.id, item.code, item.name, item.spec, item.unit, batch.batch_no, batch.expires_on, place)
