"""drills: the drills of the enterprises and the plans each exercises

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
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
        "drill",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("drill_no", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("organiser", sa.String(length=128), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("teams", sa.Text(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("reschedule_reason", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_drill_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill")),
    )
    with op.batch_alter_table("drill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index("ix_drill_enterprise_held", ["enterprise_id", "held_on"], unique=False)
        batch_op.create_index("ix_drill_live", ["deleted_at", "status", "planned_at"], unique=False)
    op.create_table(
        "drill_plan",
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], name=op.f("fk_drill_plan_drill_id_drill")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_drill_plan_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_plan")),
    )
    with op.batch_alter_table("drill_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_plan_drill_id"), ["drill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_drill_plan_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_table("drill_plan")
    op.drop_table("drill")
