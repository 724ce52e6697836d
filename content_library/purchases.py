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



def purchase_facts_from(*, purchase_count: int, last_purchase_on, categories: set[str]) -> PurchaseFacts:
    """The purchase facts from a summary and the categories of non-refunded orders (for batch readers)."""
    return PurchaseFacts(purchase_count=purchase_count, self_categories=frozenset(categories - GIFT_CATEGORIES),
                         gift_categories=frozenset(categories & GIFT_CATEGORIES), last_purchase_on=last_purchase_on)
