"""birthdays from the brand's systems: the source and moment of a customer's birthday, the birthdays waiting for
a customer who is not a friend yet; a care rule's benefit (amount and coupon code)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 08:15:00.000000
"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

UTC = models.base.UTCDateTime(timezone=True)
# SQLite rebuilds a table to change it; customer's birthday index is on an expression SQLAlchemy cannot reflect.
NO_FK_REFLECTION = {'resolve_fks': False}


def upgrade() -> None:
    op.add_column('customer', sa.Column('birthday_source', sa.String(length=16), nullable=True))
    op.add_column('customer', sa.Column('birthday_stated_at', UTC, nullable=True))
    # The birthdays recorded so far were typed by guides, at the latest when the customer row last changed.
    op.execute("UPDATE customer SET birthday_source = 'guide', birthday_stated_at = updated_at "
               "WHERE birthday IS NOT NULL")
    op.create_table(
        'birthday_claim',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('external_userid', sa.String(length=64), nullable=True),
        sa.Column('unionid', sa.String(length=64), nullable=True),
        sa.Column('mobile_hash', sa.String(length=64), nullable=True),
        sa.Column('birthday', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('stated_at', UTC, nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_birthday_claim')),
    )
    for name in ('external_userid', 'unionid', 'mobile_hash'):
        op.create_index(op.f(f'ix_birthday_claim_{name}'), 'birthday_claim', [name], unique=False)
    op.add_column('cadence_rule', sa.Column('coupon_amount', sa.Integer(), nullable=True))
    op.add_column('cadence_rule', sa.Column('coupon_code', sa.String(length=64), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('cadence_rule', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('coupon_code')
        batch_op.drop_column('coupon_amount')
    op.drop_table('birthday_claim')
    # (SQLite 3.35+ drops a column in place: rebuilding customer would lose its expression index.)
    op.drop_column('customer', 'birthday_stated_at')
    op.drop_column('customer', 'birthday_source')
