"""purchases: orders and items, day-merged purchases, customer purchase summary and tier tags

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:11:14.415062
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_mobile',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mobile_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_mobile_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_mobile')),
    sa.UniqueConstraint('customer_id', 'mobile_hash', name=op.f('uq_customer_mobile_customer_id_mobile_hash'))
    )
    with op.batch_alter_table('customer_mobile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_mobile_mobile_hash'), ['mobile_hash'], unique=False)

    op.create_table('customer_purchase',
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purchase_count', sa.Integer(), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('lifetime_amount', sa.BigInteger(), nullable=False),
    sa.Column('first_purchase_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_purchase_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_purchase_day', sa.Date(), nullable=True),
    sa.Column('last_purchase_day', sa.Date(), nullable=True),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('tag_sync_version', sa.Integer(), nullable=False),
    sa.Column('tag_sync_status', sa.String(length=16), nullable=True),
    sa.Column('tag_sync_error', sa.Text(), nullable=True),
    sa.Column('tag_synced_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tag_synced_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_purchase_customer_id_customer')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_purchase'))
    )
    with op.batch_alter_table('customer_purchase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_purchase_tag_sync_status'), ['tag_sync_status'], unique=False)

    op.create_table('purchase_day',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('first_paid_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_purchase_day_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_day')),
    sa.UniqueConstraint('customer_id', 'day', name=op.f('uq_purchase_day_customer_id_day'))
    )
    op.create_table('purchase_order',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('external_userid', sa.String(length=64), nullable=True),
    sa.Column('unionid', sa.String(length=64), nullable=True),
    sa.Column('mobile_hash', sa.String(length=64), nullable=True),
    sa.Column('guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('guide_userid', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('refunded_amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('purchase_day', sa.Date(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('paid', 'partially_refunded', 'refunded')", name=op.f('ck_purchase_order_status_known')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_purchase_order_amount_not_negative')),
    sa.CheckConstraint('refunded_amount >= 0 AND refunded_amount <= amount', name=op.f('ck_purchase_order_refund_within_amount')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_purchase_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_purchase_order_guide_id_guide')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_purchase_order_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order')),
    sa.UniqueConstraint('store_id', 'order_no', name=op.f('uq_purchase_order_store_id_order_no'))
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index('ix_purchase_order_store_id_purchase_day', ['store_id', 'purchase_day'], unique=False)
        for name in ('external_userid', 'unionid', 'mobile_hash'):
            batch_op.create_index(f'ix_purchase_order_unmatched_{name}', [name], unique=False,
                                  postgresql_where=sa.text('customer_id IS NULL'),
                                  sqlite_where=sa.text('customer_id IS NULL'))

    op.create_table('order_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.SmallInteger(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_item_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_order_item_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_order_item_order_id_purchase_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_item')),
    sa.UniqueConstraint('order_id', 'line_no', name=op.f('uq_order_item_order_id_line_no'))
    )
    op.create_table('tier_tag',
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('tag_id', sa.String(length=64), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tier', name=op.f('pk_tier_tag')),
    sa.UniqueConstraint('tag_id', name=op.f('uq_tier_tag_tag_id'))
    )
    op.create_table('tier_tag_mark',
    sa.Column('friendship_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tag_id', sa.String(length=64), nullable=True),
    sa.Column('marked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['friendship_id'], ['friendship.id'], name=op.f('fk_tier_tag_mark_friendship_id_friendship')),
    sa.PrimaryKeyConstraint('friendship_id', name=op.f('pk_tier_tag_mark'))
    )


def downgrade() -> None:
    op.drop_table('tier_tag_mark')
    op.drop_table('tier_tag')
    op.drop_table('order_item')
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        for name in ('external_userid', 'unionid', 'mobile_hash'):
            batch_op.drop_index(f'ix_purchase_order_unmatched_{name}')
        batch_op.drop_index('ix_purchase_order_store_id_purchase_day')
        batch_op.drop_index(batch_op.f('ix_purchase_order_guide_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_customer_id'))

    op.drop_table('purchase_order')
    op.drop_table('purchase_day')
    with op.batch_alter_table('customer_purchase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_purchase_tag_sync_status'))

    op.drop_table('customer_purchase')
    with op.batch_alter_table('customer_mobile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_mobile_mobile_hash'))

    op.drop_table('customer_mobile')
