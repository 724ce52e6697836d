"""The three roles in a real browser (Debian's chromium) at phone size, signing in through the sandbox.

Each page is saved as a phone-viewport screenshot under test-artifacts/screenshots/.
"""
from __future__ import annotations

import io
import re

import segno
from sqlalchemy import select

from models import Channel
from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME, make_hq_user


def _sign_in_via_sandbox(page, web: str, userid: str, screenshot=None) -> None:
    """Open the app, take the WeCom sign-in, and pick the member on the sandbox's authorize page."""
    page.goto(web + "/auth/login")
    if screenshot:
        screenshot(page, "01-login")
    page.get_by_test_id("wecom-login").click()
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    if screenshot:
        screenshot(page, "02-sandbox-oauth")
    page.locator(f'a.member[data-userid="{userid}"]').click()
    page.wait_for_url(re.compile(re.escape(web) + r"/(guide|manager|hq)/.*"))


def test_a_guide_in_wecom_sees_their_customers_and_nothing_else(wecom_phone, web, shop, screenshot):
    page = wecom_phone
    page.goto(web + "/guide/")  # inside WeCom: no sign-in page, straight to the authorize page
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator('a.member[data-userid="wangfang"]').click()
    page.wait_for_url(web + "/guide/")
    rows = page.get_by_test_id("customer-list").locator("li")
    assert rows.count() == 1
    assert "林姐VIP" in rows.first.inner_text() and "购买过二次" in rows.first.inner_text()
    assert "最近购买 2026-03-20" in rows.first.inner_text() and "双11" in rows.first.inner_text()
    screenshot(page, "10-guide-customers")

    page.get_by_role("link", name="全部").click()
    assert page.get_by_test_id("customer-list").locator("li").count() == 2
    page.get_by_placeholder("搜索姓名或备注").fill("郑")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("customer-list").inner_text().count("郑女士") >= 1
    assert "林姐VIP" not in page.get_by_test_id("customer-list").inner_text()
    screenshot(page, "11-guide-search-lost")

    page.goto(web + "/guide/")
    page.get_by_text("林姐VIP").click()
    timeline = page.get_by_test_id("timeline").inner_text()
    for line in ("添加导购王芳为好友", "加入客户群「南京路VIP群」", "下单（上海南京路店）", "¥1,299.00", "打标签「购买过二次」"):
        assert line in timeline
    assert page.get_by_test_id("tier").inner_text() == "购买过二次"
    screenshot(page, "12-guide-customer-detail")

    form = page.get_by_test_id("birthday-form")   # the guide records the birthday (the ritual follows)
    form.locator("input[name=birthday]").fill("1988-12-14")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "已保存生日。" in page.inner_text("main")
    assert page.get_by_test_id("birthday-form").locator("input[name=birthday]").input_value() == "1988-12-14"

    response = page.goto(f"{web}/guide/customers/{shop.customers['wu']}")  # another store's customer
    assert response.status == 404 and "吴小姐" not in page.content()
    assert "页面不存在" in page.inner_text("main")
    screenshot(page, "13-guide-404-other-store")


def test_a_manager_runs_their_store_and_cannot_open_another(phone, web, shop, screenshot, db):
    page = phone
    _sign_in_via_sandbox(page, web, "zhangli", screenshot)
    assert page.url == f"{web}/manager/stores/{shop.stores['SH001']}"
    stats = page.get_by_test_id("guide-stats").inner_text()
    assert "王芳" in stats and "李晓" in stats and "陈静" not in stats
    assert page.get_by_test_id("total-added").inner_text() == "3"
    assert page.get_by_test_id("total-lost").inner_text() == "1"
    screenshot(page, "20-manager-store")

    page.get_by_test_id("period").get_by_role("link", name="今天").click()
    assert "period=today" in page.url and page.get_by_test_id("total-added").inner_text() == "3"

    page.select_option("select[name=guide_userid]", "lixiao")
    page.fill("input[name=campaign]", "周末快闪")
    page.get_by_role("button", name="创建活码").click()
    assert "已为李晓创建渠道活码" in page.inner_text("main")
    assert "周末快闪" in page.get_by_test_id("channels").inner_text()
    with db.transaction() as session:
        channel = session.scalars(select(Channel).where(Channel.campaign == "周末快闪")).one()
    with page.expect_download() as download_info:
        page.locator("#channels li", has_text="周末快闪").get_by_role("link", name="下载二维码").click()
    download = download_info.value
    expected = io.BytesIO()
    segno.make(channel.qr_code, error="m").save(expected, kind="png", scale=8, border=4)
    assert download.suggested_filename.endswith(".png")
    assert open(download.path(), "rb").read() == expected.getvalue()
    screenshot(page, "21-manager-channels")

    page.get_by_test_id("guide-stats").get_by_role("link", name="王芳").click()
    assert "林姐VIP" in page.get_by_test_id("customer-list").inner_text()
    screenshot(page, "22-manager-guide-customers")
    page.get_by_text("林姐VIP").click()
    assert "添加导购王芳为好友" in page.get_by_test_id("timeline").inner_text()
    screenshot(page, "23-manager-customer-detail")

    for path in (f"/manager/stores/{shop.stores['HZ001']}",
                 f"/manager/stores/{shop.stores['SH001']}/customers/{shop.customers['wu']}",
                 f"/manager/stores/{shop.stores['HZ001']}/channels/{shop.channels['chenjing']}/qr.png"):
        response = page.goto(web + path)
        assert response.status == 404, path
        assert "杭州湖滨店" not in page.content() and "吴小姐" not in page.content()
    assert page.goto(web + "/hq/").status == 403


