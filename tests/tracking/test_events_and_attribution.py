"""The commerce-event webhook and attribution through the real paths: WeCom callbacks, clicks, orders, events."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.spine.helpers import deliver
from tests.tracking.helpers import (AUTH, attributions, befriend, customer_id, event, events, ids, order,
                                    post_events, post_orders, token)


def _events_summary(response) -> dict:
    return response.get_json()["summary"]


def test_events_are_signed_like_orders(client, db, org):
    assert post_events(client, [event("e1", "page_view", unionid="u1")], secret="wrong").status_code == 401
    response = post_events(client, [event("e1", "page_view", unionid="u1")], signature="sha256=" + "0" * 64)
    assert response.status_code == 401 and response.get_json()["error"] == "bad_signature"
    assert events(db) == []


def test_events_are_stored_once_per_event_id_and_credited(client, db, org, sandbox, driver, work):
    lin = befriend(sandbox, driver, work, "林女士", "lixiao")
    [wangfang] = ids(db, "wangfang")
    link = token(guide_id=wangfang, customer_id=customer_id(db, lin), material_id=77)
    batch = [event("c-1", "coupon_claim", token=link, coupon_id="NEW10"),
             event("a-1", "add_to_cart", external_userid=lin, sku="SKU-DRESS"),
             event("a-1", "add_to_cart", external_userid=lin, sku="SKU-DRESS"),      # repeated in the batch
             event("p-1", "page_view", external_userid="wm-nobody"),                 # not a customer of ours
             {"event_id": "bad", "kind": "refund"}]
    response = post_events(client, batch)
    assert response.status_code == 207
    assert _events_summary(response) == {"created": 2, "duplicate": 1, "rejected": 2}
    results = {r["index"]: r for r in response.get_json()["results"]}
    assert results[3]["errors"] == ["customer not found"] and results[2]["result"] == "duplicate"
    stored = {e.event_id: e for e in events(db)}
    [lixiao] = ids(db, "lixiao")
    coupon, cart = stored["c-1"], stored["a-1"]
    assert (coupon.guide_id, coupon.attribution, coupon.material_id, coupon.payload) == \
        (wangfang, "last_click", 77, {"coupon_id": "NEW10"})                          # the link it came through
    assert (cart.guide_id, cart.attribution, cart.sku) == (lixiao, "exclusive_friend", "SKU-DRESS")

    replay = post_events(client, batch[:3])
    assert replay.status_code == 200 and _events_summary(replay) == {"created": 0, "duplicate": 3, "rejected": 0}
    assert len(events(db)) == 2


def test_two_guides_competing_for_one_customer(client, db, org, sandbox, driver, work):
    channel = client.post("/api/v1/channels", json={"guide_userid": "wangfang", "campaign": "春装"}, headers=AUTH)
    lin = sandbox.new_customer("林女士")
    deliver(driver, sandbox.customer_scans_contact_way(channel.get_json()["config_id"], lin))  # wangfang brought her
    deliver(driver, sandbox.customer_adds_member(lin, "lixiao"))                                # then lixiao too
    work()
    wangfang, lixiao = ids(db, "wangfang", "lixiao")
    now = datetime.now(timezone.utc)

    def buy(no: str, at: datetime) -> None:
        response = post_orders(client, [order(no, customer=lin, paid_at=at.isoformat(), amount=39900)])
        assert response.status_code == 201, response.get_json()

    buy("O-1", now)                                    # no click: two friends, nobody exclusive -> the channel
    cid = customer_id(db, lin)
    assert client.get(f"/t/{token(guide_id=lixiao, customer_id=cid)}").status_code == 302
    buy("O-2", now + timedelta(minutes=1))             # lixiao's link was clicked last
    assert client.get(f"/t/{token(guide_id=wangfang, customer_id=cid, target='https://shop.example.com/x')}") \
        .status_code == 302
    post_events(client, [event("claim-1", "coupon_claim", external_userid=lin)])
    buy("O-3", now + timedelta(days=8))                # a week later no click counts any more -> the channel
    deliver(driver, sandbox.customer_deletes_member(lin, "wangfang"))
    work()
    buy("O-4", now + timedelta(days=9))                # lixiao is the one friend left
    assert attributions(db) == {"O-1": ("wangfang", "channel"), "O-2": ("lixiao", "last_click"),
                                "O-3": ("wangfang", "channel"), "O-4": ("lixiao", "exclusive_friend")}
    [claim] = events(db)
    assert (claim.guide_id, claim.attribution) == (wangfang, "last_click")
