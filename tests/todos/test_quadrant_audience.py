"""Cadence rules for some value quadrants (seed 003): the generation gives their to-dos only to the customers
in those quadrants on the day, and follows a customer who leaves a quadrant as the days pass (both backends)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.rules.metrics import QUADRANT_VIP
from bot.services import todos_actions as actions
from bot.services.todos import Policy
from content_library.catalogue import save_material
from content_library.forms import MaterialForm
from models import CadenceRule
from tests.todos.helpers import (befriend, buy, codes, customer, guide_id, hq_with_rule, only, open_lists, run_day,
                                 todos)
from tests.web.helpers import csrf_token

DAY = date(2026, 3, 10)
COAT = [("SKU-COAT", "外套", 2)]   # 2 x 199 yuan


def _audience(session, code: str, *quadrants: str) -> None:
    session.scalars(select(CadenceRule).where(CadenceRule.code == code)).one().quadrants = list(quadrants)


def _buyer(session, name: str, purchases: list[tuple[int, list]]) -> int:
    cid = customer(session, name)
    befriend(session, "wangfang", cid, DAY - timedelta(days=200))
    for days_ago, lines in purchases:
        buy(session, cid, DAY - timedelta(days=days_ago), lines)
    return cid


def test_a_rule_for_vip_customers_gives_to_dos_only_to_them(db, org):
    run_day(db, DAY - timedelta(days=1))              # seeds the rules
    with db.transaction() as session:
        only(session, "repeat_perks")                  # repeat buyers, last purchase 7-30 days ago
        _audience(session, "repeat_perks", QUADRANT_VIP)
        _buyer(session, "王重要", [(40, COAT), (10, COAT)])           # 796 yuan, 2 purchases: 重要价值
        _buyer(session, "李一般", [(40, None), (10, None)])           # 398 yuan, 2 purchases: 一般价值
        _buyer(session, "张老客", [(200, COAT), (10, COAT)])          # 398 yuan in 90 days, 1 purchase: 一般发展
    run_day(db, DAY)
    assert codes(todos(db)) == [("王重要", "repeat_perks")]

    with db.transaction() as session:                  # HQ widens the audience: the next run follows it
        _audience(session, "repeat_perks", QUADRANT_VIP, "一般价值")
    run_day(db, DAY + timedelta(days=1))
    assert codes(todos(db)) == [("李一般", "repeat_perks"), ("王重要", "repeat_perks")]


def test_a_customer_who_leaves_the_quadrant_gets_no_to_do_from_a_kept_touch(db, org):
    """Two VIP customers, a list of one: the other's touch is kept for the next day; by then their purchase of
    89 days ago has left the window, so they are no longer 重要价值 and get nothing, with no change to their data."""
    run_day(db, DAY - timedelta(days=1))
    with db.transaction() as session:
        only(session, "repeat_perks")
        _audience(session, "repeat_perks", QUADRANT_VIP)
        for name in ("甲顾客", "乙顾客"):
            _buyer(session, name, [(89, COAT), (8, COAT)])
    # No commit lag: the second run re-reads no customer (nothing changed since the first run started).
    policy = Policy(cap_per_guide=1, commit_lag=timedelta(0))
    run_day(db, DAY, policy)
    first = todos(db)
    assert len(first) == 1
    with db.transaction() as session:                  # the guide clears the list: room for the kept touch
        actions.skip(session=session, guide_id=guide_id(session, "wangfang"), todo_id=first[0].id, reason="已线下联系过")
    run_day(db, DAY + timedelta(days=1), policy)
    assert [t.id for t in todos(db)] == [first[0].id]


def test_a_material_for_vip_customers_goes_only_with_their_to_dos(db, org):
    run_day(db, DAY - timedelta(days=1))
    with db.transaction() as session:
        only(session, "repeat_perks")                  # its selector takes up to two materials
        vip = save_material(session=session, form=MaterialForm(
            kind="copy", title="重要客户专享", body="{salutation}，专属于您的礼遇", quadrants=[QUADRANT_VIP])).id
        anyone = save_material(session=session, form=MaterialForm(kind="copy", title="老客福利", body="老客福利")).id
        _buyer(session, "王重要", [(40, COAT), (10, COAT)])
        _buyer(session, "李一般", [(40, None), (10, None)])
    run_day(db, DAY)
    open_lists(db, DAY)
    chosen = {t.customer.name: sorted(t.material_ids) for t in todos(db)}
    assert chosen == {"王重要": sorted([vip, anyone]), "李一般": [anyone]}


def test_hq_targets_a_rule_and_a_material_at_quadrants_on_their_pages(client, db, org):
    rule_id = hq_with_rule(client, db, "repeat_perks")
    token = csrf_token(client, f"/hq/cadences/{rule_id}")
    form = {"csrf_token": token, "name": "老客专享", "window_start": "7", "window_end": "30", "priority": "60",
            "tiers": ["second", "third_plus"], "templates": ["{salutation}，老客专享来啦"], "limit": "0",
            "enabled": "1", "quadrants": ["重要价值", "VIP"]}
    refused = client.post(f"/hq/cadences/{rule_id}", data=form)
    assert refused.status_code == 422 and "未知的顾客象限" in refused.get_data(as_text=True)
    form["quadrants"] = ["一般价值", "重要价值"]
    assert client.post(f"/hq/cadences/{rule_id}", data=form).status_code == 302
    with db.transaction() as session:
        assert session.get(CadenceRule, rule_id).quadrants == ["重要价值", "一般价值"]   # in the quadrants' order
    assert "重要价值、一般价值" in client.get("/hq/cadences/").get_data(as_text=True)
    page = client.get(f"/hq/cadences/{rule_id}").get_data(as_text=True)
    assert 'name="quadrants" value="重要价值" checked' in page and 'value="重要发展" >' in page

    material = {"csrf_token": token, "kind": "copy", "title": "重要客户礼遇", "scope": "all", "enabled": "1",
                "body": "{salutation}，专属礼遇", "quadrants": ["重要发展", "其他"]}
    refused = client.post("/hq/content/new", data=material)
    assert refused.status_code == 422 and "未知的顾客象限" in refused.get_data(as_text=True)
    material["quadrants"] = ["重要发展"]
    made = client.post("/hq/content/new", data=material)
    assert made.status_code == 302
    assert 'name="quadrants" value="重要发展" checked' in client.get(made.headers["Location"]).get_data(as_text=True)
