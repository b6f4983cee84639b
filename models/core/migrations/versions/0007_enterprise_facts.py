"""enterprise facts the plan rules key on: medium-or-larger size, hazardous chemicals used above the threshold

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medium_or_larger", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("hazchem_use_above_threshold", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("hazchem_use_above_threshold")
        batch_op.drop_column("medium_or_larger")
