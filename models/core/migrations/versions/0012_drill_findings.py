"""drill findings: problems and hazards a drill found, their corrective actions tracked to closure

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drill_finding",
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requires_revision", sa.Boolean(), nullable=False),
        sa.Column("verification_note", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], name=op.f("fk_drill_finding_drill_id_drill")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_drill_finding_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_finding")),
    )
    with op.batch_alter_table("drill_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_finding_drill_id"), ["drill_id"], unique=False)
        batch_op.create_index("ix_drill_finding_open", ["deleted_at", "status", "due_date"], unique=False)


def downgrade() -> None:
    op.drop_table("drill_finding")
