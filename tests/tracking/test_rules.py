"""Pure rules of tracking, attribution, the holdout and the interval: no database."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer

from bot.rules.attribution import ClickTouch, FriendTie, attribute_event, friend_at, parse_attribution_rule
from bot.rules.effect import holdout_bucket, is_held_out, newcombe_difference, wilson_interval
from bot.rules.leaderboard import metric_value, period_range, ranked, shift
from bot.rules.tracking import (LINK_SALT, LinkRef, counted_flags, is_hot_click, link_expired, parse_event, read_link,
                                sign_link, visitor_of)

SECRET = "k" * 40
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


# ----- tokens ---------------------------------------------------------------------------------------------

def test_a_token_carries_the_link_and_nothing_else_reads_it():
    ref = LinkRef("https://shop.example.com/p/9?x=1", guide_id=3, customer_id=41, todo_id=7, material_id=12,
                  issued_at=int(T0.timestamp()))
    token = sign_link(SECRET, ref)
    assert read_link(SECRET, token) == ref
    assert read_link("another-secret" * 3, token) is None                 # signed with another key


def test_an_altered_or_forged_token_is_refused():
    token = sign_link(SECRET, LinkRef("https://shop.example.com/", guide_id=3, customer_id=41))
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert read_link(SECRET, flipped) is None
    forged_payload = sign_link(SECRET, LinkRef("https://evil.example.com/", guide_id=3, customer_id=41))
    body, signature = forged_payload.rsplit(".", 1)
    assert read_link(SECRET, token.rsplit(".", 1)[0] + "." + signature) is None   # body of one, signature of another
    assert read_link(SECRET, "not-a-token") is None and read_link(SECRET, "") is None


def test_a_token_carries_its_issue_time_and_expires_for_counting_only():
    token = sign_link(SECRET, LinkRef("https://shop.example.com/", guide_id=3, customer_id=41))
    ref = read_link(SECRET, token)
    assert abs(ref.issued_at - datetime.now(timezone.utc).timestamp()) < 5
    issued = LinkRef("https://shop.example.com/", guide_id=3, issued_at=int(T0.timestamp()))
    assert not link_expired(issued, T0 + timedelta(days=90), 90)
    assert link_expired(issued, T0 + timedelta(days=90.01), 90)
    legacy = URLSafeSerializer(SECRET, salt=LINK_SALT).dumps([7, 3, 41, 12, "https://shop.example.com/"])
    assert read_link(SECRET, legacy) == LinkRef("https://shop.example.com/", 3, 41, 7, 12, None)   # five items
    assert not link_expired(read_link(SECRET, legacy), T0 + timedelta(days=3650), 90)
    for bad in ([7, 3, 41, 12, "https://shop.example.com/", -1], [7, 3, 41, 12, "https://shop.example.com/", 1, 2],
                [7, 3, 41, 12, "https://shop.example.com/", "soon"]):
        assert read_link(SECRET, URLSafeSerializer(SECRET, salt=LINK_SALT).dumps(bad)) is None


def test_who_clicked_is_the_signed_customer_else_the_network():
    assert visitor_of(41, "203.0.113.9") == "c:41"
    assert visitor_of(None, "203.0.113.9") == visitor_of(None, "203.0.113.9") != visitor_of(None, "203.0.113.10")
    assert visitor_of(None, "2001:db8:1:2::1") == visitor_of(None, "2001:db8:1:2:ffff::9")         # one /64
    assert visitor_of(None, "2001:db8:1:2::1") != visitor_of(None, "2001:db8:1:3::1")
    assert visitor_of(None, "") == visitor_of(None, "")


def test_only_http_links_are_signed():
    with pytest.raises(ValueError):
        sign_link(SECRET, LinkRef("javascript:alert(1)"))


# ----- the click dedupe -----------------------------------------------------------------------------------

def test_repeat_clicks_within_thirty_minutes_of_a_counted_one_count_once():
    times = [minutes(m) for m in (0, 1, 29.9, 30, 31, 59, 61, 200)]
    assert counted_flags(times, timedelta(minutes=30)) == [True, False, False, True, False, False, True, True]


def test_a_click_is_hot_within_the_hour_of_the_send_or_before_the_send_is_settled():
    assert is_hot_click(T0, False, minutes(59), 60) and not is_hot_click(T0, False, minutes(61), 60)
    assert is_hot_click(None, True, minutes(5), 60) and not is_hot_click(None, False, minutes(5), 60)


# ----- commerce events ------------------------------------------------------------------------------------

def test_events_are_validated_and_normalised():
    event, errors = parse_event({"event_id": "e1", "kind": "coupon_claim", "occurred_at": "2026-03-02T10:00:00+08:00",
                                 "mobile": "+86 138-0013-8000", "coupon_id": "C9"})
    assert errors == [] and event.mobile == "13800138000" and event.payload == {"coupon_id": "C9"}
    _none, errors = parse_event({"event_id": "", "kind": "buy", "occurred_at": "2026-03-02T10:00:00"})
    assert errors == ["event_id is required", "kind must be one of add_to_cart, coupon_claim, page_view",
                      "occurred_at is required: ISO 8601 with a time zone offset",
                      "the customer is required: token, external_userid, unionid or mobile"]


@pytest.mark.parametrize("overrides, reason", [
    ({"event_id": "e\x00"}, "event_id contains a NUL character or invalid text"),
    ({"event_id": "e\ud800"}, "event_id contains a NUL character or invalid text"),
    ({"sku": "\x00"}, "sku contains a NUL character or invalid text"),
    ({"occurred_at": "0001-01-01T00:00:00+08:00"}, "occurred_at must be between 2000-01-01 and 2099-12-31"),
    ({"occurred_at": "9999-12-31T23:59:59-08:00"}, "occurred_at must be between 2000-01-01 and 2099-12-31"),
    ({"amount": float("nan")}, "'amount' must be a finite number or text without NUL"),
    ({"amount": float("inf")}, "'amount' must be a finite number or text without NUL"),
    ({"page": "/p\x00"}, "'page' must be a finite number or text without NUL"),
    ({"big": 10**30}, "'big' must be a finite number or text without NUL"),
])
def test_an_event_that_cannot_be_stored_is_rejected_with_a_reason(overrides, reason):
    raw = {"event_id": "e1", "kind": "coupon_claim", "occurred_at": "2026-03-02T10:00:00+08:00",
           "external_userid": "wm-1", **overrides}
    event, errors = parse_event(raw)
    assert event is None and errors == [reason]


# ----- attribution ----------------------------------------------------------------------------------------

def tie(guide: int, added: datetime, *, deleted: datetime | None = None, channel_guide: int | None = None,
        fid: int = 0) -> FriendTie:
    return FriendTie(guide, added, added, None, deleted, channel_guide, fid)


def test_two_guides_competing_the_last_click_within_seven_days_wins():
    ties = [tie(1, minutes(-60 * 24 * 30), fid=1), tie(2, minutes(-60 * 24 * 20), fid=2)]
    clicks = [ClickTouch(1, minutes(-60 * 24 * 3), 10), ClickTouch(2, minutes(-60), 11)]
    credit = attribute_event(at=T0, clicks=clicks, ties=ties)
    assert (credit.guide_id, credit.reason, credit.touch.click_id) == (2, "last_click", 11)
    # Eight days later neither click counts; two friendships: nobody is exclusive; the first friend brought them.
    later = attribute_event(at=T0 + timedelta(days=8), clicks=clicks, ties=ties)
    assert (later.guide_id, later.reason) == (1, "channel")


def test_an_exclusive_friend_gets_it_then_the_channel_guide():
    # Guide 2 was added first (through guide 3's channel code) but the customer deleted them since.
    ties = [tie(2, minutes(-9000), deleted=minutes(-100), channel_guide=3, fid=1), tie(1, minutes(-500), fid=2)]
    assert (attribute_event(at=T0, clicks=[], ties=ties).guide_id,
            attribute_event(at=T0, clicks=[], ties=ties).reason) == (1, "exclusive_friend")
    channel_only = attribute_event(at=T0, clicks=[], ties=ties, steps=("channel",))
    assert (channel_only.guide_id, channel_only.reason) == (3, "channel")


def test_inactive_guides_get_nothing_and_the_rule_is_configurable():
    clicks = [ClickTouch(2, minutes(-5))]
    ties = [tie(1, minutes(-500))]
    assert attribute_event(at=T0, clicks=clicks, ties=ties, active_guides={1}).guide_id == 1
    assert attribute_event(at=T0, clicks=clicks, ties=ties, steps=("exclusive_friend",)).guide_id == 1
    assert attribute_event(at=T0, clicks=clicks, ties=[], steps=("exclusive_friend", "channel")) is None
    assert parse_attribution_rule(" channel , last_click") == ("channel", "last_click")
    with pytest.raises(ValueError):
        parse_attribution_rule("last_click,loudest_guide")


def test_friendship_at_a_moment_reads_the_latest_add_and_deletions():
    re_added = FriendTie(1, minutes(-1000), minutes(10), None, minutes(-100))
    assert friend_at(re_added, minutes(-500)) and not friend_at(re_added, minutes(-50))
    assert friend_at(re_added, minutes(20))


# ----- the holdout ----------------------------------------------------------------------------------------

def test_the_holdout_is_stable_and_about_ten_percent():
    population = range(1, 10_001)
    held = [c for c in population if is_held_out("first_care", c, 10)]
    assert abs(len(held) / 10_000 - 0.10) <= 0.01
    assert held == [c for c in population if holdout_bucket("first_care", c) < 10]      # same answer again
    scattered = random.Random(5).sample(range(1, 50_000_000), 10_000)                  # ids far apart
    assert abs(sum(is_held_out("first_care", c, 10) for c in scattered) / 10_000 - 0.10) <= 0.01
    buckets = [holdout_bucket("first_care", c) for c in population]
    assert min(buckets) == 0 and max(buckets) == 99


def test_each_rule_holds_out_its_own_customers():
    population = range(1, 10_001)
    first = {c for c in population if is_held_out("first_care", c, 10)}
    birthday = {c for c in population if is_held_out("birthday_day", c, 10)}
    assert first != birthday
    assert 50 <= len(first & birthday) <= 150          # about 10% of 10%: independent, not the same customers


# ----- the interval ---------------------------------------------------------------------------------------

def test_wilson_and_newcombe_match_the_published_examples():
    low, high = wilson_interval(81, 263)                   # Newcombe 1998 (Wilson 1927 style): 0.2553, 0.3662
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    d = newcombe_difference(56, 70, 48, 80)                # Newcombe 1998 table II, example (a), method 10
    assert (round(d.low, 4), round(d.high, 4)) == (0.0524, 0.3339)
    assert newcombe_difference(1, 0, 1, 10) is None


def test_the_interval_covers_a_known_effect_about_95_times_in_100():
    rng, misses, runs = random.Random(20261202), 0, 1000
    p_treated, p_holdout = 0.32, 0.21
    for _ in range(runs):
        n_t, n_h = 900, 100
        k_t = sum(rng.random() < p_treated for _ in range(n_t))
        k_h = sum(rng.random() < p_holdout for _ in range(n_h))
        d = newcombe_difference(k_t, n_t, k_h, n_h)
        misses += not (d.low <= p_treated - p_holdout <= d.high)
    assert 0.93 <= 1 - misses / runs <= 0.975


# ----- leaderboard periods --------------------------------------------------------------------------------

def test_periods_and_ranking():
    wednesday = date(2026, 3, 4)
    assert period_range("week", wednesday) == (date(2026, 3, 2), date(2026, 3, 8))
    assert period_range("month", wednesday) == (date(2026, 3, 1), date(2026, 3, 31))
    assert shift("month", date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert shift("week", wednesday, 1) == date(2026, 3, 11)
    rows = ranked([{"name": "乙", "v": 5}, {"name": "甲", "v": 9}, {"name": "丙", "v": 5}, {"name": "丁", "v": None}], "v")
    assert [(r["name"], r["rank"]) for r in rows] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]
    assert metric_value({"todos_assigned": 4, "todos_done": 3}, "completion_rate") == 0.75
    assert metric_value({}, "completion_rate") is None


def test_tracking_settings_are_checked():
    from config import ConfigError, Settings

    with pytest.raises(ConfigError) as info:
        Settings(ATTRIBUTION_RULE="last_click,loudest", HOLDOUT_PERCENT=80, CLICK_DEDUPE_MINUTES=0,
                 TRACKED_LINK_DAYS=0).validate()
    for name in ("ATTRIBUTION_RULE", "HOLDOUT_PERCENT", "CLICK_DEDUPE_MINUTES", "TRACKED_LINK_DAYS"):
        assert name in str(info.value)
    Settings(ATTRIBUTION_RULE="channel", HOLDOUT_PERCENT=0).validate()
