"""The effect of care in the database: the holdout bucket in SQL, the assignments, treated vs holdout.

The generation (bot/services/todos.py) asks this module for each candidate's bucket and records every
eligible customer's arm here, then leaves the held-out ones without a to-do. The report compares, per
rule, the customers first met in a period: how many of each arm bought within EFFECT_WINDOW_DAYS after
that day (only those whose window has closed; the others are "still in their window").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (BigInteger, ColumnElement, Date, Integer, case, cast, exists, func, literal, literal_column,
                        select)
from sqlalchemy.orm import Session

from bot.rules.effect import BUCKETS, MASK32, Difference, newcombe_difference, rule_hash
from bot.services.bulk import insert_ignoring_conflicts
from bot.services.todos_sql import date_add
from models import CadenceRule, HoldoutAssignment, PurchaseDay
from models.tracking import ARM_HOLDOUT, ARM_TREATED

H = HoldoutAssignment.__table__
NO_BUCKET = BUCKETS   # above every bucket (0-99): below no holdout share


def _int(value: int) -> ColumnElement:
    return cast(literal_column(str(int(value))), BigInteger)   # 64-bit arithmetic on PostgreSQL too


def _op(left: ColumnElement, operator: str, right: ColumnElement) -> ColumnElement:
    return left.op(operator, precedence=7, return_type=BigInteger())(right)


def bucket_sql(rule_code: str, customer_id: ColumnElement) -> ColumnElement:
    """bot.rules.effect.holdout_bucket(rule_code, customer_id), as SQL (PostgreSQL and SQLite)."""
    salt, multiplier = rule_hash(rule_code)
    start = _op(customer_id + _int(salt), "&", _int(MASK32))
    mixed = _op(start * _int(multiplier), "&", _int(MASK32))
    return _op(mixed * _int(BUCKETS), ">>", literal_column("32", Integer))


def with_bucket(stmt, rule_code: str, exempt: bool = False):
    """Add the rule's holdout bucket of the candidate's customer as column `bucket`; an `exempt` rule's
    candidates (bot.rules.birthdays.holdout_exempt) get NO_BUCKET: never held out, no arm recorded."""
    if exempt:
        return stmt.add_columns(literal(NO_BUCKET, Integer).label("bucket"))
    return stmt.add_columns(bucket_sql(rule_code, stmt.selected_columns.customer_id).label("bucket"))


def held_out(bucket: ColumnElement, percent: int) -> ColumnElement:
    """1 for a held-out candidate, else 0 (sorts treated candidates first)."""
    return case((bucket < literal(percent, Integer), 1), else_=0)


def record_assignments(*, session: Session, ranked, on: date, percent: int) -> None:
    """Record the arm of every eligible (rule, customer, anchor) of the day once (none without a holdout)."""
    if percent <= 0:
        return
    arm = case((ranked.c.bucket < literal(percent, Integer), ARM_HOLDOUT), else_=ARM_TREATED)
    rows = select(ranked.c.rule_id, ranked.c.customer_id, ranked.c.guide_id, ranked.c.anchor,
                  literal(on, Date), arm, ranked.c.bucket) \
        .where(ranked.c.rn >= 1, ranked.c.bucket < NO_BUCKET)   # every row of a rule with a holdout
    stmt = insert_ignoring_conflicts(session, H, ["rule_id", "customer_id", "anchor"])
    session.execute(stmt.from_select(["rule_id", "customer_id", "guide_id", "anchor", "assigned_on", "arm",
                                      "bucket"], rows))


@dataclass(frozen=True)
class Arm:
    customers: int = 0
    bought: int = 0
    waiting: int = 0        # met in the period, window not closed yet

    @property
    def rate(self) -> float | None:
        return self.bought / self.customers if self.customers else None


@dataclass(frozen=True)
class RuleEffect:
    rule_id: int
    code: str
    name: str
    treated: Arm
    holdout: Arm
    difference: Difference | None


def _first_meetings(start: date, end: date):
    """Per (rule, customer): the arm and the first day met in [start, end]."""
    return (select(H.c.rule_id, H.c.customer_id, H.c.arm, func.min(H.c.assigned_on).label("met_on"))
            .where(H.c.assigned_on.between(start, end))
            .group_by(H.c.rule_id, H.c.customer_id, H.c.arm).subquery("met"))


def arm_counts(*, session: Session, start: date, end: date, window_days: int,
               today: date) -> dict[tuple[int, str], Arm]:
    """(rule, arm) -> customers met in the period with a closed window, how many bought in it, how many wait."""
    met = _first_meetings(start, end)
    bought = exists().where(PurchaseDay.customer_id == met.c.customer_id, PurchaseDay.day > met.c.met_on,
                            PurchaseDay.day <= date_add(met.c.met_on, literal(window_days, Integer)))
    closed = met.c.met_on <= literal(today - timedelta(days=window_days), Date)
    rows = session.execute(
        select(met.c.rule_id, met.c.arm, func.sum(case((closed, 1), else_=0)),
               func.sum(case((closed & bought, 1), else_=0)), func.sum(case((closed, 0), else_=1)))
        .group_by(met.c.rule_id, met.c.arm))
    return {(rule_id, arm): Arm(int(n or 0), int(k or 0), int(w or 0)) for rule_id, arm, n, k, w in rows}


def effect_report(*, session: Session, start: date, end: date, window_days: int, today: date,
                  confidence: float = 0.95) -> list[RuleEffect]:
    """Per cadence rule met in the period: repurchase of treated vs holdout, the difference and its interval."""
    counts = arm_counts(session=session, start=start, end=end, window_days=window_days, today=today)
    rules = {r.id: r for r in session.scalars(select(CadenceRule).where(
        CadenceRule.id.in_({rule_id for rule_id, _arm in counts})))} if counts else {}
    out = []
    for rule in sorted(rules.values(), key=lambda r: (-r.priority, r.code)):
        treated, holdout = counts.get((rule.id, ARM_TREATED), Arm()), counts.get((rule.id, ARM_HOLDOUT), Arm())
        out.append(RuleEffect(rule.id, rule.code, rule.name, treated, holdout,
                              newcombe_difference(treated.bought, treated.customers, holdout.bought,
                                                  holdout.customers, confidence)))
    return out
