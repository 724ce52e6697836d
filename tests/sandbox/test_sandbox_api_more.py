"""Sandbox APIs over real HTTP: groups, app messages, media, OAuth, group sends, wechatpy client."""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree
from wechatpy.work import WeChatClient

from bot.sandbox import ManualClock, SandboxCorp, SandboxServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BUTTON_CARD = {"card_type": "button_interaction", "main_title": {"title": "选尺码"}, "task_id": "task-1",
               "button_list": [{"text": "要了", "style": 1, "key": "buy"}, {"text": "算了", "key": "skip"}]}


def field(xml: str, name: str) -> str:
    return ElementTree.fromstring(xml).findtext(name) or ""


def test_groupchat_join_scene_mapping(contact_api: Any, corp: SandboxCorp) -> None:
    a, b = corp.new_customer("甲", unionid="union-a"), corp.new_customer("乙")
    chat_id, created = corp.create_group("zhangsan", "VIP群")
    assert field(created, "ChangeType") == "create"
    before = contact_api.post("externalcontact/groupchat/get", {"chat_id": chat_id})["group_chat"]["member_version"]
    qr = corp.join_group(chat_id, [a], join_scene_api=3, state="qr-state")
    link = corp.join_group(chat_id, [b, "lisi"], join_scene_api=2, invitor="zhangsan")
    assert field(qr, "JoinScene") == "3" and field(link, "JoinScene") == "0"
    assert field(qr, "LastMemVer") == before and field(qr, "CurMemVer") == field(link, "LastMemVer")
    assert [i.text for i in ElementTree.fromstring(link).iter("Item")] == [b, "lisi"]
    chat = contact_api.post("externalcontact/groupchat/get", {"chat_id": chat_id, "need_name": 1})["group_chat"]
    members = {m["userid"]: m for m in chat["member_list"]}
    assert members[a]["join_scene"] == 3 and members[a]["state"] == "qr-state" and "invitor" not in members[a]
    assert members[a]["unionid"] == "union-a" and members[a]["type"] == 2 and members[a]["name"] == "甲"
    assert members[b]["join_scene"] == 2 and members[b]["invitor"] == {"userid": "zhangsan"}
    assert members["lisi"]["type"] == 1 and chat["member_version"] == field(link, "CurMemVer")
    plain = contact_api.post("externalcontact/groupchat/get", {"chat_id": chat_id})["group_chat"]
    assert all("name" not in m for m in plain["member_list"])
    quit_xml = corp.quit_group(chat_id, [b], quit_scene=1)
    assert field(quit_xml, "UpdateDetail") == "del_member" and field(quit_xml, "QuitScene") == "1"
    corp.dismiss_group(chat_id)
    assert contact_api.post("externalcontact/groupchat/get", {"chat_id": chat_id})["errcode"] != 0


def test_join_way(contact_api: Any, corp: SandboxCorp) -> None:
    chats = [corp.create_group("zhangsan", f"群{i}")[0] for i in range(6)]
    too_many = {"scene": 2, "chat_id_list": chats}
    assert contact_api.post("externalcontact/groupchat/add_join_way", too_many)["errcode"] == 40058
    made = contact_api.post("externalcontact/groupchat/add_join_way",
                            {"scene": 2, "chat_id_list": chats[:2], "state": "poster-1"})
    way = contact_api.post("externalcontact/groupchat/get_join_way", {"config_id": made["config_id"]})["join_way"]
    assert way["qr_code"] and way["chat_id_list"] == chats[:2]
    xml = corp.customer_scans_join_way(made["config_id"], [corp.new_customer("丙")])
    assert field(xml, "JoinScene") == "3"


def test_template_card_send_click_update(api: Any, corp: SandboxCorp) -> None:
    body = {"touser": "zhangsan|Ghost", "toparty": "", "totag": "", "msgtype": "template_card",
            "agentid": 1000002, "template_card": BUTTON_CARD}
    sent = api.post("message/send", body)
    assert sent["errcode"] == 0 and sent["response_code"] and sent["msgid"]
    assert sent["invaliduser"] == "ghost"
    assert api.post("message/send", body)["errcode"] == 40058  # task_id reused
    xml = corp.member_clicks_card("zhangsan", "task-1", "buy")
    assert field(xml, "Event") == "template_card_event" and field(xml, "FromUserName") == "zhangsan"
    click_code = field(xml, "ResponseCode")
    update = {"userids": ["zhangsan"], "agentid": 1000002, "response_code": click_code,
              "button": {"replace_name": "已选择"}}
    assert api.post("message/update_template_card", update)["errcode"] == 0
    assert api.post("message/update_template_card", update)["errcode"] != 0  # single use
    [msg] = corp.sent_messages("zhangsan")
    assert msg.updates[0]["button"] == {"replace_name": "已选择"}


