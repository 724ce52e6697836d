"""Tracked links end to end: the redirect, forged tokens, the 30-minute dedupe, live counters, the radar notice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.tracking import ClickSeen, GuideZones, live_counters, record_click
from bot.rules.tracking import read_link, visitor_of
from models import PerformanceDay
from tests.todos.helpers import customer as new_customer
from tests.tracking.helpers import SECRET_KEY, clicks, ids, sent_todo, token

WECHAT_UA = "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50"


def _todo_link(db, name: str, *, sent_minutes_ago: float | None, status: str = "done"):
    with db.transaction() as session:
        cid = new_customer(session, name)
        sent_at = datetime.now(timezone.utc) - timedelta(minutes=sent_minutes_ago) if sent_minutes_ago is not None \
            else None
        todo = sent_todo(session, "wangfang", cid, sent_at, status=status)
        return cid, todo.id, token(guide_id=todo.guide_id, customer_id=cid, todo_id=todo.id, material_id=None)


def test_a_click_is_recorded_then_redirected(client, db, org, runtime):
    [wangfang] = ids(db, "wangfang")
    link = token(target="https://shop.example.com/coupon?id=9", guide_id=wangfang, customer_id=None, material_id=5)
    response = client.get(f"/t/{link}?unionid=oUNION1", headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 302 and response.headers["Location"] == "https://shop.example.com/coupon?id=9"
    [click] = clicks(db)
    assert (click.guide_id, click.material_id, click.customer_id, click.unionid, click.user_agent, click.counted) == \
        (wangfang, 5, None, "oUNION1", WECHAT_UA, True)
    # the unionid in the URL is kept but is anyone's to invent: the click's network decides who clicked
    assert click.visitor == visitor_of(None, "127.0.0.1") and click.target == "https://shop.example.com/coupon?id=9"


def test_a_forged_or_altered_token_is_404_and_records_nothing(client, db, org, runtime):
    [wangfang] = ids(db, "wangfang")
    good = token(guide_id=wangfang, customer_id=None)
    altered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    forged = token(target="https://evil.example.com/", guide_id=wangfang).rsplit(".", 1)[0] + "." + \
        good.rsplit(".", 1)[1]
    for bad in (altered, forged, "eyJ4IjoxfQ.abc", "x" * 300):
        response = client.get(f"/t/{bad}")
        assert response.status_code == 404 and "Location" not in response.headers
    assert clicks(db) == []
    assert runtime.redis.keys("live:*") == [] and runtime.redis.keys("click:*") == []


def test_repeat_clicks_by_one_customer_on_one_link_count_once_in_thirty_minutes(db, org, runtime):
    [wangfang] = ids(db, "wangfang")
    with db.transaction() as session:
        lin, zhou = new_customer(session, "林女士"), new_customer(session, "周先生")
    zones, t0 = GuideZones("Asia/Shanghai"), datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

    def click(customer: int, minutes: float, target: str = "https://shop.example.com/a") -> bool:
        link = token(target=target, guide_id=wangfang, customer_id=customer)
        return record_click(db=runtime.db, connection=runtime.redis, zones=zones, token=link,
                            ref=read_link(SECRET_KEY, link), seen=ClickSeen(user_agent=WECHAT_UA),
                            now=t0 + timedelta(minutes=minutes), window=timedelta(minutes=30), link_days=90)[1]

    assert [click(lin, m) for m in (0, 5, 29)] == [True, False, False]
    assert click(zhou, 6) is True                                        # another customer, same link
    assert click(lin, 7, "https://shop.example.com/b") is True           # same customer, another link
    assert click(lin, 31) is True and click(lin, 40) is False            # 31 minutes after the counted one
    assert len(clicks(db)) == 7                                          # every raw click is kept
    live = live_counters(runtime.redis, wangfang, t0.date())
    assert (live["clicks"], live["raw_clicks"], live["unique_clickers"]) == (4, 7, 2)


def test_a_hot_click_notifies_the_guide_once_per_customer_a_day(client, db, org, work, sandbox, settings):
    settings.PUBLIC_BASE_URL = "https://guide.example.com"
    _cid, _todo, fresh = _todo_link(db, "林女士", sent_minutes_ago=10)
    client.get(f"/t/{fresh}", headers={"User-Agent": WECHAT_UA})
    client.get(f"/t/{fresh}", headers={"User-Agent": WECHAT_UA})    # a repeat: not counted, no second job
    work()
    cards = [m for m in sandbox.sent_messages("wangfang") if m.msgtype == "template_card"]
    assert len(cards) == 1
    card = cards[0].body["template_card"]
    assert card["card_type"] == "text_notice" and card["main_title"]["title"] == "林女士点开了你发的链接"
    assert card["card_action"]["url"].startswith("https://guide.example.com/guide/radar/customers/")

    with db.transaction() as session:        # the same customer clicks another fresh send: not again today
        lin = clicks(db)[0].customer_id
        again = sent_todo(session, "wangfang", lin, datetime.now(timezone.utc) - timedelta(minutes=3),
                          rule_code="birthday_day")
        second = token(target="https://shop.example.com/other", guide_id=again.guide_id, customer_id=lin,
                       todo_id=again.id)
    client.get(f"/t/{second}")
    _c2, _t2, stale = _todo_link(db, "周先生", sent_minutes_ago=120)     # sent two hours ago: not hot
    client.get(f"/t/{stale}")
    _c3, _t3, unsettled = _todo_link(db, "吴小姐", sent_minutes_ago=None, status="sent")  # confirmed, not polled
    client.get(f"/t/{unsettled}")
    work()
    titles = [m.body["template_card"]["main_title"]["title"] for m in sandbox.sent_messages("wangfang")
              if m.msgtype == "template_card"]
    assert titles == ["林女士点开了你发的链接", "吴小姐点开了你发的链接"]


def _today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _rolled_up(runtime, work, guide_id: int):
    """The guide's performance row of today, after the rollup job ran on a real worker."""
    runtime.queues.enqueue("reports", "tasks.performance.rollup_recent")
    work()
    with runtime.db.transaction() as session:
        return session.scalars(select(PerformanceDay).where(PerformanceDay.guide_id == guide_id,
                                                            PerformanceDay.day == _today())).one()


