"""Migrations agree with the models; both backends reach head; SQLite connection settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from models.core.base import Base
from models.core.database import connect, display_name, resolve_url
from models.core.entities import Industry, RiskLevel
from models.core.migrations import HEAD
from models.core.paths import default_db_path
from models.core.schema import backup_sqlite, current_revision, head_revision
from models.modules import SCHEMA, upgrade


def test_empty_database_reaches_head_with_reference_data(db) -> None:
    assert current_revision(db) == head_revision()
    with db.read() as s:
        assert s.scalar(select(func.count(RiskLevel.id))) == 4
        names = set(s.scalars(select(Industry.name)))
    assert {"矿山", "尾矿库", "危险化学品生产", "危险化学品经营", "危险化学品储存", "危险化学品运输",
            "建筑施工", "高温熔融/金属冶炼", "城市轨道交通", "旅游（景区）", "宾馆饭店", "商场超市",
            "一般制造业", "其他"} <= names


def test_models_and_migrations_do_not_drift(db) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": SCHEMA.include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_head_constant_matches_the_migration_scripts(sqlite_db) -> None:
    assert head_revision() == HEAD


def test_upgrade_is_idempotent(db) -> None:
    result = upgrade(db)
    assert not result.changed and result.backup is None
    assert "已是最新" in result.message()


def test_sqlite_connection_settings(sqlite_db) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced_on_sqlite(sqlite_db) -> None:
    with sqlite_db.engine.connect() as conn:
        try:
            conn.execute(text("INSERT INTO enterprise_contact (enterprise_id, name, role, phone, mobile, notes,"
                              " sort_order, created_at, created_by, updated_at, updated_by, version)"
                              " VALUES (999, 'x', '', '', '', '', 0, '2026-01-01', 't', '2026-01-01', 't', 1)"))
        except Exception as exc:  # noqa: BLE001
            assert "FOREIGN KEY" in str(exc)
        else:
            raise AssertionError("foreign key not enforced")


def test_backup_copies_the_whole_database(sqlite_db, tmp_path: Path) -> None:
    backup = backup_sqlite(sqlite_db, "before-test")
    assert backup is not None and backup.exists() and backup.parent == tmp_path
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM risk_level").fetchone()[0] == 4
    conn.close()


def test_upgrade_from_an_older_schema_backs_up_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = connect(str(path))
    try:
        upgrade(db)
        # Pretend the file was written by an older release: rewind its recorded revision.
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        from alembic import command

        calls: list[str] = []
        original = command.upgrade
        command.upgrade = lambda cfg, rev: calls.append(rev)  # type: ignore[assignment]
        try:
            result = upgrade(db)
        finally:
            command.upgrade = original
        assert calls == ["head"] and result.before == "older"
        assert result.backup is not None and result.backup.exists()
        assert "备份" in result.message()
    finally:
        db.dispose()


def test_url_resolution(tmp_path: Path, monkeypatch) -> None:
    url = resolve_url(str(tmp_path / "a.sqlite"))
    assert url.get_backend_name() == "sqlite" and url.database == str(tmp_path / "a.sqlite")
    assert display_name(url) == "a.sqlite"
    pg = resolve_url("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert pg.get_backend_name() == "postgresql" and display_name(pg) == "test@127.0.0.1"
    monkeypatch.setenv("EMERGENCY_DESK_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url(None).database == str(tmp_path / "env.sqlite")
    monkeypatch.delenv("EMERGENCY_DESK_DB")
    assert resolve_url(None).database == str(default_db_path())
