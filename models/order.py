"""Orders from the brand's POS / mall, day-merged purchases and the per-customer purchase summary.

Idempotency lives in the database: an order is unique per (store, order_no), an order line per
(order, line_no), a purchase day per (customer, day), and the summary is keyed on the customer.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

ORDER_PAID = "paid"
ORDER_PARTIALLY_REFUNDED = "partially_refunded"
ORDER_REFUNDED = "refunded"
ORDER_STATUSES = (ORDER_PAID, ORDER_PARTIALLY_REFUNDED, ORDER_REFUNDED)

TIER_NONE = "none"
_UNMATCHED = text("customer_id IS NULL")
TAG_SYNC_PENDING = "pending"
TAG_SYNC_SYNCED = "synced"
TAG_SYNC_FAILED = "failed"


class Order(Base):
    """One order; `customer_id` stays empty until the buyer is matched to a customer friend."""

    __tablename__ = "purchase_order"
    __table_args__ = (
        UniqueConstraint("store_id", "order_no"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"),
        CheckConstraint("status IN ('paid', 'partially_refunded', 'refunded')", name="status_known"),
        Index("ix_purchase_order_store_id_purchase_day", "store_id", "purchase_day"),
        # Only orders still waiting for their customer are looked up by these: partial indexes
        # keep the (many) matched orders out of them.
        *(Index(f"ix_purchase_order_unmatched_{name}", name, postgresql_where=_UNMATCHED, sqlite_where=_UNMATCHED)
          for name in ("external_userid", "unionid", "mobile_hash")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    order_no: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    external_userid: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    mobile_hash: Mapped[str | None] = mapped_column(String(64))
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"), index=True)
    guide_userid: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24), default=ORDER_PAID)
    amount: Mapped[int] = mapped_column(BigInteger)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purchase_day: Mapped[date] = mapped_column(Date, index=True)   # indexed for the daily to-dos (issue 6)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list["OrderItem"]] = relationship(back_populates="order", order_by="OrderItem.line_no")


class OrderItem(Base):
    """One line of an order; prices are integer fen."""

    __tablename__ = "order_item"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="items")


class PurchaseDay(Base):
    """A day-merged purchase: every counted order of one customer on one store-local calendar day."""

    __tablename__ = "purchase_day"
    __table_args__ = (UniqueConstraint("customer_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    day: Mapped[date] = mapped_column(Date)
    order_count: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    first_paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    item_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # the orders' items


class CustomerPurchase(Base):
    """The customer's purchase summary, tier, and the state of the tier tag in WeCom."""

    __tablename__ = "customer_purchase"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    purchase_count: Mapped[int] = mapped_column(Integer, default=0)
    order_count: Mapped[int] = mapped_column(Integer, default=0)
    lifetime_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    first_purchase_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_purchase_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_purchase_day: Mapped[date | None] = mapped_column(Date, index=True)   # indexed for the daily
    last_purchase_day: Mapped[date | None] = mapped_column(Date, index=True)    # to-dos' windows (issue 6)
    # Items bought on the last purchase day: 1 for a single-item buyer (the outfit suggestion's trigger).
    last_purchase_items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tier: Mapped[str] = mapped_column(String(16), default=TIER_NONE)
    tag_sync_version: Mapped[int] = mapped_column(Integer, default=0)
    tag_sync_status: Mapped[str | None] = mapped_column(String(16), index=True)
    tag_sync_error: Mapped[str | None] = mapped_column(Text)
    tag_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tag_synced_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)


class CustomerMobile(Base):
    """A mobile number known for a customer, kept only as a keyed hash (HMAC with SECRET_KEY)."""

    __tablename__ = "customer_mobile"
    __table_args__ = (UniqueConstraint("customer_id", "mobile_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TierTagMark(Base):
    """The tier tag last put on one friendship in WeCom (None: tier tags removed)."""

    __tablename__ = "tier_tag_mark"

    friendship_id: Mapped[int] = mapped_column(ForeignKey("friendship.id"), primary_key=True)
    tag_id: Mapped[str | None] = mapped_column(String(64))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TierTag(Base):
    """Which WeCom corp tag stands for each tier, keyed on its tag_id (a rename in WeCom keeps it)."""

    __tablename__ = "tier_tag"

    tier: Mapped[str] = mapped_column(String(16), primary_key=True)
    tag_id: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
