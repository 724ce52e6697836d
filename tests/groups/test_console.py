"""The sandbox console plays an outsider joining a customer group; the app alerts the owner."""
from __future__ import annotations

from flask import Flask

from bot.sandbox.console_groups import groups_blueprint
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
