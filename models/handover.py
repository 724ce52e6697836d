"""Hand-overs of a member's customers and groups to another member (在职继承 / 离职继承).

One row per customer (or group) asked to move: the original friendship and the attribution are never
rewritten; the row records who asked, what WeCom answered and when the move finished.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

KIND_RESIGNED = "resigned"   # 离职继承: the member left; WeCom moves the customer after 24 h, no consent
KIND_ONJOB = "onjob"         # 在职继承: the member is still here; the customer may refuse within 24 h

TRANSFER_QUEUED = "queued"     # 正在发起: recorded by the request, not yet sent to WeCom by the job
TRANSFER_SENDING = "sending"   # 正在发起: sent to WeCom, its answer not recorded (a retry reads transfer_result)
TRANSFER_WAITING = "waiting"   # 等待接替
TRANSFER_DONE = "done"         # 接替完毕
TRANSFER_REFUSED = "refused"   # 客户拒绝
TRANSFER_LIMIT = "limit"       # 接替成员客户达到上限
TRANSFER_FAILED = "failed"     # WeCom refused the request itself (errcode)
UNSENT_STATUSES = (TRANSFER_QUEUED, TRANSFER_SENDING)      # the send job's work
STARTED_STATUSES = (TRANSFER_SENDING, TRANSFER_WAITING)    # WeCom may be moving the customer
OPEN_STATUSES = (TRANSFER_QUEUED, TRANSFER_SENDING, TRANSFER_WAITING)


class TransferRecord:
    """What every hand-over row records: who, to whom, for which store, asked by whom, and the outcome."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    from_guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    to_guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[str] = mapped_column(String(100), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=TRANSFER_WAITING)
    errcode: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(64))

    @declared_attr
    def from_guide(cls) -> Mapped["Guide"]:  # noqa: F821
        return relationship(foreign_keys=[cls.from_guide_id])

    @declared_attr
    def to_guide(cls) -> Mapped["Guide"]:  # noqa: F821
        return relationship(foreign_keys=[cls.to_guide_id])


class CustomerTransfer(TransferRecord, Base):
    """One customer asked to move to another member."""

    __tablename__ = "customer_transfer"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    takeover_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # WeCom's takeover_time
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # when the result became final here
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    customer: Mapped["Customer"] = relationship()  # noqa: F821


# The poll reads the open transfers of each (from, to) pair.
Index("ix_customer_transfer_status_pair", CustomerTransfer.status, CustomerTransfer.from_guide_id,
      CustomerTransfer.to_guide_id)


class GroupTransfer(TransferRecord, Base):
    """A customer group handed to a new owner (groupchat/transfer or groupchat/onjob_transfer): final at once."""

    __tablename__ = "group_transfer"

    group_id: Mapped[int] = mapped_column(ForeignKey("group_chat.id"), index=True)

    group: Mapped["GroupChat"] = relationship()  # noqa: F821
