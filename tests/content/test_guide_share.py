"""A guide's material page on the phone: `{link}` is the guide's tracked link, the text is copied, and inside
WeCom it is sent (the JS bridge `wx` is the stand-in of tests.web.conftest.in_wecom_client; screenshots kept)."""
from __future__ import annotations

import re

from content_library.catalogue import material_stats, save_material
from content_library.forms import MaterialForm
from tests.content.test_content_browser import _member_opens

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
    from tests.web.conftest import in_wecom_client, open_in_wecom

    material_id = _link_material(db)
    with in_wecom_client(browser) as page:
        open_in_wecom(page, web, f"/guide/content/{material_id}", "wangfang")
        text = page.get_by_test_id("share-text").input_value()
        link = text.rsplit("：", 1)[1]
        page.get_by_test_id("share-send").click()                # from the app: WeCom's customer picker
        page.get_by_text("已发送。").wait_for()
        wecom = page.evaluate("window.__wecom")
        assert wecom["config"]["signature"] and wecom["agentConfig"]["signature"]   # signed by the app
        assert wecom["shared"] == [{"text": {"content": text}, "attachments": [
            {"msgtype": "link", "link": {"title": "春装上新", "url": link, "desc": "", "imgUrl": ""}}]}]
        screenshot(page, "content-07-guide-share-wecom")
        page.evaluate("window.__wecom.entry = 'single_chat_tools'")   # from a chat's toolbar: into that chat
        page.get_by_test_id("share-send").click()
        page.wait_for_function("window.__wecom.sent.length === 2")
        sent = page.evaluate("window.__wecom.sent")
        assert sent[0]["text"]["content"] == text and sent[1]["news"]["link"] == link
