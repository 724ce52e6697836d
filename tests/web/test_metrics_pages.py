"""经营指标 pages: the numbers of a worked example built through the real intake (friends and deletions through
the sandbox and the callback, orders through the signed order API), scoping, and the period picker's errors."""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.purchases.helpers import post_orders
from tests.purchases.test_metrics_api import _sh001_orders
from tests.spine.helpers import deliver
from tests.web.helpers import ORDER_SECRET, make_hq_user, sign_in_hq, sign_in_hq_in_browser, sign_in_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(SHANGHAI).date()
D1, D2 = TODAY - timedelta(days=40), TODAY - timedelta(days=11)     # the deletion example's period
DELETIONS = f"period=custom&from={D1.isoformat()}&to={D2.isoformat()}"
REPURCHASE = "period=custom&from=2026-01-01&to=2026-03-31"


def _on(clock, day: date, hour: int = 12) -> None:
    """Move the sandbox's clock (the events' CreateTime) to a Shanghai wall-clock time on `day`."""
    clock.offset = 0.0
    clock.offset = datetime.combine(day, datetime.min.time().replace(hour=hour), SHANGHAI).timestamp() - time.time()


def _friend(sandbox, driver, clock, guide: str, added: date, *, customer_deletes: date | None = None,
            guide_deletes: date | None = None) -> str:
    eid = sandbox.new_customer(f"顾客{added.isoformat()}")
    _on(clock, added)
    deliver(driver, sandbox.customer_adds_member(eid, guide))
    if customer_deletes:
        _on(clock, customer_deletes)
        deliver(driver, sandbox.customer_deletes_member(eid, guide))
    if guide_deletes:
        _on(clock, guide_deletes)
        deliver(driver, sandbox.member_deletes_customer(eid, guide))
    return eid


@pytest.fixture
def example(client, sandbox, driver, clock, work, org):
    """The deletion example (see tests/unit/test_metrics_page_rules.py) in both stores, and twenty customers
    added today whose orders are the seed's repurchase example (tests/purchases/test_metrics_api.py)."""
    for n in range(5):
        _friend(sandbox, driver, clock, "wangfang", D1 - timedelta(days=60 - n))
    _friend(sandbox, driver, clock, "wangfang", D1 - timedelta(days=30), customer_deletes=D1 + timedelta(days=10))
    _friend(sandbox, driver, clock, "wangfang", D1 - timedelta(days=20), guide_deletes=D1 + timedelta(days=12))
    _friend(sandbox, driver, clock, "wangfang", D1 - timedelta(days=10), customer_deletes=D2 + timedelta(days=3))
    _friend(sandbox, driver, clock, "wangfang", D1 - timedelta(days=50), customer_deletes=D1 - timedelta(days=15))
    _friend(sandbox, driver, clock, "wangfang", D1 + timedelta(days=3))
    _friend(sandbox, driver, clock, "wangfang", D1 + timedelta(days=5), customer_deletes=D1 + timedelta(days=20))
    _friend(sandbox, driver, clock, "lixiao", D1 - timedelta(days=5), customer_deletes=D1 + timedelta(days=1))
    back = _friend(sandbox, driver, clock, "lixiao", D1 - timedelta(days=30), customer_deletes=D1 - timedelta(days=20))
    _on(clock, D1 + timedelta(days=4))                  # deleted the guide before the period, back in it
    deliver(driver, sandbox.customer_adds_member(back, "lixiao"))
    _friend(sandbox, driver, clock, "chenjing", D1 - timedelta(days=5), customer_deletes=D1 + timedelta(days=2))
    _friend(sandbox, driver, clock, "chenjing", D1 - timedelta(days=5))
    clock.offset = 0.0
    buyers = [sandbox.new_customer(f"买家{i}") for i in range(20)]
    for eid in buyers:
        deliver(driver, sandbox.customer_adds_member(eid, "wangfang"))
    work()
    response = post_orders(client, _sh001_orders(buyers), secret=ORDER_SECRET)
    assert response.status_code == 201, response.get_json()
    work()
    return org


