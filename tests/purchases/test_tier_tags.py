"""Tiers from day-merged purchases, and the WeCom tier tags following them (sandbox + real worker)."""
from __future__ import annotations

from tests.purchases.helpers import (befriend, customer_json, order, post_orders, purchase_summary, tier_tag_id,
                                     tier_tags_on)


def test_orders_either_side_of_midnight_in_the_stores_time_zone(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("林女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    # 15:30Z and 16:30Z are one UTC day but 23:30 and 00:30 in Shanghai: two purchases.
    post_orders(client, [order("M-1", customer=eid, paid_at="2026-03-01T15:30:00Z"),
                         order("M-2", customer=eid, paid_at="2026-03-01T16:30:00Z")])
    assert (purchase_summary(db, eid).purchase_count, purchase_summary(db, eid).tier) == (2, "second")
    # 2026-03-02T08:00Z is 16:00 on 2 March in Shanghai, the same local day as M-2: still two.
    post_orders(client, [order("M-3", customer=eid, paid_at="2026-03-02T08:00:00Z")])
    summary = purchase_summary(db, eid)
    assert (summary.purchase_count, summary.order_count, summary.tier) == (2, 3, "second")
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"购买过二次"}


def test_a_refund_moves_the_customer_down_a_tier_and_the_tags_follow(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("王女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    post_orders(client, [order("R-1", customer=eid, paid_at="2026-03-01T10:00:00+08:00", amount=30000),
                         order("R-2", customer=eid, paid_at="2026-03-05T10:00:00+08:00", amount=40000)])
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"购买过二次"}
    refund = post_orders(client, [order("R-2", customer=eid, paid_at="2026-03-05T10:00:00+08:00", amount=40000,
                                        status="refunded")])
    assert refund.get_json()["summary"]["updated"] == 1
    summary = purchase_summary(db, eid)
    assert (summary.tier, summary.purchase_count, summary.lifetime_amount) == ("first", 1, 30000)
    assert summary.tag_sync_status == "pending"
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"}
    body = customer_json(client, eid)
    assert body["tier"] == "first" and body["tag_sync"]["status"] == "synced" and body["tag_sync"]["synced_at"]
    # Refunding the last purchase takes every tier tag off.
    post_orders(client, [order("R-1", customer=eid, paid_at="2026-03-01T10:00:00+08:00", amount=30000,
                               status="refunded")])
    work()
    assert purchase_summary(db, eid).tier == "none"
    assert tier_tags_on(sandbox, eid, "wangfang") == set()


