"""Shared fixtures: databases on SQLite (always) and PostgreSQL (when EMERGENCY_DESK_TEST_PG_URL is set)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

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


def _admin() -> Engine:
    assert PG_URL
    return create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")


def _own_pg_url() -> str:
    """This test process's own database on the PostgreSQL server (``<name>_<pid>``), so that several
    test runs against one server do not drop each other's tables, and its migrated template
    (``<name>_<pid>_template``, built once): each test's database is a fresh copy of it."""
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}"
    admin = _admin()
    with admin.connect() as conn:
        for db_name in (name, f"{name}_template"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}_template"'))
    admin.dispose()
    template = base.set(database=f"{name}_template").render_as_string(hide_password=False)
    open_database(template).dispose()  # migrated, with its reference data
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_own_pg_database() -> Iterator[None]:
    yield
    if PG_URL and _OWN_PG_URL.get("url"):
        admin = _admin()
        name = make_url(_OWN_PG_URL["url"]).database
        with admin.connect() as conn:
            for db_name in (name, f"{name}_template"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


_OWN_PG_URL: dict[str, str] = {}
_SQLITE_TEMPLATE: dict[str, Path] = {}


def own_pg_url() -> str:
    if "url" not in _OWN_PG_URL:
        _OWN_PG_URL["url"] = _own_pg_url()
    return _OWN_PG_URL["url"]


def reset_postgres(url: str) -> None:
    """The process's own database, fresh: dropped and copied again from the migrated template."""
    name = make_url(url).database
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{name}_template"'))
    admin.dispose()


def _sqlite_template() -> Path:
    """One migrated SQLite file with its reference data per test process; each test copies it."""
    if "path" not in _SQLITE_TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="emergency-desk-template-"))
        path = folder / "template.sqlite"
        open_database(str(path)).dispose()
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _SQLITE_TEMPLATE["path"] = path
    return _SQLITE_TEMPLATE["path"]


def make_db(backend: str, tmp_path: Path) -> Database:
    """A migrated database with reference data: a copy of the process's template (migrating every
    test's database from scratch cost a quarter of a second each). The migrations themselves are
    tested on their own (tests/models/core)."""
    if backend == "sqlite":
        path = tmp_path / "test.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), path)
        return open_database(str(path))
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
