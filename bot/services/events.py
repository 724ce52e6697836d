"""Commerce-event intake (coupon claims, add-to-carts, page views from the mall): validate, resolve, attribute.

Idempotent on event_id (a unique key; INSERT ... ON CONFLICT DO NOTHING). The customer comes from the
tracking token the mall passed along, else from external_userid / unionid / mobile, resolved exactly
as orders are. Each stored event carries the guide it counts for and the attribution step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.attribution import ClickTouch
from bot.rules.order_input import mobile_hash
from bot.rules.tracking import EventInput, LinkRef, parse_event, read_link
from bot.services.attribution import Rule, gather
from bot.services.bulk import among, insert_ignoring_conflicts
from bot.services.orders import resolve_customers
from models import CommerceEvent, Customer, utcnow

CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"


@dataclass
class EventOutcome:
    index: int
    event_id: str | None
    result: str
    errors: list[str] = field(default_factory=list)
    guide_id: int | None = None

    def as_dict(self) -> dict:
        out = {"index": self.index, "event_id": self.event_id, "result": self.result}
        if self.errors:
            out["errors"] = self.errors
        return out


@dataclass
class EventBatch:
    outcomes: list[EventOutcome]
    stored: list[dict]            # the rows created (for the live counters)

    def summary(self) -> dict[str, int]:
        return {name: sum(1 for o in self.outcomes if o.result == name) for name in (CREATED, DUPLICATE, REJECTED)}


@dataclass
class _Valid:
    index: int
    event: EventInput
    link: LinkRef | None = None
    customer_id: int | None = None


def _label(raw: Any) -> str | None:
    value = raw.get("event_id") if isinstance(raw, dict) else None
    return str(value)[:64] if value not in (None, "") else None


def _parse(raw_events: Sequence[Any], link_secret: str, outcomes: list) -> list[_Valid]:
    valid, seen = [], set()
    for index, raw in enumerate(raw_events):
        event, errors = parse_event(raw)
        link = read_link(link_secret, event.token) if event and event.token else None
        if event and event.token and link is None:
            errors = ["token is not a valid tracking token"]
        if event and event.event_id in seen:
            outcomes[index] = EventOutcome(index, event.event_id, DUPLICATE)
            continue
        if errors:
            outcomes[index] = EventOutcome(index, _label(raw), REJECTED, errors)
            continue
        seen.add(event.event_id)
        valid.append(_Valid(index, event, link))
    return valid


def _resolve(session: Session, valid: list[_Valid], secret_key: str) -> None:
    by_token = {v.link.customer_id for v in valid if v.link and v.link.customer_id}
    known = set(session.scalars(select(Customer.id).where(among(session, Customer.id, sorted(by_token))))) \
        if by_token else set()
    rest = [v for v in valid if not (v.link and v.link.customer_id in known)]
    hashes = {id(v.event): mobile_hash(secret_key, v.event.mobile) for v in rest if v.event.mobile}
    found = resolve_customers(session, [v.event for v in rest], hashes)
    for v in valid:
        v.customer_id = v.link.customer_id if v.link and v.link.customer_id in known else found.get(id(v.event))


def _row(v: _Valid, credit, zones: dict[int, str], default_tz: str, now: datetime) -> dict:
    touch = credit.touch if credit else None
    tz = zones.get(credit.guide_id, default_tz) if credit else default_tz
    return {"event_id": v.event.event_id, "kind": v.event.kind, "customer_id": v.customer_id,
            "guide_id": credit.guide_id if credit else None, "sku": v.event.sku,
            "occurred_at": v.event.occurred_at,
            "occurred_on": v.event.occurred_at.astimezone(ZoneInfo(tz)).date(), "payload": v.event.payload,
            "created_at": now, "attribution": credit.reason if credit else None,
            "todo_id": touch.todo_id if touch else None, "material_id": touch.material_id if touch else None}


def _token_touch(v: _Valid) -> list[ClickTouch]:
    """The link an event carries counts as a click of its guide at the event's time."""
    if v.link is None or v.link.guide_id is None:
        return []
    return [ClickTouch(v.link.guide_id, v.event.occurred_at, None, v.link.todo_id, v.link.material_id)]


def ingest_events(*, session: Session, raw_events: Sequence[Any], secret_key: str, rule: Rule,
                  zones: dict[int, str], default_tz: str) -> EventBatch:
    """Validate, resolve, attribute and store a batch of commerce events (each event_id once)."""
    outcomes: list[EventOutcome | None] = [None] * len(raw_events)
    valid = _parse(raw_events, secret_key, outcomes)
    _resolve(session, valid, secret_key)
    for v in [v for v in valid if v.customer_id is None]:
        outcomes[v.index] = EventOutcome(v.index, v.event.event_id, REJECTED, ["customer not found"])
    valid = [v for v in valid if v.customer_id is not None]
    stored: list[dict] = []
    if valid:
        times = [v.event.occurred_at for v in valid]
        evidence = gather(session=session, customer_ids=[v.customer_id for v in valid],
                          start=min(times) - timedelta(days=rule.click_days), end=max(times) + timedelta(minutes=5))
        now = utcnow()
        rows = [_row(v, evidence.credit(v.customer_id, v.event.occurred_at, rule, _token_touch(v)), zones,
                     default_tz, now) for v in valid]
        stmt = insert_ignoring_conflicts(session, CommerceEvent.__table__, ["event_id"]) \
            .returning(CommerceEvent.event_id)
        created = {event_id for (event_id,) in session.execute(stmt, rows).all()}
        stored = [r for r in rows if r["event_id"] in created]
        for v, row in zip(valid, rows):
            result = CREATED if row["event_id"] in created else DUPLICATE
            outcomes[v.index] = EventOutcome(v.index, v.event.event_id, result, guide_id=row["guide_id"])
    return EventBatch([o for o in outcomes if o is not None], stored)
