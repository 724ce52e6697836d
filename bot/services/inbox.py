"""The callback inbox: store once, find what is left unprocessed, record outcomes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from bot.services.sql import insert_ignore
from bot.wecom.callback import WeComEvent
from models import CallbackEvent, utcnow
from models.inbox import PENDING_STATUSES, STATUS_FAILED

MAX_ATTEMPTS = 20


def store_event(*, session: Session | Connection, plaintext: str, event: WeComEvent) -> int | None:
    """Insert the event unless its dedupe key is known; return the new id or None.

    Given an autocommit connection, the row is durable when this returns.
    """
    return insert_ignore(
        session, CallbackEvent.__table__,
        {
            "dedupe_key": event.dedupe_key(), "event": event.event[:64],
            "change_type": (event.change_type or event.get("UpdateDetail"))[:64],
            "raw_xml": plaintext, "event_time": event.create_time, "received_at": utcnow(),
            "status": "received", "attempts": 0,
        },
        conflict=["dedupe_key"],
    )


def unprocessed_ids(*, session: Session, older_than: timedelta, now: datetime | None = None,
                    limit: int = 500) -> list[int]:
    """Ids of inbox rows still waiting (or failed) after `older_than`, oldest first."""
    cutoff = (now or utcnow()) - older_than
    stmt = (
        select(CallbackEvent.id)
        .where(CallbackEvent.status.in_(PENDING_STATUSES), CallbackEvent.received_at <= cutoff,
               CallbackEvent.attempts < MAX_ATTEMPTS)
        .order_by(CallbackEvent.received_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def record_failure(*, session: Session, event_id: int, error: str) -> None:
    """Count a failed attempt and keep the error text."""
    session.execute(
        update(CallbackEvent).where(CallbackEvent.id == event_id)
        .values(status=STATUS_FAILED, attempts=CallbackEvent.attempts + 1, error=error[:4000])
    )
