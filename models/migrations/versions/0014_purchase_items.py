"""day-merged purchases count their items, and a customer's summary the items of the last purchase day (a
single-item buyer is read from the summary, not from the order lines)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to drop a column; the tables it refers to (customer, whose birthday index is on an
# expression SQLAlchemy cannot reflect) need not be reflected for that.
NO_FK_REFLECTION = {'resolve_fks': False}


def upgrade() -> None:
    with op.batch_alter_table('purchase_day', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('item_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('customer_purchase', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('last_purchase_items', sa.Integer(), server_default='0', nullable=False))
    # The counted orders of each day (bot.rules.purchases.counts_as_purchase), then each customer's last day.
    op.execute("""
        UPDATE purchase_day SET item_count = counted.items
        FROM (SELECT o.customer_id, o.purchase_day, SUM(i.quantity) AS items
              FROM purchase_order o JOIN order_item i ON i.order_id = o.id
              WHERE o.customer_id IS NOT NULL AND o.status <> 'refunded'
                AND (o.amount = 0 OR o.refunded_amount < o.amount)
              GROUP BY o.customer_id, o.purchase_day) AS counted
        WHERE purchase_day.customer_id = counted.customer_id AND purchase_day.day = counted.purchase_day""")
    op.execute("""
        UPDATE customer_purchase SET last_purchase_items = d.item_count
        FROM purchase_day d
        WHERE d.customer_id = customer_purchase.customer_id AND d.day = customer_purchase.last_purchase_day""")


def downgrade() -> None:
    with op.batch_alter_table('customer_purchase', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('last_purchase_items')
    with op.batch_alter_table('purchase_day', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('item_count')
