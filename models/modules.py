"""The models layer's modules, composed in one explicit list: its composition root.

Every entity module is named here, lowest first, so the metadata the migrations compare against is
complete without relying on which module happened to be imported (``ENTITY_MODULES``); tables a
module makes with raw SQL (the plan search index) are named by ``SCHEMA.unmanaged``. Callers open
databases through ``open_database`` and migrate through ``upgrade`` here, never through
``models.core.schema`` directly. A new module (drills, supplies, teams, oversight) adds its
entities module to the list and, if it has any, its raw-SQL table names.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from models.core import due, schema
from models.core import entities as core_entities
from models.core.base import Base, Entity
from models.core.database import Database
from models.core.due import DueItem
from models.core.progress import Progress
from models.core.uow import SYSTEM, unit_of_work
from models.drills import entities as drill_entities
from models.enterprises import entities as enterprise_entities
from models.oversight import entities as oversight_entities
from models.plans import entities as plan_entities
from models.plans import search as plan_search
from models.supplies import entities as supply_entities
from models.teams import entities as team_entities

__all__ = ["ENTITY_MODULES", "SCHEMA", "due_items", "entity_classes", "open_database", "upgrade"]

ENTITY_MODULES: tuple[ModuleType, ...] = (core_entities, enterprise_entities, plan_entities, drill_entities,
                                          supply_entities, team_entities, oversight_entities)

SCHEMA = schema.Schema(Base.metadata, unmanaged=plan_search.INDEX_OBJECTS)


def entity_classes() -> list[type[Entity]]:
    """Every audited entity class of the modules above, by table name (what ``audit verify`` checks)."""
    classes = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, Entity)]
    return sorted(classes, key=lambda cls: cls.__tablename__)  # type: ignore[attr-defined,no-any-return]


def open_database(db: str | URL | None = None) -> Database:
    """Connect, migrate to head if needed, load reference data into an empty database, and rebuild
    derived data that was built another way (the plan search index after an upgrade)."""
    database = schema.open_database(db, SCHEMA)
    try:
        ensure_derived(database)
    except Exception:
        database.dispose()
        raise
    return database


def ensure_derived(db: Database) -> None:
    """Bring derived data up to date: a cheap read when it is (the usual case), a rebuild in one
    unit of work when it is not."""
    with db.read() as session:
        current = plan_search.index_is_current(session)
    if not current:
        with unit_of_work(db, SYSTEM) as uow:
            plan_search.ensure_index(uow.session)


def upgrade(db: Database) -> schema.UpgradeResult:
    """Bring ``db``'s schema to head (backing a SQLite file up first when there is something to do)."""
    return schema.upgrade(db, SCHEMA)


# ---- everything due (models.core.due): each module's contribution, listed once, lowest first


def _due_sources() -> tuple[due.Source, ...]:
    """Each module's due items with the tables they read: the module's own, the enterprises' and the
    core's (reference data, the calendar) — and the plans' for the drills (a drill obligation follows the
    plans an enterprise has). Narrower than "every lower module": a plan edited leaves the supplies', the
    teams' and the oversight's answers kept. ``tests/models/test_due.py`` checks each source reads no
    table outside its set."""
    from models.drills import due as drills_due
    from models.oversight import due as oversight_due
    from models.plans import due as plans_due
    from models.supplies import due as supplies_due
    from models.teams import due as teams_due

    def tables(*entity_modules: ModuleType) -> frozenset[str]:
        return frozenset(table for module in entity_modules for table in _tables_of(module))

    base = (core_entities, enterprise_entities)
    return (due.Source("plans", plans_due.due_items, tables(*base, plan_entities)),
            due.Source("drills", drills_due.due_items, tables(*base, plan_entities, drill_entities)),
            due.Source("supplies", supplies_due.due_items, tables(*base, supply_entities)),
            due.Source("teams", teams_due.due_items, tables(*base, team_entities)),
            due.Source("oversight", oversight_due.due_items, tables(*base, oversight_entities)))


def _tables_of(module: ModuleType) -> list[str]:
    """The tables of the mapped classes an entities module defines (audited entities and the rows kept
    with them, like the stock balances a movement writes in the same unit of work)."""
    return [cls.__tablename__ for cls in vars(module).values()
            if isinstance(cls, type) and issubclass(cls, Base) and cls.__module__ == module.__name__
            and hasattr(cls, "__tablename__")]


def due_items(session: Session, *, as_of: date, within: int = 30, enterprise_id: int | None = None,
              progress: Progress | None = None) -> list[DueItem]:
    """Everything due or overdue on ``as_of`` (within ``within`` days) across the modules, most
    urgent first: what the home page lists and the ``due`` command prints. ``progress``: told after each
    module (a cancel stops the read there)."""
    told = None if progress is None else (lambda done, total: progress.report(done, total, "正在读取到期事项…"))
    return due.collect(_due_sources(), session, as_of=as_of, within=within, enterprise_id=enterprise_id,
                       progress=told)