def test_hq_signs_in_with_a_password_and_keeps_the_org(phone, web, shop, screenshot, db, tmp_path):
    make_hq_user(db)
    page = phone
    page.goto(web + "/hq/")
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", "wrong-password")
    page.get_by_role("button", name="登录", exact=True).click()
    assert "用户名或密码错误" in page.inner_text("main")
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(web + "/hq/")
    stores = page.get_by_test_id("stores").inner_text()
    assert "上海南京路店" in stores and "杭州湖滨店" in stores
    screenshot(page, "30-hq-stores-and-guides")

    page.get_by_test_id("org-sync").click()
    assert "已从企业微信同步" in page.inner_text("main")

    page.get_by_test_id("stores").get_by_role("link", name="杭州湖滨店").click()
    assert "陈静" in page.get_by_test_id("members").inner_text()
    screenshot(page, "31-hq-store")
    page.get_by_role("link", name="门店数据与活码").click()
    assert "陈静" in page.get_by_test_id("guide-stats").inner_text()  # HQ may open any store

    csv_file = tmp_path / "org.csv"
    csv_file.write_text("store_code,store_name,userid,name,role\nNJ001,南京新街口店,liuyi,刘一,导购\n"
                        "NJ001,南京新街口店,,无名,导购\n", encoding="utf-8")
    page.goto(web + "/hq/org/import")
    page.set_input_files("input[type=file]", str(csv_file))
    page.get_by_role("button", name="导入").click()
    assert "成功 1 行" in page.get_by_test_id("import-result").inner_text()
    assert "缺少 userid" in page.get_by_test_id("import-errors").inner_text()
    screenshot(page, "32-hq-import-result")

    page.get_by_test_id("logout").click()
    page.wait_for_url(web + "/auth/login")
    assert "已退出登录" in page.inner_text("main")
    page.goto(web + "/hq/")
    assert page.url.startswith(web + "/auth/login")


def test_a_visitor_who_is_not_a_member_is_turned_away(phone, web, org, screenshot):
    page = phone
    page.goto(web + "/auth/login")
    page.get_by_test_id("wecom-login").click()
    page.locator('a.member[data-userid=""]').click()
    assert "只有企业成员可以登录" in page.inner_text("main")
    screenshot(page, "03-not-a-member")


def test_a_guide_with_many_customers_pages_through_them_at_phone_size(wecom_phone, web, org, db, screenshot):
    from datetime import date, timedelta

    from tests.todos.helpers import befriend, customer

    with db.transaction() as session:
        for n in range(60):
            befriend(session, "lixiao", customer(session, f"顾客{n:02d}"), date(2026, 1, 1) + timedelta(days=n))
    page = wecom_phone
    page.goto(web + "/guide/")
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator('a.member[data-userid="lixiao"]').click()
    page.wait_for_url(web + "/guide/")
    assert page.get_by_test_id("customer-count").inner_text() == "60"
    assert page.get_by_test_id("customer-list").locator("li").count() == 50
    assert page.get_by_test_id("page-position").inner_text() == "第 1 / 2 页"
    page.get_by_test_id("next-page").click()
    page.wait_for_url(re.compile(r".*page=2"))
    names = page.get_by_test_id("customer-list").locator(".name").all_inner_texts()
    assert names == [f"顾客{n:02d}" for n in reversed(range(10))]   # the ten added first
    assert page.get_by_test_id("next-page").count() == 0
    pager = page.locator("nav.pager").bounding_box()
    assert pager and pager["x"] >= 0 and pager["x"] + pager["width"] <= 390   # within the phone's width
    screenshot(page, "13-guide-customers-page-2")
    page.get_by_test_id("previous-page").click()
    page.wait_for_url(re.compile(r".*page=1"))
    assert page.get_by_test_id("customer-list").locator("li").count() == 50
