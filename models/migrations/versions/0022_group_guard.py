"""group guard: group policies (rules text, keywords, own corporation names, 一客一群), rules reminders per
join, outsider alerts, and 一客一群 service groups

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, models.base.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def upgrade() -> None:
    op.create_table(
        'group_policy',
        sa.Column('id', ID, nullable=False),
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('store_id', ID, nullable=True),
        sa.Column('rules_text', sa.Text(), nullable=True),
        sa.Column('keywords', sa.Text(), nullable=False),
        sa.Column('own_corp_names', sa.Text(), nullable=False),
        sa.Column('one_customer_group', sa.Boolean(), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=False),
        _time('updated_at', False),
        _fk('group_policy', 'store_id', 'store'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_policy')),
        sa.UniqueConstraint('scope', name=op.f('uq_group_policy_scope')),
    )
    op.create_table(
        'group_join_notice',
        sa.Column('id', ID, nullable=False),
        sa.Column('group_member_id', ID, nullable=False),
        sa.Column('group_id', ID, nullable=False),
        _time('joined_at', False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('msgid', sa.String(length=64), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        _time('created_at', False),
        _time('sent_at'),
        _fk('group_join_notice', 'group_member_id', 'group_member'),
        _fk('group_join_notice', 'group_id', 'group_chat'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_join_notice')),
        sa.UniqueConstraint('group_member_id', 'joined_at', name=op.f('uq_group_join_notice_group_member_id_joined_at')),
    )
    op.create_index(op.f('ix_group_join_notice_group_id'), 'group_join_notice', ['group_id'])
    op.create_index(op.f('ix_group_join_notice_status'), 'group_join_notice', ['status'])
    op.create_table(
        'group_alert',
        sa.Column('id', ID, nullable=False),
        sa.Column('group_id', ID, nullable=False),
        sa.Column('member_id', sa.String(length=64), nullable=False),
        sa.Column('member_name', sa.String(length=100), nullable=False),
        sa.Column('corp_name', sa.String(length=100), nullable=True),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        _time('joined_at', False),
        _time('created_at', False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('handled_by', sa.String(length=100), nullable=True),
        _time('handled_at'),
        sa.Column('notify_status', sa.String(length=16), nullable=False),
        sa.Column('notify_error', sa.String(length=200), nullable=True),
        _time('notified_at'),
        _fk('group_alert', 'group_id', 'group_chat'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_alert')),
        sa.UniqueConstraint('group_id', 'member_id', 'reason', 'joined_at',
                            name=op.f('uq_group_alert_group_id_member_id_reason_joined_at')),
    )
    for column in ('group_id', 'status', 'notify_status'):
        op.create_index(op.f(f'ix_group_alert_{column}'), 'group_alert', [column])
    op.create_table(
        'service_group',
        sa.Column('id', ID, nullable=False),
        sa.Column('store_id', ID, nullable=False),
        sa.Column('guide_id', ID, nullable=False),
        sa.Column('customer_id', ID, nullable=False),
        sa.Column('group_id', ID, nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('config_id', sa.String(length=64), nullable=True),
        sa.Column('qr_code', sa.String(length=500), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        _time('created_at', False),
        _time('paired_at'),
        _fk('service_group', 'store_id', 'store'),
        _fk('service_group', 'guide_id', 'guide'),
        _fk('service_group', 'customer_id', 'customer'),
        _fk('service_group', 'group_id', 'group_chat'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_group')),
        sa.UniqueConstraint('state', name=op.f('uq_service_group_state')),
    )
    for column in ('store_id', 'guide_id', 'customer_id', 'group_id'):
        op.create_index(op.f(f'ix_service_group_{column}'), 'service_group', [column])


def downgrade() -> None:
    op.drop_table('service_group')
    op.drop_table('group_alert')
    op.drop_table('group_join_notice')
    op.drop_table('group_policy')
