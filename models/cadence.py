"""Care cadences as data: the rules HQ edits, and the usage cycle of consumable products.

The semantics of a rule (when it is due, for whom, which anchor makes its to-do unique) live in
bot/rules/cadence.py; this module only stores them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow

CADENCE_KINDS = ("lifecycle", "revisit", "birthday", "second_purchase", "replenishment")


class CadenceRule(Base):
    """One care rule: its trigger, window in days, priority, tiers, copy templates and material selector."""

    __tablename__ = "cadence_rule"
    __table_args__ = (
        CheckConstraint("window_start_days <= window_end_days", name="window_ordered"),
        CheckConstraint("priority BETWEEN 0 AND 100", name="priority_range"),
        CheckConstraint("kind IN ('lifecycle', 'revisit', 'birthday', 'second_purchase', 'replenishment')",
                        name="kind_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)        # stable, used by the seed
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(24))
    trigger: Mapped[str] = mapped_column(String(32))
    window_start_days: Mapped[int] = mapped_column(Integer, default=0)
    window_end_days: Mapped[int] = mapped_column(Integer, default=0)
    offsets: Mapped[list] = mapped_column(JSON, default=list)          # custom touches, days after the reference
    priority: Mapped[int] = mapped_column(Integer, default=50)         # higher comes first
    tiers: Mapped[list] = mapped_column(JSON, default=list)            # empty: every tier
    # The value quadrants (重要价值 ...) it is for, bot.rules.metrics; empty: every customer
    quadrants: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    templates: Mapped[list] = mapped_column(JSON, default=list)        # copy templates, rotated per customer
    material_spec: Mapped[dict] = mapped_column(JSON, default=dict)    # {"occasion", "kinds", "limit"}
    coupon: Mapped[str] = mapped_column(String(100), default="")       # fills the {coupon} placeholder
    # The benefit the touch carries beside its name (bot.rules.benefits): an amount and a coupon code.
    coupon_amount: Mapped[int | None] = mapped_column(Integer)          # fen
    coupon_code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReplenishCycle(Base):
    """How many days one unit of a consumable SKU lasts (a 12-piece mask box: about 30 days)."""

    __tablename__ = "replenish_cycle"
    __table_args__ = (CheckConstraint("cycle_days > 0", name="cycle_positive"),)

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    cycle_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