def test_message_send_errors_and_throttle(api: Any, corp: SandboxCorp) -> None:
    text = {"touser": "nobody", "msgtype": "text", "agentid": 1000002, "text": {"content": "hi"}}
    assert api.post("message/send", text)["errcode"] == 81013
    assert api.post("message/send", {**text, "agentid": 9})["errcode"] == 40056
    text["touser"] = "lisi"
    results = [api.post("message/send", text)["errcode"] for _ in range(31)]
    assert set(results) == {0}
    assert len(corp.sent_messages("lisi")) == 30  # the 31st was silently dropped


def test_media_upload_and_get(api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    files = {"media": ("a.png", PNG, "image/png")}
    up = api.post("media/upload", params={"type": "image"}, files=files)
    assert up["errcode"] == 0 and up["type"] == "image" and up["created_at"] == "1700000000"
    got = api.http.get(api.base_url + "media/get", params={"access_token": api.token, "media_id": up["media_id"]})
    assert got.content == PNG
    assert api.post("media/upload", params={"type": "image"},
                    files={"media": ("a.png", b"nope-not-png", "image/png")})["errcode"] == 40005
    img = api.post("media/uploadimg", files=files)
    assert img["url"].startswith("http://p.qpic.cn/")
    clock.advance(3 * 86400 + 1)
    api.gettoken()
    assert api.get("media/get", media_id=up["media_id"])["errcode"] == 40007


def test_oauth_both_shapes(api: Any, corp: SandboxCorp) -> None:
    code = corp.issue_oauth_code("zhangsan")
    assert api.get("auth/getuserinfo", code=code)["userid"] == "zhangsan"
    assert api.get("auth/getuserinfo", code=code)["errcode"] == 40029
    legacy = api.get("user/getuserinfo", code=corp.issue_oauth_code("lisi"))
    assert legacy["UserId"] == "lisi"
    visitor = api.get("auth/getuserinfo", code=corp.issue_oauth_code(openid="o-visitor"))
    assert visitor["openid"] == "o-visitor" and "userid" not in visitor


def test_directory(api: Any) -> None:
    users = api.get("user/simplelist", department_id=1, fetch_child=1)["userlist"]
    assert {u["userid"] for u in users} == {"zhangsan", "lisi"}
    assert [d["id"] for d in api.get("department/list")["department"]] == [1, 2]
    assert api.get("user/get", userid="ghost")["errcode"] == 60111


def test_group_send_confirm_and_cap(contact_api: Any, corp: SandboxCorp) -> None:
    corp.groupmsg_cap_mode = "day"
    eids = [corp.new_customer(n) for n in ("A", "B")]
    for eid in eids:
        corp.customer_adds_member(eid, "zhangsan")
    stranger = corp.new_customer("C")
    body = {"external_userid": eids + [stranger], "sender": "zhangsan", "text": {"content": "上新了"}}
    first = contact_api.post("externalcontact/add_msg_template", body)
    assert first["fail_list"] == [stranger]
    task = contact_api.post("externalcontact/get_groupmsg_task", {"msgid": first["msgid"]})["task_list"]
    assert task == [{"userid": "zhangsan", "status": 0}]
    corp.member_confirms_group_send(first["msgid"], "zhangsan")
    second = contact_api.post("externalcontact/add_msg_template", body)
    corp.member_confirms_group_send(second["msgid"], "zhangsan")
    result = contact_api.post("externalcontact/get_groupmsg_send_result",
                              {"msgid": second["msgid"], "userid": "zhangsan"})["send_list"]
    assert {r["status"] for r in result} == {3}  # 1/day cap reached
    first_result = contact_api.post("externalcontact/get_groupmsg_send_result",
                                    {"msgid": first["msgid"], "userid": "zhangsan"})["send_list"]
    assert {r["status"] for r in first_result} == {1} and all("send_time" in r for r in first_result)


class SandboxWeChatClient(WeChatClient):
    """wechatpy pointed at the sandbox (gettoken's host is hard-coded, so override both)."""

    def __init__(self, base_url: str, *args: Any, **kwargs: Any) -> None:
        self.API_BASE_URL = base_url
        super().__init__(*args, **kwargs)

    def fetch_access_token(self) -> Any:
        return self._fetch_access_token(url=self.API_BASE_URL + "gettoken",
                                        params={"corpid": self.corp_id, "corpsecret": self.secret})


def test_wechatpy_client_refetches_after_42001(server: SandboxServer, corp: SandboxCorp) -> None:
    client = SandboxWeChatClient(server.base_url, "wwsandbox0000000001", "app-secret-0001")
    eid = corp.new_customer("钱十")
    corp.customer_adds_member(eid, "zhangsan")
    assert client.external_contact.get(eid)["external_contact"]["name"] == "钱十"
    corp.expire_tokens()
    assert client.external_contact.get(eid)["follow_user"][0]["userid"] == "zhangsan"
    assert len(corp.calls("gettoken")) == 2
