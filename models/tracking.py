"""Tracked-link clicks, order attribution, the guides' daily performance record, care holdouts.

Raw events (clicks, commerce events, orders) are never rewritten; `performance_day` is a rollup of
them that a job recomputes, and `holdout_assignment` says which eligible customers of a cadence rule
got care and which were held out (the comparison group of the effect of care).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow

ARM_TREATED = "treated"
ARM_HOLDOUT = "holdout"


class Click(Base):
    """One click on a /t/<token> link: who sent it, to whom, what it pointed at, and whether it counts."""

    __tablename__ = "click"
    __table_args__ = (
        Index("ix_click_clicked_on_guide_id", "clicked_on", "guide_id"),      # the daily rollup
        Index("ix_click_customer_id_clicked_at", "customer_id", "clicked_at"),  # attribution: the last click
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    link_key: Mapped[str] = mapped_column(String(32))                 # a digest of the token: one link
    visitor: Mapped[str] = mapped_column(String(80))                  # who, for the dedupe (customer if known)
    todo_id: Mapped[int | None] = mapped_column(BigId, index=True)    # no FK: a click survives its to-do
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    material_id: Mapped[int | None] = mapped_column(BigId, index=True)
    target: Mapped[str] = mapped_column(Text)
    counted: Mapped[bool] = mapped_column(default=True)              # False: a repeat within the dedupe window
    # The link was older than TRACKED_LINK_DAYS: kept as a raw click, never counted nor a unique clicker.
    link_expired: Mapped[bool] = mapped_column(default=False, server_default=false())
    clicked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clicked_on: Mapped[date] = mapped_column(Date)                    # store-local day of the guide's store
    user_agent: Mapped[str | None] = mapped_column(String(400))
    openid: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))


class OrderAttribution(Base):
    """Which guide an order counts for, and why (the rule step); never rewritten once made."""

    __tablename__ = "order_attribution"

    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"), primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    day: Mapped[date] = mapped_column(Date, index=True)               # the order's purchase day
    reason: Mapped[str] = mapped_column(String(24))
    click_id: Mapped[int | None] = mapped_column(BigId)
    todo_id: Mapped[int | None] = mapped_column(BigId, index=True)
    material_id: Mapped[int | None] = mapped_column(BigId, index=True)
    attributed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PerformanceDay(Base):
    """One guide's record for one store-local day (rows with nothing to count are not stored)."""

    __tablename__ = "performance_day"
    __table_args__ = (
        UniqueConstraint("guide_id", "day"),
        Index("ix_performance_day_store_id_day", "store_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"))
    day: Mapped[date] = mapped_column(Date)
    friends_added: Mapped[int] = mapped_column(Integer, default=0)
    friends_added_by_channel: Mapped[dict] = mapped_column(JSON, default=dict)   # channel id ("" none) -> count
    friends_lost: Mapped[int] = mapped_column(Integer, default=0)
    group_joins: Mapped[int] = mapped_column(Integer, default=0)
    todos_assigned: Mapped[int] = mapped_column(Integer, default=0)
    todos_sent: Mapped[int] = mapped_column(Integer, default=0)
    todos_done: Mapped[int] = mapped_column(Integer, default=0)
    todos_expired: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)              # counted (deduplicated) clicks
    raw_clicks: Mapped[int] = mapped_column(Integer, default=0)
    unique_clickers: Mapped[int] = mapped_column(Integer, default=0)
    coupon_claims: Mapped[int] = mapped_column(Integer, default=0)
    add_to_carts: Mapped[int] = mapped_column(Integer, default=0)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    order_amount: Mapped[int] = mapped_column(BigInteger, default=0)     # fen, refunds deducted
    second_purchases: Mapped[int] = mapped_column(Integer, default=0)    # first -> second purchase conversions
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HoldoutAssignment(Base):
    """An eligible customer of a cadence rule on the day the generation met them: treated or held out."""

    __tablename__ = "holdout_assignment"
    __table_args__ = (
        UniqueConstraint("rule_id", "customer_id", "anchor"),
        CheckConstraint("arm IN ('treated', 'holdout')", name="arm_known"),
        Index("ix_holdout_assignment_rule_id_assigned_on", "rule_id", "assigned_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("cadence_rule.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"))
    anchor: Mapped[date] = mapped_column(Date)
    assigned_on: Mapped[date] = mapped_column(Date)
    arm: Mapped[str] = mapped_column(String(8))
    bucket: Mapped[int] = mapped_column(Integer)                          # 0-99, from bot.rules.effect
