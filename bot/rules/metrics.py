"""Repurchase metrics (seed 002 §7) and the customer quadrant (seed 003): pure functions.

Inputs are already day-merged where the seed says so: a customer's purchases are distinct
calendar days; the order-based rate counts raw orders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean
from typing import Iterable, Mapping, Sequence

QUADRANT_VIP = "重要价值"
QUADRANT_DEVELOP = "重要发展"
QUADRANT_VALUE = "一般价值"
QUADRANT_GENERAL = "一般发展"
QUADRANTS = (QUADRANT_VIP, QUADRANT_DEVELOP, QUADRANT_VALUE, QUADRANT_GENERAL)


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        rate = self.rate
        return {"numerator": self.numerator, "denominator": self.denominator,
                "rate": None if rate is None else round(rate, 4)}


@dataclass(frozen=True)
class QuadrantThresholds:
    """Seed 003 defaults: 600 / 300 yuan over three months, in fen."""

    high_amount: int = 60000
    mid_amount: int = 30000
    window_days: int = 90


def repeat_rate_by_customers(purchase_counts: Iterable[int]) -> Ratio:
    """Customers with >= 2 day-merged purchases in the period / customers who purchased in it."""
    counts = [c for c in purchase_counts if c > 0]
    return Ratio(sum(1 for c in counts if c >= 2), len(counts))


def repeat_rate_by_orders(order_counts: Iterable[int]) -> Ratio:
    """Orders that were a customer's 2nd, 3rd, ... order in the period / all orders (not merged)."""
    counts = [c for c in order_counts if c > 0]
    return Ratio(sum(c - 1 for c in counts), sum(counts))


def customer_repurchase_cycle(days: Sequence[date]) -> float | None:
    """Mean of the N-1 gaps, in days, between a customer's N day-merged purchases (None if N < 2)."""
    ordered = sorted(set(days))
    if len(ordered) < 2:
        return None
    return (ordered[-1] - ordered[0]).days / (len(ordered) - 1)


def store_repurchase_cycle(days_by_customer: Mapping[object, Sequence[date]]) -> float | None:
    """Mean of the customer repurchase cycles of returning customers."""
    cycles = [c for c in (customer_repurchase_cycle(d) for d in days_by_customer.values()) if c is not None]
    return fmean(cycles) if cycles else None


def product_repurchase_gaps(purchases: Sequence[tuple[date, int]]) -> list[float]:
    """(t[N+1] - t[N]) / quantity[N] for one customer's purchases of one SKU (same day merged)."""
    by_day: dict[date, int] = {}
    for day, quantity in purchases:
        by_day[day] = by_day.get(day, 0) + quantity
    ordered = sorted(by_day.items())
    return [(later[0] - earlier[0]).days / earlier[1]
            for earlier, later in zip(ordered, ordered[1:]) if earlier[1] > 0]


def product_repurchase_cycles(rows: Iterable[tuple[object, str, date, int]]) -> dict[str, dict]:
    """Per SKU: mean days per unit over every customer's repurchase gaps; rows are (customer, sku, day, qty)."""
    grouped: dict[tuple[object, str], list[tuple[date, int]]] = {}
    for customer, sku, day, quantity in rows:
        grouped.setdefault((customer, sku), []).append((day, quantity))
    gaps: dict[str, list[float]] = {}
    for (_, sku), purchases in grouped.items():
        gaps.setdefault(sku, []).extend(product_repurchase_gaps(purchases))
    return {sku: {"days_per_unit": round(fmean(values), 2), "samples": len(values)}
            for sku, values in sorted(gaps.items()) if values}


def quadrant(purchase_count: int, amount: int, thresholds: QuadrantThresholds = QuadrantThresholds()) -> str | None:
    """Seed 003's value quadrant from purchases and amount (fen) in the window; None without purchases.

    The seed leaves gaps (e.g. 300-600 with one purchase); those fall into 一般发展.
    """
    if purchase_count <= 0:
        return None
    if amount >= thresholds.high_amount:
        return QUADRANT_VIP if purchase_count >= 2 else QUADRANT_DEVELOP
    if amount >= thresholds.mid_amount and purchase_count >= 2:
        return QUADRANT_VALUE
    return QUADRANT_GENERAL


def quadrant_counts(customers: Iterable[tuple[int, int]], thresholds: QuadrantThresholds) -> dict[str, int]:
    """How many (purchase_count, amount) customers fall into each quadrant."""
    out = {name: 0 for name in QUADRANTS}
    for count, amount in customers:
        name = quadrant(count, amount, thresholds)
        if name is not None:
            out[name] += 1
    return out


def quadrant_problems(values: Iterable[str]) -> list[str]:
    """The values that are not one of the four quadrants (an audience names quadrants by their Chinese name)."""
    return [v for v in values if v not in QUADRANTS]


def in_audience(quadrants: Iterable[str], customer_quadrant: str | None) -> bool:
    """True when an audience of quadrants (empty: everyone) takes a customer of this quadrant.

    A customer without a purchase in the window has no quadrant and is outside every non-empty audience.
    """
    wanted = frozenset(quadrants)
    return not wanted or customer_quadrant in wanted


# 删粉率 (friend deletion rate, seed 000 §03: "10-15%的删粉率为正常现象").
@dataclass(frozen=True)
class FriendSpan:
    """What a friendship row records: its first and latest add, and the latest deletion by each side."""

    first_added_at: datetime | None
    added_at: datetime | None
    deleted_by_guide_at: datetime | None = None
    deleted_by_customer_at: datetime | None = None


@dataclass(frozen=True)
class DeletionCounts:
    at_start: int      # friends at the period's start
    added: int         # friendships made (first added, or added again) in the period, not friends at its start
    deleted: int       # of those, the ones the customer deleted in the period

    @property
    def rate(self) -> Ratio:
        """删粉率 = customers who deleted the guide in the period / (friends at its start + friends added in it)."""
        return Ratio(self.deleted, self.at_start + self.added)


def friend_at(span: FriendSpan, instant: datetime) -> bool:
    """Whether the friendship was on at `instant`, from the events the row knows of before it.

    The latest add before the instant is `added_at` when it is earlier, else the first add (the adds in
    between are not kept); the friendship was on if that add came after every deletion known before it.
    """
    if span.first_added_at is None or span.first_added_at >= instant:
        return False
    added = span.added_at if span.added_at is not None and span.added_at < instant else span.first_added_at
    ends = [e for e in (span.deleted_by_guide_at, span.deleted_by_customer_at) if e is not None and e < instant]
    return all(added > end for end in ends)


def deletion_counts(spans: Iterable[FriendSpan], start: datetime, end: datetime) -> DeletionCounts:
    """The deletion-rate counts of friendships over [start, end): a deletion counts when the customer deleted
    the guide (删粉); the guide deleting a customer, or a transfer, does not."""
    at_start = added = deleted = 0
    for span in spans:
        on_at_start = friend_at(span, start)
        made = any(t is not None and start <= t < end for t in (span.first_added_at, span.added_at))
        if not (on_at_start or made):
            continue
        at_start += on_at_start
        added += not on_at_start
        gone = span.deleted_by_customer_at
        deleted += gone is not None and start <= gone < end
    return DeletionCounts(at_start, added, deleted)
