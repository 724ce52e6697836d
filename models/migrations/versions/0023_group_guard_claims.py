"""group guard claims: when a reminder or an alert card was last claimed for sending, so that the sweep takes back
a claim whose job died before recording the outcome

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

UTC = models.base.UTCDateTime(timezone=True)
# SQLite rebuilds a table to drop a column; customer's birthday index is on an expression SQLAlchemy cannot reflect.
NO_FK_REFLECTION = {'resolve_fks': False}


def upgrade() -> None:
    op.add_column('group_join_notice', sa.Column('claimed_at', UTC, nullable=True))
    op.add_column('group_alert', sa.Column('claimed_at', UTC, nullable=True))
    # A row already stuck in sending was claimed after it was created: the sweep takes it back, and the
    # reminder's check for an earlier send looks from then on.
    op.execute("UPDATE group_join_notice SET claimed_at = created_at WHERE status = 'sending'")
    op.execute("UPDATE group_alert SET claimed_at = created_at WHERE notify_status = 'sending'")


def downgrade() -> None:
    with op.batch_alter_table('group_alert', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('claimed_at')
    with op.batch_alter_table('group_join_notice', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('claimed_at')
