"""drill scoring: the frozen evaluation form of a drill, evaluators' sheets and their entries

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _entity_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "drill_evaluation",
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=32), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], name=op.f("fk_drill_evaluation_drill_id_drill")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_evaluation")),
        sa.UniqueConstraint("drill_id", name=op.f("uq_drill_evaluation_drill_id")),
    )
    op.create_table(
        "score_sheet",
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("evaluator", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], name=op.f("fk_score_sheet_drill_id_drill")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint("drill_id", "evaluator", name=op.f("uq_score_sheet_drill_id_evaluator")),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_drill_id"), ["drill_id"], unique=False)
    op.create_table(
        "score_entry",
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("choice", sa.String(length=32), nullable=False),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["sheet_id"], ["score_sheet.id"], name=op.f("fk_score_entry_sheet_id_score_sheet")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_entry")),
        sa.UniqueConstraint("sheet_id", "item_key", name=op.f("uq_score_entry_sheet_id_item_key")),
    )
    with op.batch_alter_table("score_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_entry_sheet_id"), ["sheet_id"], unique=False)


def downgrade() -> None:
    op.drop_table("score_entry")
    op.drop_table("score_sheet")
    op.drop_table("drill_evaluation")
