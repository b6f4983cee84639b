"""supplies: warehouses, items, batches, the movement ledger and its balances, minimum stocks,
inspections and what plans need

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supply_item',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('spec', sa.String(length=128), nullable=False),
    sa.Column('category_code', sa.String(length=7), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('flood', sa.Boolean(), nullable=False),
    sa.Column('shelf_life_months', sa.Integer(), nullable=True),
    sa.Column('inspection_days', sa.Integer(), nullable=True),
    sa.Column('calibration_days', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_item')),
    sa.UniqueConstraint('code', name=op.f('uq_supply_item_code'))
    )
    with op.batch_alter_table('supply_item', schema=None) as batch_op:
        batch_op.create_index('ix_supply_item_category', ['category_code'], unique=False)

    op.create_table('supply_batch',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('batch_no', sa.String(length=64), nullable=False),
    sa.Column('produced_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('supplier', sa.String(length=128), nullable=False),
    sa.Column('calibrated_on', sa.Date(), nullable=True),
    sa.Column('calibration_due', sa.Date(), nullable=True),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=True),
    sa.Column('inspection_due', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['supply_item.id'], name=op.f('fk_supply_batch_item_id_supply_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_batch')),
    sa.UniqueConstraint('item_id', 'batch_no', name=op.f('uq_supply_batch_item_id_batch_no'))
    )
    with op.batch_alter_table('supply_batch', schema=None) as batch_op:
        batch_op.create_index('ix_supply_batch_expires', ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_batch_item_id'), ['item_id'], unique=False)

    op.create_table('supply_inspection',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('inspector', sa.String(length=32), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['supply_batch.id'], name=op.f('fk_supply_inspection_batch_id_supply_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_inspection'))
    )
    with op.batch_alter_table('supply_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_inspection_batch_id'), ['batch_id'], unique=False)

    op.create_table('warehouse',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('keeper', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_warehouse_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_warehouse_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse'))
    )
    with op.batch_alter_table('warehouse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warehouse_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_region_id'), ['region_id'], unique=False)

    op.create_table('minimum_stock',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['supply_item.id'], name=op.f('fk_minimum_stock_item_id_supply_item')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_minimum_stock_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimum_stock')),
    sa.UniqueConstraint('warehouse_id', 'item_id', name=op.f('uq_minimum_stock_warehouse_id_item_id'))
    )
    with op.batch_alter_table('minimum_stock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minimum_stock_item_id'), ['item_id'], unique=False)

    op.create_table('plan_supply_need',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['supply_item.id'], name=op.f('fk_plan_supply_need_item_id_supply_item')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_supply_need_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_supply_need')),
    sa.UniqueConstraint('plan_id', 'item_id', name=op.f('uq_plan_supply_need_plan_id_item_id'))
    )
    with op.batch_alter_table('plan_supply_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_supply_need_plan_id'), ['plan_id'], unique=False)

    op.create_table('stock_balance',
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['supply_batch.id'], name=op.f('fk_stock_balance_batch_id_supply_batch')),
    sa.ForeignKeyConstraint(['item_id'], ['supply_item.id'], name=op.f('fk_stock_balance_item_id_supply_item')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_balance_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('warehouse_id', 'batch_id', name=op.f('pk_stock_balance'))
    )
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.create_index('ix_stock_balance_batch', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_balance_item_id'), ['item_id'], unique=False)

    op.create_table('stock_movement',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('doc_no', sa.String(length=64), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('handler', sa.String(length=32), nullable=False),
    sa.Column('counterparty', sa.String(length=128), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['supply_batch.id'], name=op.f('fk_stock_movement_batch_id_supply_batch')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_movement_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movement'))
    )
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movement_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_stock_movement_doc', ['doc_no'], unique=False)
        batch_op.create_index('ix_stock_movement_place', ['warehouse_id', 'batch_id', 'moved_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movement_place')
        batch_op.drop_index('ix_stock_movement_doc')
        batch_op.drop_index(batch_op.f('ix_stock_movement_batch_id'))

    op.drop_table('stock_movement')
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_balance_item_id'))
        batch_op.drop_index('ix_stock_balance_batch')

    op.drop_table('stock_balance')
    with op.batch_alter_table('plan_supply_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_supply_need_plan_id'))

    op.drop_table('plan_supply_need')
    with op.batch_alter_table('minimum_stock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minimum_stock_item_id'))

    op.drop_table('minimum_stock')
    with op.batch_alter_table('warehouse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warehouse_region_id'))
        batch_op.drop_index(batch_op.f('ix_warehouse_enterprise_id'))

    op.drop_table('warehouse')
    with op.batch_alter_table('supply_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_inspection_batch_id'))

    op.drop_table('supply_inspection')
    with op.batch_alter_table('supply_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_batch_item_id'))
        batch_op.drop_index('ix_supply_batch_expires')

    op.drop_table('supply_batch')
    with op.batch_alter_table('supply_item', schema=None) as batch_op:
        batch_op.drop_index('ix_supply_item_category')

    op.drop_table('supply_item')