def test_invented_openids_do_not_make_unique_clickers(client, db, org, runtime, work):
    [lixiao] = ids(db, "lixiao")
    shared = token(guide_id=lixiao, customer_id=None, target="https://shop.example.com/sale")  # shared by hand
    for n in range(10):
        response = client.get(f"/t/{shared}", query_string={"openid": f"o-fake-{n}", "unionid": f"u-fake-{n}"},
                              headers={"User-Agent": f"{WECHAT_UA} fake/{n}"})
        assert response.status_code == 302
    client.get(f"/t/{shared}", environ_base={"REMOTE_ADDR": "203.0.113.9"})          # another network
    for n in range(3):   # one phone's IPv6 addresses share its /64
        client.get(f"/t/{shared}", environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n + 1}"})
    raw = clicks(db)
    assert len(raw) == 14 and {c.openid for c in raw[:10]} == {f"o-fake-{n}" for n in range(10)}   # kept, raw
    live = live_counters(runtime.redis, lixiao, _today())
    assert (live["raw_clicks"], live["clicks"], live["unique_clickers"]) == (14, 3, 3)
    row = _rolled_up(runtime, work, lixiao)
    assert (row.raw_clicks, row.clicks, row.unique_clickers) == (14, 3, 3)


def test_a_customer_link_counts_its_customer_once_whatever_the_url_claims(client, db, org, runtime, work):
    cid, _todo, link = _todo_link(db, "林女士", sent_minutes_ago=600)
    for n in range(10):
        client.get(f"/t/{link}?openid=o-{n}", environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
    row = _rolled_up(runtime, work, ids(db, "wangfang")[0])
    assert (row.raw_clicks, row.clicks, row.unique_clickers) == (10, 1, 1)
    assert {c.visitor for c in clicks(db)} == {f"c:{cid}"}


def test_an_old_link_still_redirects_but_its_clicks_do_not_count(client, db, org, runtime, work, settings):
    [wangfang] = ids(db, "wangfang")
    now = datetime.now(timezone.utc)
    with db.transaction() as session:
        lin, zhou = new_customer(session, "林女士"), new_customer(session, "周先生")
    old = token(guide_id=wangfang, customer_id=lin, issued_at=now - timedelta(days=91))
    recent = token(guide_id=wangfang, customer_id=zhou, issued_at=now - timedelta(days=89))
    for link in (old, old, recent):
        assert client.get(f"/t/{link}").headers["Location"] == "https://shop.example.com/p/1"
    assert [(c.customer_id, c.counted, c.link_expired) for c in clicks(db)] == [
        (lin, False, True), (lin, False, True), (zhou, True, False)]
    live = live_counters(runtime.redis, wangfang, _today())
    assert (live["raw_clicks"], live["clicks"], live["unique_clickers"]) == (3, 1, 1)
    row = _rolled_up(runtime, work, wangfang)
    assert (row.raw_clicks, row.clicks, row.unique_clickers) == (3, 1, 1)
    settings.TRACKED_LINK_DAYS = 30                                   # the age is a setting
    client.get(f"/t/{recent}")
    assert clicks(db)[-1].link_expired is True
