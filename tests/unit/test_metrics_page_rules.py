"""The pure rules behind the metrics pages: 删粉率 (friend deletion rate), the period picker, quadrant audiences."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.rules.cadence import Cadence, CustomerFacts, due
from bot.rules.content_selection import CustomerFacts as MaterialCustomer, MaterialFacts, exclusion
from bot.rules.metrics import QUADRANT_VALUE, QUADRANT_VIP, FriendSpan, deletion_counts, friend_at, in_audience
from bot.rules.periods import metric_period

START = datetime(2026, 11, 1, tzinfo=timezone.utc)
END = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _t(days: float) -> datetime:
    """`days` after the period's start (negative: before it)."""
    return START + timedelta(days=days)


def test_the_deletion_rate_worked_example():
    """A guide had 8 friends on 1 November (a 9th had deleted them in October) and made 2 more in November.
    In November two customers deleted the guide (one old friend, one new), the guide deleted a third customer
    (not 删粉), and one more customer deleted the guide on 3 December (after the period).
    删粉率 = 2 / (8 + 2) = 20%."""
    old = [FriendSpan(_t(-60 + n), _t(-60 + n)) for n in range(5)]
    spans = old + [
        FriendSpan(_t(-30), _t(-30), deleted_by_customer_at=_t(10)),        # an old friend deletes the guide
        FriendSpan(_t(-20), _t(-20), deleted_by_guide_at=_t(12)),           # the guide deletes: not counted
        FriendSpan(_t(-10), _t(-10), deleted_by_customer_at=_t(32)),        # deletes after the period
        FriendSpan(_t(-50), _t(-50), deleted_by_customer_at=_t(-15)),       # gone before the period
        FriendSpan(_t(3), _t(3)),                                           # new in the period
        FriendSpan(_t(5), _t(5), deleted_by_customer_at=_t(20)),            # new, then deletes the guide
    ]
    counts = deletion_counts(spans, START, END)
    assert (counts.at_start, counts.added, counts.deleted) == (8, 2, 2)
    assert counts.rate.as_dict() == {"numerator": 2, "denominator": 10, "rate": 0.2}
    assert deletion_counts([], START, END).rate.rate is None


def test_a_friend_who_came_back_counts_by_the_adds_the_row_knows():
    came_back_later = FriendSpan(_t(-40), _t(15), deleted_by_customer_at=_t(-10))   # deleted in October, back
    assert not friend_at(came_back_later, START)
    counts = deletion_counts([came_back_later], START, END)
    assert (counts.at_start, counts.added, counts.deleted) == (0, 1, 0)
    left_in_period = FriendSpan(_t(-40), _t(20), deleted_by_customer_at=_t(10))    # left in November, back
    assert friend_at(left_in_period, START)
    assert deletion_counts([left_in_period], START, END).deleted == 1


def test_the_period_picker():
    today = date(2026, 12, 5)
    assert metric_period(None, None, None, today) == ("month", date(2026, 12, 1), today)
    assert metric_period("30d", "", "", today) == ("30d", date(2026, 11, 6), today)
    assert metric_period("custom", "2026-01-01", "2026-03-31", today) == ("custom", date(2026, 1, 1),
                                                                           date(2026, 3, 31))
    for start, end, message in (("2026-02-30", "2026-03-01", "格式"), ("", "2026-03-01", "格式"),
                                ("2026-03-02", "2026-03-01", "不能晚于结束日期"),
                                ("2026-12-01", "2026-12-06", "不能晚于今天"),
                                ("2024-01-01", "2026-03-01", "最长")):
        with pytest.raises(ValueError, match=message):
            metric_period("custom", start, end, today)


def test_an_audience_of_quadrants_takes_only_their_customers():
    assert in_audience((), None) and in_audience((), QUADRANT_VIP)
    assert in_audience((QUADRANT_VIP,), QUADRANT_VIP)
    assert not in_audience((QUADRANT_VIP,), QUADRANT_VALUE) and not in_audience((QUADRANT_VIP,), None)
    rule = Cadence("vip_care", "last_purchase", 0, 10, quadrants=frozenset({QUADRANT_VIP}))
    bought = date(2026, 3, 1)
    assert due(rule, CustomerFacts(tier="second", last_purchase_day=bought, quadrant=QUADRANT_VIP), bought)
    assert not due(rule, CustomerFacts(tier="second", last_purchase_day=bought, quadrant=QUADRANT_VALUE), bought)
    material = MaterialFacts(id=1, kind="copy", quadrants=frozenset({QUADRANT_VIP}))
    customer = MaterialCustomer(customer_id=1, store_id=1, region=None, tier="second", quadrant=QUADRANT_VALUE)
    assert exclusion(material, customer, bought, frozenset()) == "不适用于该顾客象限"
    assert exclusion(material, MaterialCustomer(1, 1, None, "second", quadrant=QUADRANT_VIP), bought,
                     frozenset()) is None
