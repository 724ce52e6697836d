"""The sandbox console plays an outsider joining a customer group (by JSON and on its page); the app alerts the owner."""
from __future__ import annotations

import re

from flask import Flask

from bot.sandbox.console import console_blueprint
from bot.sandbox.console_groups import groups_blueprint
from tests.conftest import served
from tests.groups.helpers import alerts, brand_policy, cards_to, open_group


def test_the_console_plays_an_outsider_joining(org, sandbox, driver, work, db):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    console_app = Flask("console")
    console_app.register_blueprint(groups_blueprint(sandbox, driver))
    console = console_app.test_client()
    assert "南京路VIP群" in console.get("/_sandbox/groups").get_data(as_text=True)
    refused = console.post("/_sandbox/act/outsider_joins_group", json={"chat_id": chat_id, "name": "李经理"})
    assert refused.status_code == 422 and "corp_name" in refused.get_json()["error"]
    assert console.post("/_sandbox/act/outsider_joins_group",
                        json={"chat_id": "nope", "name": "李经理", "corp_name": "竞品"}).status_code == 422
    answer = console.post("/_sandbox/act/outsider_joins_group",
                          json={"chat_id": chat_id, "name": "李经理", "corp_name": "竞品服饰", "friend_of": "lixiao"})
    body = answer.get_json()
    assert answer.status_code == 200 and body["delivered"] == [True, True] and "add_member" in body["event"]
    assert body["external_userid"].startswith("wo")
    work()
    found = alerts(db, chat_id)
    assert [(a.member_name, a.corp_name, a.reason) for a in found] == [("李经理", "竞品服饰", "other_corp")]
    assert cards_to(sandbox, "wangfang")[0]["emphasis_content"]["desc"] == "来自「竞品服饰」的企业微信用户"
    assert "竞品服饰" in console.get("/_sandbox/groups").get_data(as_text=True)


def test_the_console_page_plays_a_customer_and_an_outsider_joining_at_phone_size(phone, org, sandbox, driver, work,
                                                                                 db, screenshot):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    console_app = Flask("console")
    console_app.register_blueprint(console_blueprint(sandbox, driver))     # serves the stylesheet and script
    console_app.register_blueprint(groups_blueprint(sandbox, driver))
    with served(console_app) as url:
        phone.goto(url + "/_sandbox/groups")
        group = phone.locator(f'[data-testid=group][data-chat="{chat_id}"]')
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        group.locator("input[name=name]").fill("周先生")
        with phone.expect_response(re.compile(r".*/act/customer_joins_group")) as answer:
            group.get_by_test_id("customer-joins").click()
        assert answer.value.json()["delivered"] == [True]
        phone.wait_for_load_state()
        group.locator("input[name=name]").fill("李经理")
        with phone.expect_response(re.compile(r".*/act/outsider_joins_group")) as answer:
            group.get_by_test_id("outsider-joins").click()
        assert answer.value.json()["delivered"] == [True]
        group.get_by_text("企业微信用户 · 竞品服饰").wait_for()   # the page reloads itself with the new members
        assert "周先生" in group.inner_text()
        screenshot(phone, "74-sandbox-console-groups")
    work()
    assert [(a.member_name, a.reason) for a in alerts(db, chat_id)] == [("李经理", "other_corp")]   # nobody added them
    assert cards_to(sandbox, "wangfang")[0]["emphasis_content"]["title"] == "李经理"
