"""Set-based candidate queries: one SELECT per rule, the same semantics as bot.rules.cadence.

Each rule becomes a SELECT of (customer_id, anchor, expires_on) with its constants; the day's
bounds come from the pure rules (reference_range, birthday_matches), so no query depends on a
dialect's calendar functions except `date_add`, compiled for PostgreSQL and SQLite below.

A `Scope` narrows the SELECTs for the daily routine: only the touches whose window opened after a
given day (`opened_after`), or only some customers (`customers`, a SELECT of ids).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, Table, and_, exists, extract, func, literal, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, Select

from bot.rules.cadence import (BIRTHDAY_TRIGGERS, REPLENISH_LOOKBACK_DAYS, Cadence, birthday_matches,
                               reference_range)
from bot.rules.metrics import QuadrantThresholds
from bot.services.quadrants import in_quadrants
from models import CommerceEvent, Customer, CustomerPurchase, Order, OrderItem, ReplenishCycle, TodoRunout

P = CustomerPurchase.__table__
C = Customer.__table__
O = Order.__table__
I = OrderItem.__table__
E = CommerceEvent.__table__
R = ReplenishCycle.__table__
RO = TodoRunout.__table__


class date_add(FunctionElement):
    """A date plus a whole number of days, on PostgreSQL and SQLite."""

    type = Date()
    inherit_cache = True
    name = "date_add"


@compiles(date_add)
def _date_add_default(element, compiler, **kw) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({day} AS DATE) + CAST({days} AS INTEGER))"


@compiles(date_add, "sqlite")
def _date_add_sqlite(element, compiler, **kw) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, printf('%+d days', {days}))"


@dataclass(frozen=True)
class Scope:
    """Which of a day's due touches a SELECT yields: all, those opened after a day, or some customers'."""

    opened_after: date | None = None
    customers: Select | None = None
    # A table holding the purchase summaries (customer_purchase's columns) of the scope's customers, read
    # in its place: a handful of changed customers are looked up once, not picked out of every rule's range.
    purchases: Table | None = None

    @property
    def purchase_table(self) -> Table:
        return P if self.purchases is None else self.purchases

    def range(self, on: date, rule: Cadence, offset: int) -> tuple[date, date]:
        """The reference days of the touches in scope (reference_range, cut to windows opened later)."""
        earliest, latest = reference_range(on, rule, offset)
        if self.opened_after is not None:   # window start = reference + offset + window_start > opened_after
            earliest = max(earliest, self.opened_after - timedelta(days=offset + rule.window_start - 1))
        return earliest, latest

    def opened(self, first_day: date) -> bool:
        return self.opened_after is None or first_day > self.opened_after

    def of(self, customer_id: ColumnElement) -> list[ColumnElement]:
        return [] if self.customers is None else [customer_id.in_(self.customers)]


ALL = Scope()


def _day(value: date) -> ColumnElement:
    return literal(value, Date)


def counted(order=O) -> ColumnElement:
    """An order that counts as a purchase (bot.rules.purchases.counts_as_purchase)."""
    return and_(order.c.status != "refunded",
                or_(order.c.amount <= 0, order.c.refunded_amount < order.c.amount))


def _tier_filter(rule: Cadence, tier: ColumnElement) -> list[ColumnElement]:
    return [tier.in_(sorted(rule.tiers))] if rule.tiers else []


def _purchase_ref(rule: Cadence, p: Table):
    return p.c.first_purchase_day if rule.trigger == "first_purchase" else p.c.last_purchase_day


def purchase_selects(rule: Cadence, on: date, scope: Scope = ALL) -> list[Select]:
    """Touches anchored on a purchase day (lifecycle, custom revisits, single-item buyers)."""
    p = scope.purchase_table
    ref = _purchase_ref(rule, p)
    out = []
    for offset in rule.touches():
        earliest, latest = scope.range(on, rule, offset)
        if earliest > latest:
            continue
        stmt = select(p.c.customer_id.label("customer_id"), date_add(ref, offset).label("anchor"),
                      date_add(ref, offset + rule.window_end).label("expires_on"), p.c.tier.label("tier")) \
            .where(ref.between(_day(earliest), _day(latest)), *_tier_filter(rule, p.c.tier),
                   *([] if scope.purchases is not None else scope.of(p.c.customer_id)))
        if rule.trigger == "single_item":   # the last purchase day's counted orders hold one item in all
            stmt = stmt.where(p.c.last_purchase_items == 1)
        out.append(stmt)
    return out


def cart_selects(rule: Cadence, on: date, scope: Scope = ALL) -> list[Select]:
    """Touches anchored on the latest add-to-cart day, when nothing was bought since."""
    later_cart = E.alias("later_cart")
    later = exists().where(later_cart.c.customer_id == E.c.customer_id, later_cart.c.kind == "add_to_cart",
                           later_cart.c.occurred_on > E.c.occurred_on, later_cart.c.occurred_on <= _day(on))
    out = []
    for offset in rule.touches():
        earliest, latest = scope.range(on, rule, offset)
        if earliest > latest:
            continue
        stmt = (select(E.c.customer_id.label("customer_id"), date_add(E.c.occurred_on, offset).label("anchor"),
                       date_add(E.c.occurred_on, offset + rule.window_end).label("expires_on"),
                       func.coalesce(P.c.tier, "none").label("tier"))
                .select_from(E.outerjoin(P, P.c.customer_id == E.c.customer_id))
                .where(E.c.kind == "add_to_cart", E.c.occurred_on.between(_day(earliest), _day(latest)), ~later,
                       or_(P.c.last_purchase_day.is_(None), P.c.last_purchase_day < E.c.occurred_on),
                       *_tier_filter(rule, func.coalesce(P.c.tier, "none")), *scope.of(E.c.customer_id))
                .distinct())
        out.append(stmt)
    return out


def runout_rows(on: date, scope: Scope = ALL) -> Select:
    """(customer_id, sku, purchase_day, runout) of each consumable's latest purchase within the look-back.

    Per customer and SKU, the latest day it was bought (RANK over the day-grouped lines), that day's
    quantity times the SKU's cycle (bot.rules.cadence.runout_day). The daily run keeps these rows in
    todo_runout (bot.services.todos.refresh_runouts); the replenishment touches are read from there.
    """
    bought = (select(O.c.customer_id, I.c.sku, O.c.purchase_day, R.c.cycle_days,
                     func.sum(I.c.quantity).label("quantity"),
                     func.rank().over(partition_by=(O.c.customer_id, I.c.sku),
                                      order_by=O.c.purchase_day.desc()).label("latest"))
              .select_from(O.join(I, I.c.order_id == O.c.id).join(R, R.c.sku == I.c.sku))
              .where(O.c.customer_id.is_not(None), counted(), *scope.of(O.c.customer_id),
                     O.c.purchase_day.between(_day(on - timedelta(days=REPLENISH_LOOKBACK_DAYS)), _day(on)))
              .group_by(O.c.customer_id, I.c.sku, O.c.purchase_day, R.c.cycle_days)
              .subquery("bought"))
    return (select(bought.c.customer_id, bought.c.sku, bought.c.purchase_day,
                   date_add(bought.c.purchase_day, bought.c.cycle_days * bought.c.quantity).label("runout"))
            .where(bought.c.latest == 1))


def replenish_selects(rule: Cadence, on: date, scope: Scope = ALL) -> list[Select]:
    """Touches anchored on the day a consumable runs out (the kept runout days, see runout_rows)."""
    lookback = _day(on - timedelta(days=REPLENISH_LOOKBACK_DAYS))
    out = []
    for offset in rule.touches():
        earliest, latest = scope.range(on, rule, offset)
        if earliest > latest:
            continue
        out.append(select(RO.c.customer_id.label("customer_id"), date_add(RO.c.runout, offset).label("anchor"),
                          date_add(RO.c.runout, offset + rule.window_end).label("expires_on"),
                          func.coalesce(P.c.tier, "none").label("tier"))
                   .select_from(RO.outerjoin(P, P.c.customer_id == RO.c.customer_id))
                   .where(RO.c.runout.between(_day(earliest), _day(latest)), RO.c.purchase_day >= lookback,
                          *_tier_filter(rule, func.coalesce(P.c.tier, "none")), *scope.of(RO.c.customer_id))
                   .distinct())
    return out


def birthday_selects(rule: Cadence, on: date, scope: Scope = ALL) -> list[Select]:
    """Touches of the birthday ritual: one SELECT per birthday month (and days) due today."""
    out = []
    for match in birthday_matches(rule, on):
        if not scope.opened(match.anchor + timedelta(days=rule.window_start)):
            continue
        where = [C.c.birthday.is_not(None), extract("month", C.c.birthday) == match.month,
                 *_tier_filter(rule, func.coalesce(P.c.tier, "none")), *scope.of(C.c.id)]
        if match.days is not None:
            where.append(extract("day", C.c.birthday).in_(match.days))
        expires = match.anchor + timedelta(days=rule.window_end)
        out.append(select(C.c.id.label("customer_id"), _day(match.anchor).label("anchor"),
                          _day(expires).label("expires_on"), func.coalesce(P.c.tier, "none").label("tier"))
                   .select_from(C.outerjoin(P, P.c.customer_id == C.c.id)).where(*where))
    return out


def _trigger_selects(rule: Cadence, on: date, scope: Scope) -> list[Select]:
    if rule.trigger in BIRTHDAY_TRIGGERS:
        return birthday_selects(rule, on, scope)
    if rule.trigger == "cart_no_order":
        return cart_selects(rule, on, scope)
    if rule.trigger == "replenish_due":
        return replenish_selects(rule, on, scope)
    return purchase_selects(rule, on, scope)


def rule_selects(rule: Cadence, on: date, scope: Scope = ALL,
                 thresholds: QuadrantThresholds = QuadrantThresholds()) -> list[Select]:
    """The candidate SELECTs of one rule on a day, within a scope (none when disabled); a rule for some value
    quadrants keeps the customers in them on the day (bot.rules.cadence.due; thresholds: QUADRANT_*)."""
    if not rule.enabled:
        return []
    return [stmt.where(*in_quadrants(stmt.selected_columns.customer_id, rule.quadrants, on, thresholds))
            for stmt in _trigger_selects(rule, on, scope)]


def with_constants(stmt: Select, rule_id: int, rank: int, priority: int) -> Select:
    """Add the rule's id, rank (tie-break order) and priority as constant columns."""
    return stmt.add_columns(literal(rule_id, Integer).label("rule_id"), literal(rank, Integer).label("rank"),
                            literal(priority, Integer).label("priority"))


