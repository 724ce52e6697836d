"""Hostile commerce events: an event that cannot be stored is rejected with its reason, the others are stored."""
from __future__ import annotations

import json
import time

from bot.rules.webhook import signed_headers
from tests.tracking.helpers import EVENTS_SECRET, befriend, event, events


def test_events_with_nul_nan_or_an_off_calendar_time_are_rejected_alone(client, db, org, sandbox, driver, work):
    lin = befriend(sandbox, driver, work, "林女士", "lixiao")
    batch = [event("ok-1", "page_view", external_userid=lin),
             event("nul-\x00", "page_view", external_userid=lin),
             event("nan-1", "coupon_claim", external_userid=lin, amount=float("nan")),
             event("inf-1", "coupon_claim", external_userid=lin, amount=float("inf")),
             {**event("old-1", "page_view", external_userid=lin), "occurred_at": "0001-01-01T00:00:00+08:00"},
             {**event("end-1", "page_view", external_userid=lin), "occurred_at": "9999-12-31T23:59:59-08:00"},
             event("page-1", "page_view", external_userid=lin, page="/p\x00"),
             event("ok-2", "add_to_cart", external_userid=lin, sku="SKU-1", amount=12.5)]
    raw = json.dumps({"events": batch}).encode()       # NaN and Infinity as JSON literals, NUL as \u0000
    assert b"NaN" in raw and b"Infinity" in raw
    response = client.post("/api/v1/events", data=raw, headers=signed_headers(EVENTS_SECRET, raw, int(time.time())))
    assert response.status_code == 207, response.get_data()[:300]
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created"] + ["rejected"] * 6 + ["created"]
    assert [r["errors"] for r in results[1:7]] == [
        ["event_id contains a NUL character or invalid text"],
        ["'amount' must be a finite number or text without NUL"],
        ["'amount' must be a finite number or text without NUL"],
        ["occurred_at must be between 2000-01-01 and 2099-12-31"],
        ["occurred_at must be between 2000-01-01 and 2099-12-31"],
        ["'page' must be a finite number or text without NUL"]]
    stored = {e.event_id: e for e in events(db)}
    assert set(stored) == {"ok-1", "ok-2"} and stored["ok-2"].payload == {"amount": 12.5}