def test_a_customer_friends_with_two_guides_is_tagged_on_both(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("周先生")
    befriend(sandbox, driver, eid, "wangfang")
    befriend(sandbox, driver, eid, "chenjing")
    work()
    post_orders(client, [order("T-1", customer=eid)])
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"}
    assert tier_tags_on(sandbox, eid, "chenjing") == {"首次购买"}
    assert len(sandbox.calls("externalcontact/mark_tag")) == 2


def test_a_guide_added_later_gets_the_tag_on_that_friendship_too(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("陈女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    post_orders(client, [order("L-1", customer=eid)])
    work()
    marks_before = len(sandbox.calls("externalcontact/mark_tag"))
    befriend(sandbox, driver, eid, "lixiao")
    work()
    assert tier_tags_on(sandbox, eid, "lixiao") == {"首次购买"}
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"}
    assert len(sandbox.calls("externalcontact/mark_tag")) == marks_before + 1  # only the new friendship


def test_an_unmatched_order_is_matched_when_the_customer_adds_a_guide(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("赵女士", unionid="union-zhao")
    post_orders(client, [order("U-1", unionid="union-zhao", paid_at="2026-02-01T12:00:00+08:00"),
                         order("U-2", unionid="union-zhao", paid_at="2026-02-09T12:00:00+08:00")])
    assert purchase_summary(db, eid) is None
    befriend(sandbox, driver, eid, "zhangli")
    work()
    summary = purchase_summary(db, eid)
    assert (summary.purchase_count, summary.tier, summary.tag_sync_status) == (2, "second", "synced")
    assert tier_tags_on(sandbox, eid, "zhangli") == {"购买过二次"}


def test_an_order_by_mobile_is_matched_through_the_guides_remark_mobile(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("钱先生")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    sandbox.member_edits_customer(eid, "wangfang", remark_mobiles=["13900139000"])  # no event for mobiles
    post_orders(client, [order("P-1", mobile="139 0013 9000")])
    assert purchase_summary(db, eid) is None
    befriend(sandbox, driver, eid, "lixiao")  # the add fetches the customer, remark mobiles included
    work()
    assert purchase_summary(db, eid).tier == "first"
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"} == tier_tags_on(sandbox, eid, "lixiao")
    # The mobile is known now: the next order by mobile matches at once.
    post_orders(client, [order("P-2", mobile="13900139000", paid_at="2026-03-08T10:00:00+08:00")])
    assert purchase_summary(db, eid).tier == "second"


def test_a_burst_of_100_orders_for_one_customer_makes_a_handful_of_mark_tag_calls(
        client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("孙女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    days = ["2026-03-01", "2026-03-02", "2026-03-03"]  # the tier climbs to third_plus inside the burst
    for i in range(100):
        response = post_orders(client, [order(f"S-{i}", customer=eid, paid_at=f"{days[i % 3]}T10:00:00+08:00")])
        assert response.status_code == 201
    jobs = work()
    assert purchase_summary(db, eid).tier == "third_plus"
    assert tier_tags_on(sandbox, eid, "wangfang") == {"购买三次及以上"}
    assert len(sandbox.calls("externalcontact/mark_tag")) <= 2
    assert jobs <= 3  # the add event and one or two tag jobs, not one per order


def test_rate_limits_and_expired_tokens_from_wecom_still_converge(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("李女士")
    befriend(sandbox, driver, eid, "wangfang")
    befriend(sandbox, driver, eid, "chenjing")
    work()
    sandbox.inject_fault("externalcontact/mark_tag", errcode=45009, times=2)
    post_orders(client, [order("Q-1", customer=eid)])
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"} == tier_tags_on(sandbox, eid, "chenjing")
    sandbox.inject_fault("externalcontact/mark_tag", errcode=42001, times=3)
    post_orders(client, [order("Q-2", customer=eid, paid_at="2026-03-09T10:00:00+08:00")])
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"购买过二次"} == tier_tags_on(sandbox, eid, "chenjing")
    answered = [c.errcode for c in sandbox.calls("externalcontact/mark_tag")]
    assert answered.count(45009) == 2 and answered.count(42001) == 3  # the faults were really met
    summary = purchase_summary(db, eid)
    assert summary.tag_sync_status == "synced" and summary.tag_sync_error is None


def test_a_friend_who_left_is_not_a_failure(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("吴先生")
    befriend(sandbox, driver, eid, "wangfang")
    befriend(sandbox, driver, eid, "lixiao")
    work()
    sandbox.member_deletes_customer(eid, "lixiao")  # WeCom knows; the event has not reached us yet
    post_orders(client, [order("N-1", customer=eid)])
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"}
    assert purchase_summary(db, eid).tag_sync_status == "synced"
    assert [c.errcode for c in sandbox.calls("externalcontact/mark_tag")].count(84061) == 1
    assert tier_tag_id(sandbox, "first") in sandbox.tags_of(eid, "wangfang")


def test_a_tier_tag_deleted_in_the_admin_console_is_recreated_and_tags_converge(
        client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("郑女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    post_orders(client, [order("D-1", customer=eid)])
    work()
    sandbox.admin_deletes_tag(tier_tag_id(sandbox, "first"))  # no event reaches us in this test
    post_orders(client, [order("D-2", customer=eid, paid_at="2026-03-20T10:00:00+08:00")])
    work()
    assert [c.errcode for c in sandbox.calls("externalcontact/mark_tag")].count(40068) == 1
    assert tier_tags_on(sandbox, eid, "wangfang") == {"购买过二次"}
    assert purchase_summary(db, eid).tag_sync_status == "synced"
    assert tier_tag_id(sandbox, "first")  # recreated


def test_a_batch_moving_many_tiers_makes_a_job_per_chunk_and_tags_everyone(client, org, sandbox, work, db):
    from datetime import datetime, timezone

    from sqlalchemy import select

    from bot.flows.tag_queue import JOB_CHUNK
    from models import Customer, Friendship, Guide

    eids = [sandbox.new_customer(f"顾客{i}") for i in range(JOB_CHUNK * 2 + 5)]
    for eid in eids:
        sandbox.customer_adds_member(eid, "wangfang")  # in WeCom only: the rows below stand for the events
    now = datetime.now(timezone.utc)
    with db.transaction() as session:
        guide = session.scalars(select(Guide).where(Guide.userid == "wangfang")).one()
        for eid in eids:
            customer = Customer(external_userid=eid, name="")
            session.add(customer)
            session.flush()
            session.add(Friendship(guide_id=guide.id, customer_id=customer.id, added_at=now, first_added_at=now,
                                   add_count=1))
    response = post_orders(client, [order(f"K-{i}", customer=eid) for i, eid in enumerate(eids)])
    assert response.status_code == 201
    assert work() == 3  # 105 customers, 50 per job
    assert all(tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"} for eid in eids)
    assert len(sandbox.calls("externalcontact/mark_tag")) == len(eids)


def test_the_last_days_items_follow_orders_and_refunds_through_the_intake(client, org, sandbox, driver, work, db):
    """Two orders on one day hold three items; refunding the two-item one leaves a single-item buyer (the
    outfit suggestion reads the summary), and a later purchase day counts on its own."""
    eid = sandbox.new_customer("许女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    shirt = [{"sku": "SKU-SHIRT", "name": "衬衫", "category": "衬衫", "quantity": 1, "unit_price": 20000}]
    socks = [{"sku": "SKU-SOCK", "name": "袜子", "category": "配饰", "quantity": 2, "unit_price": 5000}]
    post_orders(client, [order("I-1", customer=eid, amount=20000, items=shirt),
                         order("I-2", customer=eid, amount=10000, items=socks)])
    assert purchase_summary(db, eid).last_purchase_items == 3
    post_orders(client, [order("I-2", customer=eid, amount=10000, items=socks, status="refunded")])
    assert purchase_summary(db, eid).last_purchase_items == 1
    post_orders(client, [order("I-3", customer=eid, amount=10000, items=socks,
                               paid_at="2026-03-04T10:00:00+08:00")])
    summary = purchase_summary(db, eid)
    assert (summary.last_purchase_day.isoformat(), summary.last_purchase_items) == ("2026-03-04", 2)
