"""The sandbox console end to end at phone size (Debian's chromium): a guide's card arrives, its button is
tapped, the group send is confirmed in 群发助手, a customer is tagged and a customer group created, each
played through the sandbox's callbacks into the app and its worker. Screenshots: sandbox-console-*.png."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from bot.sandbox.console import console_blueprint
from bot.services.todos_cadences import seed_defaults
from models import GroupChat, Todo
from tasks.todos import poll_group_sends
from tests.conftest import served
from tests.purchases.helpers import ORDER_SECRET
from tests.spine.helpers import inbox
from tests.todos.helpers import only
from tests.todos.world import Store as World
from tests.web.conftest import PHONE, browser, screenshot  # noqa: F401  (the browser fixtures)

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def settings(settings):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0   # the burst worker of the tests does not run scheduled jobs
    settings.HOLDOUT_PERCENT = 0
    return settings


@pytest.fixture
def console(sandbox, driver):
    """The console alone, served over HTTP like the demo's (its page calls its own JSON actions)."""
    app = Flask("console")
    app.register_blueprint(console_blueprint(sandbox, driver))
    with served(app) as url:
        yield url + "/_sandbox/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _act(page, button) -> dict:
    """Tap a console button and wait for the answer the page prints (it reloads itself afterwards)."""
    with page.expect_response(re.compile(r".*/_sandbox/act/.*")) as answer:
        button.click()
    return answer.value.json()


def _events(db) -> list[tuple[str, str, str]]:
    return [(e.event, e.change_type, e.status) for e in inbox(db)]


def test_a_guide_plays_the_wecom_half_from_the_console(page, console, client, sandbox, driver, work, db, clock,
                                                       org, screenshot):
    world = World(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        seed_defaults(session=session)
        only(session, "first_care")
    world.at(TODAY, 8, 0)
    people = {name: world.customer_adds(name, "wangfang", 2) for name in ("林女士", "郑女士")}
    for n, eid in enumerate(people.values()):
        world.buys(eid, TODAY, f"C-{n}", [("SKU-COAT", "羊毛大衣", 1)])
    world.morning(TODAY)                                           # the card goes out at 09:05

    page.goto(console + "?member=wangfang")
    card = page.get_by_test_id("message").first
    assert "今日待办 2 项" in card.inner_text()
    assert _act(page, card.get_by_role("button", name="一键发送首购关怀"))["delivered"] is True
    work()                                                          # the app creates the group sends
    page.goto(console + "?member=wangfang")
    assert page.get_by_test_id("card-done").inner_text().startswith("已提交")
    tasks = page.get_by_test_id("groupsend-task")
    assert tasks.count() == 2 and "羊毛大衣" in tasks.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "sandbox-console-card-tapped")

    for _ in range(2):                                              # 确认发送 in 群发助手, task by task
        answer = _act(page, page.get_by_test_id("confirm-send").first)
        assert answer["delivered"] is False                         # WeCom calls nothing back: the app polls
        page.goto(console + "?member=wangfang")
    assert page.get_by_test_id("confirm-send").count() == 0 and "已送达" in tasks.first.inner_text()
    assert poll_group_sends(on_iso=TODAY.isoformat()) == 2
    with db.transaction() as session:
        assert {t.status for t in session.scalars(select(Todo))} == {"done"}

    page.locator("form[data-form=new-tag] input[name=tag_name]").fill("爱穿大衣")   # the admin makes a tag
    assert _act(page, page.get_by_role("button", name="新建标签"))["delivered"] is True
    page.goto(console + "?member=wangfang")
    lin = page.locator(f'[data-testid=my-customer][data-eid="{people["林女士"]}"]')
    lin.locator("select[name=tag]").select_option(label="客户偏好 / 爱穿大衣")
    assert _act(page, lin.get_by_test_id("tag-customer"))["delivered"] is True     # the guide tags 林女士
    tiers = sandbox.tag_id("购买次数", "首次购买")                                   # the app tagged her tier
    assert sandbox.tags_of(people["林女士"], "wangfang") == {tiers, sandbox.tag_id("客户偏好", "爱穿大衣")}

    page.goto(console + "?member=wangfang")
    form = page.get_by_test_id("group-form")
    form.locator("input[name=name]").fill("南京路大衣群")
    form.locator(f'input[value="{people["郑女士"]}"]').uncheck()
    answer = _act(page, form.get_by_test_id("create-group"))
    assert answer["delivered"] is True
    work()
    with db.transaction() as session:
        group = session.scalars(select(GroupChat).where(GroupChat.chat_id == answer["chat_id"])).one()
        assert group.name == "南京路大衣群"
    assert set(sandbox.chat(answer["chat_id"]).members) == {"wangfang", people["林女士"]}
    assert {("template_card_event", "", "processed"), ("change_external_tag", "create", "processed"),
            ("change_external_contact", "edit_external_contact", "processed"),
            ("change_external_chat", "create", "processed")} <= set(_events(db))
    page.goto(console + "?member=wangfang")
    assert "南京路大衣群" in page.get_by_test_id("groups").inner_text()
    assert "爱穿大衣" in page.locator(f'[data-testid=my-customer][data-eid="{people["林女士"]}"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "sandbox-console-phone")
