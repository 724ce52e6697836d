"""signed-out web sessions are recorded, so that a cookie captured before sign-out is refused after it; a
click says whether its link had expired (kept raw, not counted)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 08:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to drop a column; the tables click refers to (customer, whose birthday index is on an
# expression SQLAlchemy cannot reflect) need not be reflected for that.
NO_FK_REFLECTION = {'resolve_fks': False}


def upgrade() -> None:
    op.create_table(
        'ended_session',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ended_session')),
    )
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_session_ended_at'), ['ended_at'], unique=False)
    with op.batch_alter_table('click', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('link_expired', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('click', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('link_expired')
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_session_ended_at'))
    op.drop_table('ended_session')
