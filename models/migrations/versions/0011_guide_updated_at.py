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
    # Nullable: SQLite adds no column with a computed default to a table in place. Existing members count as
    # changed when they were created.
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=True))
    guide = sa.table('guide', sa.column('updated_at'), sa.column('created_at'))
    op.execute(guide.update().values(updated_at=guide.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
