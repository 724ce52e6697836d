"""The adapter from stored orders to the purchase facts the selection rules read."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.content_selection import PurchaseFacts
from models import CustomerPurchase, Order, OrderItem
from models.order import ORDER_REFUNDED

# Order lines in these categories are bought as gifts (orders carry no purpose field yet).
GIFT_CATEGORIES = frozenset({"礼盒", "礼品", "礼品卡", "礼券"})


def purchase_facts(*, session: Session, customer_id: int) -> tuple[PurchaseFacts, str]:
    """The customer's purchase facts and tier code, from the order tables."""
    summary = session.get(CustomerPurchase, customer_id)
    categories = set(session.scalars(
        select(OrderItem.category).join(Order, OrderItem.order_id == Order.id)
        .where(Order.customer_id == customer_id, Order.status != ORDER_REFUNDED, OrderItem.category.is_not(None))
        .distinct()
    ))
    facts = PurchaseFacts(
        purchase_count=summary.purchase_count if summary else 0,
        self_categories=frozenset(categories - GIFT_CATEGORIES),
        gift_categories=frozenset(categories & GIFT_CATEGORIES),
        last_purchase_on=summary.last_purchase_day if summary else None,
    )
    return facts, (summary.tier if summary else "none")


def purchase_facts_many(*, session: Session, customer_ids: list[int]) -> dict[int, tuple[PurchaseFacts, str]]:
    """purchase_facts for many customers at once (two queries, for batch jobs such as the daily to-dos)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    summaries = {s.customer_id: s for s in session.scalars(
        select(CustomerPurchase).where(CustomerPurchase.customer_id.in_(ids)))}
    categories: dict[int, set[str]] = {cid: set() for cid in ids}
    for customer_id, category in session.execute(
        select(Order.customer_id, OrderItem.category).join(Order, OrderItem.order_id == Order.id)
        .where(Order.customer_id.in_(ids), Order.status != ORDER_REFUNDED, OrderItem.category.is_not(None))
        .distinct()
    ):
        categories[customer_id].add(category)
    out = {}
    for cid in ids:
        summary, bought = summaries.get(cid), categories[cid]
        out[cid] = (PurchaseFacts(
            purchase_count=summary.purchase_count if summary else 0,
            self_categories=frozenset(bought - GIFT_CATEGORIES), gift_categories=frozenset(bought & GIFT_CATEGORIES),
            last_purchase_on=summary.last_purchase_day if summary else None,
        ), summary.tier if summary else "none")
    return out
