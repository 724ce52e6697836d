"""Pure rules of purchases, order validation, the webhook signature and the metrics (no database)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.rules import metrics
from bot.rules.order_input import mobile_hash, normalize_mobile, parse_order
from bot.rules.purchases import (CountedOrder, counts_as_purchase, is_later_state, merge_days, purchase_day_of,
                                 summarize, tier_for, tier_tag_change)
from bot.rules.webhook import check_headers, check_signature, sign_request

UTC = timezone.utc


@pytest.mark.parametrize("count, tier", [(0, "none"), (1, "first"), (2, "second"), (3, "third_plus"),
                                         (17, "third_plus")])
def test_tier_for(count, tier):
    assert tier_for(count) == tier


def test_fully_refunded_orders_do_not_count_and_partial_refunds_do():
    assert counts_as_purchase("paid", 100, 0)
    assert counts_as_purchase("partially_refunded", 100, 60)
    assert not counts_as_purchase("refunded", 100, 100)
    assert not counts_as_purchase("partially_refunded", 100, 100)
    assert counts_as_purchase("paid", 0, 0)  # a free gift order is still a visit


def test_purchase_day_is_the_stores_calendar_day():
    late = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    assert purchase_day_of(late, "Asia/Shanghai") == date(2026, 3, 1)
    assert purchase_day_of(late + timedelta(hours=1), "Asia/Shanghai") == date(2026, 3, 2)
    assert purchase_day_of(late + timedelta(hours=1), "America/New_York") == date(2026, 3, 1)


def test_orders_of_one_day_merge_into_one_purchase():
    t = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    days = merge_days([CountedOrder(date(2026, 3, 1), t + timedelta(hours=3), 500, 2),
                       CountedOrder(date(2026, 3, 1), t, 300, 1),
                       CountedOrder(date(2026, 3, 4), t + timedelta(days=3), 200, 1)])
    assert [(d.day, d.order_count, d.amount, d.first_paid_at, d.items) for d in days] == [
        (date(2026, 3, 1), 2, 800, t, 3), (date(2026, 3, 4), 1, 200, t + timedelta(days=3), 1)]
    summary = summarize(days)
    assert (summary.purchase_count, summary.order_count, summary.lifetime_amount, summary.tier) == (2, 3, 1000,
                                                                                                   "second")
    assert summary.first_purchase_day == date(2026, 3, 1) and summary.last_purchase_day == date(2026, 3, 4)
    assert summary.last_purchase_items == 1   # the last day's items: a single-item buyer
    assert summarize([]).tier == "none"


def test_order_states_only_move_forward():
    assert is_later_state("paid", 0, "partially_refunded", 10)
    assert is_later_state("partially_refunded", 10, "partially_refunded", 30)
    assert is_later_state("partially_refunded", 30, "refunded", 100)
    assert not is_later_state("refunded", 100, "paid", 0)
    assert not is_later_state("partially_refunded", 30, "partially_refunded", 10)
    assert not is_later_state("paid", 0, "paid", 0)


def test_tier_tag_change_leaves_exactly_one_tier_tag():
    assert tier_tag_change("B", ["A", "B", "C"]) == (["B"], ["A", "C"])
    assert tier_tag_change(None, ["A", "B", "C"]) == ([], ["A", "B", "C"])


def _valid(**overrides):
    raw = {"order_no": "X1", "store_code": "SH001", "paid_at": "2026-03-01T10:00:00+08:00", "amount": 9900,
           "external_userid": "wm1", "items": [{"sku": "S", "quantity": 1, "unit_price": 9900}]}
    raw.update(overrides)
    return raw


def test_parse_order_accepts_a_good_order_and_normalises_it():
    order, errors = parse_order(_valid(status="partially_refunded", refunded_amount="100", mobile="+86 139-0000-1111"))
    assert errors == [] and order.refunded_amount == 100 and order.mobile == "13900001111"
    refunded, _ = parse_order(_valid(status="refunded"))
    assert refunded.refunded_amount == 9900


@pytest.mark.parametrize("overrides, reason", [
    ({"amount": 99.0}, "amount must be an integer number of fen (no decimals)"),
    ({"amount": "99.50"}, "amount must be an integer number of fen (no decimals)"),
    ({"amount": True}, "amount must be an integer"),
    ({"amount": -1}, "amount must be at least 0"),
    ({"amount": 10**13}, "amount must be at most 1000000000000"),
    ({"items": [{"sku": "S", "quantity": 10**7, "unit_price": 1}]}, "items[0].quantity must be at most 1000000"),
    ({"paid_at": "2026-03-01T10:00:00"}, "paid_at must carry a time zone offset"),
    ({"paid_at": "yesterday"}, "paid_at is not an ISO 8601 date-time"),
    ({"status": "cancelled"}, "status must be one of paid, partially_refunded, refunded"),
    ({"status": "partially_refunded", "refunded_amount": 9900},
     "refunded_amount of a partial refund must be less than amount"),
    ({"status": "refunded", "refunded_amount": 5}, "refunded_amount of a full refund must equal amount"),
    ({"refunded_amount": 5}, "refunded_amount is only allowed with status refunded or partially_refunded"),
    ({"external_userid": None}, "the customer is required: external_userid, unionid or mobile"),
    ({"mobile": "call me"}, "mobile is not a phone number"),
    ({"items": [{"sku": "S", "quantity": 0, "unit_price": 1}]}, "items[0].quantity must be at least 1"),
    ({"items": [{"quantity": 1, "unit_price": 1.5}]}, "items[0].sku is required"),
    ({"items": "S"}, "items must be a list"),
    ({"order_no": "x" * 65}, "order_no is longer than 64 characters"),
    ({"items": [{"sku": "S\x00", "quantity": 1, "unit_price": 1}]}, "items[0].sku contains a NUL character"),
    ({"order_no": "A\x00"}, "order_no contains a NUL character"),
    ({"order_no": "A\ud800"}, "order_no is not valid Unicode text"),
    # the ends of the calendar with an offset: converting to UTC (or to the store's zone) overflows
    ({"paid_at": "0001-01-01T00:00:00+08:00"}, "paid_at must be between 2000-01-01 and 2099-12-31"),
    ({"paid_at": "9999-12-31T23:59:59-08:00"}, "paid_at must be between 2000-01-01 and 2099-12-31"),
    ({"paid_at": "9999-12-31T23:59:59+00:00"}, "paid_at must be between 2000-01-01 and 2099-12-31"),
    ({"paid_at": "1999-12-31T23:59:59+00:00"}, "paid_at must be between 2000-01-01 and 2099-12-31"),
    ({"paid_at": "２０２６-03-01T10:00:00+08:00"}, "paid_at is not an ISO 8601 date-time"),
])
def test_parse_order_reports_each_problem(overrides, reason):
    order, errors = parse_order(_valid(**overrides))
    assert order is None and reason in errors


def test_mobile_numbers_normalise_and_hash_with_the_key():
    assert normalize_mobile("+86 138-0013-8000") == normalize_mobile("13800138000") == "13800138000"
    assert normalize_mobile("008613800138000") == "13800138000"
    assert mobile_hash("k1", "13800138000") != mobile_hash("k2", "13800138000")
    assert len(mobile_hash("k1", "13800138000")) == 64


def check_request(*, secret, body, signature, timestamp, now, max_skew):
    """The two checks in the order the intake makes them (handlers/api_input.signed_batch)."""
    return check_headers(secret=secret, signature=signature, timestamp=timestamp, now=now, max_skew=max_skew) \
        or check_signature(secret=secret, body=body, signature=signature, timestamp=timestamp)


def test_webhook_signature_and_timestamp():
    body = b'{"orders": []}'
    good = {"secret": "s3", "body": body, "signature": sign_request("s3", "1000", body), "timestamp": "1000",
            "now": 1100.0, "max_skew": 300}
    assert check_request(**good) is None
    assert check_request(**{**good, "signature": sign_request("other", "1000", body)}) == "bad_signature"
    # a captured request replayed later under a fresh timestamp: the signature covers the timestamp
    assert check_request(**{**good, "timestamp": "1290"}) == "bad_signature"
    assert check_request(**{**good, "signature": sign_request("s3", "1290", body)}) == "bad_signature"
    assert check_request(**{**good, "body": body + b" "}) == "bad_signature"
    assert check_request(**{**good, "signature": None}) == "bad_signature"
    assert check_request(**{**good, "now": 1301.0}) == "stale_timestamp"
    assert check_request(**{**good, "now": 699.0}) == "stale_timestamp"
    assert check_request(**{**good, "timestamp": "soon"}) == "bad_timestamp"
    assert check_request(**{**good, "secret": ""}) == "not_configured"


def test_seed_example_repeat_rate_by_customers_is_35_percent():
    # 10,000 buyers in 2015, 3,500 of them bought more than once (day-merged).
    counts = [2] * 3000 + [3] * 500 + [1] * 6500
    ratio = metrics.repeat_rate_by_customers(counts)
    assert (ratio.numerator, ratio.denominator, ratio.rate) == (3500, 10000, 0.35)


def test_seed_example_repeat_rate_by_orders_is_40_percent():
    # 10,000 orders; 3,500 customers placed a 2nd order, 500 of them a 3rd: (3500 + 500) / 10000.
    buyers_of_three, buyers_of_two = 500, 3000
    singles = 10000 - 3 * buyers_of_three - 2 * buyers_of_two
    counts = [3] * buyers_of_three + [2] * buyers_of_two + [1] * singles
    ratio = metrics.repeat_rate_by_orders(counts)
    assert (ratio.numerator, ratio.denominator, ratio.rate) == (4000, 10000, 0.4)


def test_seed_example_product_cycle_is_30_days_per_50ml():
    # Two 50 ml bottles, bought again 60 days later: 30 days per 50 ml bottle.
    first = date(2026, 1, 1)
    assert metrics.product_repurchase_gaps([(first, 2), (first + timedelta(days=60), 1)]) == [30.0]
    cycles = metrics.product_repurchase_cycles([("c1", "TONER-50", first, 2), ("c1", "TONER-50", first, 0),
                                                ("c1", "TONER-50", first + timedelta(days=60), 1),
                                                ("c2", "TONER-50", first, 1), ("c3", "MASK", first, 1)])
    assert cycles == {"TONER-50": {"days_per_unit": 30.0, "samples": 1}}


def test_customer_and_store_repurchase_cycles():
    d = date(2026, 1, 1)
    assert metrics.customer_repurchase_cycle([d, d + timedelta(days=10), d + timedelta(days=40)]) == 20
    assert metrics.customer_repurchase_cycle([d, d]) is None
    assert metrics.store_repurchase_cycle({"a": [d, d + timedelta(days=10)], "b": [d, d + timedelta(days=30)],
                                           "c": [d]}) == 20


@pytest.mark.parametrize("count, amount, name", [
    (2, 60000, "重要价值"), (5, 90000, "重要价值"), (1, 60000, "重要发展"), (2, 30000, "一般价值"),
    (3, 59999, "一般价值"), (2, 29999, "一般发展"), (1, 45000, "一般发展"), (1, 100, "一般发展"), (0, 0, None),
])
def test_seed_003_quadrant(count, amount, name):
    assert metrics.quadrant(count, amount) == name


def test_quadrant_thresholds_are_settings():
    strict = metrics.QuadrantThresholds(high_amount=100000, mid_amount=50000)
    assert metrics.quadrant(2, 60000, strict) == "一般价值"
    assert metrics.quadrant_counts([(2, 60000), (1, 70000), (0, 0)], metrics.QuadrantThresholds()) == {
        "重要价值": 1, "重要发展": 1, "一般价值": 0, "一般发展": 0}


def test_a_timestamp_of_other_digits_or_thousands_of_them_is_malformed_not_a_crash():
    body = b'{"orders": []}'
    good = {"secret": "s3", "body": body, "signature": sign_request("s3", "1000", body), "timestamp": "1000",
            "now": 1100.0, "max_skew": 300}
    for stamp in ("²", "١٠٠٠", "1000²", "9" * 5000, "-1000", "+1000", "1e3", " "):
        assert check_request(**{**good, "timestamp": stamp}) == "bad_timestamp", stamp
    assert check_headers(secret="s3", signature="sha256=3f…", timestamp="1000", now=1100.0,
                         max_skew=300) == "bad_signature"
    assert check_headers(secret="s3", signature=good["signature"].upper().replace("SHA256", "sha256"),
                         timestamp="1000", now=1100.0, max_skew=300) is None
