"""search: the gram index of plan sections (FTS5 on SQLite, tsvector + GIN on PostgreSQL)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:20:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

# The index as this revision made it (a migration never imports live code, which changes later).
FTS_TABLE = "plan_section_fts"  # SQLite
PG_TABLE = "plan_section_search"  # PostgreSQL
_RUN = re.compile(r"[^\W_]+")


def grams(value: str) -> str:
    """Every character, then every two-character gram within each run of letters and digits."""
    runs = _RUN.findall(value.lower())
    return " ".join([ch for run in runs for ch in run] + [run[i:i + 2] for run in runs for i in range(len(run) - 1)])

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(grams, tokenize='unicode61')")
        insert = f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (:id, :grams)"
    else:
        op.execute(f"CREATE TABLE {PG_TABLE} (section_id INTEGER PRIMARY KEY"
                   " REFERENCES plan_section (id), grams tsvector NOT NULL)")
        op.execute(f"CREATE INDEX ix_{PG_TABLE}_grams ON {PG_TABLE} USING gin (grams)")
        insert = f"INSERT INTO {PG_TABLE} (section_id, grams) VALUES (:id, to_tsvector('simple', :grams))"
    rows = bind.execute(sa.text("SELECT id, title, search_text FROM plan_section WHERE deleted_at IS NULL"))
    batch = [{"id": r.id, "grams": grams(f"{r.title}\n{r.search_text}")} for r in rows]
    if batch:
        bind.execute(sa.text(insert), batch)


def downgrade() -> None:
    bind = op.get_bind()
    op.execute(f"DROP TABLE {FTS_TABLE if bind.dialect.name == 'sqlite' else PG_TABLE}")
