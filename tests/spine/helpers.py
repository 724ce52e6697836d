"""Small helpers for end-to-end tests: deliver and process, read rows back."""
from __future__ import annotations

import time

from sqlalchemy import func, select

from models import CallbackEvent, Customer, Friendship, Guide


def deliver(driver, xml: str):
    """Deliver one event through the driver and insist WeCom saw 200 with an empty body."""
    delivery = driver.deliver(xml)
    assert delivery.ok and delivery.acked_empty, [a.status for a in delivery.attempts]
    return delivery


def inbox(db) -> list[CallbackEvent]:
    with db.transaction() as session:
        return list(session.scalars(select(CallbackEvent).order_by(CallbackEvent.id)))


def inbox_count(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(CallbackEvent))


def friendship(db, userid: str, external_userid: str) -> Friendship | None:
    with db.transaction() as session:
        return session.scalars(
            select(Friendship).join(Guide, Friendship.guide_id == Guide.id)
            .join(Customer, Friendship.customer_id == Customer.id)
            .where(Guide.userid == userid, Customer.external_userid == external_userid)
        ).one_or_none()


def customer(db, external_userid: str) -> Customer | None:
    with db.transaction() as session:
        return session.scalars(select(Customer).where(Customer.external_userid == external_userid)).one_or_none()


def wait_for(predicate, timeout: float, step: float = 0.1):
    """Poll predicate until it returns a true value; return it (or None after timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None
