"""drill documents: the work plan, support plan and record of a drill, its script steps and sign-in list

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
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
        "drill_document",
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("work_plan", sa.JSON(), nullable=False),
        sa.Column("support_plan", sa.JSON(), nullable=False),
        sa.Column("record_notes", sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], name=op.f("fk_drill_document_drill_id_drill")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_document")),
        sa.UniqueConstraint("drill_id", name=op.f("uq_drill_document_drill_id")),
    )
    op.create_table(
        "drill_script_step",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=8), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=64), nullable=False),
        sa.Column("expected", sa.Text(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["document_id"], ["drill_document.id"],
                                name=op.f("fk_drill_script_step_document_id_drill_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_script_step")),
    )
    with op.batch_alter_table("drill_script_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_script_step_document_id"), ["document_id"], unique=False)
    op.create_table(
        "drill_sign_in",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=128), nullable=False),
        sa.Column("duty", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["document_id"], ["drill_document.id"],
                                name=op.f("fk_drill_sign_in_document_id_drill_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_sign_in")),
    )
    with op.batch_alter_table("drill_sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_sign_in_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    op.drop_table("drill_sign_in")
    op.drop_table("drill_script_step")
    op.drop_table("drill_document")
