"""The leaderboard in a real browser (Debian's chromium) at phone and desktop size; screenshots kept under
test-artifacts/screenshots/ (tracking-*.png)."""
from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.tracking.test_leaderboard import seed_performance

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WEEK = "period=week&date=2026-03-05"


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser):
    phone = request.param == "phone"
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, device_scale_factor=2 if phone else 1,
                                  is_mobile=phone, has_touch=phone, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.size = request.param
    yield tab
    context.close()


def _sign_in(page, web: str, userid: str, target: str) -> None:
    page.goto(f"{web}/auth/wecom?next={quote(target)}")
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator(f'a.member[data-userid="{userid}"]').click()
    page.wait_for_url(re.compile(re.escape(web + target.split("?")[0]) + r".*"))


def _names(page) -> list[str]:
    return [row.get_attribute("data-name") for row in page.get_by_test_id("lb-row").all()]


def test_a_manager_reads_sorts_switches_and_exports_the_leaderboard(page, web, db, org, screenshot):
    seed_performance(db)
    _sign_in(page, web, "zhangli", f"/manager/leaderboard?{WEEK}")
    assert _names(page) == ["王芳", "李晓", "张丽"]
    assert page.get_by_test_id("range").inner_text() == "3月2日 – 3月8日"
    assert page.get_by_test_id("trend").count() == 3 and page.locator("svg.trend").count() == 3
    # The page fits the screen; only the table scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"tracking-leaderboard-{page.size}")

    page.get_by_test_id("sort-clicks").click()
    page.wait_for_url(re.compile(r".*metric=clicks.*"))
    assert _names(page) == ["李晓", "王芳", "张丽"]
    page.get_by_test_id("metric").select_option("completion_rate")
    page.wait_for_url(re.compile(r".*metric=completion_rate.*"))
    assert _names(page) == ["张丽", "王芳", "李晓"]
    screenshot(page, f"tracking-leaderboard-rate-{page.size}")

    page.get_by_test_id("period").get_by_text("按月").click()
    page.wait_for_url(re.compile(r".*period=month.*"))
    assert page.get_by_test_id("range").inner_text() == "3月1日 – 3月31日"
    page.get_by_test_id("previous").click()
    assert page.get_by_test_id("range").inner_text() == "2月1日 – 2月28日"
    assert _names(page) == ["张丽", "李晓", "王芳"]     # nothing in February: all zero, rate unknown, by name
    page.get_by_test_id("next").click()

    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    sheet = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == _names(page)
    screenshot(page, f"tracking-leaderboard-month-{page.size}")


def test_hq_reads_the_effect_of_care_and_a_guide_the_radar(browser, web, db, org, client, screenshot, settings):
    from datetime import datetime, time, timedelta, timezone

    from sqlalchemy import insert, select

    from models import PurchaseDay, Todo
    from tests.tracking.helpers import token
    from tests.tracking.test_effect import D, first_buyers, run
    from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME, make_hq_user

    settings.HOLDOUT_PERCENT = 10
    ids = first_buyers(db, 600)
    run(db, D, 10)
    with db.transaction() as session:       # a third buy again within the month
        session.execute(insert(PurchaseDay), [
            {"customer_id": c, "day": D + timedelta(days=5), "order_count": 1, "amount": 9900,
             "first_paid_at": datetime.combine(D + timedelta(days=5), time(3), timezone.utc)}
            for c in ids if c % 3 == 0])
    make_hq_user(db)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{web}/hq/effect?from={D.isoformat()}&to={(D + timedelta(days=1)).isoformat()}")
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r".*/hq/effect.*"))
    row = page.get_by_test_id("effect-row").first
    cells = [c.inner_text() for c in row.locator("td").all()]
    assert row.get_attribute("data-rule") == "first_care" and int(cells[1]) + int(cells[4]) == 600
    assert cells[3].endswith("%") and "个百分点" in cells[7] and " ~ " in cells[8]
    screenshot(page, "tracking-effect-desktop")
    context.close()

    with db.transaction() as session:       # three of the to-dos went out twenty minutes ago; one was clicked
        sent = list(session.scalars(select(Todo).order_by(Todo.id).limit(3)))
        for todo in sent:
            todo.status, todo.channel, todo.due_on = "done", "sidebar", datetime.now(timezone.utc).date()
            todo.sent_at = datetime.now(timezone.utc) - timedelta(minutes=20)
        link = token(guide_id=sent[0].guide_id, customer_id=sent[0].customer_id, todo_id=sent[0].id)
        clicked_id = sent[0].id
    assert client.get(f"/t/{link}").status_code == 302
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    _sign_in(page, web, "wangfang", "/guide/radar/")
    assert page.get_by_test_id("send").count() == 3 and page.get_by_test_id("live-clicks").inner_text() == "1"
    clicked = page.locator(f'[data-testid="send"][data-id="{clicked_id}"]')
    assert clicked.get_by_test_id("clicked").inner_text() == "已点击 1"
    screenshot(page, "tracking-radar-phone")
    context.close()


def _phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _hq_signs_in(page, web: str, target: str) -> None:
    from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME

    page.goto(web + target)
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(re.escape(web + target.split("?")[0]) + r".*"))


def test_the_effect_of_care_fits_a_phone_and_says_its_interval_plainly(browser, web, db, org, screenshot,
                                                                       settings):
    from datetime import timedelta

    from tests.tracking.test_effect import D, first_buyers, run
    from tests.web.helpers import make_hq_user

    settings.HOLDOUT_PERCENT = 10
    first_buyers(db, 200)
    run(db, D, 10)
    make_hq_user(db)
    context, page = _phone(browser)
    _hq_signs_in(page, web, f"/hq/effect?from={D.isoformat()}&to={(D + timedelta(days=1)).isoformat()}")
    assert page.get_by_test_id("effect-row").count() >= 1
    text = page.inner_text("main")
    assert "差异的95%置信区间" in text and "Newcombe" not in text and "Wilson" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    active = page.locator("nav.tabs a.active")           # the last of HQ's tabs: scrolled into view
    assert active.inner_text() == "关怀效果"
    box = active.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1   # sub-pixel widths
    screenshot(page, "tracking-effect-phone")
    context.close()
