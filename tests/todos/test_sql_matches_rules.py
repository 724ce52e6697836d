"""The set-based candidate SQL finds exactly what the pure rules say, on SQLite and PostgreSQL.

A seeded random population (purchases, refunds, single items, consumables, carts, birthdays on the
edges) is stored through the real tier service; for many days across a year end and a February, the
union of every rule's SELECT, as the run derives it (with each touch's list priority and holdout bucket), is
compared with bot.rules.cadence.due evaluated customer by customer (and bot.rules.effect's bucket; the birthday
greeting ranks first and has no bucket). Some birthdays are known without their year (bot.rules.birthdays).
Some rules are for value quadrants: the customer's quadrant on each day is worked out here from the counted
orders (bot.rules.metrics.quadrant), independently of the SQL that decides it for the generation.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from bot.rules.birthdays import NO_YEAR, holdout_exempt
from bot.rules.cadence import REPLENISH_LOOKBACK_DAYS, CustomerFacts, due, runout_day
from bot.rules.effect import holdout_bucket
from bot.rules.metrics import QUADRANTS, QuadrantThresholds, quadrant
from bot.services.bulk import scratch_table
from bot.services.effect import NO_BUCKET
from bot.services.todos_cadences import as_cadence, list_rules, save_cycle, seed_defaults
from bot.services.todos import DUE, _derive_due, refresh_runouts
from bot.services.todos_sql import ALL
from models import CadenceRule, CommerceEvent, Customer, CustomerPurchase, Order, OrderItem
from tests.todos.helpers import buy, cart, customer

CYCLES = {"SKU-MASK": 30, "SKU-CREAM": 45}
SKUS = [("SKU-COAT", "外套"), ("SKU-SHIRT", "衬衫"), ("SKU-MASK", "面膜"), ("SKU-CREAM", "护肤")]
BIRTHDAYS = [date(1992, 2, 29), date(1985, 12, 25), date(1990, 12, 31), date(1988, 1, 1), date(1991, 2, 28),
             date(1993, 3, 1), date(1979, 11, 30), date(NO_YEAR, 2, 29), date(NO_YEAR, 12, 31), date(NO_YEAR, 1, 1)]
CHECK_DAYS = sorted({date(2026, 12, 1) + timedelta(days=n) for n in range(0, 130, 3)} | {
    date(2026, 12, 25), date(2026, 12, 27), date(2026, 12, 31), date(2027, 1, 1), date(2027, 2, 24),
    date(2027, 2, 28), date(2027, 3, 1), date(2027, 3, 7)})


def _population(session, rng: random.Random) -> None:
    for sku, days in CYCLES.items():
        save_cycle(session=session, sku=sku, cycle_days=days)
    for n in range(90):
        cid = customer(session, f"顾客{n}", birthday=rng.choice(BIRTHDAYS + [None] * 3))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            day = date(2026, 12, 20) - timedelta(days=rng.randint(0, 200))
            lines = [(sku, cat, rng.randint(1, 2)) for sku, cat in rng.sample(SKUS, rng.randint(1, 2))]
            buy(session, cid, day, lines, status=rng.choice(["paid"] * 5 + ["refunded"]))
        for _ in range(rng.choice([0, 0, 1, 2])):
            cart(session, cid, date(2026, 12, 20) - timedelta(days=rng.randint(-60, 60)))


THRESHOLDS = QuadrantThresholds()
# Rules in turn get no audience, one quadrant or two (every quadrant is some rule's audience).
AUDIENCES = [(), (QUADRANTS[0],), (QUADRANTS[1], QUADRANTS[2]), (QUADRANTS[3],), (QUADRANTS[0], QUADRANTS[3])]


def _quadrants(session, on: date) -> dict[int, str | None]:
    """Each customer's quadrant on `on`: counted orders of the window, merged by day, net of refunds."""
    since = on - timedelta(days=THRESHOLDS.window_days - 1)
    days, amounts = defaultdict(set), defaultdict(int)
    for o in session.scalars(select(Order).where(Order.purchase_day.between(since, on))):
        if o.status == "refunded" or (o.amount > 0 and o.refunded_amount >= o.amount):
            continue
        days[o.customer_id].add(o.purchase_day)
        amounts[o.customer_id] += o.amount - o.refunded_amount
    return {cid: quadrant(len(d), amounts[cid], THRESHOLDS) for cid, d in days.items()}


