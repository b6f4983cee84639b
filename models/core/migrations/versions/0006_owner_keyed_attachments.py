"""attachments keyed by their owner (any module's records), replacing plan_attachment

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00

The rows keep their ids, so the audit trail's entries for them still name the same records.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BOOKKEEPING = ("id", "created_at", "created_by", "updated_at", "updated_by", "version", "deleted_at", "deleted_by")
_FILE = ("kind", "filename", "mime", "size", "sha256", "data")


def _bookkeeping() -> list[sa.Column]:
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
        "attachment",
        sa.Column("owner_type", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index("ix_attachment_owner", "attachment", ["owner_type", "owner_id"], unique=False)
    columns = ", ".join((*_FILE, *_BOOKKEEPING))
    op.execute(f"INSERT INTO attachment (owner_type, owner_id, {columns}) "
               f"SELECT 'plan', plan_id, {columns} FROM plan_attachment")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # ids were copied: move the sequence past them
        op.execute("SELECT setval(pg_get_serial_sequence('attachment', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM attachment), 0) + 1, false)")
    with op.batch_alter_table("plan_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_attachment_plan_id"))
    op.drop_table("plan_attachment")


def downgrade() -> None:
    op.create_table(
        "plan_attachment",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        *_bookkeeping(),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_attachment_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_attachment")),
    )
    with op.batch_alter_table("plan_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_attachment_plan_id"), ["plan_id"], unique=False)
    columns = ", ".join((*_FILE, *_BOOKKEEPING))
    op.execute(f"INSERT INTO plan_attachment (plan_id, {columns}) "
               f"SELECT owner_id, {columns} FROM attachment WHERE owner_type = 'plan'")
    op.drop_index("ix_attachment_owner", table_name="attachment")
    op.drop_table("attachment")
