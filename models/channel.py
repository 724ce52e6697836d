"""Channel codes (联系我 / 加入群聊) created by this app, keyed by a short typed state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

KIND_CONTACT = "contact"
KIND_GROUP = "group"


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(30), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"), index=True)
    campaign: Mapped[str | None] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    config_id: Mapped[str | None] = mapped_column(String(64))
    qr_code: Mapped[str | None] = mapped_column(String(512))
    welcome_text: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    store: Mapped["Store | None"] = relationship()  # noqa: F821
    guide: Mapped["Guide | None"] = relationship()  # noqa: F821
