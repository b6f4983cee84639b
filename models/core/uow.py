"""The write path: every change to stored data happens inside one unit of work.

``with unit_of_work(db, actor) as uow: enterprises.update(uow, id, data, expected_version=3)``

The unit of work opens one write transaction (SQLite ``BEGIN IMMEDIATE``; PostgreSQL takes a
transaction-scoped advisory lock, so there is one writer at a time and the audit chain stays a
chain; either waits at most ``WRITE_WAIT_SECONDS`` and then raises ``BusyError``), checks the
actor's permission for each command, stamps created/updated at and by, lets SQLAlchemy bump
``version`` (``version_id_col``), refuses stale saves with ``ConflictError``, and commits or rolls
back as a whole. It hangs itself on its session (``session.info["uow"]``); the session class
(``models.core.database.AppSession``) refuses to flush without one and calls its hooks.

The trail gets one row per changed entity per unit of work (``models.core.audit``): the changes
of all flushes are gathered per entity (an entity inserted and then edited is one insert with its
final values; a field changed twice keeps its first before and last after; a change undone is no
change) and chained and written just before the commit, together with the chain's new head.
``insert_rows`` writes many new records at once through the same bookkeeping and trail (bulk
imports, the demo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, insert, inspect, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.core import audit, database
from models.core.actors import SYSTEM, Actor, os_actor
from models.core.audit import audited_fields
from models.core.base import Entity
from models.core.database import Database
from models.core.entities import AuditHead, AuditLog
from models.core.errors import (
    BusyError,
    ConflictError,
    ImmutableError,
    NotFoundError,
    PermissionDenied,
    StateError,
)

T = TypeVar("T", bound=Entity)
__all__ = ["SYSTEM", "Actor", "Command", "UnitOfWork", "audited_fields", "os_actor", "unit_of_work"]

WRITER_LOCK_KEY = 0x454D4453  # "EMDS": PostgreSQL advisory lock for the single writer


@dataclass(frozen=True)
class Command:
    """A named write command; ``role`` is the role it needs (None: any signed-in user)."""

    name: str
    label: str
    role: str | None = None


class Policy(Protocol):
    def allows(self, actor: Actor, command: Command) -> bool: ...


class RolePolicy:
    """The permission hook: a command needing a role is allowed to actors holding that role."""

    def allows(self, actor: Actor, command: Command) -> bool:
        return command.role is None or command.role in actor.roles


def utc_now() -> datetime:
    """Write timestamps (never used by rules, which take ``as_of``)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class UnitOfWork:
    session: Session
    actor: Actor
    policy: Policy
    now: datetime = field(default_factory=utc_now)
    allow_purge: bool = False
    head: audit.Head = audit.EMPTY_HEAD
    # The trail rows of this unit of work, per (table, id), in the order the entities changed.
    pending: dict[tuple[str, int], _Change] = field(default_factory=dict)
    chain: audit.Chain = field(init=False)
    _reserved: dict[str, int] = field(default_factory=dict)  # SQLite: the last id reserved, per table

    def __post_init__(self) -> None:
        self.chain = audit.Chain(self.now, self.actor.name)

    def require(self, command: Command) -> None:
        if not self.policy.allows(self.actor, command):
            raise PermissionDenied(self.actor.name, command.label)

    def get(self, cls: type[T], entity_id: int, *, include_deleted: bool = False) -> T:
        obj = self.session.get(cls, entity_id)
        if obj is None or (obj.is_deleted and not include_deleted):
            raise NotFoundError(cls.__label__, entity_id)
        return obj

    def get_for_update(self, cls: type[T], entity_id: int, expected_version: int,
                       *, include_deleted: bool = False) -> T:
        """Load a row to change it; refuse when the caller's copy is older than the stored one."""
        # PostgreSQL: lock the row so no other writer slips in between this check and the UPDATE
        # (SQLite's BEGIN IMMEDIATE already excludes other writers).
        lock = self.session.get_bind().dialect.name != "sqlite"
        obj = self.session.get(cls, entity_id, with_for_update={"of": cls} if lock else None)
        if obj is None:
            raise ConflictError(cls.__label__, entity_id, expected_version, None)
        if obj.is_deleted and not include_deleted:
            raise NotFoundError(cls.__label__, entity_id)
        if obj.version != expected_version:
            raise ConflictError(cls.__label__, entity_id, expected_version, obj.version)
        return obj

    def get_from_bin(self, cls: type[T], entity_id: int, expected_version: int,
                     what: str | Callable[[T], str]) -> T:
        """Load a row in the recycle bin to restore it (as ``get_for_update``); refused with
        “{what}不在回收站中，无需恢复。” when it is not there — ``what`` names it, or says how from the row."""
        obj = self.get_for_update(cls, entity_id, expected_version, include_deleted=True)
        if not obj.is_deleted:
            raise StateError(f"{what(obj) if callable(what) else what}不在回收站中，无需恢复。")
        return obj

    def add(self, obj: Entity) -> None:
        self.session.add(obj)

    def soft_delete(self, obj: Entity) -> None:
        obj.deleted_at = self.now
        obj.deleted_by = self.actor.name

    def restore(self, obj: Entity) -> None:
        obj.deleted_at = None
        obj.deleted_by = None

    def touch(self, obj: Entity) -> None:
        """Bump an aggregate root's version when only its children changed."""
        obj.updated_at = self.now
        obj.updated_by = self.actor.name

    # --- many new records at once ------------------------------------------------------------------

    def reserve_ids(self, cls: type[Entity], n: int) -> list[int]:
        """Ids for ``n`` new records of ``cls``, ascending, taken before they are inserted (so a tree
        of records can refer to each other and go in with one statement per table).

        PostgreSQL: drawn from the column's sequence. SQLite: the next ids after the largest and
        after any reserved earlier in this unit of work (it is the only writer, ``BEGIN IMMEDIATE``).
        """
        if n <= 0:
            return []
        table = cls.__table__  # type: ignore[attr-defined]
        session = self.session
        if session.get_bind().dialect.name != "sqlite":
            return sorted(session.scalars(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))"
                                               " FROM generate_series(1, :n)"), {"n": n}))
        if any(isinstance(obj, cls) and obj.id is None for obj in session.new):
            session.flush()  # records added but not yet stored would take the same ids
        top = max(session.connection().scalar(select(func.max(table.c.id))) or 0, self._reserved.get(table.name, 0))
        self._reserved[table.name] = top + n
        return list(range(top + 1, top + 1 + n))

    def insert_rows(self, cls: type[Entity], rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert many new records of ``cls`` in one statement; returns their ids in order.

        The records get the same bookkeeping (created/updated at and by, version 1) and the same
        trail (one insert row each, with every audited field that is set, column defaults included)
        as records added one by one — except records that are never changed (``__immutable__``),
        which, two or more, share one ``bulk_insert`` row naming each by its digest
        (``models.core.audit``); validating them is the calling service's job.
        """
        if not rows:
            return []
        table = cls.__table__  # type: ignore[attr-defined]
        defaults = _column_defaults(cls)
        stamp = {"created_at": self.now, "created_by": self.actor.name, "updated_at": self.now,
                 "updated_by": self.actor.name, "version": 1}
        full = [{**defaults, **row, **stamp} for row in rows]
        conn = self.session.connection()
        if all(row.get("id") is not None for row in full):
            # Ids reserved beforehand (``reserve_ids``): one plain executemany, the column types'
            # own bind processing applied here, without a RETURNING round trip.
            ids = [row["id"] for row in full]
            present = set().union(*full)
            keys = [c.key for c in table.columns if c.key in present]
            executemany(conn, table, keys, [[row.get(k) for row in full] for k in keys])
        else:
            result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), full)
            ids = [row_id for (row_id,) in result]
        fields = audited_fields(cls)
        name = table.name
        if cls.__immutable__ and len(ids) > 1:
            # Written once, never changed: one trail row for them all (``audit.BULK_INSERT``).
            digests = {row_id: audit.record_digest(row_id, audit.insert_changes(fields, row))
                       for row_id, row in zip(ids, full, strict=True)}
            self.pending[(f"{name}#bulk", ids[0])] = _Change(audit.BULK_INSERT, name, ids[0],
                                                             audit.bulk_changes(digests))
            return ids
        for row_id, row in zip(ids, full, strict=True):
            self.pending[(name, row_id)] = _Change(audit.INSERT, name, row_id, audit.insert_changes(fields, row))
        return ids

    def purge_rows(self, cls: type[Entity], ids: Sequence[int]) -> None:
        """Delete records for good (an administrator's clean-up, or undoing a cancelled demo); the
        trail records each purge. Needs ``allow_purge``."""
        if not self.allow_purge:
            raise RuntimeError("记录只能移入回收站（软删除），彻底删除需要管理员清理")
        table = cls.__table__  # type: ignore[attr-defined]
        conn = self.session.connection()
        ordered = sorted(ids, reverse=True)  # newest first: a record's children come after it
        for start in range(0, len(ordered), 5000):
            chunk = ordered[start:start + 5000]
            conn.execute(table.delete().where(table.c.id.in_(chunk)))
            for row_id in chunk:
                key = (table.name, row_id)
                if key in self.pending and self.pending[key].action == audit.INSERT:
                    del self.pending[key]
                else:
                    self.pending[key] = _Change(audit.PURGE, table.name, row_id, {})

    # --- the session's hooks (models.core.database.AppSession) --------------------------------------

    def before_flush(self, session: Session) -> None:
        for obj in session.new:
            if isinstance(obj, Entity):
                obj.created_at = obj.updated_at = self.now
                obj.created_by = obj.updated_by = self.actor.name
        for obj in session.dirty:
            if isinstance(obj, Entity) and session.is_modified(obj, include_collections=False):
                if obj.__immutable__:
                    raise ImmutableError(obj.__label__)
                obj.updated_at = self.now
                obj.updated_by = self.actor.name
        if session.deleted and not self.allow_purge:
            raise RuntimeError("记录只能移入回收站（软删除），彻底删除需要管理员清理")

    def after_flush(self, session: Session) -> None:
        for obj in session.new:
            if isinstance(obj, Entity):
                self._record_insert(obj)
        for obj in session.dirty:
            if isinstance(obj, Entity):
                self._record_update(obj)
        for obj in session.deleted:
            if isinstance(obj, Entity):
                key = (obj.__tablename__, obj.id)  # type: ignore[attr-defined]
                if key in self.pending and self.pending[key].action == audit.INSERT:
                    del self.pending[key]  # added and purged in the same command: nothing happened
                else:
                    self.pending[key] = _Change(audit.PURGE, key[0], key[1], {})

    def before_commit(self, session: Session) -> None:
        session.flush()  # every change is gathered before the trail is written
        self.write_trail()

    def write_trail(self) -> None:
        """Chain and insert the trail rows gathered so far, and move the head (also called by long
        commands between batches, to keep memory bounded: a record changed again later gets a
        row of its own)."""
        rows = []
        prev = self.head.last_hash
        for change in self.pending.values():
            if change.action != audit.INSERT and change.action != audit.PURGE and not change.changes:
                continue  # a change undone within the command
            text_ = audit.changes_text(change.changes)
            prev = self.chain.link(prev, change.action, change.entity, change.entity_id, text_)
            rows.append({"at": self.now, "actor": self.actor.name, "action": change.action,
                         "entity": change.entity, "entity_id": change.entity_id, "changes": text_,
                         "hash": prev})
        self.pending = {}
        if not rows:
            return
        conn = self.session.connection()
        keys = ("at", "actor", "action", "entity", "entity_id", "changes", "hash")
        executemany(conn, AuditLog.__table__, keys, [[row[k] for row in rows] for k in keys])
        last_id = conn.scalar(select(func.max(AuditLog.id))) or 0
        self.head = audit.Head(self.head.count + len(rows), last_id, prev)
        values = {"count": self.head.count, "last_id": last_id, "last_hash": prev, "at": self.now}
        if conn.execute(update(AuditHead.__table__).where(AuditHead.id == 1), values).rowcount == 0:
            conn.execute(insert(AuditHead.__table__), {"id": 1, **values})

    def _record_insert(self, obj: Entity) -> None:
        stored = inspect(obj).dict
        changes: dict[str, Any] = {}
        for key, by_digest in audited_fields(type(obj)):
            value = stored[key] if key in stored else getattr(obj, key)
            if value is not None:
                changes[key] = audit.recorded(value, by_digest)
        name = obj.__tablename__  # type: ignore[attr-defined]
        self.pending[(name, obj.id)] = _Change(audit.INSERT, name, obj.id, changes)

    def _record_update(self, obj: Entity) -> None:
        state = inspect(obj)
        if not state.committed_state:  # nothing set since the last flush
            return
        name = obj.__tablename__  # type: ignore[attr-defined]
        key = (name, obj.id)
        change = self.pending.get(key)
        if change is None:
            change = self.pending[key] = _Change(audit.UPDATE, name, obj.id, {})
        for field_name, by_digest in audited_fields(type(obj)):
            if field_name not in state.committed_state:
                continue
            hist = state.attrs[field_name].history
            if not hist.has_changes():
                continue
            before = audit.recorded(hist.deleted[0] if hist.deleted else None, by_digest)
            after = audit.recorded(hist.added[0] if hist.added else None, by_digest)
            change.merge(field_name, before, after)


@dataclass
class _Change:
    """One entity's trail row while its command runs."""

    action: str
    entity: str
    entity_id: int
    changes: dict[str, Any]

    def merge(self, field_name: str, before: Any, after: Any) -> None:
        if self.action == audit.INSERT:  # inserted in this command: the insert records the end state
            if after is None:
                self.changes.pop(field_name, None)
            else:
                self.changes[field_name] = after
            return
        if field_name in self.changes:
            before = self.changes[field_name][0]
        if before == after:
            self.changes.pop(field_name, None)
        else:
            self.changes[field_name] = [before, after]
        deleted = self.changes.get("deleted_at")
        if deleted is None:
            self.action = audit.UPDATE
        else:
            self.action = audit.DELETE if deleted[1] is not None else audit.RESTORE


def executemany(conn: Any, table: Any, keys: Sequence[str], columns: list[list[Any]]) -> None:
    """One plain DBAPI ``executemany`` of many new rows of ``table``, given column by column
    (``columns[i]`` holds the values of ``keys[i]``): the column types' own bind processing is
    applied here to the few columns that need it, without SQLAlchemy's per-row parameter handling."""
    dialect = conn.dialect
    for i, key in enumerate(keys):
        proc = table.c[key].type._cached_bind_processor(dialect)
        if proc is not None:
            columns[i] = [None if v is None else proc(v) for v in columns[i]]
    names = ", ".join(dialect.identifier_preparer.quote(table.c[k].name) for k in keys)
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(keys))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(zip(*columns, strict=True)))


