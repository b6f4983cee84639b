"""The audit trail: how values are recorded, the hash chain and its head, verification, history.

The trail has one row per changed entity per command (a unit of work): the action, the entity and
its id, who and when, and the changed fields as one JSON object (an insert: every audited field
that is set; an update, delete or restore: ``{"field": [before, after]}``) — the shape of the most
used audit libraries' version tables. Fields an entity names in ``__audit_digest__`` (bytes of
images and files, a section's content blocks, a published version's frozen content: values kept
in full in their own rows) are recorded as ``{"bytes": n, "sha256": "…"}``, so the trail proves
them without holding a second copy.

Each row's hash covers the hash of the row before it and the row's content; ``audit_head`` keeps
the chain's length and last hash. ``verify_chain`` recomputes the chain and checks the head (a
truncated trail is still a chain, but shorter than its head says); ``verify_data`` replays the
trail per record and compares every stored record with what the trail says it is, naming each
difference (a value edited by SQL, a record deleted or inserted behind the application's back).

Records written once and never changed (``__immutable__``: ledger movements, frozen versions) that
one command inserts by the hundred (``UnitOfWork.insert_rows``: an import, a posting split over
batches, the demo) get one ``bulk_insert`` row for all of them: their ids (as ranges) and, per
record in id order, the first 128 bits of the SHA-256 of exactly what its own insert row would
have said (``record_digest``). The chain covers that row as any other; ``verify_data`` recomputes
each record's digest from the stored values and names every record that differs, is missing or
was added — by record, not by field (the record's fields cannot have changed since: nothing
changes such a record, so a difference is a change behind the application's back).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, inspect, select
from sqlalchemy.orm import Session

from models.core.base import BOOKKEEPING, Entity

GENESIS = "0" * 64
INSERT, UPDATE, DELETE, RESTORE, PURGE = "insert", "update", "delete", "restore", "purge"
BULK_INSERT = "bulk_insert"
ACTION_LABELS = {INSERT: "新建", UPDATE: "修改", DELETE: "删除（移入回收站）", RESTORE: "恢复", PURGE: "彻底删除",
                 BULK_INSERT: "批量新建"}
ROW_DIGEST_CHARS = 32  # 128 bits of a record's SHA-256 in a bulk row


# --- values as the trail records them ---------------------------------------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, bytes):  # images and files: the trail records what was stored, not the bytes
        return digest(value)
    raise TypeError(f"无法记录到审计日志的值类型：{type(value).__name__}")


# The canonical text of a value: what digests are computed over (unchanged since the first trail,
# so a digest recorded then still proves the value now).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_default, sort_keys=True)
# The text of a row's changes, as hashed and stored: compact.
_COMPACT = json.JSONEncoder(ensure_ascii=False, default=_default, sort_keys=True, separators=(",", ":"))


def encode(value: Any) -> str | None:
    """A value as canonical JSON text (None stays None, so "cleared" and "never set" differ from "")."""
    if value is None:
        return None
    return _ENCODER.encode(value)


def digest(value: Any) -> dict[str, Any]:
    """What the trail records of a value it does not keep: its size and SHA-256.

    Bytes are hashed as they are; any other value as its canonical JSON text (UTF-8), so a value
    read back from the database (JSON columns included) gives the same digest.
    """
    data = value if isinstance(value, bytes) else _ENCODER.encode(value).encode("utf-8")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def plain(value: Any) -> Any:
    """``value`` as a JSON value (dates as ISO text, bytes by digest, sets sorted)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return _default(value)


def recorded(value: Any, by_digest: bool) -> Any:
    """What the trail keeps of a field's ``value``: the value, or its digest for digest fields."""
    if value is None:
        return None
    return digest(value) if by_digest else plain(value)


def matches(value: Any, kept: Any, by_digest: bool) -> bool:
    """Whether a stored ``value`` is the one the trail ``kept`` (in full or by digest)."""
    return recorded(value, by_digest) == kept


def changes_text(changes: Mapping[str, Any]) -> str:
    return _COMPACT.encode(changes)


_SIMPLE = (str, int, bool)


def insert_changes(fields: Iterable[tuple[str, bool]], values: Mapping[str, Any]) -> dict[str, Any]:
    """What a record's insert row records: every audited field that is set, as ``recorded``."""
    changes: dict[str, Any] = {}
    for key, by_digest in fields:
        value = values.get(key)
        if value is not None:
            changes[key] = value if not by_digest and type(value) in _SIMPLE else recorded(value, by_digest)
    return changes


