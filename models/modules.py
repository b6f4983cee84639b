"""The models layer's modules, composed in one explicit list: its composition root.

Every entity module is named here, lowest first, so the metadata the migrations compare against is
complete without relying on which module happened to be imported (``ENTITY_MODULES``); tables a
module makes with raw SQL (the plan search index) are named by ``SCHEMA.unmanaged``. Callers open
databases through ``open_database`` and migrate through ``upgrade`` here, never through
``models.core.schema`` directly. A new module (drills, supplies, teams, oversight) adds its
entities module to the list and, if it has any, its raw-SQL table names.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy.engine import URL

from models.core import entities as core_entities
from models.core import schema
from models.core.base import Base
from models.core.database import Database
from models.enterprises import entities as enterprise_entities
from models.plans import entities as plan_entities
from models.plans import search as plan_search

__all__ = ["ENTITY_MODULES", "SCHEMA", "open_database", "upgrade"]

ENTITY_MODULES: tuple[ModuleType, ...] = (core_entities, enterprise_entities, plan_entities)

SCHEMA = schema.Schema(Base.metadata, unmanaged=plan_search.INDEX_OBJECTS)


def open_database(db: str | URL | None = None) -> Database:
    """Connect, migrate to head if needed, and load reference data into an empty database."""
    return schema.open_database(db, SCHEMA)


def upgrade(db: Database) -> schema.UpgradeResult:
    """Bring ``db``'s schema to head (backing a SQLite file up first when there is something to do)."""
    return schema.upgrade(db, SCHEMA)
