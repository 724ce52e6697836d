"""A guide's material page on the phone: `{link}` is the guide's tracked link, the text is copied, and inside
WeCom it is sent (the JS bridge `wx` is a small stand-in, as in the sidebar test; screenshots kept)."""
from __future__ import annotations

import re

from content_library.catalogue import material_stats, save_material
from content_library.forms import MaterialForm
from tests.content.test_content_browser import _member_opens

WECOM_BRIDGE = """
window.__wecom = {entry: "normal", shared: [], sent: []};
window.wx = {
  config: function (c) {}, ready: function (f) { setTimeout(f, 0); }, error: function (f) {},
  agentConfig: function (c) { setTimeout(c.success, 0); },
  invoke: function (name, args, cb) {
    if (name === "getContext") { cb({err_msg: name + ":ok", entry: window.__wecom.entry}); return; }
    if (name === "shareToExternalContact") { window.__wecom.shared.push(args); cb({err_msg: name + ":ok"}); return; }
    if (name === "sendChatMessage") { window.__wecom.sent.push(args); cb({err_msg: name + ":ok"}); return; }
    cb({err_msg: name + ":fail"});
  }
};
"""
TARGET = "https://shop.example.com/spring"


def _link_material(db) -> int:
    with db.transaction() as session:
        return save_material(session=session, form=MaterialForm(
            kind="link", title="春装上新", link_url=TARGET, body="{salutation}，春装上新啦，点开看看：{link}")).id


def test_the_guide_copies_a_material_with_their_tracked_link(phone, web, db, org, client, screenshot):
    material_id = _link_material(db)
    page = phone
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web)
    _member_opens(page, web, "wangfang", f"/guide/content/{material_id}")
    preview = page.get_by_test_id("preview").inner_text()
    [link] = re.findall(re.escape(web) + r"/t/\S+", preview)                 # not an empty {link}
    text = page.get_by_test_id("share-text").input_value()
    assert text == f"亲，春装上新啦，点开看看：{link}"
    assert page.get_by_test_id("share-send").count() == 0                    # outside WeCom: copy only
    page.get_by_test_id("share-copy").click()
    page.get_by_text("已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "content-06-guide-share-phone")

    answer = client.get(link.removeprefix(web))                               # a customer taps it
    assert answer.status_code == 302 and answer.headers["Location"] == TARGET
    with db.transaction() as session:
        stats = material_stats(session=session, material_ids=[material_id])[material_id]
    assert (stats.sends, stats.clicks) == (1, 1)


def test_inside_wecom_the_guide_sends_the_material(browser, web, db, org, screenshot):
    from tests.web.conftest import WECOM_UA, _context

    material_id = _link_material(db)
    context = _context(browser, WECOM_UA)
    context.add_init_script(WECOM_BRIDGE)
    for sdk in ("https://res.wx.qq.com/**", "https://open.work.weixin.qq.com/**"):   # WeCom's own scripts
        context.route(sdk, lambda route: route.fulfill(body="", content_type="application/javascript"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        path = f"/guide/content/{material_id}"
        page.goto(web + path)                                    # inside WeCom: straight to the authorize page
        page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
        page.locator('a.member[data-userid="wangfang"]').click()
        page.wait_for_url(web + path)
        text = page.get_by_test_id("share-text").input_value()
        link = text.rsplit("：", 1)[1]
        page.get_by_test_id("share-send").click()                # from the app: WeCom's customer picker
        page.get_by_text("已发送。").wait_for()
        assert page.evaluate("window.__wecom.shared") == [{"text": {"content": text}, "attachments": [
            {"msgtype": "link", "link": {"title": "春装上新", "url": link, "desc": "", "imgUrl": ""}}]}]
        screenshot(page, "content-07-guide-share-wecom")
        page.evaluate("window.__wecom.entry = 'single_chat_tools'")   # from a chat's toolbar: into that chat
        page.get_by_test_id("share-send").click()
        page.wait_for_function("window.__wecom.sent.length === 2")
        sent = page.evaluate("window.__wecom.sent")
        assert sent[0]["text"]["content"] == text and sent[1]["news"]["link"] == link
    finally:
        context.close()
