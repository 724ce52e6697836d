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
    page.wait_for_url(re.compile(re.escape(web) + r"/manager/leaderboard.*"))


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
