"""客户交接 in Debian's chromium at phone size (390x844): a manager hands a departed guide's customers over."""
from __future__ import annotations

from datetime import date, timedelta

from tests.handover.helpers import deliver_all, guide, poll, transfers
from tests.spine.helpers import deliver
from tests.todos.world import Store as World
from tests.web.test_browser import _sign_in_via_sandbox

DAY1 = date(2026, 3, 9)


def test_a_manager_hands_over_on_a_phone(phone, web, client, sandbox, driver, work, db, clock, org, screenshot):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    for name in ("林女士", "周先生", "郑女士"):
        world.customer_adds(name, "wangfang", 2)
    _chat, created = sandbox.create_group("wangfang", "南京路VIP群")
    deliver(driver, created)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    page = phone
    _sign_in_via_sandbox(page, web, "zhangli")
    page.goto(f"{web}/manager/stores/{org['SH001']}")
    page.get_by_test_id("handover-link").click()
    departed = page.get_by_test_id("departed")
    assert "王芳" in departed.inner_text() and "3 位客户待交接" in departed.inner_text()
    screenshot(page, "60-handover-index")
    departed.locator("a").first.click()
    page.get_by_test_id("scope-selected").check()
    boxes = page.get_by_test_id("handover-customers").locator("input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_test_id("receiver").select_option(label="李晓")
    screenshot(page, "61-handover-choose")
    page.get_by_test_id("handover-submit").click()
    page.wait_for_load_state()
    assert "已提交 2 位客户的交接，正在发起…" in page.locator(".flash").inner_text()
    assert page.get_by_test_id("transfer-history").locator("tbody tr[data-status=queued]").count() == 2
    assert "正在发起" in page.get_by_test_id("transfer-history").inner_text()
    work()                                                      # the job sends them to WeCom
    page.reload()
    assert page.get_by_test_id("transfer-history").locator("tbody tr[data-status=waiting]").count() == 2
    world.at(DAY1 + timedelta(days=1), 12)
    poll(work, clock)
    deliver_all(driver, work, sandbox.settle_transfers())
    page.reload()
    assert page.get_by_test_id("transfer-history").locator("tbody tr[data-status=done]").count() == 2
    assert page.get_by_test_id("handover-count").inner_text() == "1"
    screenshot(page, "62-handover-done")
    assert {r.to_guide_id for r in transfers(db).values()} == {guide(db, "lixiao").id}
