"""Customer groups (客户群) and their members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow


class GroupChat(Base):
    __tablename__ = "group_chat"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    owner_userid: Mapped[str | None] = mapped_column(String(64))
    notice: Mapped[str | None] = mapped_column(String(2000))
    member_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list["GroupMember"]] = relationship(back_populates="group")


class GroupMember(Base):
    """A member of a customer group; a re-join reopens the row."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chat.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    member_type: Mapped[int] = mapped_column(SmallInteger, default=2)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    join_scene: Mapped[int | None] = mapped_column(SmallInteger)
    invitor_userid: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    attributed_guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"), index=True)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quit_scene: Mapped[int | None] = mapped_column(SmallInteger)

    group: Mapped[GroupChat] = relationship(back_populates="members")
