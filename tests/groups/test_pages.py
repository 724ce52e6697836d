"""The 客户群 pages: HQ sets the rules, a manager handles an alert, another store's manager sees nothing."""
from __future__ import annotations

from tests.groups.helpers import RULES, alerts, brand_policy, group_sends, make_manager, open_group
from tests.spine.helpers import deliver
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member


def test_hq_sets_the_rules_and_a_manager_handles_an_alert(app, org, sandbox, driver, work, db, clock):
    hq = app.test_client()
    make_hq_user(db)
    sign_in_hq(hq)
    token = csrf_token(hq, "/hq/groups")
    saved = hq.post("/hq/groups", data={"csrf_token": token, "rules_text": "请勿私加群成员",
                                        "keywords": "代购，加微信\n代购", "own_corp_names": ""})
    assert saved.status_code == 302
    page = hq.get("/hq/groups").get_data(as_text=True)
    assert "请勿私加群成员" in page and "代购\n加微信</textarea>" in page
    too_long = hq.post("/hq/groups", data={"csrf_token": token, "rules_text": "长" * 1001}, follow_redirects=True)
    assert "不能超过 1000 个字" in too_long.get_data(as_text=True)
    assert hq.post("/hq/groups", data={"csrf_token": token, "rules_text": "请勿\x00私加"}).status_code == 400
    assert "请勿私加群成员" in hq.get("/hq/groups").get_data(as_text=True)

    chat_id = open_group(sandbox, driver, work)
    seller = sandbox.new_customer("代购阿May")
    clock.advance(5)
    deliver(driver, sandbox.join_group(chat_id, [seller], join_scene_api=2))
    work()
    assert "请勿私加群成员" in group_sends(sandbox, chat_id)[0].body["text"]["content"]

    manager = app.test_client()
    sign_in_member(manager, sandbox, "zhangli")
    url = f"/manager/stores/{org['SH001']}/groups/"
    html = manager.get(url).get_data(as_text=True)
    assert "代购阿May" in html and "南京路VIP群" in html and "群规已推给群主" in html and "移出" in html
    alert_id = alerts(db, chat_id)[0].id
    token = csrf_token(manager, url)
    assert manager.post(f"{url}alerts/{alert_id}", data={"csrf_token": token, "status": "bogus"}).status_code == 302
    assert alerts(db, chat_id)[0].status == "open"
    manager.post(f"{url}alerts/{alert_id}", data={"csrf_token": token, "status": "handled"})
    handled = alerts(db, chat_id)[0]
    assert handled.status == "handled" and handled.handled_by == "张丽" and handled.handled_at is not None

    make_manager(db, "chenjing")                 # the other store's manager
    other = app.test_client()
    sign_in_member(other, sandbox, "chenjing")
    assert other.get(url).status_code == 404
    token = csrf_token(other, f"/manager/stores/{org['HZ001']}/groups/")
    assert other.post(f"{url}alerts/{alert_id}", data={"csrf_token": token, "status": "ignored"}).status_code == 404
    assert other.post(f"/manager/stores/{org['HZ001']}/groups/alerts/{alert_id}",
                      data={"csrf_token": token, "status": "ignored"}).status_code == 404
    assert alerts(db, chat_id)[0].status == "handled"
    assert "代购阿May" not in other.get(f"/manager/stores/{org['HZ001']}/groups/").get_data(as_text=True)
    guide = app.test_client()
    sign_in_member(guide, sandbox, "wangfang")
    assert guide.get(url).status_code == 403 and guide.get("/hq/groups").status_code == 403


def test_hq_gives_a_store_rules_of_its_own(app, org, sandbox, driver, work, db, clock):
    brand_policy(db)
    hq = app.test_client()
    make_hq_user(db)
    sign_in_hq(hq)
    url = f"/manager/stores/{org['SH001']}/groups/"
    token = csrf_token(hq, url)
    hq.post(url + "settings", data={"csrf_token": token, "rules_text": "南京路店群规：勿私加好友"})
    assert "南京路店群规" in hq.get(url).get_data(as_text=True)
    chat_id = open_group(sandbox, driver, work)
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士")], join_scene_api=2))
    work()
    assert group_sends(sandbox, chat_id)[0].body["text"]["content"].endswith("南京路店群规：勿私加好友")
    hq.post(url + "settings", data={"csrf_token": token, "rules_text": ""})     # back to the brand's text
    other = open_group(sandbox, driver, work, name="第二个群")
    deliver(driver, sandbox.join_group(other, [sandbox.new_customer("周先生")], join_scene_api=2))
    work()
    assert group_sends(sandbox, other)[0].body["text"]["content"].endswith(RULES)