def _text(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _row(html: str, testid: str, name: str) -> list[str]:
    match = re.search(rf'<tr data-testid="{testid}" data-name="{re.escape(name)}">(.*?)</tr>', html, re.S)
    assert match, name
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_the_manager_sees_the_worked_examples_of_their_store(client, sandbox, example):
    sign_in_member(client, sandbox, "zhangli")
    page = client.get(f"/manager/metrics?{REPURCHASE}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _text(html, "scope") == "上海南京路店"
    assert _text(html, "rate-customers") == "35.0%"          # 7 of 20 buyers bought on two days or more
    assert _text(html, "rate-orders") == "28.6%"             # 8 of 28 orders were a 2nd, 3rd ...
    assert _text(html, "returning") == "8"
    assert _text(html, "customer-cycle") == f"{(60 + 5 * 10 + 15) / 7:.1f} 天"
    assert re.search(r'data-sku="TONER-50"><td>TONER-50</td><td class="num">30.0 天</td>', html)
    assert [_row(html, "quadrant", q)[1] for q in ("重要价值", "重要发展", "一般价值", "一般发展")] == ["1", "1", "6", "12"]
    assert html.count('<svg class="bars"') >= 2 and '<svg class="share"' in html

    html = client.get(f"/manager/metrics?{DELETIONS}").get_data(as_text=True)
    assert _text(html, "deletion-rate") == "25.0%"           # (2 + 1) / (8 + 2 + 1 + 1)
    assert _row(html, "guide-deletions", "王芳") == ["王芳", "8", "2", "2", "20.0%"]
    assert _row(html, "guide-deletions", "李晓") == ["李晓", "1", "1", "1", "50.0%"]
    assert "陈静" not in html                                  # another store's guide
    assert _text(html, "rate-customers") == "—"               # nobody bought in that period


def test_hq_sees_every_store_one_store_or_a_region(client, db, example):
    make_hq_user(db)
    assert sign_in_hq(client).status_code == 302
    html = client.get(f"/hq/metrics?{DELETIONS}").get_data(as_text=True)
    assert _text(html, "scope") == "全部门店" and _text(html, "deletion-rate") == "28.6%"   # 4 / 14
    hz = client.get(f"/hq/metrics?scope=store:{example['HZ001']}&{DELETIONS}").get_data(as_text=True)
    assert _text(hz, "scope") == "杭州湖滨店" and _text(hz, "deletion-rate") == "50.0%"
    assert _row(hz, "guide-deletions", "陈静") == ["陈静", "2", "0", "1", "50.0%"]
    region = client.get(f"/hq/metrics?scope=region:华东&{DELETIONS}").get_data(as_text=True)
    assert _text(region, "scope") == "华东区域" and _text(region, "deletion-rate") == "28.6%"
    sh = client.get(f"/hq/metrics?scope=store:{example['SH001']}&{REPURCHASE}").get_data(as_text=True)
    assert _text(sh, "rate-customers") == "35.0%"
    assert client.get("/hq/metrics?scope=store:999999").status_code == 404
    assert client.get("/hq/metrics?scope=region:华北").status_code == 404
    assert client.get("/hq/metrics?scope=nonsense").status_code == 404
    assert client.get("/hq/metrics?scope=store:99999999999999999999").status_code == 404   # no such id
    assert client.get("/hq/metrics?scope=store:²").status_code == 404                       # a digit to isdigit()
    assert client.get("/manager/metrics").status_code == 302       # HQ goes to its own page


def test_guides_and_managers_stay_in_their_scope(client, sandbox, org):
    sign_in_member(client, sandbox, "wangfang")
    assert client.get("/manager/metrics").status_code == 403
    assert client.get("/hq/metrics").status_code == 403
    client.post("/auth/logout")
    sign_in_member(client, sandbox, "zhangli")
    assert client.get("/hq/metrics").status_code == 403
    html = client.get(f"/manager/metrics?scope=store:{org['HZ001']}").get_data(as_text=True)
    assert _text(html, "scope") == "上海南京路店"                  # the manager's own store, whatever is asked


@pytest.mark.parametrize("query, message", [
    ("period=custom&from=2026-02-30&to=2026-03-31", "请填写开始和结束日期"),
    ("period=custom&from=&to=2026-03-31", "请填写开始和结束日期"),
    ("period=custom&from=2026-03-31&to=2026-01-01", "开始日期不能晚于结束日期"),
    ("period=custom&from=2026-01-01&to=2999-01-01", "结束日期不能晚于今天"),
    ("period=custom&from=2020-01-01&to=2026-01-01", "时间段最长"),
])
def test_a_bad_period_is_a_400_with_a_message(client, sandbox, org, query, message):
    sign_in_member(client, sandbox, "zhangli")
    response = client.get(f"/manager/metrics?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in _text(html, "period-error")
    assert 'data-testid="period-form"' in html                   # the picker is there to fix it


def _fits_the_phone(page) -> None:
    """Nothing sticks out sideways at 390 px (wide tables scroll inside their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_manager_reads_the_metrics_on_the_phone(phone, web, example, screenshot):
    page = phone
    page.goto(web + "/auth/login")
    page.get_by_test_id("wecom-login").click()
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator('a.member[data-userid="zhangli"]').click()
    page.wait_for_url(re.compile(re.escape(web) + r"/manager/.*"))
    page.get_by_test_id("store-metrics").click()                 # from the store page
    page.wait_for_url(re.compile(r".*/manager/metrics.*"))
    page.get_by_test_id("period-select").select_option("custom")
    page.get_by_test_id("from").fill("2026-01-01")
    page.get_by_test_id("to").fill("2026-03-31")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r".*from=2026-01-01.*"))
    assert page.get_by_test_id("rate-customers").inner_text() == "35.0%"
    assert page.get_by_test_id("nav-metrics").get_attribute("class") == "active"
    _fits_the_phone(page)
    screenshot(page, "60-manager-metrics")

    page.goto(f"{web}/manager/metrics?{DELETIONS}")
    assert page.get_by_test_id("deletion-rate").inner_text() == "25.0%"
    _fits_the_phone(page)
    screenshot(page, "61-manager-metrics-deletions")

    page.get_by_test_id("period-select").select_option("custom")
    page.get_by_test_id("from").fill("2026-03-31")
    page.get_by_test_id("to").fill("2026-01-01")
    page.get_by_role("button", name="查看").click()
    assert page.get_by_test_id("period-error").inner_text() == "开始日期不能晚于结束日期"
    screenshot(page, "62-manager-metrics-bad-period")


def test_hq_picks_a_region_on_the_phone(phone, web, db, example, screenshot):
    make_hq_user(db)
    page = phone
    sign_in_hq_in_browser(page, web)
    page.get_by_test_id("hq-metrics").click()
    page.wait_for_url(re.compile(r".*/hq/metrics.*"))
    page.get_by_test_id("scope-select").select_option("region:华东")
    page.get_by_test_id("period-select").select_option("custom")
    page.get_by_test_id("from").fill(D1.isoformat())
    page.get_by_test_id("to").fill(D2.isoformat())
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r".*scope=region.*"))
    assert page.get_by_test_id("scope").inner_text() == "华东区域"
    assert page.get_by_test_id("deletion-rate").inner_text() == "28.6%"
    _fits_the_phone(page)
    screenshot(page, "63-hq-metrics-region")
