"""tracking: clicks, order attribution, the daily performance record, care holdouts; commerce event attribution

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = models.base.UTCDateTime(timezone=True)


def _click() -> None:
    op.create_table('click',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('link_key', sa.String(length=32), nullable=False),
    sa.Column('visitor', sa.String(length=80), nullable=False),
    sa.Column('todo_id', BIG_ID, nullable=True),
    sa.Column('guide_id', BIG_ID, nullable=True),
    sa.Column('customer_id', BIG_ID, nullable=True),
    sa.Column('material_id', BIG_ID, nullable=True),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('clicked_at', UTC, nullable=False),
    sa.Column('clicked_on', sa.Date(), nullable=False),
    sa.Column('user_agent', sa.String(length=400), nullable=True),
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('unionid', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_click_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_click_guide_id_guide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_click'))
    )
    with op.batch_alter_table('click', schema=None) as batch_op:
        batch_op.create_index('ix_click_clicked_on_guide_id', ['clicked_on', 'guide_id'], unique=False)
        batch_op.create_index('ix_click_customer_id_clicked_at', ['customer_id', 'clicked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_click_todo_id'), ['todo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_click_material_id'), ['material_id'], unique=False)


def _order_attribution() -> None:
    op.create_table('order_attribution',
    sa.Column('order_id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=False),
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('click_id', BIG_ID, nullable=True),
    sa.Column('todo_id', BIG_ID, nullable=True),
    sa.Column('material_id', BIG_ID, nullable=True),
    sa.Column('attributed_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_order_attribution_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_order_attribution_guide_id_guide')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], ondelete='CASCADE',
                            name=op.f('fk_order_attribution_order_id_purchase_order')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_attribution'))
    )
    with op.batch_alter_table('order_attribution', schema=None) as batch_op:
        for column in ('guide_id', 'day', 'todo_id', 'material_id'):
            batch_op.create_index(batch_op.f(f'ix_order_attribution_{column}'), [column], unique=False)


_COUNTERS = ('friends_added', 'friends_lost', 'group_joins', 'todos_assigned', 'todos_sent', 'todos_done',
             'todos_expired', 'clicks', 'raw_clicks', 'unique_clickers', 'coupon_claims', 'add_to_carts',
             'page_views', 'orders')


def _performance_day() -> None:
    op.create_table('performance_day',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('store_id', BIG_ID, nullable=True),
    sa.Column('guide_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('friends_added_by_channel', sa.JSON(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTERS),
    sa.Column('order_amount', sa.BigInteger(), nullable=False),
    sa.Column('second_purchases', sa.Integer(), nullable=False),
    sa.Column('rolled_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_performance_day_guide_id_guide')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_performance_day_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_day')),
    sa.UniqueConstraint('guide_id', 'day', name=op.f('uq_performance_day_guide_id_day'))
    )
    with op.batch_alter_table('performance_day', schema=None) as batch_op:
        batch_op.create_index('ix_performance_day_store_id_day', ['store_id', 'day'], unique=False)


def _holdout_assignment() -> None:
    op.create_table('holdout_assignment',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('rule_id', BIG_ID, nullable=False),
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=True),
    sa.Column('anchor', sa.Date(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('arm', sa.String(length=8), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.CheckConstraint("arm IN ('treated', 'holdout')", name=op.f('ck_holdout_assignment_arm_known')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_holdout_assignment_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_holdout_assignment_guide_id_guide')),
    sa.ForeignKeyConstraint(['rule_id'], ['cadence_rule.id'], name=op.f('fk_holdout_assignment_rule_id_cadence_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holdout_assignment')),
    sa.UniqueConstraint('rule_id', 'customer_id', 'anchor',
                        name=op.f('uq_holdout_assignment_rule_id_customer_id_anchor'))
    )
    with op.batch_alter_table('holdout_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_holdout_assignment_rule_id_assigned_on', ['rule_id', 'assigned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_holdout_assignment_customer_id'), ['customer_id'], unique=False)


def _commerce_event_columns() -> None:
    with op.batch_alter_table('commerce_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attribution', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('todo_id', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('material_id', BIG_ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_commerce_event_todo_id'), ['todo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commerce_event_material_id'), ['material_id'], unique=False)


def upgrade() -> None:
    _click()
    _order_attribution()
    _performance_day()
    _holdout_assignment()
    _commerce_event_columns()


def downgrade() -> None:
    with op.batch_alter_table('commerce_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commerce_event_material_id'))
        batch_op.drop_index(batch_op.f('ix_commerce_event_todo_id'))
        batch_op.drop_column('material_id')
        batch_op.drop_column('todo_id')
        batch_op.drop_column('attribution')
    for table in ('holdout_assignment', 'performance_day', 'order_attribution', 'click'):
        op.drop_table(table)
