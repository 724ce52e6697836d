"""客户群 pages in Debian's chromium at phone size (390x844): HQ sets the rules, a manager handles an alert."""
from __future__ import annotations

from tests.groups.helpers import alerts, open_group
from tests.spine.helpers import deliver
from tests.web.conftest import _context
from tests.web.helpers import make_hq_user, sign_in_hq_in_browser
from tests.web.test_browser import _sign_in_via_sandbox


def test_hq_sets_rules_and_a_manager_handles_an_outsider(phone, browser, web, org, sandbox, driver, work, db,
                                                         clock, screenshot):
    make_hq_user(db)
    page = phone
    sign_in_hq_in_browser(page, web, "/hq/groups")
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


def test_a_guide_makes_a_service_group_code_on_a_phone(wecom_phone, web, org, sandbox, driver, work, db, clock,
                                                       screenshot):
    from bot.services.group_guard import save_policy

    with db.transaction() as session:
        save_policy(session=session, store_id=org["SH001"], by="张丽", one_customer_group=True)
    lin = sandbox.new_customer("林女士")
    deliver(driver, sandbox.customer_adds_member(lin, "wangfang"))
    open_group(sandbox, driver, work, name="林女士专属服务群")
    page = wecom_phone
    page.goto(f"{web}/guide/customers/{lin}")
    page.locator('a.member[data-userid="wangfang"]').click()
    page.wait_for_url(f"{web}/guide/customers/{lin}")
    page.get_by_test_id("service-group-link").click()
    page.get_by_test_id("service-group-choice").select_option(label="林女士专属服务群")
    page.get_by_test_id("service-group-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("service-groups").locator("li[data-status=waiting]").count() == 1
    screenshot(page, "73-groups-service-group")
