"""The write path: every change to stored data happens inside one unit of work.

``with unit_of_work(db, actor) as uow: enterprises.update(uow, id, data, expected_version=3)``

The unit of work opens one write transaction (SQLite ``BEGIN IMMEDIATE``; PostgreSQL takes a
transaction-scoped advisory lock, so there is one writer at a time and the audit chain stays a
chain), checks the actor's permission for each command, stamps created/updated at and by, lets
SQLAlchemy bump ``version`` (``version_id_col``), refuses stale saves with ``ConflictError``,
writes one hash-chained audit row per changed field, and commits or rolls back as a whole.
A session without a unit of work cannot flush changes at all.

A field named in its entity's ``__audit_digest__`` (bulky values derived from audited fields or
frozen in their own row: a section's search text, a published version's content) is recorded by
its size and SHA-256 (``models.core.audit.digest``) instead of in full. Audit rows are chained as each
flush happens and inserted in batches, the last ones just before the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.core import audit, database
from models.core.actors import SYSTEM, Actor, os_actor
from models.core.base import BOOKKEEPING, Base, Entity
from models.core.database import Database
from models.core.entities import AuditLog
from models.core.errors import BusyError, ConflictError, ImmutableError, NotFoundError, PermissionDenied

T = TypeVar("T", bound=Entity)
__all__ = ["SYSTEM", "Actor", "Command", "UnitOfWork", "os_actor", "unit_of_work"]

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
    last_hash: str = audit.GENESIS
    # Audit rows chained but not yet inserted: written in batches and before the commit.
    pending_audit: list[dict[str, Any]] = field(default_factory=list)
    chain: audit.Chain = field(init=False)

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


_default_policy = RolePolicy()


@contextmanager
def unit_of_work(db: Database, actor: Actor, policy: Policy | None = None) -> Iterator[UnitOfWork]:
    session = db.write_session()
    uow = UnitOfWork(session=session, actor=actor, policy=policy or _default_policy)
    session.info["uow"] = uow
    try:
        with session.begin():
            if not db.is_sqlite:
                # Bounded: a desk waits for the writer at most WRITE_WAIT_SECONDS (the advisory lock
                # and the row locks of this transaction), then gets "数据库正忙", never a frozen save.
                session.execute(text(f"SET LOCAL lock_timeout = {int(database.WRITE_WAIT_SECONDS * 1000)}"))
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_KEY})
            uow.last_hash = session.scalar(
                select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)
            ) or audit.GENESIS
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


# --- session events: stamping and auditing ---------------------------------------------------------


def _uow_of(session: Session) -> UnitOfWork:
    uow = session.info.get("uow")
    if uow is None:
        raise RuntimeError("数据只能通过业务服务（unit_of_work）写入")
    return uow


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    uow = _uow_of(session)
    for obj in session.new:
        if isinstance(obj, Entity):
            obj.created_at = obj.updated_at = uow.now
            obj.created_by = obj.updated_by = uow.actor.name
    for obj in session.dirty:
        if isinstance(obj, Entity) and session.is_modified(obj, include_collections=False):
            if obj.__immutable__:
                raise ImmutableError(obj.__label__)
            obj.updated_at = uow.now
            obj.updated_by = uow.actor.name
    if session.deleted and not uow.allow_purge:
        raise RuntimeError("记录只能移入回收站（软删除），彻底删除需要管理员清理")


AUDIT_BATCH = 5000  # audit rows held before they are inserted (the rest go in before the commit)
_AUDIT_INSERT = insert(AuditLog.__table__)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    uow = session.info.get("uow")
    if uow is None:
        return
    rows = uow.pending_audit
    for obj in session.new:
        if isinstance(obj, Entity):
            _insert_rows(uow, obj, rows)
    for obj in session.dirty:
        if isinstance(obj, Entity):
            _update_rows(uow, obj, rows)
    for obj in session.deleted:
        if isinstance(obj, Entity):
            rows.append(_row(uow, obj, "purge", "*", audit.encode({"id": obj.id}), None))
    if len(rows) >= AUDIT_BATCH:
        _write_audit(session, uow)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    uow = session.info.get("uow")
    if uow is None:
        return
    session.flush()  # every change's audit rows are chained before the last ones are written
    _write_audit(session, uow)


def _write_audit(session: Session, uow: UnitOfWork) -> None:
    if uow.pending_audit:
        session.connection().execute(_AUDIT_INSERT, uow.pending_audit)
        uow.pending_audit = []


# Per entity class: (field, audited by digest) for every audited column, in mapper order.
_AUDITED: dict[type, tuple[tuple[str, bool], ...]] = {}


def audited_fields(cls: type[Entity]) -> tuple[tuple[str, bool], ...]:
    """The fields of ``cls`` the trail records, each with whether it records only the digest."""
    fields = _AUDITED.get(cls)
    if fields is None:
        digest = cls.__audit_digest__
        columns = [a.key for a in inspect(cls).column_attrs if a.key not in BOOKKEEPING]
        unknown = digest - set(columns)
        if unknown:
            raise TypeError(f"{cls.__name__}.__audit_digest__ names no audited column: {sorted(unknown)}")
        fields = _AUDITED[cls] = tuple((key, key in digest) for key in columns)
    return fields


def _encode(value: Any, by_digest: bool) -> str | None:
    return audit.encode_digest(value) if by_digest else audit.encode(value)


def _insert_rows(uow: UnitOfWork, obj: Entity, rows: list[dict[str, Any]]) -> None:
    stored = inspect(obj).dict
    for key, by_digest in audited_fields(type(obj)):
        value = stored[key] if key in stored else getattr(obj, key)
        if value is not None:
            rows.append(_row(uow, obj, "insert", key, None, _encode(value, by_digest)))


def _update_rows(uow: UnitOfWork, obj: Entity, rows: list[dict[str, Any]]) -> None:
    state = inspect(obj)
    changed = state.committed_state  # the attributes set since the last flush (with their old values)
    if not changed:
        return
    for key, by_digest in audited_fields(type(obj)):
        if key not in changed:
            continue
        hist = state.attrs[key].history
        if hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before == after:
                continue
            kind = "update"
            if key == "deleted_at":
                kind = "delete" if after is not None else "restore"
            rows.append(_row(uow, obj, kind, key, _encode(before, by_digest), _encode(after, by_digest)))


def _row(uow: UnitOfWork, obj: Base, action: str, field_name: str,
         before: str | None, after: str | None) -> dict[str, Any]:
    entity, entity_id = obj.__tablename__, obj.id  # type: ignore[attr-defined]
    prev = uow.last_hash
    uow.last_hash = uow.chain.link(prev, action, entity, entity_id, field_name, before, after)
    return {"at": uow.now, "actor": uow.actor.name, "action": action, "entity": entity,
            "entity_id": entity_id, "field": field_name, "before": before, "after": after,
            "prev_hash": prev, "hash": uow.last_hash}
