"""supplies: a plan's minimum staff on duty, inspections of an item's batches in a warehouse at once

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 10:00:00

- ``plan_staff_need``: the 应急值守人员 a plan declares (one row per plan), beside ``plan_supply_need``.
- ``supply_inspection``: ``batch_id`` may be empty — an inspection of an item in a warehouse
  (``item_id`` and ``warehouse_id``) covers every batch of it held there. Rows written before keep
  ``item_id`` and ``warehouse_id`` empty (a batch's own inspection): nothing is filled in that the
  audit trail does not say.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_staff_need',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_staff_need_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_staff_need')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_plan_staff_need_plan_id'))
    )

    with op.batch_alter_table('supply_inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('warehouse_id', sa.Integer(), nullable=True))
        batch_op.alter_column('batch_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_supply_inspection_item_id_supply_item'), 'supply_item',
                                    ['item_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_supply_inspection_warehouse_id_warehouse'), 'warehouse',
                                    ['warehouse_id'], ['id'])
        batch_op.create_index('ix_supply_inspection_item', ['item_id', 'warehouse_id'], unique=False)


def downgrade() -> None:
    # An item-level inspection has no batch to keep it under: it goes with the columns.
    op.execute("DELETE FROM supply_inspection WHERE batch_id IS NULL")
    with op.batch_alter_table('supply_inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_supply_inspection_item')
        batch_op.drop_constraint(batch_op.f('fk_supply_inspection_warehouse_id_warehouse'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_supply_inspection_item_id_supply_item'), type_='foreignkey')
        batch_op.alter_column('batch_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('warehouse_id')
        batch_op.drop_column('item_id')

    op.drop_table('plan_staff_need')
