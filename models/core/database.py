"""Opening a database: URL resolution, engine with SQLite pragmas, sessions.

The default database is one SQLite file in the user data directory; a plain path or any
SQLAlchemy URL (``postgresql+psycopg://…``) can be given with ``--db`` or ``EMERGENCY_DESK_DB``.

Every session the application makes is an ``AppSession``, and the guard that keeps writes on the
one write path is part of that class, so it holds whatever was imported first: a session flushes
only inside a unit of work (which hangs itself on ``session.info["uow"]`` and receives the
flush/commit hooks from here), and a read session's transaction is read-only in the database
itself (SQLite ``PRAGMA query_only``, PostgreSQL ``SET TRANSACTION READ ONLY``), so not even a raw
SQL statement can write through it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from models.core.errors import DatabaseOpenError
from models.core.paths import ENV_DB, default_db_path

# How long a write waits for the single writer before giving up with ``BusyError`` ("数据库正忙"):
# SQLite's busy timeout, PostgreSQL's lock_timeout on the writer lock (``models.core.uow``).
WRITE_WAIT_SECONDS = 5.0


def resolve_url(db: str | None) -> URL:
    """``db`` may be a SQLAlchemy URL, a file path, or None (env var, then the default file)."""
    raw = db or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in raw:
        try:
            return make_url(raw)
        except Exception as exc:
            raise DatabaseOpenError(f"数据库地址无法识别：{raw}") from exc
    path = Path(raw).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def display_name(url: URL) -> str:
    """What the title bar shows: the file name for SQLite, ``database@host`` for a server."""
    if is_sqlite(url):
        return Path(url.database or "内存数据库").name
    return f"{url.database}@{url.host or 'localhost'}"


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN, so a write can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        # Before BEGIN: a read-only connection may not even take the write intent of BEGIN IMMEDIATE.
        conn.exec_driver_sql(f"PRAGMA query_only = {1 if options.get(READ_ONLY) else 0}")
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")


def _install_postgres_read_only(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def _json_dumps(value: Any) -> str:
    # Chinese stays Chinese in JSON columns (3 bytes a character, not a 6-byte \uXXXX escape), and
    # no spaces after separators (a section's blocks are most of the database).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


READ_ONLY = "emergency_desk_read_only"  # execution option of the read sessions' connections
WRITE_OUTSIDE_UOW = "数据只能通过业务服务（unit_of_work）写入"


class WriteHooks(Protocol):
    """What a unit of work does at its session's flushes and commit (``models.core.uow``)."""

    def before_flush(self, session: Session) -> None: ...

    def after_flush(self, session: Session) -> None: ...

    def before_commit(self, session: Session) -> None: ...


class AppSession(Session):
    """Every session of the application. Changes flush only inside a unit of work."""


def _hooks(session: Session) -> WriteHooks | None:
    return session.info.get("uow")


@event.listens_for(AppSession, "before_flush")
def _guard_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    hooks = _hooks(session)
    if hooks is None:
        if session.new or session.dirty or session.deleted:
            raise RuntimeError(WRITE_OUTSIDE_UOW)
        return
    hooks.before_flush(session)


@event.listens_for(AppSession, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    hooks = _hooks(session)
    if hooks is not None:
        hooks.after_flush(session)


@event.listens_for(AppSession, "before_commit")
def _before_commit(session: Session) -> None:
    hooks = _hooks(session)
    if hooks is not None:
        hooks.before_commit(session)


@event.listens_for(AppSession, "do_orm_execute")
def _guard_bulk_statements(state: ORMExecuteState) -> None:
    # ORM-enabled insert/update/delete statements bypass the flush: they too need a unit of work.
    if (state.is_insert or state.is_update or state.is_delete) and _hooks(state.session) is None:
        raise RuntimeError(WRITE_OUTSIDE_UOW)


def make_engine(url: URL) -> Engine:
    if is_sqlite(url):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": WRITE_WAIT_SECONDS},
                               json_serializer=_json_dumps)
        _install_sqlite_pragmas(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps)
    _install_postgres_read_only(engine)
    return engine


@dataclass
class Database:
    """An open database: the engine and two session factories (reads, and the single writer)."""

    url: URL
    engine: Engine

    def __post_init__(self) -> None:
        self._read = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), class_=AppSession,
                                  expire_on_commit=False)
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(self.url) else self.engine
        )
        self._write = sessionmaker(write_engine, class_=AppSession, expire_on_commit=False, autoflush=False)

    @property
    def name(self) -> str:
        return display_name(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session; never hold it across user think-time."""
        with self._read() as session:
            yield session

    def write_session(self) -> Session:
        """The session of a unit of work (``models.core.uow.unit_of_work`` is its only caller)."""
        return self._write()

    def analyze(self) -> None:
        """Refresh the query planner's statistics after bulk writes (``ANALYZE``; data unchanged).

        Without them SQLite answers a filtered enterprise list by walking the whole
        ``(deleted_at, name)`` index: at city scale 28 ms for the count instead of 2.7 ms.
        """
        with self.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        if self.is_sqlite:
            # Let SQLite refresh the planner statistics it finds stale (cheap; sqlite.org/lang_analyze).
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        self.engine.dispose()


def connect(db: str | URL | None = None) -> Database:
    """Open (create if needed) the database without migrating it; see ``models.core.schema.open_database``."""
    url = db if isinstance(db, URL) else resolve_url(db)
    try:
        engine = make_engine(url)
    except Exception as exc:
        raise DatabaseOpenError(f"无法打开数据库 {display_name(url)}：{exc}") from exc
    return Database(url=url, engine=engine)
