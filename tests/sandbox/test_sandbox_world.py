"""World actions: state changes and the callback XML WeCom would send (protocol doc §3)."""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree
from flask import Flask, request
from wechatpy.work import parse_message
from wechatpy.work.crypto import WeChatCrypto

from bot.sandbox import CallbackDriver, ManualClock, SandboxCorp

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"


def children(xml: str) -> list[str]:
    return [c.tag for c in ElementTree.fromstring(xml)]


def test_contact_events_parse_with_wechatpy(corp: SandboxCorp) -> None:
    eid = corp.new_customer("小明")
    add = parse_message(corp.customer_adds_member(eid, "zhangsan", state="s1"))
    assert (add.change_type, add.user_id, add.external_user_id, add.state) == (
        "add_external_contact", "zhangsan", eid, "s1")
    assert add.welcome_code and add.source == "sys"
    half = parse_message(corp.customer_adds_member(corp.new_customer("小红"), "lisi", half=True))
    assert half.change_type == "add_half_external_contact"
    gone = parse_message(corp.member_deletes_customer(eid, "zhangsan", by_transfer=True))
    assert gone.change_type == "del_external_contact" and gone.del_source == "DELETE_BY_TRANSFER"
    assert corp.follow(eid, "zhangsan") is None


def test_edit_events(corp: SandboxCorp) -> None:
    eid = corp.new_customer("老王")
    corp.customer_adds_member(eid, "zhangsan")
    assert corp.member_edits_customer(eid, "zhangsan", remark_mobiles=["13900000000"]) is None
    xml = corp.member_edits_customer(eid, "zhangsan", remark="王哥")
    assert xml is not None and parse_message(xml).change_type == "edit_external_contact"
    deleted = corp.customer_deletes_member(eid, "zhangsan")
    assert parse_message(deleted).change_type == "del_follow_user"
    assert corp.follow(eid, "zhangsan") is not None  # the member still sees the one-sided relation


def test_transfer_fail_puts_reason_before_userid(corp: SandboxCorp) -> None:
    xml = corp.transfer_fail(corp.new_customer("张"), "lisi", "customer_refused")
    tags = children(xml)
    assert tags.index("FailReason") < tags.index("UserID")
    assert parse_message(xml).fail_reason == "customer_refused"


def test_tag_events(corp: SandboxCorp) -> None:
    created = parse_message(corp.admin_creates_tag("会员等级", "金卡"))
    assert created.change_type == "create" and created.tag_type == "tag_group"
    more = parse_message(corp.admin_creates_tag("会员等级", "银卡"))
    silver = corp.tag_id("会员等级", "银卡")
    assert more.tag_type == "tag" and more.tag_id == silver
    eid = corp.new_customer("客")
    corp.customer_adds_member(eid, "zhangsan")
    corp.member_edits_customer(eid, "zhangsan", add_tags=[silver])
    renamed = parse_message(corp.admin_renames_tag(silver, "白银"))
    assert renamed.change_type == "update" and corp.follow_users(eid)[0]["tags"][0]["tag_name"] == "白银"
    assert parse_message(corp.admin_deletes_tag(silver)).change_type == "delete"
    assert corp.tags_of(eid, "zhangsan") == set()
    assert "TagType" not in children(corp.admin_reorders_tags())


def test_group_events(corp: SandboxCorp) -> None:
    chat_id, _ = corp.create_group("zhangsan", "群")
    joined = parse_message(corp.join_group(chat_id, [corp.new_customer("一")], join_scene_api=1,
                                           invitor="zhangsan"))
    assert joined.update_detail == "add_member" and joined.join_scene == "0" and joined.mem_change_cnt == "1"
    assert isinstance(joined._data["MemChangeList"]["Item"], str)
    corp.join_group(chat_id, ["lisi"], join_scene_api=1, invitor="zhangsan")
    owner = parse_message(corp.change_group_owner(chat_id, "lisi"))
    assert owner.update_detail == "change_owner" and corp.chat(chat_id).owner == "lisi"
    assert parse_message(corp.rename_group(chat_id, "新群名")).update_detail == "change_name"
    assert parse_message(corp.change_group_notice(chat_id, "公告")).update_detail == "change_notice"
    assert parse_message(corp.dismiss_group(chat_id)).change_type == "dismiss"
    with pytest.raises(ValueError):
        corp.join_group("wrNope", ["lisi"], join_scene_api=3)


def test_card_click_event_shape(corp: SandboxCorp) -> None:
    card = {"card_type": "button_interaction", "task_id": "t1", "main_title": {"title": "x"},
            "button_selection": {"question_key": "q1", "option_list": [{"id": "s", "text": "S"}]},
            "button_list": [{"text": "ok", "key": "k1"}]}
    corp.record_app_message(1000002, {"msgtype": "template_card", "template_card": card}, ["zhangsan"])
    msg = parse_message(corp.member_clicks_card("zhangsan", "t1", "k1", selected=[("q1", ["s"])]))
    assert msg.type == "unknown" and msg._data["TaskId"] == "t1" and msg._data["EventKey"] == "k1"
    assert msg._data["CardType"] == "button_interaction" and msg._data["ResponseCode"]
    with pytest.raises(ValueError):
        corp.member_clicks_card("lisi", "t1", "k1")


def test_driver_delivers_world_event_to_flask_app(corp: SandboxCorp, clock: ManualClock, wsgi: Any) -> None:
    crypto = WeChatCrypto(TOKEN, AES_KEY, corp.corp_id)
    received: list[str] = []
    app = Flask("fake-bot")

    @app.post("/callback")
    def callback() -> str:
        args = request.args
        received.append(crypto.decrypt_message(request.get_data(as_text=True), args["msg_signature"],
                                               args["timestamp"], args["nonce"]))
        return ""

    xml = corp.customer_adds_member(corp.new_customer("甲"), "zhangsan")
    with wsgi(app) as url:
        driver = CallbackDriver(url, token=TOKEN, encoding_aes_key=AES_KEY, corp_id=corp.corp_id,
                                agent_id=None, clock=clock)
        delivery = driver.deliver(xml)
    assert delivery.acked_empty and received == [xml]