def _facts(session, on: date) -> dict[int, CustomerFacts]:
    quadrants = _quadrants(session, on)
    summaries = {s.customer_id: s for s in session.scalars(select(CustomerPurchase))}
    lines = session.execute(select(Order.customer_id, Order.purchase_day, Order.status, Order.amount,
                                   Order.refunded_amount, OrderItem.sku, OrderItem.quantity)
                            .join(OrderItem, OrderItem.order_id == Order.id)).all()
    counted = [r for r in lines if r.status != "refunded" and not (r.amount > 0 and r.refunded_amount >= r.amount)]
    carts = defaultdict(list)
    for event in session.scalars(select(CommerceEvent).where(CommerceEvent.occurred_on <= on)):
        carts[event.customer_id].append(event.occurred_on)
    out = {}
    for c in session.scalars(select(Customer)):
        s = summaries.get(c.id)
        mine = [r for r in counted if r.customer_id == c.id]
        items = sum(r.quantity for r in mine if s and r.purchase_day == s.last_purchase_day)
        runouts = []
        for sku, cycle in CYCLES.items():
            days = [r.purchase_day for r in mine if r.sku == sku
                    and on - timedelta(days=REPLENISH_LOOKBACK_DAYS) <= r.purchase_day <= on]
            if days:
                last = max(days)
                quantity = sum(r.quantity for r in mine if r.sku == sku and r.purchase_day == last)
                runouts.append(runout_day(last, cycle, quantity))
        out[c.id] = CustomerFacts(
            tier=s.tier if s else "none", first_purchase_day=s.first_purchase_day if s else None,
            last_purchase_day=s.last_purchase_day if s else None, last_purchase_items=items, birthday=c.birthday,
            last_cart_day=max(carts[c.id]) if carts[c.id] else None, runout_days=tuple(runouts),
            quadrant=quadrants.get(c.id))
    return out


def test_every_rules_sql_matches_the_pure_rules_day_by_day(db, org):
    with db.transaction() as session:
        seed_defaults(session=session)
        for n, rule in enumerate(session.scalars(select(CadenceRule).order_by(CadenceRule.code))):
            rule.enabled = True
            rule.quadrants = list(AUDIENCES[n % len(AUDIENCES)])
        _population(session, random.Random(20261201))
    checked, seen = 0, set()
    with db.transaction() as session:
        rules = list_rules(session=session)
        code_of = {r.id: r.code for r in rules}
        cadences = [as_cadence(r) for r in rules]
        for on in CHECK_DAYS:
            refresh_runouts(session, on, ALL)   # the replenishment touches read the kept runout days
            with scratch_table(session, DUE):
                _derive_due(session, rules, on, [ALL], thresholds=THRESHOLDS)
                from_sql = {(row.customer_id, code_of[row.rule_id], row.anchor, row.priority, row.bucket)
                            for row in session.execute(select(DUE))}
            expected = {(cid, d.code, d.anchor, d.priority,
                         NO_BUCKET if holdout_exempt(cadence.trigger) else holdout_bucket(d.code, cid))
                        for cid, facts in _facts(session, on).items()
                        for cadence in cadences for d in due(cadence, facts, on)}
            assert from_sql == expected, (on, sorted(from_sql ^ expected))
            checked += len(expected)
            seen |= {code for _c, code, *_rest in expected}
    assert checked > 300   # the population really exercises the rules
    assert {"birthday_day", "birthday_month_start", "birthday_next_month"} <= seen
    audiences = {code_of[r.id]: r.quadrants for r in rules}
    assert {q for code in seen for q in audiences[code]} == set(QUADRANTS), seen
