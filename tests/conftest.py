"""Shared fixtures: databases on SQLite (always) and PostgreSQL (when EMERGENCY_DESK_TEST_PG_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, make_url, text

from models.core.database import Database
from models.modules import open_database

PG_URL = os.environ.get("EMERGENCY_DESK_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="EMERGENCY_DESK_TEST_PG_URL is not set"))]


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data directory (default database, logs, settings)."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("EMERGENCY_DESK_DATA_DIR", str(data))
    monkeypatch.delenv("EMERGENCY_DESK_DB", raising=False)


def _own_pg_url() -> str | None:
    """This test process's own database on the PostgreSQL server (``<name>_<pid>``), created on
    first use, so that several test runs against one server do not drop each other's tables."""
    if not PG_URL:
        return None
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_own_pg_database() -> Iterator[None]:
    yield
    if PG_URL and _OWN_PG_URL.get("url"):
        base = make_url(PG_URL)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(_OWN_PG_URL["url"]).database}" WITH (FORCE)'))
        admin.dispose()


_OWN_PG_URL: dict[str, str] = {}


def own_pg_url() -> str:
    if "url" not in _OWN_PG_URL:
        url = _own_pg_url()
        assert url
        _OWN_PG_URL["url"] = url
    return _OWN_PG_URL["url"]


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_db(backend: str, tmp_path: Path) -> Database:
    if backend == "sqlite":
        return open_database(str(tmp_path / "test.sqlite"))
    url = own_pg_url()
    reset_postgres(url)
    return open_database(url)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with reference data, on each backend."""
    database = make_db(request.param, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = make_db("sqlite", tmp_path)
    yield database
    database.dispose()
