"""Web accounts that are not WeCom members: HQ operators signing in with a password."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow


class HqUser(Base):
    """An HQ operator with a username and a salted password hash (never the password)."""

    __tablename__ = "hq_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EndedSession(Base):
    """A signed-in web session that was signed out: its cookie, replayed later, is refused.

    A row is kept only as long as a cookie of that session could still be valid (SESSION_HOURS).
    """

    __tablename__ = "ended_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)      # the random id the session's cookie carries
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
