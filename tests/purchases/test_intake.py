"""POST /api/v1/orders: signature, per-order validation, idempotency, refunds, hashed mobiles."""
from __future__ import annotations

import time

from sqlalchemy import func, select, text

from models import CustomerMobile, Order, OrderItem
from tests.purchases.helpers import order, post_orders


def _count(db, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_valid_batch_is_stored_with_its_items(client, org, db):
    batch = [order("A-1", customer="wm-1", items=[
        {"sku": "MASK-12", "name": "面膜 12片", "category": "护肤", "quantity": 2, "unit_price": 9900},
        {"sku": "TONER-50", "name": "柔肤水 50ml", "quantity": 1, "unit_price": 12000}], amount=31800),
        order("A-2", unionid="un-2", store="HZ001", guide="chenjing")]
    response = post_orders(client, batch)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["summary"] == {"created": 2, "updated": 0, "unchanged": 0, "duplicate": 0, "rejected": 0}
    assert [r["result"] for r in body["results"]] == ["created", "created"]
    with db.transaction() as session:
        a1 = session.scalars(select(Order).where(Order.order_no == "A-1")).one()
        assert a1.store_id == org["SH001"] and a1.amount == 31800 and a1.status == "paid"
        assert a1.customer_id is None and a1.external_userid == "wm-1"  # not a friend yet: kept unmatched
        assert [(i.line_no, i.sku, i.quantity, i.unit_price) for i in a1.items] == [
            (1, "MASK-12", 2, 9900), (2, "TONER-50", 1, 12000)]
        a2 = session.scalars(select(Order).where(Order.order_no == "A-2")).one()
        assert a2.store_id == org["HZ001"] and a2.guide_userid == "chenjing" and a2.guide_id is not None


def test_the_same_batch_posted_twice_changes_nothing(client, org, db):
    batch = [order(f"B-{i}", customer=f"wm-{i}") for i in range(5)]
    assert post_orders(client, batch).status_code == 201
    with db.transaction() as session:
        before = session.execute(select(Order.id, Order.updated_at).order_by(Order.id)).all()
    again = post_orders(client, batch)
    assert again.status_code == 200
    assert again.get_json()["summary"] == {"created": 0, "updated": 0, "unchanged": 5, "duplicate": 0, "rejected": 0}
    with db.transaction() as session:
        assert session.execute(select(Order.id, Order.updated_at).order_by(Order.id)).all() == before
    assert _count(db, Order) == 5 and _count(db, OrderItem) == 5


def test_one_bad_order_is_reported_and_the_others_are_stored(client, org, db):
    batch = [order("C-1", customer="wm-1"),
             {**order("C-2", customer="wm-2"), "amount": 199.5},
             order("C-3", customer="wm-3", store="NOPE01"),
             order("C-4", customer="wm-4")]
    response = post_orders(client, batch)
    assert response.status_code == 207
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "rejected", "rejected", "created"]
    assert "amount must be an integer number of fen (no decimals)" in results[1]["errors"]
    assert results[2]["errors"] == ["unknown store_code 'NOPE01'"]
    assert _count(db, Order) == 2


def test_a_batch_where_every_order_fails_is_422_with_reasons(client, org, db):
    batch = [{"order_no": "D-1", "store_code": "SH001", "paid_at": "2026-03-01 10:00:00", "amount": 100},
             {"order_no": "D-2", "store_code": "SH001", "paid_at": "2026-03-01T10:00:00+08:00", "amount": 100,
              "external_userid": "wm", "status": "partially_refunded"},
             "not an order"]
    response = post_orders(client, batch)
    assert response.status_code == 422
    errors = [r["errors"] for r in response.get_json()["results"]]
    assert "paid_at must carry a time zone offset" in errors[0]
    assert "the customer is required: external_userid, unionid or mobile" in errors[0]
    assert errors[1] == ["refunded_amount must be an integer"]
    assert errors[2] == ["order must be a JSON object"]
    assert _count(db, Order) == 0


def test_a_bad_signature_or_a_stale_timestamp_is_rejected_and_nothing_is_stored(client, org, db):
    batch = [order("E-1", customer="wm-1")]
    wrong = post_orders(client, batch, secret="not-the-secret")
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "bad_signature"
    stale = post_orders(client, batch, timestamp=int(time.time()) - 301)
    assert stale.status_code == 401 and stale.get_json()["error"] == "stale_timestamp"
    future = post_orders(client, batch, timestamp=int(time.time()) + 400)
    assert future.status_code == 401 and future.get_json()["error"] == "stale_timestamp"
    garbled = post_orders(client, batch, signature="sha256=" + "0" * 64)
    assert garbled.status_code == 401
    assert _count(db, Order) == 0
    assert post_orders(client, batch, timestamp=int(time.time()) - 200).status_code == 201


def test_a_refund_updates_the_order_and_an_old_state_arriving_late_does_not(client, org, db):
    assert post_orders(client, [order("F-1", customer="wm-1", amount=50000)]).status_code == 201
    partial = post_orders(client, [order("F-1", customer="wm-1", amount=50000, status="partially_refunded",
                                         refunded_amount=20000)])
    assert partial.get_json()["summary"]["updated"] == 1
    full = post_orders(client, [order("F-1", customer="wm-1", amount=50000, status="refunded")])
    assert full.get_json()["summary"]["updated"] == 1
    late = post_orders(client, [order("F-1", customer="wm-1", amount=50000)])
    assert late.get_json()["summary"]["unchanged"] == 1
    other = post_orders(client, [order("F-1", customer="wm-1", amount=90000, status="partially_refunded",
                                       refunded_amount=60000), order("F-2", customer="wm-1")])
    assert other.status_code == 207
    assert other.get_json()["results"][0]["errors"] == ["amount differs from the order already received (50000 fen)"]
    with db.transaction() as session:
        row = session.scalars(select(Order).where(Order.order_no == "F-1")).one()
        assert (row.status, row.refunded_amount, row.amount) == ("refunded", 50000, 50000)


def test_oversized_and_malformed_batches(client, org, settings):
    assert post_orders(client, [order(f"G-{i}", customer="wm") for i in range(settings.ORDER_BATCH_MAX + 1)]
                       ).status_code == 413
    assert post_orders(client, []).status_code == 400


def test_mobile_numbers_are_stored_only_as_a_keyed_hash(client, org, db):
    assert post_orders(client, [order("H-1", mobile="+86 138-0013-8000")]).status_code == 201
    with db.transaction() as session:
        row = session.scalars(select(Order)).one()
        assert len(row.mobile_hash) == 64 and "13800138000" not in row.mobile_hash
        dump = " ".join(str(v) for v in session.execute(text("SELECT * FROM purchase_order")).one())
    assert "13800138000" not in dump and "138-0013" not in dump
    assert _count(db, CustomerMobile) == 0
