"""to-dos reference their store, guide, customer and rule without foreign keys (the daily run writes them
from rows it has just joined; none of those parents is ever deleted)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 20:00:00.000000
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

KEYS = [('fk_todo_store_id_store', 'store_id', 'store'), ('fk_todo_guide_id_guide', 'guide_id', 'guide'),
        ('fk_todo_customer_id_customer', 'customer_id', 'customer'),
        ('fk_todo_rule_id_cadence_rule', 'rule_id', 'cadence_rule')]
# SQLite's batch mode rebuilds the table from its reflection: the parents' reflection is not needed.
REFLECT = {'resolve_fks': False}


def upgrade() -> None:
    with op.batch_alter_table('todo', schema=None, reflect_kwargs=REFLECT) as batch_op:
        for name, _column, _parent in KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('todo', schema=None, reflect_kwargs=REFLECT) as batch_op:
        for name, column, parent in KEYS:
            batch_op.create_foreign_key(name, parent, [column], ['id'])
