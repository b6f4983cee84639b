"""Alembic environment: run with the connection ``models.core.schema`` hands over (or a URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import models.core.entities
import models.plans.entities  # noqa: F401
from models.core.base import Base
from models.core.schema import include_object

config = context.config
target_metadata = Base.metadata


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
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: rebuild tables in batch mode
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("离线迁移不受支持")
run_migrations_online()
