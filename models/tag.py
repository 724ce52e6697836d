"""The local copy of the corp's customer tags (企业客户标签)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow


class CorpTag(Base):
    """A corp tag or a tag group (`is_group`), keyed on WeCom's id."""

    __tablename__ = "corp_tag"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tag_id: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
