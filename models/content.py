"""HQ content: stored files, products (new arrivals), materials, outfits and sends."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

MATERIAL_KINDS = ("image", "copy", "link", "miniprogram", "outfit")
SCOPES = ("all", "region", "stores")
TAG_DIMENSIONS = ("category", "season", "scene", "style", "tier", "occasion")


class MediaFile(Base):
    """An uploaded image, stored once by content (sha256), with its WeCom media_id cache."""

    __tablename__ = "media_file"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # WeCom temporary media (media/upload): valid 3 days, refreshed by a scheduled job.
    wecom_media_id: Mapped[str | None] = mapped_column(String(128))
    wecom_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wecom_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Product(Base):
    """A product of the catalogue; one with a launch date is a new arrival."""

    __tablename__ = "product"
    __table_args__ = (CheckConstraint("price_fen >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price_fen: Mapped[int] = mapped_column(Integer)
    season: Mapped[str | None] = mapped_column(String(16))
    styles: Mapped[list] = mapped_column(JSON, default=list)
    launch_on: Mapped[date | None] = mapped_column(Date, index=True)
    image_file_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    image: Mapped[MediaFile | None] = relationship()


class Material(Base):
    """A piece of HQ content a guide can send: images, copy, link, mini-program page or outfit."""

    __tablename__ = "material"
    __table_args__ = (
        CheckConstraint("kind IN ('image', 'copy', 'link', 'miniprogram', 'outfit')", name="kind"),
        CheckConstraint("scope IN ('all', 'region', 'stores')", name="scope"),
        CheckConstraint("valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to", name="window"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")          # a copy template (placeholders)
    link_url: Mapped[str | None] = mapped_column(String(2048))   # H5 / coupon page
    link_desc: Mapped[str | None] = mapped_column(String(512))
    mini_appid: Mapped[str | None] = mapped_column(String(64))
    mini_page: Mapped[str | None] = mapped_column(String(512))
    scope: Mapped[str] = mapped_column(String(8), default="all")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    enabled: Mapped[bool] = mapped_column(default=True)
    # The value quadrants (重要价值 ...) it is for, bot.rules.metrics; empty: every customer
    quadrants: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    files: Mapped[list["MaterialFile"]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="MaterialFile.position")
    tags: Mapped[list["MaterialTag"]] = relationship(cascade="all, delete-orphan", order_by="MaterialTag.id")
    stores: Mapped[list["MaterialStore"]] = relationship(cascade="all, delete-orphan",
                                                         order_by="MaterialStore.store_id")
    regions: Mapped[list["MaterialRegion"]] = relationship(cascade="all, delete-orphan",
                                                           order_by="MaterialRegion.region")
    items: Mapped[list["OutfitItem"]] = relationship(cascade="all, delete-orphan", order_by="OutfitItem.position")

    def tag_values(self, dimension: str) -> list[str]:
        """The values of one tag dimension, in the order they were added."""
        return [t.value for t in self.tags if t.dimension == dimension]


class MaterialFile(Base):
    """An image of a material, in display order (an outfit's first image is its scene photo)."""

    __tablename__ = "material_file"
    __table_args__ = (UniqueConstraint("material_id", "file_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("media_file.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    material: Mapped[Material] = relationship(back_populates="files")
    file: Mapped[MediaFile] = relationship()


class MaterialTag(Base):
    __tablename__ = "material_tag"
    __table_args__ = (
        UniqueConstraint("material_id", "dimension", "value"),
        CheckConstraint("dimension IN ('category', 'season', 'scene', 'style', 'tier', 'occasion')",
                        name="dimension"),
        Index("ix_material_tag_dimension_value", "dimension", "value"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(50))


class MaterialStore(Base):
    """A store a material is shared with (scope 'stores')."""

    __tablename__ = "material_store"

    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class MaterialRegion(Base):
    """A region a material is shared with (scope 'region'): every store whose region matches."""

    __tablename__ = "material_region"

    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str] = mapped_column(String(50), primary_key=True)


class OutfitItem(Base):
    """A product shown in an outfit (搭配), in display order."""

    __tablename__ = "outfit_item"
    __table_args__ = (UniqueConstraint("material_id", "product_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship()


class MaterialSend(Base):
    """One send of a material to a customer; the reaction counters are filled by tracking."""

    __tablename__ = "material_send"
    __table_args__ = (Index("ix_material_send_customer_id_material_id", "customer_id", "material_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    coupon_claims: Mapped[int] = mapped_column(Integer, default=0)
    add_to_carts: Mapped[int] = mapped_column(Integer, default=0)
    attributed_orders: Mapped[int] = mapped_column(Integer, default=0)
    attributed_amount_fen: Mapped[int] = mapped_column(Integer, default=0)
