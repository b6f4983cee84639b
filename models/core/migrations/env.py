"""Alembic environment: run with the connection and the ``Schema`` that ``models.core.schema`` hands over.

The schema (every entity module's metadata) comes from the caller, ``models.modules``; the core
never imports a module's entities itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from models.core.schema import Schema

config = context.config
schema: Schema | None = config.attributes.get("schema")
if schema is None:
    raise SystemExit("迁移需要由程序（models.modules.upgrade）调用，而不是直接运行 alembic 命令")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=schema.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: rebuild tables in batch mode
        compare_type=True,
        include_object=schema.include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("离线迁移不受支持")
run_migrations_online()
