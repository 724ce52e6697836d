"""hand-overs of customers and groups (在职继承 / 离职继承): their history, the friendships they made, and the
time of the last directory callback applied to a member

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 08:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

NO_FK_REFLECTION = {'resolve_fks': False}


def _common(name: str) -> list:
    fk = f'fk_{name}_%s_guide'
    return [
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('from_guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('to_guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('requested_by', sa.String(length=100), nullable=False),
        sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('errcode', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['from_guide_id'], ['guide.id'], name=op.f(fk % 'from_guide_id')),
        sa.ForeignKeyConstraint(['to_guide_id'], ['guide.id'], name=op.f(fk % 'to_guide_id')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f(f'fk_{name}_store_id_store')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    ]


def upgrade() -> None:
    op.create_table(
        'customer_transfer', *_common('customer_transfer'),
        sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('takeover_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_transfer_customer_id_customer')),
    )
    for column in ('customer_id', 'from_guide_id', 'to_guide_id', 'store_id'):
        op.create_index(op.f(f'ix_customer_transfer_{column}'), 'customer_transfer', [column])
    op.create_index('ix_customer_transfer_status_pair', 'customer_transfer',
                    ['status', 'from_guide_id', 'to_guide_id'])
    op.create_table(
        'group_transfer', *_common('group_transfer'),
        sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['group_chat.id'], name=op.f('fk_group_transfer_group_id_group_chat')),
    )
    for column in ('group_id', 'from_guide_id', 'to_guide_id', 'store_id'):
        op.create_index(op.f(f'ix_group_transfer_{column}'), 'group_transfer', [column])
    with op.batch_alter_table('friendship', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('via_transfer', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('guide', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('directory_event_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('guide', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('directory_event_at')
    with op.batch_alter_table('friendship', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('via_transfer')
    op.drop_table('group_transfer')
    op.drop_table('customer_transfer')