def record_digest(entity_id: int, changes: Mapping[str, Any]) -> str:
    """A record's line in a bulk row: 128 bits of the SHA-256 of its id and its insert changes."""
    data = f"{entity_id}|{changes_text(changes)}".encode()
    return hashlib.sha256(data).hexdigest()[:ROW_DIGEST_CHARS]


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Ascending ids as inclusive ranges ``[[first, last], …]``."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def bulk_changes(digests: Mapping[int, str]) -> dict[str, Any]:
    """A ``bulk_insert`` row's changes: the records' count, id ranges and digests in id order."""
    ids = sorted(digests)
    return {"count": len(ids), "ids": id_ranges(ids), "rows": [digests[i] for i in ids]}


def bulk_records(changes: Mapping[str, Any]) -> Iterator[tuple[int, str]]:
    """(record id, digest) of a ``bulk_insert`` row, in id order."""
    rows = iter(changes["rows"])
    for first, last in changes["ids"]:
        for entity_id in range(first, last + 1):
            yield entity_id, next(rows)


# --- the chain --------------------------------------------------------------------------------------


def _canonical_at(at: datetime) -> str:
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _part(value: object) -> str:
    # Length-prefixed, so no choice of contents can make two different rows hash alike.
    if value is None:
        return "-"
    text = value if isinstance(value, str) else _canonical_at(value) if isinstance(value, datetime) \
        else str(value)
    return f"{len(text)}:{text}"


_HASHED = ("at", "actor", "action", "entity", "entity_id", "changes")


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 over the previous row's hash and this row's content (not its id: ids are positions)."""
    data = "|".join([_part(prev_hash), *(_part(row[k]) for k in _HASHED)])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Chain:
    """``row_hash`` for the rows one writer appends, with the parts every row shares done once.

    ``link`` gives exactly ``row_hash`` of the row (the tests compare them).
    """

    def __init__(self, at: datetime, actor: str) -> None:
        self._common = f"{_part(at)}|{_part(actor)}|"

    def link(self, prev_hash: str, action: str, entity: str, entity_id: int, changes: str) -> str:
        data = (f"{len(prev_hash)}:{prev_hash}|{self._common}{len(action)}:{action}|{len(entity)}:{entity}|"
                f"{_part(entity_id)}|{len(changes)}:{changes}")
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The chain's head as kept in ``audit_head``: row count and the last row's id and hash."""

    count: int
    last_id: int
    last_hash: str

    def text(self) -> str:
        return f"共 {self.count} 条，末条编号 {self.last_id}，末条哈希 {self.last_hash}"

    def token(self) -> str:
        """What a user notes down and gives back to ``audit verify --head``."""
        return f"{self.count}:{self.last_hash}"


EMPTY_HEAD = Head(0, 0, GENESIS)


def read_head(session: Session) -> Head:
    from models.core.entities import AuditHead

    row = session.get(AuditHead, 1)
    return EMPTY_HEAD if row is None else Head(row.count, row.last_id, row.last_hash)


def head_stamp(reader: Session | Connection) -> int:
    """The trail's last row id (0 before the first write): answers kept “as of the audit trail's head”
    (the drill obligations, team readiness, the due items) compare it to know nothing was written since."""
    from models.core.entities import AuditHead

    return int(reader.scalar(select(AuditHead.last_id).where(AuditHead.id == 1)) or 0)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head: Head
    broken_id: int | None = None
    reason: str = ""
    last_id: int = 0
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.reason

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条记录。"
        if self.broken_id is None:
            return f"审计链不完整：{self.reason}"
        return f"审计链在第 {self.broken_id} 条记录处断开：{self.reason}（此前 {self.checked} 条完好）。"


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every row's hash in id order; report the first row that does not match, or a
    head that does not match the chain's end (rows deleted from its end)."""
    from models.core.entities import AuditLog

    head = read_head(session)
    cols = [AuditLog.id, *(getattr(AuditLog, k) for k in _HASHED), AuditLog.hash]
    prev = GENESIS
    checked = last_id = 0
    result = session.execute(select(*cols).order_by(AuditLog.id).execution_options(yield_per=batch))
    for rec in result:
        row = rec._mapping
        if row_hash(prev, row) != row["hash"]:
            return ChainReport(checked, head, row["id"],
                               "内容与哈希不符，或与前一条记录不衔接（记录被改动、删除或插入）",
                               last_id, prev)
        prev = row["hash"]
        last_id = row["id"]
        checked += 1
    if (checked, prev) != (head.count, head.last_hash):
        if checked < head.count:
            reason = (f"链头记录共 {head.count} 条（末条编号 {head.last_id}），现存 {checked} 条："
                      "最新的审计记录被删除了。")
        else:
            reason = f"链头记录共 {head.count} 条，现存 {checked} 条，末条哈希与链头不符：链头被改动。"
        return ChainReport(checked, head, None, reason, last_id, prev)
    return ChainReport(checked, head, None, "", last_id, prev)


