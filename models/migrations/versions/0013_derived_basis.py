"""the derived state records the rules and usage cycles its kept touches follow (a run after HQ edits a rule
re-derives that rule's touches, not every touch)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 22:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for the current row: the next daily run is a full one, and records them.
    with op.batch_alter_table('todo_derived', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('todo_derived', schema=None) as batch_op:
        batch_op.drop_column('basis')
