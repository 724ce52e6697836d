"""members carry the time they last changed (the daily to-do run re-derives the touches of the customers of a
member who left or came back)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: SQLite adds no column with a computed default to a table in place. Active members count as
    # changed when they were created; those who left, now, so that the next daily run re-derives their
    # customers (touches may still be kept for them).
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=True))
    guide = sa.table('guide', sa.column('updated_at'), sa.column('created_at'), sa.column('active'))
    now = sa.literal(models.base.utcnow(), models.base.UTCDateTime(timezone=True))
    op.execute(guide.update().values(updated_at=sa.case((guide.c.active, guide.c.created_at), else_=now)))


def downgrade() -> None:
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