def file_head(path: Path) -> Head | None:
    """The audit head kept in a SQLite backup file (None: the file predates the head)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT count, last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else Head(int(row[0]), int(row[1]), str(row[2]))


def parse_head(text: str) -> tuple[int, str]:
    """``"123:abcd…"`` (as ``audit verify`` prints it for noting down) → (count, hash)."""
    count, _, last_hash = text.strip().partition(":")
    if not count.isdigit() or len(last_hash) != 64 or any(c not in "0123456789abcdef" for c in last_hash):
        raise ValueError("链头的格式应为“条数:64 位哈希”，例如 1200:3f2a…（audit verify 的输出中有）")
    return int(count), last_hash


def contains(session: Session, count: int, last_hash: str) -> bool:
    """Whether the chain's ``count``-th row has ``last_hash`` (a head noted earlier, or a backup's
    head: the trail since then only grew)."""
    from models.core.entities import AuditLog

    if count == 0:
        return last_hash == GENESIS
    found = session.scalar(select(AuditLog.hash).order_by(AuditLog.id).offset(count - 1).limit(1))
    return found == last_hash


# --- the records against the trail ---------------------------------------------------------------------


def audited_fields(cls: type[Entity]) -> tuple[tuple[str, bool], ...]:
    """The fields of ``cls`` the trail records, each with whether it records only the digest."""
    fields = _AUDITED.get(cls)
    if fields is None:
        digest_fields = cls.__audit_digest__
        columns = [a.key for a in inspect(cls).column_attrs if a.key not in BOOKKEEPING]
        unknown = digest_fields - set(columns)
        if unknown:
            raise TypeError(f"{cls.__name__}.__audit_digest__ names no audited column: {sorted(unknown)}")
        fields = _AUDITED[cls] = tuple((key, key in digest_fields) for key in columns)
    return fields


_AUDITED: dict[type, tuple[tuple[str, bool], ...]] = {}


def apply(state: dict[str, Any] | None, action: str, changes: Mapping[str, Any]) -> dict[str, Any] | None:
    """A record's audited values after one trail row (None: the record no longer exists)."""
    if action == INSERT:
        return dict(changes)
    if action == PURGE:
        return None
    out = dict(state or {})
    for key, (_before, after) in changes.items():
        out[key] = after
    return out


@dataclass(frozen=True)
class Difference:
    entity: str
    label: str
    entity_id: int
    message: str

    def __str__(self) -> str:
        return f"{self.label}（{self.entity} 编号 {self.entity_id}）：{self.message}"


@dataclass
class DataReport:
    checked: int = 0
    differences: list[Difference] = field(default_factory=list)
    truncated: bool = False  # more differences than kept

    @property
    def ok(self) -> bool:
        return not self.differences

    def message(self) -> str:
        if self.ok:
            return f"数据与审计记录一致：共核对 {self.checked} 条记录。"
        more = "（仅列出前若干处）" if self.truncated else ""
        return f"数据与审计记录不一致：{len(self.differences)} 处{more}。"


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"bytes", "sha256"}:
        return f"{value['bytes']} 字节（SHA-256 {str(value['sha256'])[:12]}…）"
    if value is None:
        return "（空）"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"“{value}”"


