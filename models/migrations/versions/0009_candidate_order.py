"""kept candidates carry their sort key and are indexed per guide in list order (a daily run reads
the top of each guide's waiting touches, not all of them)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00.000000
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The kept candidates are derived state: emptied here and rebuilt, with their sort key, by the next daily
    # run, made a full one by marking the usage cycles edited.
    cycles = sa.table('replenish_cycle', sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    op.execute(cycles.update().values(updated_at=now if op.get_bind().dialect.name != 'sqlite'
                                      else now.replace(tzinfo=None)))
    op.execute(sa.table('todo_candidate').delete())
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_candidate_guide_id')
        batch_op.add_column(sa.Column('sort_key', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_todo_candidate_guide_order', ['guide_id', 'sort_key', 'rank', 'anchor', 'customer_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_candidate_guide_order')
        batch_op.drop_column('sort_key')
        batch_op.create_index('ix_todo_candidate_guide_id', ['guide_id'], unique=False)
