"""Purchases, tiers and the three tier tags (seed 002 §5, §7): pure rules, no database.

A purchase is a day-merged set of orders: every counted order of one customer on one calendar
day in the store's time zone is one purchase. A fully refunded order does not count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable
from zoneinfo import ZoneInfo

TIER_NONE = "none"
TIER_FIRST = "first"
TIER_SECOND = "second"
TIER_THIRD_PLUS = "third_plus"
TIERS = (TIER_NONE, TIER_FIRST, TIER_SECOND, TIER_THIRD_PLUS)

TIER_TAG_GROUP = "购买次数"
TIER_TAG_NAMES = {TIER_FIRST: "首次购买", TIER_SECOND: "购买过二次", TIER_THIRD_PLUS: "购买三次及以上"}

STATUS_PAID = "paid"
STATUS_PARTIALLY_REFUNDED = "partially_refunded"
STATUS_REFUNDED = "refunded"
_STATUS_RANK = {STATUS_PAID: 0, STATUS_PARTIALLY_REFUNDED: 1, STATUS_REFUNDED: 2}


def tier_for(purchase_count: int) -> str:
    """Return the tier of a customer with purchase_count day-merged purchases."""
    if purchase_count <= 0:
        return TIER_NONE
    if purchase_count == 1:
        return TIER_FIRST
    if purchase_count == 2:
        return TIER_SECOND
    return TIER_THIRD_PLUS


def counts_as_purchase(status: str, amount: int, refunded_amount: int) -> bool:
    """An order counts unless it is fully refunded."""
    if status == STATUS_REFUNDED:
        return False
    return not (amount > 0 and refunded_amount >= amount)


def net_amount(amount: int, refunded_amount: int) -> int:
    """What the customer kept paying for, in fen."""
    return max(amount - refunded_amount, 0)


def purchase_day_of(paid_at: datetime, timezone: str) -> date:
    """The calendar day of paid_at in the store's time zone."""
    return paid_at.astimezone(ZoneInfo(timezone)).date()


def is_later_state(old_status: str, old_refunded: int, new_status: str, new_refunded: int) -> bool:
    """True when (new_status, new_refunded) moves the order forward (more refunded).

    Order states only move forward: paid -> partially refunded -> refunded. A replay, or an
    older state arriving late, changes nothing.
    """
    old_rank, new_rank = _STATUS_RANK[old_status], _STATUS_RANK[new_status]
    if new_rank != old_rank:
        return new_rank > old_rank
    return new_refunded > old_refunded


@dataclass(frozen=True)
class CountedOrder:
    """What day-merging needs of one counted order."""

    day: date
    paid_at: datetime
    amount: int  # net of refunds, fen
    items: int   # the order's items (sum of the lines' quantities)


@dataclass(frozen=True)
class DayPurchase:
    """One day-merged purchase."""

    day: date
    order_count: int
    amount: int
    first_paid_at: datetime
    items: int


@dataclass(frozen=True)
class PurchaseSummary:
    """A customer's purchases in brief."""

    purchase_count: int
    order_count: int
    lifetime_amount: int
    first_purchase_at: datetime | None
    last_purchase_at: datetime | None
    first_purchase_day: date | None
    last_purchase_day: date | None
    last_purchase_items: int = 0   # items bought on the last purchase day (a single-item buyer: 1)

    @property
    def tier(self) -> str:
        return tier_for(self.purchase_count)


def merge_days(orders: Iterable[CountedOrder]) -> list[DayPurchase]:
    """Merge counted orders into one purchase per calendar day, oldest first."""
    by_day: dict[date, list[CountedOrder]] = {}
    for order in orders:
        by_day.setdefault(order.day, []).append(order)
    return [
        DayPurchase(day=day, order_count=len(group), amount=sum(o.amount for o in group),
                    first_paid_at=min(o.paid_at for o in group), items=sum(o.items for o in group))
        for day, group in sorted(by_day.items())
    ]


def summarize(days: list[DayPurchase]) -> PurchaseSummary:
    """Summarise day-merged purchases (oldest first) into counts, amounts and first/last."""
    if not days:
        return PurchaseSummary(0, 0, 0, None, None, None, None)
    return PurchaseSummary(
        purchase_count=len(days), order_count=sum(d.order_count for d in days),
        lifetime_amount=sum(d.amount for d in days),
        first_purchase_at=days[0].first_paid_at, last_purchase_at=days[-1].first_paid_at,
        first_purchase_day=days[0].day, last_purchase_day=days[-1].day, last_purchase_items=days[-1].items,
    )


def tier_tag_change(desired_tag: str | None, all_tier_tags: Iterable[str]) -> tuple[list[str], list[str]]:
    """The (add_tag, remove_tag) lists that leave exactly desired_tag of the tier tags on a customer."""
    add = [desired_tag] if desired_tag else []
    remove = sorted(t for t in set(all_tier_tags) if t != desired_tag)
    return add, remove
