"""incremental to-dos: the kept candidates, the index of each guide's list, and of what changed since a run

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
PENDING = "status = 'pending'"
CHANGED = (('customer_purchase', 'updated_at'), ('customer', 'updated_at'), ('commerce_event', 'created_at'))


def upgrade() -> None:
    op.create_table('todo_candidate',
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('rule_id', BIG_ID, nullable=False),
    sa.Column('anchor', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', 'rule_id', 'anchor', name=op.f('pk_todo_candidate'))
    )
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.create_index('ix_todo_pending_order', ['guide_id', 'first_purchase', 'priority'], unique=False,
                              postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))
    # The daily run re-derives the touches of the customers whose data changed since the previous run.
    for table, column in CHANGED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def downgrade() -> None:
    for table, column in CHANGED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_pending_order')
    op.drop_table('todo_candidate')
