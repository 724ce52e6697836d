"""to-do indexes: a guide's to-dos by status and, within the pending ones, in list order (one index where two
were); the open to-dos by the end of their window (partial); the to-dos WeCom refused (partial)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 22:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = "status IN ('pending', 'snoozed')"
FAILED = "failure_reason IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_guide_id_status')
        batch_op.drop_index('ix_todo_pending_order')
        batch_op.drop_index('ix_todo_status_expires_on')
        batch_op.create_index('ix_todo_guide_status_order', ['guide_id', 'status', 'first_purchase', 'priority'],
                              unique=False)
        batch_op.create_index('ix_todo_open_expires_on', ['expires_on'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index('ix_todo_failure_reason', ['failure_reason', 'updated_at'], unique=False,
                              postgresql_where=sa.text(FAILED), sqlite_where=sa.text(FAILED))


def downgrade() -> None:
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.drop_index('ix_todo_failure_reason')
        batch_op.drop_index('ix_todo_open_expires_on')
        batch_op.drop_index('ix_todo_guide_status_order')
        batch_op.create_index('ix_todo_status_expires_on', ['status', 'expires_on'], unique=False)
        batch_op.create_index('ix_todo_pending_order', ['guide_id', 'first_purchase', 'priority'], unique=False,
                              postgresql_where=sa.text("status = 'pending'"),
                              sqlite_where=sa.text("status = 'pending'"))
        batch_op.create_index('ix_todo_guide_id_status', ['guide_id', 'status'], unique=False)
