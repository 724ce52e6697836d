"""spine: org, customers, channels, groups, tags, inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 12:54:36.663480
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('callback_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('change_type', sa.String(length=64), nullable=False),
    sa.Column('raw_xml', sa.Text(), nullable=False),
    sa.Column('event_time', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_event')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_callback_event_dedupe_key'))
    )
    with op.batch_alter_table('callback_event', schema=None) as batch_op:
        batch_op.create_index('ix_callback_event_status_received_at', ['status', 'received_at'], unique=False)

    op.create_table('corp_tag',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tag_id', sa.String(length=64), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corp_tag')),
    sa.UniqueConstraint('tag_id', name=op.f('uq_corp_tag_tag_id'))
    )
    with op.batch_alter_table('corp_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corp_tag_group_id'), ['group_id'], unique=False)

    op.create_table('customer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('external_userid', sa.String(length=64), nullable=False),
    sa.Column('unionid', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.SmallInteger(), nullable=False),
    sa.Column('avatar', sa.String(length=512), nullable=True),
    sa.Column('type', sa.SmallInteger(), nullable=False),
    sa.Column('corp_name', sa.String(length=100), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('external_userid', name=op.f('uq_customer_external_userid'))
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_unionid'), ['unionid'], unique=False)

    op.create_table('group_chat',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('owner_userid', sa.String(length=64), nullable=True),
    sa.Column('notice', sa.String(length=2000), nullable=True),
    sa.Column('member_version', sa.String(length=64), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dismissed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_chat')),
    sa.UniqueConstraint('chat_id', name=op.f('uq_group_chat_chat_id'))
    )
    op.create_table('store',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=50), nullable=True),
    sa.Column('timezone', sa.String(length=50), nullable=False),
    sa.Column('wecom_department_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store')),
    sa.UniqueConstraint('code', name=op.f('uq_store_code')),
    sa.UniqueConstraint('wecom_department_id', name=op.f('uq_store_wecom_department_id'))
    )
    op.create_table('guide',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('userid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('left_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_guide_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide')),
    sa.UniqueConstraint('userid', name=op.f('uq_guide_userid'))
    )
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_store_id'), ['store_id'], unique=False)

    op.create_table('channel',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('campaign', sa.String(length=64), nullable=True),
    sa.Column('chat_id', sa.String(length=64), nullable=True),
    sa.Column('config_id', sa.String(length=64), nullable=True),
    sa.Column('qr_code', sa.String(length=512), nullable=True),
    sa.Column('welcome_text', sa.String(length=2000), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_channel_guide_id_guide')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_channel_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel')),
    sa.UniqueConstraint('state', name=op.f('uq_channel_state'))
    )
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_store_id'), ['store_id'], unique=False)

    op.create_table('friendship',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('campaign', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=64), nullable=True),
    sa.Column('add_way', sa.SmallInteger(), nullable=True),
    sa.Column('remark', sa.String(length=100), nullable=True),
    sa.Column('half', sa.Boolean(), nullable=False),
    sa.Column('first_added_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('added_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_guide_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_customer_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_transfer', sa.Boolean(), nullable=False),
    sa.Column('transfer_fail_reason', sa.String(length=32), nullable=True),
    sa.Column('add_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_friendship_channel_id_channel')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_friendship_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_friendship_guide_id_guide')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_friendship_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_friendship')),
    sa.UniqueConstraint('guide_id', 'customer_id', name=op.f('uq_friendship_guide_id_customer_id'))
    )
    with op.batch_alter_table('friendship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_friendship_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_friendship_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_friendship_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_friendship_store_id'), ['store_id'], unique=False)

    op.create_table('group_member',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('member_type', sa.SmallInteger(), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('join_scene', sa.SmallInteger(), nullable=True),
    sa.Column('invitor_userid', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=64), nullable=True),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('attributed_guide_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('joined_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('quit_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('quit_scene', sa.SmallInteger(), nullable=True),
    sa.ForeignKeyConstraint(['attributed_guide_id'], ['guide.id'], name=op.f('fk_group_member_attributed_guide_id_guide')),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_group_member_channel_id_channel')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_group_member_customer_id_customer')),
    sa.ForeignKeyConstraint(['group_id'], ['group_chat.id'], name=op.f('fk_group_member_group_id_group_chat')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_member')),
    sa.UniqueConstraint('group_id', 'member_id', name=op.f('uq_group_member_group_id_member_id'))
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_attributed_guide_id'), ['attributed_guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_member_member_id'))
        batch_op.drop_index(batch_op.f('ix_group_member_group_id'))
        batch_op.drop_index(batch_op.f('ix_group_member_customer_id'))
        batch_op.drop_index(batch_op.f('ix_group_member_attributed_guide_id'))

    op.drop_table('group_member')
    with op.batch_alter_table('friendship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_friendship_store_id'))
        batch_op.drop_index(batch_op.f('ix_friendship_guide_id'))
        batch_op.drop_index(batch_op.f('ix_friendship_customer_id'))
        batch_op.drop_index(batch_op.f('ix_friendship_channel_id'))

    op.drop_table('friendship')
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_store_id'))
        batch_op.drop_index(batch_op.f('ix_channel_guide_id'))

    op.drop_table('channel')
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_store_id'))

    op.drop_table('guide')
    op.drop_table('store')
    op.drop_table('group_chat')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_unionid'))

    op.drop_table('customer')
    with op.batch_alter_table('corp_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corp_tag_group_id'))

    op.drop_table('corp_tag')
    with op.batch_alter_table('callback_event', schema=None) as batch_op:
        batch_op.drop_index('ix_callback_event_status_received_at')

    op.drop_table('callback_event')
