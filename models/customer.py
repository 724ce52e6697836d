"""Customers (WeCom external contacts) and their friendships with guides."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint, extract
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

CUSTOMER_TYPE_WECHAT = 1
CUSTOMER_TYPE_WECOM = 2


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_userid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    gender: Mapped[int] = mapped_column(SmallInteger, default=0)
    avatar: Mapped[str | None] = mapped_column(String(512))
    type: Mapped[int] = mapped_column(SmallInteger, default=CUSTOMER_TYPE_WECHAT)
    corp_name: Mapped[str | None] = mapped_column(String(100))
    birthday: Mapped[date | None] = mapped_column(Date)        # year NO_YEAR: known without its year
    birthday_source: Mapped[str | None] = mapped_column(String(16))   # guide / pos / import (bot.rules.birthdays)
    birthday_stated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # the latest statement wins
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    friendships: Mapped[list["Friendship"]] = relationship(back_populates="customer")


# The birthday ritual asks for the customers born in a month (and on some days of it).
Index("ix_customer_birthday_month_day", extract("month", Customer.birthday), extract("day", Customer.birthday))


class BirthdayClaim(Base):
    """A birthday the brand's systems sent for someone who is not a customer friend yet (named by external_userid,
    unionid or mobile hash, like a waiting order); applied, and deleted, when that customer adds a guide."""

    __tablename__ = "birthday_claim"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_userid: Mapped[str | None] = mapped_column(String(64), index=True)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    mobile_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birthday: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    stated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Friendship(Base):
    """One row per guide x customer; history is kept, re-adding reopens it.

    Event times (not arrival times) decide the state, so events that arrive
    out of order or twice leave the same row.
    """

    __tablename__ = "friendship"
    __table_args__ = (UniqueConstraint("guide_id", "customer_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"), index=True)
    campaign: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(64))
    add_way: Mapped[int | None] = mapped_column(SmallInteger)
    remark: Mapped[str | None] = mapped_column(String(100))
    half: Mapped[bool] = mapped_column(default=False)
    first_added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_guide_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_customer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_transfer: Mapped[bool] = mapped_column(default=False)
    transfer_fail_reason: Mapped[str | None] = mapped_column(String(32))
    # The friendship came through a hand-over (在职 / 离职继承), not an acquisition: no friends-added credit.
    via_transfer: Mapped[bool] = mapped_column(default=False)
    add_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    customer: Mapped[Customer] = relationship(back_populates="friendships")
    guide: Mapped["Guide"] = relationship()  # noqa: F821
    channel: Mapped["Channel | None"] = relationship()  # noqa: F821