def _column_defaults(cls: type[Entity]) -> dict[str, Any]:
    """The scalar Python-side defaults of ``cls``'s columns (what the ORM would fill in)."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = {}
        for column in cls.__table__.columns:  # type: ignore[attr-defined]
            default = column.default
            if default is not None and default.is_scalar:
                found[column.key] = default.arg
            elif default is not None and default.is_callable and column.key not in ("id", "version"):
                found[column.key] = default.arg({})  # type: ignore[operator]
        _DEFAULTS[cls] = found
    return dict(found)


_DEFAULTS: dict[type, dict[str, Any]] = {}


_default_policy = RolePolicy()


@contextmanager
def unit_of_work(db: Database, actor: Actor, policy: Policy | None = None, *,
                 allow_purge: bool = False) -> Iterator[UnitOfWork]:
    session = db.write_session()
    uow = UnitOfWork(session=session, actor=actor, policy=policy or _default_policy, allow_purge=allow_purge)
    try:
        with session.begin():
            if not db.is_sqlite:
                # Bounded: a desk waits for the writer at most WRITE_WAIT_SECONDS (the advisory lock
                # and the row locks of this transaction), then gets "数据库正忙", never a frozen save.
                session.execute(text(f"SET LOCAL lock_timeout = {int(database.WRITE_WAIT_SECONDS * 1000)}"))
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_KEY})
            uow.head = audit.read_head(session)
            session.info["uow"] = uow
            yield uow
            session.flush()
    except StaleDataError as exc:
        raise _conflict_from(exc) from exc
    except OperationalError as exc:
        if _is_busy(exc):
            raise BusyError(database.WRITE_WAIT_SECONDS) from exc
        raise
    finally:
        session.info.pop("uow", None)
        session.close()


def _is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked" after its busy timeout, PostgreSQL's lock_not_available (55P03)."""
    code = getattr(exc.orig, "sqlstate", None)
    return code == "55P03" or "database is locked" in str(exc.orig)


def _conflict_from(exc: StaleDataError) -> ConflictError:
    # SQLAlchemy matched no row for "UPDATE … WHERE id = ? AND version = ?": a concurrent save won.
    return ConflictError("记录", None, None, None)
