"""cadence rules and materials name the value quadrants they are for (empty: every customer)

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-05 08:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0016'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to drop a column; the tables it refers to need not be reflected for that.
NO_FK_REFLECTION = {'resolve_fks': False}
TABLES = ('cadence_rule', 'material')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
            batch_op.add_column(sa.Column('quadrants', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
            batch_op.drop_column('quadrants')
