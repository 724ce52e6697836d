"""Credit as it arrives: orders of an intake batch attributed in its transaction, live counters after commit."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot import runtime as rt
from bot.services.attribution import Rule, attribute_order_keys
from bot.services.todos_sql import counted
from bot.services.tracking import bump_live
from models import Order

log = logging.getLogger(__name__)

_SESSION_KEY = "live_increments"
FRESH = ("created", "updated")


def credit_orders(*, session: Session, outcomes) -> list[dict]:
    """Attribute the batch's stored orders (by the configured rule); count them live once committed."""
    runtime = rt.current()
    keys = {(o.store_code, o.order_no) for o in outcomes if o.result in FRESH and o.store_code and o.order_no}
    rows = attribute_order_keys(session=session, keys=keys, rule=Rule.from_settings(runtime.settings))
    if rows:
        amounts = dict(session.execute(select(Order.id, Order.amount - Order.refunded_amount).where(
            Order.id.in_([r["order_id"] for r in rows]), counted(Order.__table__))).all())
        bump_after_commit(session, [inc for r in rows if r["order_id"] in amounts for inc in (
            (r["guide_id"], r["day"], "orders", 1), (r["guide_id"], r["day"], "order_amount", amounts[r["order_id"]]))])
    return rows


def bump_after_commit(session: Session, increments: list[tuple[int, date, str, int]]) -> None:
    """Add to the live counters once the session's transaction has committed (nothing on rollback)."""
    if not increments:
        return
    if _SESSION_KEY not in session.info:
        session.info[_SESSION_KEY] = []
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _forget)
    session.info[_SESSION_KEY].extend(increments)


def _after_commit(session: Session) -> None:
    increments, session.info[_SESSION_KEY] = session.info.get(_SESSION_KEY) or [], []
    if increments:
        bump_live(rt.current().redis, increments)


def _forget(session: Session) -> None:
    session.info[_SESSION_KEY] = []
