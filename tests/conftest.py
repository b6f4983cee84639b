"""Shared fixtures: databases on SQLite (always) and PostgreSQL (when EMERGENCY_DESK_TEST_PG_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text

from models.database import Database
from models.schema import open_database

PG_URL = os.environ.get("EMERGENCY_DESK_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="EMERGENCY_DESK_TEST_PG_URL is not set"))]


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data directory (default database, logs, settings)."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("EMERGENCY_DESK_DATA_DIR", str(data))
    monkeypatch.delenv("EMERGENCY_DESK_DB", raising=False)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_db(backend: str, tmp_path: Path) -> Database:
    if backend == "sqlite":
        return open_database(str(tmp_path / "test.sqlite"))
    assert PG_URL
    reset_postgres(PG_URL)
    return open_database(PG_URL)


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
