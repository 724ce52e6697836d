"""Recording what customers do in the shop (the input of "cart without order"); issue 7's webhooks call this."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.bulk import insert_ignoring_conflicts
from models import CommerceEvent, utcnow
from models.commerce import COMMERCE_KINDS


@dataclass(frozen=True)
class CommerceInput:
    event_id: str
    kind: str
    customer_id: int
    occurred_at: datetime          # aware
    sku: str | None = None
    guide_id: int | None = None
    payload: dict = field(default_factory=dict)


def record_events(*, session: Session, events: list[CommerceInput], timezone: str) -> int:
    """Store events once each (by event_id), returning how many were new; `occurred_on` is the store-local day."""
    rows = []
    for e in events:
        if e.kind not in COMMERCE_KINDS:
            raise ValueError(f"unknown commerce event kind {e.kind!r}")
        if e.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be time-zone aware")
        rows.append({"event_id": e.event_id, "kind": e.kind, "customer_id": e.customer_id, "guide_id": e.guide_id,
                     "sku": e.sku, "occurred_at": e.occurred_at,
                     "occurred_on": e.occurred_at.astimezone(ZoneInfo(timezone)).date(), "payload": e.payload,
                     "created_at": utcnow()})
    if not rows:
        return 0
    stmt = insert_ignoring_conflicts(session, CommerceEvent.__table__, ["event_id"]).returning(CommerceEvent.id)
    return len(session.execute(stmt, rows).all())
