"""teams: rescue teams, the enterprises they serve, their equipment, members, certificates and
training, and the duty roster (duty points, shifts, people on duty, swaps, handovers)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 20:26:47
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rescue_team',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('owner_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('base_address', sa.String(length=256), nullable=False),
    sa.Column('leader', sa.String(length=32), nullable=False),
    sa.Column('leader_phone', sa.String(length=32), nullable=False),
    sa.Column('duty_phone', sa.String(length=32), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('filing_no', sa.String(length=64), nullable=False),
    sa.Column('turnout_minutes', sa.Integer(), nullable=True),
    sa.Column('agreement_party', sa.String(length=128), nullable=False),
    sa.Column('agreement_expires_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['owner_enterprise_id'], ['enterprise.id'], name=op.f('fk_rescue_team_owner_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_rescue_team_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescue_team')),
    sa.UniqueConstraint('name', name=op.f('uq_rescue_team_name'))
    )
    with op.batch_alter_table('rescue_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescue_team_owner_enterprise_id'), ['owner_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rescue_team_region_id'), ['region_id'], unique=False)

    op.create_table('duty_point',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('shift_set', sa.String(length=32), nullable=False),
    sa.Column('min_staff', sa.Integer(), nullable=False),
    sa.Column('leader_required', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_duty_point_region_id_region')),
    sa.ForeignKeyConstraint(['team_id'], ['rescue_team.id'], name=op.f('fk_duty_point_team_id_rescue_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_point')),
    sa.UniqueConstraint('name', name=op.f('uq_duty_point_name'))
    )
    with op.batch_alter_table('duty_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_point_team_id'), ['team_id'], unique=False)

    op.create_table('team_enterprise',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_team_enterprise_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['team_id'], ['rescue_team.id'], name=op.f('fk_team_enterprise_team_id_rescue_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_enterprise')),
    sa.UniqueConstraint('team_id', 'enterprise_id', name=op.f('uq_team_enterprise_team_id_enterprise_id'))
    )
    with op.batch_alter_table('team_enterprise', schema=None) as batch_op:
        batch_op.create_index('ix_team_enterprise_enterprise', ['enterprise_id'], unique=False)

    op.create_table('team_equipment',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('spec', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['rescue_team.id'], name=op.f('fk_team_equipment_team_id_rescue_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_equipment'))
    )
    with op.batch_alter_table('team_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_equipment_team_id'), ['team_id'], unique=False)

    op.create_table('team_member',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('position', sa.String(length=32), nullable=False),
    sa.Column('born_on', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('medical_checked_on', sa.Date(), nullable=True),
    sa.Column('experience_years', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['rescue_team.id'], name=op.f('fk_team_member_team_id_rescue_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_team_id'), ['team_id'], unique=False)

    op.create_table('duty_shift',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['point_id'], ['duty_point.id'], name=op.f('fk_duty_shift_point_id_duty_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_shift'))
    )
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.create_index('ix_duty_shift_point_day', ['point_id', 'day'], unique=False)
        batch_op.create_index('ix_duty_shift_starts', ['starts_at'], unique=False)

    op.create_table('member_certificate',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('cert_type', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=128), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['team_member.id'], name=op.f('fk_member_certificate_member_id_team_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_certificate'))
    )
    with op.batch_alter_table('member_certificate', schema=None) as batch_op:
        batch_op.create_index('ix_member_certificate_expires', ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_certificate_member_id'), ['member_id'], unique=False)

    op.create_table('training_record',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('content', sa.String(length=256), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['team_member.id'], name=op.f('fk_training_record_member_id_team_member')),
    sa.ForeignKeyConstraint(['team_id'], ['rescue_team.id'], name=op.f('fk_training_record_team_id_rescue_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_record'))
    )
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_record_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_training_record_team', ['team_id', 'kind', 'held_on'], unique=False)

    op.create_table('duty_assignment',
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['team_member.id'], name=op.f('fk_duty_assignment_member_id_team_member')),
    sa.ForeignKeyConstraint(['shift_id'], ['duty_shift.id'], name=op.f('fk_duty_assignment_shift_id_duty_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_assignment'))
    )
    with op.batch_alter_table('duty_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_duty_assignment_name', ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_assignment_shift_id'), ['shift_id'], unique=False)

    op.create_table('handover_log',
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('handed_at', sa.DateTime(), nullable=False),
    sa.Column('from_name', sa.String(length=32), nullable=False),
    sa.Column('to_name', sa.String(length=32), nullable=False),
    sa.Column('open_matters', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['shift_id'], ['duty_shift.id'], name=op.f('fk_handover_log_shift_id_duty_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_log'))
    )
    with op.batch_alter_table('handover_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_log_shift_id'), ['shift_id'], unique=False)

    op.create_table('duty_swap',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('from_name', sa.String(length=32), nullable=False),
    sa.Column('from_phone', sa.String(length=32), nullable=False),
    sa.Column('to_name', sa.String(length=32), nullable=False),
    sa.Column('to_phone', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['duty_assignment.id'], name=op.f('fk_duty_swap_assignment_id_duty_assignment')),
    sa.ForeignKeyConstraint(['shift_id'], ['duty_shift.id'], name=op.f('fk_duty_swap_shift_id_duty_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_swap'))
    )
    with op.batch_alter_table('duty_swap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_swap_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_swap_shift_id'), ['shift_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('duty_swap', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_swap_shift_id'))
        batch_op.drop_index(batch_op.f('ix_duty_swap_assignment_id'))

    op.drop_table('duty_swap')
    with op.batch_alter_table('handover_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_log_shift_id'))

    op.drop_table('handover_log')
    with op.batch_alter_table('duty_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_assignment_shift_id'))
        batch_op.drop_index('ix_duty_assignment_name')

    op.drop_table('duty_assignment')
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.drop_index('ix_training_record_team')
        batch_op.drop_index(batch_op.f('ix_training_record_member_id'))

    op.drop_table('training_record')
    with op.batch_alter_table('member_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_certificate_member_id'))
        batch_op.drop_index('ix_member_certificate_expires')

    op.drop_table('member_certificate')
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.drop_index('ix_duty_shift_starts')
        batch_op.drop_index('ix_duty_shift_point_day')

    op.drop_table('duty_shift')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_team_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('team_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_equipment_team_id'))

    op.drop_table('team_equipment')
    with op.batch_alter_table('team_enterprise', schema=None) as batch_op:
        batch_op.drop_index('ix_team_enterprise_enterprise')

    op.drop_table('team_enterprise')
    with op.batch_alter_table('duty_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_point_team_id'))

    op.drop_table('duty_point')
    with op.batch_alter_table('rescue_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rescue_team_region_id'))
        batch_op.drop_index(batch_op.f('ix_rescue_team_owner_enterprise_id'))

    op.drop_table('rescue_team')
