"""The audit trail: value encoding, the hash chain, and its verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

GENESIS = "0" * 64
_HASHED = ("prev_hash", "at", "actor", "action", "entity", "entity_id", "field", "before", "after")


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, bytes):  # images: the trail records what was stored, not the bytes
        return {"bytes": len(value), "sha256": hashlib.sha256(value).hexdigest()}
    raise TypeError(f"无法记录到审计日志的值类型：{type(value).__name__}")


def encode(value: Any) -> str | None:
    """A stored value as JSON text (None stays None, so "cleared" and "never set" differ from "")."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True)


def _canonical_at(at: datetime) -> str:
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _part(value: object) -> str:
    # Length-prefixed, so no choice of field contents can make two different rows hash alike;
    # None ("-") differs from every string ("<len>:<text>").
    if value is None:
        return "-"
    text = value if isinstance(value, str) else _canonical_at(value) if isinstance(value, datetime) \
        else str(value)
    return f"{len(text)}:{text}"


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's content (not its id: ids are positions)."""
    data = "|".join(_part(row[k]) for k in _HASHED)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条记录。"
        return f"审计链在第 {self.broken_id} 条记录处断开：{self.reason}（此前 {self.checked} 条完好）。"


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every row's hash in id order; report the first row that does not match."""
    from models.entities import AuditLog

    cols = [getattr(AuditLog, k) for k in ("id", *_HASHED, "hash")]
    prev = GENESIS
    checked = 0
    result = session.execute(select(*cols).order_by(AuditLog.id).execution_options(yield_per=batch))
    for rec in result:
        row = rec._mapping
        if row["prev_hash"] != prev:
            return ChainReport(checked, row["id"], "与前一条记录的哈希不衔接（记录被删除、插入或改动）")
        if row_hash(row) != row["hash"]:
            return ChainReport(checked, row["id"], "内容与哈希不符（记录被改动）")
        prev = row["hash"]
        checked += 1
    return ChainReport(checked)
