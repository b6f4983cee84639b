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
        return digest(value)
    raise TypeError(f"无法记录到审计日志的值类型：{type(value).__name__}")


def encode(value: Any) -> str | None:
    """A stored value as JSON text (None stays None, so "cleared" and "never set" differ from "")."""
    if value is None:
        return None
    return _json(value)


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


# ``json.dumps`` with these options, without building an encoder for each of the many values.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_default, sort_keys=True)


def digest(value: Any) -> dict[str, Any]:
    """What the trail records of a value it does not keep: its size and SHA-256.

    Bytes are hashed as they are; any other value as its ``encode`` text (UTF-8), the canonical
    JSON the trail would otherwise hold, so a value read back from the database (JSON columns
    included) gives the same digest.
    """
    data = value if isinstance(value, bytes) else _json(value).encode("utf-8")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def encode_digest(value: Any) -> str | None:
    """``value`` as the trail records a field named in an entity's ``__audit_digest__``."""
    if value is None:
        return None
    return encode(digest(value))


def matches(value: Any, recorded: str | None) -> bool:
    """Whether ``value`` is the value an audit row recorded, in full or by its digest.

    A stored field compared with the ``after`` of its latest audit row: False means the value
    was changed behind the application's back (the chain itself proves the audit row).
    """
    if recorded is None or value is None:
        return recorded is None and value is None
    return recorded == encode(value) or recorded == encode_digest(value)


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


class Chain:
    """``row_hash`` for the rows one writer appends, with the parts every row shares done once.

    ``link`` gives exactly ``row_hash`` of the row (the tests compare them); the unit of work
    calls it for each of the hundreds of thousands of rows a demo writes.
    """

    def __init__(self, at: datetime, actor: str) -> None:
        self._common = f"{_part(at)}|{_part(actor)}|"

    def link(self, prev_hash: str, action: str, entity: str, entity_id: int | None, field: str,
             before: str | None, after: str | None) -> str:
        eid = _part(entity_id)
        data = (f"{len(prev_hash)}:{prev_hash}|{self._common}{len(action)}:{action}|{len(entity)}:{entity}|"
                f"{eid}|{len(field)}:{field}|{'-' if before is None else f'{len(before)}:{before}'}|"
                f"{'-' if after is None else f'{len(after)}:{after}'}")
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
    from models.core.entities import AuditLog

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
