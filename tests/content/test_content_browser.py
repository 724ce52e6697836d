"""HQ builds content in a real browser (Debian's chromium); a guide of a store outside its scope cannot see it.

HQ drops a batch of images on the uploader, imports a CSV of new arrivals, builds an outfit from them,
scopes it to two stores; a guide of a third store signs in through the sandbox and gets 404.
Screenshots (desktop and phone) go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import base64
import re

import pytest
from sqlalchemy import select

from models import Guide, Material, Store
from tests.content.helpers import EXE_BYTES, image_bytes
from tests.web.helpers import HQ_PASSWORD, HQ_USERNAME, make_hq_user

DESKTOP = {"width": 1280, "height": 900}
DROP_FILES = """async (files) => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name, {type: f.type}));
  }
  const zone = document.querySelector('[data-testid=dropzone]');
  zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""
ARRIVALS_CSV = """SKU,名称,品类,价格,季节,风格,上市日期,图片
A100,真丝衬衫,衬衫,399,秋,通勤,2026-09-01,shirt.png
A101,阔腿西裤,裤装,459.5,秋,"通勤,简约",2026-09-05,trousers.png
A102,羊毛大衣,大衣,1299,冬,,2026-10-10,
A103,坏行,裤装,便宜,秋,,2026-09-01,
"""


def _file(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "type": mime, "b64": base64.b64encode(data).decode()}


@pytest.fixture
def third_store(sandbox, db, org):
    """A third store (BJ001) with its guide zhaolei, in WeCom and in the app."""
    sandbox.add_department(4, "北京三里屯店")
    sandbox.add_member("zhaolei", "赵磊", department=[4])
    with db.transaction() as session:
        store = Store(code="BJ001", name="北京三里屯店", region="华北", wecom_department_id=4)
        session.add(store)
        session.flush()
        session.add(Guide(userid="zhaolei", name="赵磊", role="guide", store_id=store.id))
    return store.id


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _hq_signs_in(page, web: str) -> None:
    page.goto(web + "/auth/login")
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(web) + r"/hq/.*"))


def _member_opens(page, web: str, userid: str, path: str) -> None:
    page.goto(f"{web}/auth/wecom?next={path}")
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator(f'a.member[data-userid="{userid}"]').click()
    page.wait_for_url(web + path)


def _upload_batch(page, web: str) -> None:
    page.goto(web + "/hq/content/upload")
    batch = [_file("scene.jpg", image_bytes("#b45309", (1600, 1200), "JPEG"), "image/jpeg"),
             _file("shirt.png", image_bytes("#e0e7ff", (800, 800), "PNG"), "image/png"),
             _file("trousers.png", image_bytes("#1f2937", (800, 800), "PNG"), "image/png"),
             _file("setup.jpg", EXE_BYTES, "image/jpeg")]
    page.evaluate(DROP_FILES, batch)
    uploads = page.get_by_test_id("uploads")
    page.wait_for_function("document.querySelectorAll('.uploads li.done, .uploads li.failed').length === 4")
    assert uploads.locator("li.done").count() == 3
    assert page.locator(".uploads li.done progress").evaluate_all("bars => bars.map(b => b.value)") == [100] * 3
    refused = uploads.locator("li.failed").inner_text()
    assert "setup.jpg" in refused and "内容不是图片（检测到Windows 可执行程序 (.exe)）" in refused


def _import_arrivals(page, web: str) -> None:
    page.goto(web + "/hq/content/products")
    page.get_by_test_id("arrivals-file").set_input_files(
        {"name": "新品.csv", "mimeType": "text/csv", "buffer": ARRIVALS_CSV.encode("utf-8-sig")})
    page.get_by_test_id("import").click()
    report = page.get_by_test_id("import-report").inner_text()
    assert "成功 3 行，失败 1 行" in report and "价格「便宜」不是数字" in report
    assert page.locator("[data-testid=product-list] img").count() == 2   # images matched by file name


def _build_outfit(page, web: str) -> None:
    page.goto(web + "/hq/content/new?kind=outfit")
    page.get_by_test_id("title").fill("秋日通勤搭配")
    page.get_by_test_id("body").fill("{salutation}，{product}这套秋日通勤搭配很适合您，{guide}在店里等您试穿")
    page.get_by_text("从图库选择").click()
    page.locator('[data-pick][data-name="scene.jpg"]').click()
    assert page.get_by_test_id("chosen-files").locator(".thumb").count() == 1
    page.locator('[data-filter-products]').fill("通勤")   # the filter hides the coat
    assert page.locator("tr[data-search]:visible").count() == 2
    page.locator('input[data-sku="A100"]').check()
    page.locator('input[data-sku="A101"]').check()
    page.locator('input[name=tag_season][value=autumn]').check()
    page.locator('input[name=tag_occasion][value=new_arrival]').check()
    page.locator('input[name=scope][value=stores]').check()
    page.locator('input[name=store_ids][data-code="SH001"]').check()
    page.locator('input[name=store_ids][data-code="HZ001"]').check()
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(re.escape(web) + r"/hq/content/\d+$"))
    assert "已创建素材「秋日通勤搭配」" in page.inner_text("main")


def test_hq_builds_a_scoped_outfit_and_a_third_store_cannot_see_it(
        desktop, phone, browser, web, db, org, third_store, screenshot):
    make_hq_user(db)
    _hq_signs_in(desktop, web)
    _upload_batch(desktop, web)
    screenshot(desktop, "content-01-hq-upload-desktop")
    _import_arrivals(desktop, web)
    _build_outfit(desktop, web)
    screenshot(desktop, "content-02-hq-outfit-desktop")
    desktop.goto(web + "/hq/content/")
    outfit_card = desktop.locator('[data-testid=material][data-title="秋日通勤搭配"]')
    assert "门店：上海南京路店、杭州湖滨店" in outfit_card.inner_text()
    assert "阔腿西裤 + 真丝衬衫" in outfit_card.inner_text()
    assert desktop.locator("[data-testid=material]").count() == 4      # 3 images + the outfit
    screenshot(desktop, "content-03-hq-library-desktop")
    with db.transaction() as session:
        outfit_id = session.scalars(select(Material.id).where(Material.kind == "outfit")).one()

    _member_opens(phone, web, "zhaolei", "/guide/content/")              # a guide of the third store
    titles = phone.get_by_test_id("guide-materials").inner_text()
    assert "scene" in titles and "秋日通勤搭配" not in titles
    response = phone.goto(f"{web}/guide/content/{outfit_id}")
    assert response.status == 404 and "秋日通勤搭配" not in phone.content()
    assert "页面不存在" in phone.inner_text("main")

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    sh_guide = context.new_page()
    _member_opens(sh_guide, web, "wangfang", f"/guide/content/{outfit_id}")   # a guide of a scoped store
    preview = sh_guide.get_by_test_id("preview").inner_text()
    assert preview == "王姐，阔腿西裤、真丝衬衫这套秋日通勤搭配很适合您，王芳在店里等您试穿"
    screenshot(sh_guide, "content-04-guide-outfit-phone")
    sh_guide.goto(web + "/guide/content/")
    screenshot(sh_guide, "content-05-guide-materials-phone")
    context.close()
