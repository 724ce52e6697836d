"""content: media files, products, materials, outfits, material sends

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('media_file',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('thumb_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('wecom_media_id', sa.String(length=128), nullable=True),
    sa.Column('wecom_uploaded_at', UTC, nullable=True),
    sa.Column('wecom_expires_at', UTC, nullable=True),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_media_file_size_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_media_file_sha256'))
    )
    with op.batch_alter_table('media_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_file_wecom_expires_at'), ['wecom_expires_at'], unique=False)

    op.create_table('product',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('season', sa.String(length=16), nullable=True),
    sa.Column('styles', sa.JSON(), nullable=False),
    sa.Column('launch_on', sa.Date(), nullable=True),
    sa.Column('image_file_id', BIG_ID, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_product_price_not_negative')),
    sa.ForeignKeyConstraint(['image_file_id'], ['media_file.id'], name=op.f('fk_product_image_file_id_media_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('sku', name=op.f('uq_product_sku'))
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_image_file_id'), ['image_file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_launch_on'), ['launch_on'], unique=False)

    op.create_table('material',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link_url', sa.String(length=2048), nullable=True),
    sa.Column('link_desc', sa.String(length=512), nullable=True),
    sa.Column('mini_appid', sa.String(length=64), nullable=True),
    sa.Column('mini_page', sa.String(length=512), nullable=True),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', BIG_ID, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint("kind IN ('image', 'copy', 'link', 'miniprogram', 'outfit')", name=op.f('ck_material_kind')),
    sa.CheckConstraint("scope IN ('all', 'region', 'stores')", name=op.f('ck_material_scope')),
    sa.CheckConstraint('valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to',
                       name=op.f('ck_material_window')),
    sa.ForeignKeyConstraint(['created_by_id'], ['guide.id'], name=op.f('fk_material_created_by_id_guide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material'))
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_kind'), ['kind'], unique=False)

    op.create_table('material_file',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('file_id', BIG_ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['media_file.id'], name=op.f('fk_material_file_file_id_media_file')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_file_material_id_material'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_file')),
    sa.UniqueConstraint('material_id', 'file_id', name=op.f('uq_material_file_material_id_file_id'))
    )
    with op.batch_alter_table('material_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_file_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_file_material_id'), ['material_id'], unique=False)

    op.create_table('material_tag',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=50), nullable=False),
    sa.CheckConstraint("dimension IN ('category', 'season', 'scene', 'style', 'tier', 'occasion')",
                       name=op.f('ck_material_tag_dimension')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_tag_material_id_material'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_tag')),
    sa.UniqueConstraint('material_id', 'dimension', 'value',
                        name=op.f('uq_material_tag_material_id_dimension_value'))
    )
    with op.batch_alter_table('material_tag', schema=None) as batch_op:
        batch_op.create_index('ix_material_tag_dimension_value', ['dimension', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_tag_material_id'), ['material_id'], unique=False)

    op.create_table('material_store',
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('store_id', BIG_ID, nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_store_material_id_material'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_material_store_store_id_store'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('material_id', 'store_id', name=op.f('pk_material_store'))
    )
    with op.batch_alter_table('material_store', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_store_store_id'), ['store_id'], unique=False)

    op.create_table('material_region',
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('region', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_region_material_id_material'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('material_id', 'region', name=op.f('pk_material_region'))
    )

    op.create_table('outfit_item',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('product_id', BIG_ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_outfit_item_material_id_material'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_outfit_item_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outfit_item')),
    sa.UniqueConstraint('material_id', 'product_id', name=op.f('uq_outfit_item_material_id_product_id'))
    )
    with op.batch_alter_table('outfit_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outfit_item_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outfit_item_product_id'), ['product_id'], unique=False)

    op.create_table('material_send',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('material_id', BIG_ID, nullable=False),
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('guide_id', BIG_ID, nullable=True),
    sa.Column('sent_at', UTC, nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('coupon_claims', sa.Integer(), nullable=False),
    sa.Column('add_to_carts', sa.Integer(), nullable=False),
    sa.Column('attributed_orders', sa.Integer(), nullable=False),
    sa.Column('attributed_amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_material_send_customer_id_customer')),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_material_send_guide_id_guide')),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_send_material_id_material'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_send'))
    )
    with op.batch_alter_table('material_send', schema=None) as batch_op:
        batch_op.create_index('ix_material_send_customer_id_material_id', ['customer_id', 'material_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_material_send_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_send_material_id'), ['material_id'], unique=False)


def downgrade() -> None:
    for table in ('material_send', 'outfit_item', 'material_region', 'material_store', 'material_tag',
                  'material_file', 'material', 'product', 'media_file'):
        op.drop_table(table)
