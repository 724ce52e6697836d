"""kept candidates carry their sort key and are indexed per guide in list order (a daily run reads
the top of each guide's waiting touches, not all of them); the daily run's derived state (kept candidates,
runout days) is not written to the WAL on PostgreSQL

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The kept candidates are derived state: emptied here and rebuilt, with their sort key, by the next daily
    # run, a full one (the todo_derived mark made below is not set yet).
    op.execute(sa.table('todo_candidate').delete())
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_candidate_guide_id')
        batch_op.add_column(sa.Column('sort_key', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_todo_candidate_guide_order', ['guide_id', 'sort_key', 'rank', 'anchor', 'customer_id'],
                              unique=False)
    op.create_table('todo_derived',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_todo_derived'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        # Derived state, rebuilt by a full run: unlogged (a crash empties them and the todo_derived mark; a
        # daily run without the mark is a full one, see bot.services.todos.stage_candidates).
        op.execute('ALTER TABLE todo_candidate SET UNLOGGED')
        op.execute('ALTER TABLE todo_runout SET UNLOGGED')
        op.execute('ALTER TABLE todo_derived SET UNLOGGED')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE todo_runout SET LOGGED')
        op.execute('ALTER TABLE todo_candidate SET LOGGED')
    op.drop_table('todo_derived')
    with op.batch_alter_table('todo_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_candidate_guide_order')
        batch_op.drop_column('sort_key')
        batch_op.create_index('ix_todo_candidate_guide_id', ['guide_id'], unique=False)
