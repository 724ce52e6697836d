"""Helpers for the tracking tests: signed event posts, tracked links, customers and friendships by the real paths."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from sqlalchemy import select

from bot.rules.tracking import LinkRef, sign_link
from bot.rules.webhook import signed_headers
from models import Click, CommerceEvent, Customer, Guide, OrderAttribution, Order
from tests.conftest import API_TOKEN
from tests.purchases.helpers import ORDER_SECRET, order, post_orders  # noqa: F401 - re-exported for the tests
from tests.spine.helpers import deliver

EVENTS_SECRET = "events-webhook-secret-for-tests"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
SECRET_KEY = "s" * 40                               # tests/conftest.py settings


def post_events(client, events: list[dict], *, secret: str = EVENTS_SECRET, signature: str | None = None):
    """POST a signed batch of commerce events the way the mall does."""
    raw = json.dumps({"events": events}, ensure_ascii=False).encode()
    headers = signed_headers(secret, raw, int(time.time()))
    if signature is not None:
        headers["X-Signature"] = signature
    return client.post("/api/v1/events", data=raw, headers=headers)


def event(event_id: str, kind: str, *, at: datetime | None = None, **fields) -> dict:
    moment = at or datetime.now(timezone.utc)
    return {"event_id": event_id, "kind": kind, "occurred_at": moment.isoformat(), **fields}


def token(*, target: str = "https://shop.example.com/p/1", guide_id: int | None = None,
          customer_id: int | None = None, todo_id: int | None = None, material_id: int | None = None,
          issued_at: datetime | None = None) -> str:
    """A signed tracked-link token (issued now unless issued_at says when)."""
    issued = int(issued_at.timestamp()) if issued_at else None
    return sign_link(SECRET_KEY, LinkRef(target, guide_id, customer_id, todo_id, material_id, issued))


def ids(db, *userids: str) -> list[int]:
    with db.transaction() as session:
        found = dict(session.execute(select(Guide.userid, Guide.id)).all())
    return [found[u] for u in userids]


def customer_id(db, external_userid: str) -> int:
    with db.transaction() as session:
        return session.scalars(select(Customer.id).where(Customer.external_userid == external_userid)).one()


def befriend(sandbox, driver, work, name: str, *guides: str) -> str:
    """A new WeCom customer who adds each guide in turn (through the callback and the worker)."""
    eid = sandbox.new_customer(name)
    for guide in guides:
        deliver(driver, sandbox.customer_adds_member(eid, guide))
    work()
    return eid


def clicks(db) -> list[Click]:
    with db.transaction() as session:
        return list(session.scalars(select(Click).order_by(Click.id)))


def events(db) -> list[CommerceEvent]:
    with db.transaction() as session:
        return list(session.scalars(select(CommerceEvent).order_by(CommerceEvent.id)))


def attributions(db) -> dict[str, tuple[str, str]]:
    """order_no -> (guide userid, reason)."""
    with db.transaction() as session:
        rows = session.execute(select(Order.order_no, Guide.userid, OrderAttribution.reason)
                               .join(OrderAttribution, OrderAttribution.order_id == Order.id)
                               .join(Guide, Guide.id == OrderAttribution.guide_id))
        return {no: (userid, reason) for no, userid, reason in rows}


def sent_todo(session, guide_userid: str, customer_pk: int, sent_at: datetime | None, *, status: str = "done",
              rule_code: str = "first_care", links: list | None = None):
    """A to-do the guide sent (done at sent_at, or handed to WeCom and not settled: status 'sent')."""
    from bot.services.todos_cadences import seed_defaults
    from models import CadenceRule, Todo

    seed_defaults(session=session)
    guide = session.scalars(select(Guide).where(Guide.userid == guide_userid)).one()
    rule = session.scalars(select(CadenceRule).where(CadenceRule.code == rule_code)).one()
    day = (sent_at or datetime.now(timezone.utc)).date()
    todo = Todo(store_id=guide.store_id, guide_id=guide.id, customer_id=customer_pk, rule_id=rule.id, anchor=day,
                generated_on=day, due_on=day, expires_on=day, priority=rule.priority, text="您好", status=status,
                channel="sidebar", sent_at=sent_at if status == "done" else None, links=links or [])
    session.add(todo)
    session.flush()
    return todo
