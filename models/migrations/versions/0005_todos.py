"""todos: cadence rules, replenishment cycles, commerce events, to-dos, daily runs, cards, group sends

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = models.base.UTCDateTime(timezone=True)


def _cadence_tables() -> None:
    op.create_table('cadence_rule',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('trigger', sa.String(length=32), nullable=False),
    sa.Column('window_start_days', sa.Integer(), nullable=False),
    sa.Column('window_end_days', sa.Integer(), nullable=False),
    sa.Column('offsets', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('templates', sa.JSON(), nullable=False),
    sa.Column('material_spec', sa.JSON(), nullable=False),
    sa.Column('coupon', sa.String(length=100), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint('window_start_days <= window_end_days', name=op.f('ck_cadence_rule_window_ordered')),
    sa.CheckConstraint('priority BETWEEN 0 AND 100', name=op.f('ck_cadence_rule_priority_range')),
    sa.CheckConstraint("kind IN ('lifecycle', 'revisit', 'birthday', 'second_purchase', 'replenishment')",
                       name=op.f('ck_cadence_rule_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadence_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_cadence_rule_code'))
    )
    op.create_table('replenish_cycle',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('cycle_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint('cycle_days > 0', name=op.f('ck_replenish_cycle_cycle_positive')),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_replenish_cycle'))
    )
    op.create_table('commerce_event',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.Column('occurred_at', UTC, nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.CheckConstraint("kind IN ('add_to_cart', 'coupon_claim', 'page_view')",
                       name=op.f('ck_commerce_event_kind_known')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_commerce_event_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_commerce_event_guide_id_guide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commerce_event')),
    sa.UniqueConstraint('event_id', name=op.f('uq_commerce_event_event_id'))
    )
    with op.batch_alter_table('commerce_event', schema=None) as batch_op:
        batch_op.create_index('ix_commerce_event_kind_occurred_on', ['kind', 'occurred_on'], unique=False)
        batch_op.create_index('ix_commerce_event_customer_id_kind_occurred_on',
                              ['customer_id', 'kind', 'occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_commerce_event_guide_id'), ['guide_id'], unique=False)


def _run_tables() -> None:
    op.create_table('todo_run',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('store_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('carried', sa.Integer(), nullable=False),
    sa.Column('started_at', UTC, nullable=False),
    sa.Column('finished_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_todo_run_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_todo_run')),
    sa.UniqueConstraint('store_id', 'day', name=op.f('uq_todo_run_store_id_day'))
    )
    op.create_table('todo_card',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('task_id', sa.String(length=128), nullable=False),
    sa.Column('msgid', sa.String(length=128), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('sent_at', UTC, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_todo_card_guide_id_guide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_todo_card')),
    sa.UniqueConstraint('guide_id', 'day', name=op.f('uq_todo_card_guide_id_day')),
    sa.UniqueConstraint('task_id', name=op.f('uq_todo_card_task_id'))
    )
    op.create_table('group_send',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('msgid', sa.String(length=128), nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=False),
    sa.Column('card_id', BIG_ID, nullable=True),
    sa.Column('customer_count', sa.Integer(), nullable=False),
    sa.Column('fail_list', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('polled_at', UTC, nullable=True),
    sa.Column('finished_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['todo_card.id'], name=op.f('fk_group_send_card_id_todo_card')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_group_send_guide_id_guide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_send')),
    sa.UniqueConstraint('msgid', name=op.f('uq_group_send_msgid'))
    )
    with op.batch_alter_table('group_send', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_send_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index('ix_group_send_status_created_at', ['status', 'created_at'], unique=False)


def _todo_table() -> None:
    op.create_table('todo',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('store_id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=False),
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('rule_id', BIG_ID, nullable=False),
    sa.Column('anchor', sa.Date(), nullable=False),
    sa.Column('generated_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('first_purchase', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('template_index', sa.Integer(), nullable=True),
    sa.Column('material_ids', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('skip_reason', sa.String(length=100), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('group_send_id', BIG_ID, nullable=True),
    sa.Column('sent_at', UTC, nullable=True),
    sa.Column('failure_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint("status IN ('pending', 'sent', 'done', 'skipped', 'snoozed', 'expired', 'failed')",
                       name=op.f('ck_todo_status_known')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_todo_customer_id_customer')),
    sa.ForeignKeyConstraint(['group_send_id'], ['group_send.id'], name=op.f('fk_todo_group_send_id_group_send')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_todo_guide_id_guide')),
    sa.ForeignKeyConstraint(['rule_id'], ['cadence_rule.id'], name=op.f('fk_todo_rule_id_cadence_rule')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_todo_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_todo')),
    sa.UniqueConstraint('customer_id', 'rule_id', 'anchor', 'guide_id',
                        name=op.f('uq_todo_customer_id_rule_id_anchor_guide_id')),
    postgresql_with={'fillfactor': 70}
    )
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.create_index('ix_todo_guide_id_status', ['guide_id', 'status'], unique=False)
        batch_op.create_index('ix_todo_status_expires_on', ['status', 'expires_on'], unique=False)
        batch_op.create_index('ix_todo_generated_on', ['generated_on'], unique=False)
        batch_op.create_index('ix_todo_sent_at', ['sent_at'], unique=False,
                              postgresql_where=sa.text('sent_at IS NOT NULL'),
                              sqlite_where=sa.text('sent_at IS NOT NULL'))
        batch_op.create_index('ix_todo_group_send_id', ['group_send_id'], unique=False,
                              postgresql_where=sa.text('group_send_id IS NOT NULL'),
                              sqlite_where=sa.text('group_send_id IS NOT NULL'))


def upgrade() -> None:
    _cadence_tables()
    _run_tables()
    _todo_table()
    # The daily windows are ranges of purchase days: index the summary's first and last purchase day,
    # and the orders' purchase day (single-item buyers, replenishment).
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_purchase_day'), ['purchase_day'], unique=False)
    with op.batch_alter_table('customer_purchase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_purchase_first_purchase_day'), ['first_purchase_day'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_customer_purchase_last_purchase_day'), ['last_purchase_day'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_purchase_day'))
    with op.batch_alter_table('customer_purchase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_purchase_last_purchase_day'))
        batch_op.drop_index(batch_op.f('ix_customer_purchase_first_purchase_day'))
    for table in ('todo', 'group_send', 'todo_card', 'todo_run', 'commerce_event', 'replenish_cycle',
                  'cadence_rule'):
        op.drop_table(table)