def active_friendship(f) -> ColumnElement:
    """A friendship that is on: the SQL of bot.rules.membership.is_active(added_at, both deletions)."""
    return and_(f.c.added_at.is_not(None),
                or_(f.c.deleted_by_guide_at.is_(None), f.c.added_at > f.c.deleted_by_guide_at),
                or_(f.c.deleted_by_customer_at.is_(None), f.c.added_at > f.c.deleted_by_customer_at))


def owners(friendship_table, guide_table, customer_ids, *, postgresql: bool = False):
    """(customer_id, guide_id) of the guide caring for each of these customers (none when nobody does).

    The caring guide is the earliest still-active friendship with an active member: the SQL of
    bot.rules.cadence.owner_of, over the friendships of the given customers (None: every customer's). PostgreSQL
    keeps each customer's first row after one sort (DISTINCT ON) instead of numbering every row.
    """
    f, g = friendship_table, guide_table
    earliest = (func.coalesce(f.c.first_added_at, f.c.added_at), f.c.id)
    live = (select(f.c.customer_id, f.c.guide_id).select_from(f.join(g, g.c.id == f.c.guide_id))
            .where(g.c.active.is_(True), active_friendship(f)))
    if customer_ids is not None:
        live = live.where(f.c.customer_id.in_(customer_ids))
    if postgresql:
        return live.ext(distinct_on(f.c.customer_id)).order_by(f.c.customer_id, *earliest).subquery("owners")
    ranked = live.add_columns(func.row_number().over(partition_by=f.c.customer_id, order_by=earliest).label("n")) \
        .subquery("live")
    return select(ranked.c.customer_id, ranked.c.guide_id).where(ranked.c.n == 1).subquery("owners")
