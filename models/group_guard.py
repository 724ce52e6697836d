"""Group guard: the group-rules reminder, alerts on outsiders in customer groups, and 一客一群 service groups.

A customer group belongs to the store of its owner. HQ sets the brand's rules text, keywords and the
corporation names that are ours; a store may override the rules text and turn 一客一群 on.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

BRAND_SCOPE = "brand"

SEND_PENDING = "pending"
SEND_SENDING = "sending"
SEND_SENT = "sent"
SEND_FAILED = "failed"

ALERT_OPEN = "open"
ALERT_HANDLED = "handled"
ALERT_IGNORED = "ignored"
ALERT_STATUSES = (ALERT_OPEN, ALERT_HANDLED, ALERT_IGNORED)

REASON_OTHER_CORP = "other_corp"
REASON_KEYWORD = "keyword"

PAIR_WAITING = "waiting"
PAIR_PAIRED = "paired"


def store_scope(store_id: int) -> str:
    """The policy scope of one store."""
    return f"store:{store_id}"


class GroupPolicy(Base):
    """The brand's settings (scope 'brand') or one store's (scope 'store:<id>')."""

    __tablename__ = "group_policy"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    rules_text: Mapped[str | None] = mapped_column(Text)         # None: the brand's text applies
    keywords: Mapped[str] = mapped_column(Text, default="")      # brand only: one per line
    own_corp_names: Mapped[str] = mapped_column(Text, default="")  # brand only: one per line
    one_customer_group: Mapped[bool] = mapped_column(default=False)  # store only
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GroupJoinNotice(Base):
    """The rules reminder owed to one join of one member (a re-join is a new join)."""

    __tablename__ = "group_join_notice"
    __table_args__ = (UniqueConstraint("group_member_id", "joined_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_member_id: Mapped[int] = mapped_column(ForeignKey("group_member.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chat.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=SEND_PENDING, index=True)
    msgid: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # the last claim; see claim_reminders
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GroupAlert(Base):
    """A member of a customer group who looks like an outsider: another corporation's staff or a keyword name."""

    __tablename__ = "group_alert"
    __table_args__ = (UniqueConstraint("group_id", "member_id", "reason", "joined_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chat.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(64))
    member_name: Mapped[str] = mapped_column(String(100), default="")
    corp_name: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200), default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=ALERT_OPEN, index=True)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_status: Mapped[str] = mapped_column(String(16), default=SEND_PENDING, index=True)
    notify_error: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # the card's last claim
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped["GroupChat"] = relationship()  # noqa: F821


class ServiceGroup(Base):
    """一客一群: a customer's own service group, shared as a 「加入群聊」 code until the customer joins."""

    __tablename__ = "service_group"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chat.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), unique=True)
    config_id: Mapped[str | None] = mapped_column(String(64))
    qr_code: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=PAIR_WAITING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped["GroupChat"] = relationship()  # noqa: F821
