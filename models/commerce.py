"""What customers do in the shop (mall / mini-program): add to cart, claim a coupon, view a page.

Issue 7 feeds this table from the commerce webhooks; the cadences read it (cart without order).
`occurred_on` is the store-local calendar day of `occurred_at`, set by whoever records the event.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow

COMMERCE_KINDS = ("add_to_cart", "coupon_claim", "page_view")


class CommerceEvent(Base):
    __tablename__ = "commerce_event"
    __table_args__ = (
        CheckConstraint("kind IN ('add_to_cart', 'coupon_claim', 'page_view')", name="kind_known"),
        Index("ix_commerce_event_kind_occurred_on", "kind", "occurred_on"),
        Index("ix_commerce_event_customer_id_kind_occurred_on", "customer_id", "kind", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)   # the sender's id: replays are stored once
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_on: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Issue 7: why guide_id got the event (the attribution step), and the to-do / material it came through.
    attribution: Mapped[str | None] = mapped_column(String(24))
    todo_id: Mapped[int | None] = mapped_column(BigId, index=True)
    material_id: Mapped[int | None] = mapped_column(BigId, index=True)
