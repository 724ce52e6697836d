"""GET /api/v1/metrics/repurchase on orders posted through the intake (seed 002 §7 examples, scaled down)."""
from __future__ import annotations

import pytest

from models import Customer
from tests.purchases.helpers import AUTH, order, post_orders


@pytest.fixture
def customers(runtime, org):
    """Twenty customer friends (rows only: the metrics need matched orders, not WeCom)."""
    with runtime.db.transaction() as session:
        session.add_all(Customer(external_userid=f"mc-{i}", name=f"顾客{i}") for i in range(20))
    return [f"mc-{i}" for i in range(20)]


def _day(day: str, hour: int = 10) -> str:
    return f"{day}T{hour:02d}:00:00+08:00"


def _sh001_orders(c: list[str]) -> list[dict]:
    """20 buyers, 7 of whom bought on more than one day: 35% (10,000 / 3,500 in the seed)."""
    toner = [{"sku": "TONER-50", "name": "柔肤水 50ml", "quantity": 2, "unit_price": 20000}]
    out = [order("S0-1", customer=c[0], paid_at=_day("2026-01-01"), amount=40000, items=toner),
           order("S0-2", customer=c[0], paid_at=_day("2026-03-02"), amount=30000,
                 items=[{**toner[0], "quantity": 1, "unit_price": 30000}])]
    for i in range(1, 6):
        out += [order(f"S{i}-1", customer=c[i], paid_at=_day("2026-02-01")),
                order(f"S{i}-2", customer=c[i], paid_at=_day("2026-02-11"))]
    out += [order(f"S6-{n}", customer=c[6], paid_at=_day(d)) for n, d in
            enumerate(["2026-01-01", "2026-01-11", "2026-01-31"])]
    out += [order(f"S{i}-1", customer=c[i], paid_at=_day("2026-03-10"), amount=88000 if i == 7 else 19900)
            for i in range(7, 20)]
    out += [order("S18-R", customer=c[18], paid_at=_day("2026-03-20"), status="refunded"),  # does not count
            order("S19-0", customer=c[19], paid_at=_day("2025-12-15")),  # before the period: returning
            order("SX-1", customer="wm-not-a-friend", paid_at=_day("2026-03-10")),  # unmatched: not counted
            order("SX-2", customer="wm-not-a-friend", paid_at=_day("2026-03-11"))]
    return out


def test_repurchase_metrics_of_a_store(client, customers, db):
    response = post_orders(client, _sh001_orders(customers))
    assert response.status_code == 201, response.get_json()["summary"]
    body = client.get("/api/v1/metrics/repurchase?store=SH001&from=2026-01-01&to=2026-03-31", headers=AUTH)
    assert body.status_code == 200
    m = body.get_json()
    assert (m["customers"], m["orders"]) == (20, 28)
    assert m["repeat_rate_customers"] == {"numerator": 7, "denominator": 20, "rate": 0.35}
    assert m["repeat_rate_orders"] == {"numerator": 8, "denominator": 28, "rate": round(8 / 28, 4)}
    assert m["returning_customers"] == 8
    assert m["customer_repurchase_cycle"] == {"store_average_days": round((60 + 5 * 10 + 15) / 7, 2),
                                              "customers": 7}
    assert m["product_repurchase_cycle"]["TONER-50"] == {"days_per_unit": 30.0, "samples": 1}
    assert m["quadrant"]["from"] == "2026-01-01"
    assert m["quadrant"]["counts"] == {"重要价值": 1, "重要发展": 1, "一般价值": 6, "一般发展": 12}


def test_order_based_rate_counts_orders_not_days(client, customers, db):
    """20 orders, 7 customers with a 2nd order and 1 with a 3rd: 40% (the seed's 10,000 / 3,500 / 500)."""
    c = customers
    orders = []
    for i in range(7):
        orders += [order(f"H{i}-1", customer=c[i], store="HZ001", paid_at=_day("2026-05-01")),
                   order(f"H{i}-2", customer=c[i], store="HZ001",
                         paid_at=_day("2026-05-01", 15) if i < 2 else _day("2026-05-20"))]  # two same-day
    orders.append(order("H6-3", customer=c[6], store="HZ001", paid_at=_day("2026-06-01")))
    orders += [order(f"H{i}-1", customer=c[i], store="HZ001", paid_at=_day("2026-05-03")) for i in range(7, 12)]
    assert post_orders(client, orders).status_code == 201
    m = client.get("/api/v1/metrics/repurchase?store=HZ001&from=2026-05-01&to=2026-06-30", headers=AUTH).get_json()
    assert m["repeat_rate_orders"] == {"numerator": 8, "denominator": 20, "rate": 0.4}
    assert m["repeat_rate_customers"] == {"numerator": 5, "denominator": 12, "rate": round(5 / 12, 4)}
    everywhere = client.get("/api/v1/metrics/repurchase?from=2026-05-01&to=2026-06-30", headers=AUTH).get_json()
    assert everywhere["store"] is None and everywhere["orders"] == 20


def test_metrics_need_the_token_a_known_store_and_a_period(client, org):
    url = "/api/v1/metrics/repurchase?store=SH001&from=2026-01-01&to=2026-03-31"
    assert client.get(url).status_code == 401
    assert client.get(url.replace("SH001", "XX999"), headers=AUTH).status_code == 404
    assert client.get("/api/v1/metrics/repurchase?store=SH001&from=2026-04-01&to=2026-03-31",
                      headers=AUTH).status_code == 422
    empty = client.get(url, headers=AUTH).get_json()
    assert empty["customers"] == 0 and empty["repeat_rate_customers"]["rate"] is None
