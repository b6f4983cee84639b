"""Schema migrations (Alembic, in ``models/core/migrations``) and opening a ready-to-use database.

The core knows no module: what the migrations manage is handed in as a ``Schema`` — the metadata
of every entity module and the tables made by raw SQL — which ``models.modules`` composes from its
explicit list of entity modules (``models.modules.open_database`` is what callers use).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import URL

from models.core.database import Database, connect
from models.core.errors import DatabaseOpenError
from models.core.migrations import HEAD
from models.core.reference import ensure_reference_data, reference_missing
from models.core.uow import SYSTEM, unit_of_work

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic is imported only when there is something to migrate: it costs a noticeable share of
# start-up, and on an up-to-date database one query on alembic_version says all we need.


@dataclass(frozen=True)
class Schema:
    """What the migrations manage: ``metadata`` with every entity module's tables on it, and the
    name prefixes of tables made by raw SQL (search indexes) that the metadata does not describe."""

    metadata: MetaData
    unmanaged: tuple[str, ...] = ()

    def include_object(self, obj: object, name: str | None, type_: str, reflected: bool,
                       compare_to: object) -> bool:
        """Leave the raw-SQL tables out of model/migration comparisons (they are not ORM metadata)."""
        return not (type_ == "table" and name is not None and name.startswith(self.unmanaged))


def alembic_config(db: Database, schema: Schema) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.attributes["schema"] = schema
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision according to Alembic's script directory (``HEAD`` must equal it)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def message(self) -> str:
        if not self.changed:
            return f"数据库已是最新结构（{self.after}）。"
        text = f"数据库结构已从 {self.before or '空库'} 升级到 {self.after}。"
        return text + (f"升级前的备份：{self.backup}" if self.backup else "")


def backup_sqlite(db: Database, label: str) -> Path | None:
    """Copy the SQLite file with the online backup API (safe while other readers are open)."""
    if not db.is_sqlite or not db.url.database or db.url.database == ":memory:":
        return None
    source = Path(db.url.database)
    if not source.exists() or source.stat().st_size == 0:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.stem}.{label}.{stamp}.bak.sqlite")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def backups(db: Database) -> list[Path]:
    """The backups ``backup_sqlite`` made of this SQLite file, oldest first (none for a server)."""
    if not db.is_sqlite or not db.url.database or db.url.database == ":memory:":
        return []
    source = Path(db.url.database)
    return sorted(source.parent.glob(f"{source.stem}.*.bak.sqlite"), key=lambda p: p.stat().st_mtime)


def upgrade(db: Database, schema: Schema) -> UpgradeResult:
    """Bring the schema to head (backing the SQLite file up first when there is something to do)."""
    before = current_revision(db)
    head = HEAD
    backup = None
    if before != head:
        from alembic import command

        if before is not None:
            backup = backup_sqlite(db, f"before-{head}")
        migrate(db, schema, command.upgrade, "head")
    return UpgradeResult(before, head, backup)


def migrate(db: Database, schema: Schema, step: Callable[[Config, str], None], revision: str) -> None:
    """Run an Alembic ``step`` (``command.upgrade`` / ``command.downgrade``) to ``revision`` in one
    transaction.

    On SQLite, batch mode rebuilds a table to change it (copy, drop, rename); with foreign keys on,
    dropping a table others refer to (the enterprise under its plans) would fail, so they are
    switched off for the migration — outside the transaction, where SQLite honours it — and the
    result is checked with ``PRAGMA foreign_key_check`` before the commit (sqlite.org/lang_altertable).
    """
    cfg = alembic_config(db, schema)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if db.is_sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if db.is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise DatabaseOpenError(f"数据库结构升级后有 {len(broken)} 处引用不一致（{broken[0][0]} 表），"
                                                "已撤销升级。")
        finally:
            if db.is_sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def ensure_reference(db: Database) -> None:
    with db.read() as session:
        missing = reference_missing(session)
    if missing:
        with unit_of_work(db, SYSTEM) as uow:
            ensure_reference_data(uow)


def open_database(db: str | URL | None, schema: Schema) -> Database:
    """Connect, migrate to head if needed, and load reference data into an empty database."""
    database = connect(db)
    try:
        upgrade(database, schema)
        ensure_reference(database)
    except DatabaseOpenError:
        database.dispose()
        raise
    except Exception as exc:
        database.dispose()
        raise DatabaseOpenError(f"无法打开数据库 {database.name}：{_first_line(exc)}") from exc
    return database


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
