"""The workbench, the chat sidebar and HQ's cadences in a real browser (Debian's chromium, phone size).

Inside WeCom the sidebar talks to the WeCom client through its JS bridge (`wx`); here the stand-in for that
bridge (tests.web.conftest.in_wecom_client, like the sandbox for the server APIs) records wx.config /
wx.agentConfig and the messages sendChatMessage would put in the chat. Screenshots go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from models import Todo
from tests.todos.test_web import _shop_with_todos
from tests.web.conftest import in_wecom_client, open_in_wecom
from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME, make_hq_user



def test_the_guide_works_through_todays_list_on_the_phone(wecom_phone, web, client, sandbox, driver, work, db,
                                                          clock, org, screenshot):
    _shop_with_todos(client, sandbox, driver, work, db, clock)
    page = wecom_phone
    open_in_wecom(page, web, "/guide/", "wangfang")
    page.get_by_test_id("nav-todos").click()   # the first tab
    expect(page.get_by_test_id("nav-todos")).to_have_class(re.compile("active"))
    cards = page.get_by_test_id("todo")
    assert cards.count() == 3 and page.get_by_test_id("todo-count").inner_text() == "3"
    assert cards.first.get_by_test_id("todo-text").inner_text().endswith("～")
    screenshot(page, "40-guide-todos")
    cards.first.get_by_test_id("send").click()
    expect(page.locator(".flash")).to_contain_text("群发助手")
    expect(page.get_by_test_id("todo")).to_have_count(2)
    first = page.get_by_test_id("todo").first
    first.get_by_test_id("skip-open").click()
    first.get_by_test_id("skip-reason").select_option("顾客已到店")
    first.get_by_test_id("skip").click()
    expect(page.get_by_test_id("todo")).to_have_count(1)
    page.get_by_test_id("todo").first.get_by_test_id("snooze-open").click()
    page.get_by_test_id("todo").first.get_by_test_id("snooze-1").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    statuses = page.get_by_test_id("handled-status").all_inner_texts()
    assert sorted(statuses) == sorted(["待确认", "稍后提醒", "已跳过"])
    screenshot(page, "41-guide-todos-handled")


def test_the_chat_sidebar_sends_into_the_current_chat(browser, web, client, sandbox, driver, work, db, clock, org,
                                                      screenshot):
    people = _shop_with_todos(client, sandbox, driver, work, db, clock)
    with in_wecom_client(browser, people["郑女士"]) as page:
        open_in_wecom(page, web, "/guide/sidebar/", "wangfang")
        page.get_by_test_id("sidebar-todo").wait_for()
        wecom = page.evaluate("window.__wecom")
        assert wecom["config"]["signature"] and wecom["agentConfig"]["signature"]
        assert wecom["agentConfig"]["agentid"] == wecom["config"]["appId"] or wecom["agentConfig"]["agentid"]
        text = page.get_by_test_id("sidebar-todo").locator(".todo-text").inner_text()
        assert text.startswith("郑女士")
        screenshot(page, "42-sidebar")
        page.get_by_test_id("sidebar-send").click()
        page.get_by_text("已发送").wait_for()
        sent = page.evaluate("window.__wecom.sent")
        assert sent == [{"msgtype": "text", "enterChat": False, "text": {"content": text}}]
        screenshot(page, "43-sidebar-sent")
    with db.transaction() as session:
        done = [t for t in session.scalars(select(Todo)) if t.status == "done"]
        assert [(t.customer.name, t.channel) for t in done] == [("郑女士", "sidebar")]


def test_hq_reviews_the_cadences(phone, web, db, org, screenshot):
    from bot.services.todos_cadences import seed_defaults

    with db.transaction() as session:
        seed_defaults(session=session)
    make_hq_user(db)
    page = phone
    page.goto(web + "/auth/login")
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(web) + r"/hq/.*"))
    page.get_by_test_id("nav-cadences").click()
    expect(page.get_by_test_id("cadence")).to_have_count(16)
    # On a phone each rule is a card of its own: no header row, nothing wider than the screen.
    expect(page.get_by_test_id("cadences").locator("thead")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.get_by_test_id("cadence").first.bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= 390
    screenshot(page, "44-hq-cadences")
    page.get_by_role("link", name="满月礼").click()
    expect(page.get_by_test_id("template")).to_have_count(3)
    page.get_by_test_id("window-end").fill("40")
    page.get_by_test_id("save").click()
    expect(page.locator(".flash")).to_contain_text("已保存")
    screenshot(page, "45-hq-cadence-edit")
