"""Stores and guides (WeCom members)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

ROLES = ("guide", "manager", "hq")


class Store(Base):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(50))
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Shanghai")
    wecom_department_id: Mapped[int | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    guides: Mapped[list["Guide"]] = relationship(back_populates="store")


class Guide(Base):
    """A WeCom member: a guide, a store manager or an HQ operator."""

    __tablename__ = "guide"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="guide")
    active: Mapped[bool] = mapped_column(default=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time of the last directory callback (change_contact) applied: an older one arriving late is ignored.
    directory_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Any change (a member leaving or coming back): the daily to-do run re-derives the touches of the member's
    # customers, whose caring guide may have changed.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    store: Mapped[Store | None] = relationship(back_populates="guides")
