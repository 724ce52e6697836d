"""Order intake flow: store a batch, then let the WeCom tier tags follow the tiers it moved."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.orm import Session

from bot.flows import tag_queue
from bot.flows.credit import credit_orders
from bot.services import birthdays, orders


def receive_orders(*, session: Session, raw_orders: Sequence[Any], secret_key: str) -> orders.IngestResult:
    """Validate and store orders and the buyers' birthdays they carry; enqueue tag jobs (after commit) for
    customers whose tier changed."""
    result = orders.store_batch(session=session, raw_orders=raw_orders, secret_key=secret_key)
    credit_orders(session=session, outcomes=result.outcomes)   # issue 7: attribution of the new orders
    birthdays.record_birthdays(session=session, statements=result.birthdays, secret_key=secret_key)
    # Last, so the customers' summary rows stay locked only until the commit right after.
    orders.recompute_tiers(session=session, result=result)
    tag_queue.request_after_commit(session, result.tier_changed)
    return result
