"""Customers' value quadrants (seed 003) in SQL: the twin of bot.rules.metrics.quadrant, for audiences.

A customer's quadrant on a day reads their day-merged purchases (purchase_day: counted orders, refunds
deducted) in the QUADRANT_WINDOW_DAYS ending that day, in every store, as the customer API shows it.
Customers without a purchase in the window have no quadrant.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, String, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, Select

from bot.rules.metrics import (QUADRANT_DEVELOP, QUADRANT_GENERAL, QUADRANT_VALUE, QUADRANT_VIP,
                               QuadrantThresholds)
from models import PurchaseDay

D = PurchaseDay.__table__


def quadrant_case(purchases: ColumnElement, amount: ColumnElement, thresholds: QuadrantThresholds) -> ColumnElement:
    """The quadrant of (purchase count >= 1, amount in fen), as bot.rules.metrics.quadrant decides it."""
    high, mid = literal(thresholds.high_amount), literal(thresholds.mid_amount)
    return case((amount >= high, case((purchases >= 2, QUADRANT_VIP), else_=QUADRANT_DEVELOP)),
                ((amount >= mid) & (purchases >= 2), QUADRANT_VALUE), else_=QUADRANT_GENERAL).cast(String(8))


def quadrant_rows(on: date, thresholds: QuadrantThresholds) -> Select:
    """(customer_id, quadrant) of every customer who bought in the window ending `on`."""
    since = on - timedelta(days=thresholds.window_days - 1)
    return (select(D.c.customer_id, quadrant_case(func.count(), func.sum(D.c.amount), thresholds).label("quadrant"))
            .where(D.c.day.between(literal(since, Date), literal(on, Date))).group_by(D.c.customer_id))


def in_quadrants(customer_id: ColumnElement, quadrants, on: date, thresholds: QuadrantThresholds) -> list:
    """WHERE clauses keeping the customers in these quadrants on `on` (none when the audience is everyone)."""
    if not quadrants:
        return []
    rows = quadrant_rows(on, thresholds).subquery("quadrant_of")
    return [customer_id.in_(select(rows.c.customer_id).where(rows.c.quadrant.in_(sorted(quadrants))))]


def quadrants_of(*, session: Session, customer_ids: list[int], on: date,
                 thresholds: QuadrantThresholds) -> dict[int, str]:
    """The quadrant of each of these customers who has one on `on`."""
    if not customer_ids:
        return {}
    rows = quadrant_rows(on, thresholds).where(D.c.customer_id.in_(customer_ids))
    return {cid: q for cid, q in session.execute(rows)}
