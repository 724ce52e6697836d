"""lean daily lists: runout days kept for the replenishment touches, kept candidates carry their guide (a
to-do is made only for a touch that reaches a list), customers indexed by birthday, friendships by change

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 16:00:00.000000
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('todo_runout',
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('purchase_day', sa.Date(), nullable=False),
    sa.Column('runout', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', 'sku', name=op.f('pk_todo_runout'))
    )
    with op.batch_alter_table('todo_runout', schema=None) as batch_op:
        batch_op.create_index('ix_todo_runout_runout', ['runout'], unique=False)
    # The kept runout days start empty: marking the usage cycles edited makes the next daily run a full one,
    # which fills them (an incremental run re-derives only the customers that changed).
    cycles = sa.table('replenish_cycle', sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    op.execute(cycles.update().values(updated_at=now if op.get_bind().dialect.name != 'sqlite'
                                      else now.replace(tzinfo=None)))
    # The kept candidates carry their caring guide from now on: rebuilt by that full run.
    op.execute(sa.table('todo_candidate').delete())
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guide_id', BIG_ID, nullable=True))
        batch_op.create_index('ix_todo_candidate_guide_id', ['guide_id'], unique=False)
    with op.batch_alter_table('friendship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_friendship_updated_at'), ['updated_at'], unique=False)
    birthday = sa.column('birthday', sa.Date())
    op.create_index('ix_customer_birthday_month_day', 'customer',
                    [sa.extract('month', birthday), sa.extract('day', birthday)], unique=False)


def downgrade() -> None:
    op.drop_index('ix_customer_birthday_month_day', table_name='customer')
    with op.batch_alter_table('friendship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_friendship_updated_at'))
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_candidate_guide_id')
        batch_op.drop_column('guide_id')
    with op.batch_alter_table('todo_runout', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_runout_runout')
    op.drop_table('todo_runout')
