"""signed-out web sessions are recorded, so that a cookie captured before sign-out is refused after it

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05 08:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ended_session',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ended_session')),
    )
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_session_ended_at'), ['ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_session_ended_at'))
    op.drop_table('ended_session')
