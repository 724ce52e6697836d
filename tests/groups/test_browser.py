"""客户群 pages in Debian's chromium at phone size (390x844): HQ sets the rules, a manager handles an alert."""
from __future__ import annotations

from tests.groups.helpers import alerts, open_group
from tests.spine.helpers import deliver
from tests.web.conftest import _context
from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME, make_hq_user
from tests.web.test_browser import _sign_in_via_sandbox


def test_hq_sets_rules_and_a_manager_handles_an_outsider(phone, browser, web, org, sandbox, driver, work, db,
                                                         clock, screenshot):
    make_hq_user(db)
    page = phone
    page.goto(web + "/hq/groups")
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(web + "/hq/groups")
    page.get_by_test_id("rules-text").fill("本群为会员服务群：请勿私加群成员、发广告，违者移出。")
    page.get_by_test_id("keywords").fill("代购\n加微信")
    page.get_by_test_id("own-corp-names").fill("南京路服饰")
    page.get_by_test_id("brand-save").click()
    page.wait_for_load_state()
    assert "已保存" in page.locator(".flash").inner_text()
    screenshot(page, "70-groups-hq-rules")

    chat_id = open_group(sandbox, driver, work)
    clock.advance(5)
    customer = sandbox.new_customer("林女士")
    rival = sandbox.new_customer("李经理", type=2, corp_name="竞品服饰")
    seller = sandbox.new_customer("代购阿May")
    deliver(driver, sandbox.join_group(chat_id, [customer, rival, seller], join_scene_api=2))
    work()
    clock.advance(60)
    deliver(driver, sandbox.quit_group(chat_id, [seller]))
    work()

    context = _context(browser)
    manager = context.new_page()
    manager.set_default_timeout(10_000)
    try:
        _sign_in_via_sandbox(manager, web, "zhangli")
        manager.get_by_test_id("groups-link").click()
        manager.wait_for_load_state()
        assert manager.get_by_test_id("open-alerts").inner_text() == "2", [(a.member_name, a.reason) for a in alerts(db, chat_id)]
        assert "南京路VIP群" in manager.get_by_test_id("groups").inner_text()
        assert manager.get_by_test_id("join-log").locator("tr[data-kind=left]").count() == 1
        screenshot(manager, "71-groups-store")
        manager.locator(".alert-row[data-status=open]").first.get_by_test_id("alert-handled").click()
        manager.wait_for_load_state()
        assert manager.get_by_test_id("open-alerts").inner_text() == "1"
        screenshot(manager, "72-groups-alert-handled")
    finally:
        context.close()
    assert sorted(a.status for a in alerts(db, chat_id)) == ["handled", "open"]