def _trail_states(session: Session, entity: str, batch: int) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(record id, its audited values according to the trail), by id."""
    from models.core.entities import AuditLog

    query = (select(AuditLog.entity_id, AuditLog.action, AuditLog.changes)
             .where(AuditLog.entity == entity, AuditLog.action != BULK_INSERT)
             .order_by(AuditLog.entity_id, AuditLog.id)
             .execution_options(yield_per=batch))
    current_id: int | None = None
    state: dict[str, Any] | None = None
    for entity_id, action, changes in session.execute(query):
        if entity_id != current_id:
            if current_id is not None:
                yield current_id, state
            current_id, state = entity_id, None
        state = apply(state, action, json.loads(changes))
    if current_id is not None:
        yield current_id, state


def _scalar_default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def _bulk_digests(session: Session, entity: str) -> dict[int, str]:
    """Every record of ``entity`` a ``bulk_insert`` row names, with its digest."""
    from models.core.entities import AuditLog

    out: dict[int, str] = {}
    for (changes,) in session.execute(select(AuditLog.changes).where(
            AuditLog.entity == entity, AuditLog.action == BULK_INSERT).order_by(AuditLog.id)):
        out.update(bulk_records(json.loads(changes)))
    return out


def _compare_fields(cls: type[Entity], entity_id: int, fields: tuple[tuple[str, bool], ...], values: Any,
                    state: dict[str, Any], defaults: dict[str, Any], note: Any) -> None:
    for (key, by_digest), value in zip(fields, values, strict=True):
        # A field the trail never mentions holds its column's default: it was set by a
        # migration that added the column (or, in old trails, left empty at the insert).
        kept = state[key] if key in state else defaults.get(key)
        if not matches(value, kept, by_digest):
            label = cls.field_label(key)
            note(cls, entity_id, f"字段“{label}”：审计记录为{_show(kept)}，数据库中为"
                                 f"{_show(recorded(value, by_digest))}")


def verify_data(session: Session, classes: Iterable[type[Entity]], *, batch: int = 5000,
                keep: int = 200) -> DataReport:
    """Compare every stored record of ``classes`` with the trail, field by field."""
    report = DataReport()

    def note(cls: type[Entity], entity_id: int, message: str) -> None:
        if len(report.differences) < keep:
            report.differences.append(Difference(cls.__tablename__, cls.__label__, entity_id, message))  # type: ignore[attr-defined]
        else:
            report.truncated = True

    for cls in classes:
        table: Table = cls.__table__  # type: ignore[attr-defined]
        fields = audited_fields(cls)
        defaults = {key: recorded(_scalar_default(table.c[key]), by_digest) for key, by_digest in fields}
        columns = [table.c.id, *(table.c[k] for k, _ in fields)]
        keys = [k for k, _ in fields]
        bulk = _bulk_digests(session, table.name)
        stored = session.execute(select(*columns).order_by(table.c.id).execution_options(yield_per=batch))
        trail = _trail_states(session, table.name, batch)
        pending = next(trail, None)
        for row in stored:
            report.checked += 1
            entity_id = row[0]
            while pending is not None and pending[0] < entity_id:
                if pending[1] is not None:
                    note(cls, pending[0], "审计记录中存在，但数据库中没有（记录被绕过程序删除）")
                bulk.pop(pending[0], None)
                pending = next(trail, None)
            expected = bulk.pop(entity_id, None)
            if pending is not None and pending[0] == entity_id:
                state = pending[1]
                pending = next(trail, None)
                if state is None:
                    note(cls, entity_id, "审计记录显示已彻底删除，但数据库中仍有此记录")
                    continue
                if expected is None:
                    _compare_fields(cls, entity_id, fields, row[1:], state, defaults, note)
                    continue
            if expected is None:
                note(cls, entity_id, "数据库中有此记录，但审计记录中没有（记录被绕过程序写入）")
                continue
            changes = insert_changes(fields, dict(zip(keys, row[1:], strict=True)))
            if record_digest(entity_id, changes) != expected:
                note(cls, entity_id, "与批量新建时的审计摘要不符（记录写入后被绕过程序修改）")
        while pending is not None:
            if pending[1] is not None:
                note(cls, pending[0], "审计记录中存在，但数据库中没有（记录被绕过程序删除）")
            bulk.pop(pending[0], None)
            pending = next(trail, None)
        for entity_id in sorted(bulk):
            note(cls, entity_id, "审计记录中存在，但数据库中没有（记录被绕过程序删除）")
    return report


# --- history ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field of one trail row, as a history view shows it."""

    audit_id: int
    at: datetime
    actor: str
    action: str
    field: str
    before: Any
    after: Any

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def history(session: Session, entity: str, entity_id: int) -> list[FieldChange]:
    """Every recorded change of one record, oldest first, one item per field (a record written in a
    ``bulk_insert`` row: one item, field ``*``, for that row — its values are the record's own)."""
    from models.core.entities import AuditLog

    rows = list(session.execute(select(AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.changes)
                                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id,
                                       AuditLog.action != BULK_INSERT)
                                .order_by(AuditLog.id)))
    if not rows or rows[0].action != INSERT:
        bulk = _bulk_row_of(session, entity, entity_id)
        if bulk is not None:
            rows.insert(0, bulk)
    out: list[FieldChange] = []
    for audit_id, at, actor, action, changes in rows:
        data = json.loads(changes)
        if action == BULK_INSERT:
            out.append(FieldChange(audit_id, at, actor, action, "*", None, None))
            continue
        if action == PURGE or not data:
            out.append(FieldChange(audit_id, at, actor, action, "*", None, None))
        for key, value in data.items():
            before, after = (None, value) if action == INSERT else value
            out.append(FieldChange(audit_id, at, actor, action, key, before, after))
    return out


def _bulk_row_of(session: Session, entity: str, entity_id: int) -> Any:
    """The ``bulk_insert`` row that names the record, if one does (its first id is at most the
    record's; ranges of one row never interleave with another's, so the nearest few suffice)."""
    from models.core.entities import AuditLog

    candidates = session.execute(
        select(AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.changes)
        .where(AuditLog.entity == entity, AuditLog.action == BULK_INSERT, AuditLog.entity_id <= entity_id)
        .order_by(AuditLog.entity_id.desc()).limit(8))
    for row in candidates:
        if any(first <= entity_id <= last for first, last in json.loads(row.changes)["ids"]):
            return row
    return None
