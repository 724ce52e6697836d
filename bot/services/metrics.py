"""Repurchase metrics of a store over a period, aggregated in SQL and finished by the pure rules.

Days are store-local calendar days (purchase_order.purchase_day); the period is inclusive.
Only orders matched to a customer and not fully refunded count.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.rules.metrics import (QuadrantThresholds, product_repurchase_cycles, quadrant_counts,
                               repeat_rate_by_customers, repeat_rate_by_orders, store_repurchase_cycle)
from bot.services.tiers import counted_clause
from config import Settings
from models import Order, OrderItem, Store


class UnknownStore(LookupError):
    """No store has this code."""


def thresholds_from(settings: Settings) -> QuadrantThresholds:
    """The quadrant thresholds configured in settings."""
    return QuadrantThresholds(high_amount=settings.QUADRANT_HIGH_AMOUNT, mid_amount=settings.QUADRANT_MID_AMOUNT,
                              window_days=settings.QUADRANT_WINDOW_DAYS)


def configured_thresholds() -> QuadrantThresholds:
    """The quadrant thresholds of the running app (QUADRANT_* settings)."""
    from bot import runtime as rt

    return thresholds_from(rt.current().settings)


def counted_filter(store_ids: list[int] | None, start: date | None, end: date):
    """The WHERE clause of counted, matched orders of some stores (None: every store) in [start, end]."""
    clauses = [counted_clause(), Order.purchase_day <= end]
    if start is not None:
        clauses.append(Order.purchase_day >= start)
    if store_ids is not None:
        clauses.append(Order.store_id.in_(store_ids))
    return and_(*clauses)


def _purchases(session: Session, where) -> tuple[dict[int, list[date]], dict[int, int]]:
    rows = session.execute(select(Order.customer_id, Order.purchase_day, func.count(Order.id))
                           .where(where).group_by(Order.customer_id, Order.purchase_day))
    days: dict[int, list[date]] = defaultdict(list)
    orders: dict[int, int] = defaultdict(int)
    for customer_id, day, count in rows:
        days[customer_id].append(day)
        orders[customer_id] += count
    return days, orders


def _returning(session: Session, store_ids: list[int] | None, start: date, end: date) -> int:
    """Buyers of the period with more than one day-merged purchase ever (up to the period's end)."""
    buyers = select(Order.customer_id).where(counted_filter(store_ids, start, end)).distinct()
    history = (select(Order.customer_id).where(counted_filter(store_ids, None, end), Order.customer_id.in_(buyers))
               .group_by(Order.customer_id).having(func.count(func.distinct(Order.purchase_day)) >= 2))
    return session.scalar(select(func.count()).select_from(history.subquery())) or 0


def _sku_rows(session: Session, where) -> list[tuple[int, str, date, int]]:
    rows = session.execute(
        select(Order.customer_id, OrderItem.sku, Order.purchase_day, func.sum(OrderItem.quantity))
        .join(OrderItem, OrderItem.order_id == Order.id).where(where)
        .group_by(Order.customer_id, OrderItem.sku, Order.purchase_day)
    )
    return [(c, sku, day, int(qty)) for c, sku, day, qty in rows]


def _quadrants(session: Session, store_ids: list[int] | None, end: date, thresholds: QuadrantThresholds) -> dict:
    start = end - timedelta(days=thresholds.window_days - 1)
    rows = session.execute(
        select(func.count(func.distinct(Order.purchase_day)), func.sum(Order.amount - Order.refunded_amount))
        .where(counted_filter(store_ids, start, end)).group_by(Order.customer_id)
    )
    return {"from": start.isoformat(), "to": end.isoformat(),
            "thresholds": {"high_amount": thresholds.high_amount, "mid_amount": thresholds.mid_amount},
            "counts": quadrant_counts(((int(c), int(a or 0)) for c, a in rows), thresholds)}


def store_metrics(*, session: Session, store_ids: list[int] | None, start: date, end: date,
                  thresholds: QuadrantThresholds) -> dict:
    """Repeat-purchase rates, returning customers, repurchase cycles and the quadrant of some stores (None:
    every store) over [start, end]."""
    where = counted_filter(store_ids, start, end)
    days, orders = _purchases(session, where)
    returning_cycles = {c: d for c, d in days.items() if len(d) >= 2}
    cycle = store_repurchase_cycle(returning_cycles)
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "customers": len(days), "orders": sum(orders.values()),
        "repeat_rate_customers": repeat_rate_by_customers(len(d) for d in days.values()).as_dict(),
        "repeat_rate_orders": repeat_rate_by_orders(orders.values()).as_dict(),
        "returning_customers": _returning(session, store_ids, start, end),
        "customer_repurchase_cycle": {"store_average_days": None if cycle is None else round(cycle, 2),
                                      "customers": len(returning_cycles)},
        "product_repurchase_cycle": product_repurchase_cycles(_sku_rows(session, where)),
        "quadrant": _quadrants(session, store_ids, end, thresholds),
    }


def repurchase_metrics(*, session: Session, store_code: str | None, start: date, end: date,
                       thresholds: QuadrantThresholds) -> dict:
    """The metrics of one store by code (None: every store); UnknownStore when no store has the code."""
    store_ids = None
    if store_code:
        store_id = session.scalar(select(Store.id).where(Store.code == store_code))
        if store_id is None:
            raise UnknownStore(store_code)
        store_ids = [store_id]
    return {"store": store_code, **store_metrics(session=session, store_ids=store_ids, start=start, end=end,
                                                 thresholds=thresholds)}
