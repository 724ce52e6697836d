"""Sandbox APIs over real HTTP: tokens, customers, tags, welcome codes, faults and limits."""

from __future__ import annotations

import time
from typing import Any

import requests
from defusedxml import ElementTree

from bot.sandbox import ManualClock, SandboxCorp, SandboxServer

CORP_ID = "wwsandbox0000000001"


def field(xml: str, name: str) -> str:
    return ElementTree.fromstring(xml).findtext(name) or ""


# ----- tokens ------------------------------------------------------------------------------
def test_gettoken(api: Any, server: SandboxServer) -> None:
    data = api.gettoken()
    assert data["errcode"] == 0 and data["expires_in"] == 7200 and data["access_token"]
    bad = requests.get(server.base_url + "gettoken", params={"corpid": CORP_ID, "corpsecret": "nope"}).json()
    assert bad["errcode"] == 40001
    wrong_corp = requests.get(server.base_url + "gettoken", params={"corpid": "wwX", "corpsecret": "x"}).json()
    assert wrong_corp["errcode"] == 40013


def test_token_errors(api: Any, server: SandboxServer, corp: SandboxCorp, clock: ManualClock) -> None:
    url = server.base_url + "user/get"
    assert requests.get(url, params={"userid": "zhangsan"}).json()["errcode"] == 41001
    assert requests.get(url, params={"access_token": "bogus", "userid": "zhangsan"}).json()["errcode"] == 40014
    assert api.get("user/get", userid="zhangsan")["name"] == "张三"
    corp.expire_tokens()
    assert api.get("user/get", userid="zhangsan")["errcode"] == 42001
    old = api.token
    api.gettoken()
    assert api.token != old and api.get("user/get", userid="zhangsan")["errcode"] == 0
    clock.advance(7200)
    assert api.get("user/get", userid="zhangsan")["errcode"] == 42001


def test_errmsg_has_hint_and_bad_json(api: Any) -> None:
    api.gettoken()
    resp = api.http.post(api.base_url + "externalcontact/mark_tag", params={"access_token": api.token},
                         data=b"{not json").json()
    assert resp["errcode"] == 40058 and "Warning: wrong json format." in resp["errmsg"]
    assert "hint: [" in resp["errmsg"]


# ----- customers ---------------------------------------------------------------------------
def test_externalcontact_get_after_add(api: Any, corp: SandboxCorp) -> None:
    eid = corp.new_customer("王五", unionid="ozynq-union", gender=1)
    assert eid.startswith("wm") and len(eid) == 30
    assert api.get("externalcontact/get", external_userid=eid)["errcode"] == 84061
    xml = corp.customer_adds_member(eid, "zhangsan", state="store-7")
    assert field(xml, "ChangeType") == "add_external_contact" and field(xml, "State") == "store-7"
    data = api.get("externalcontact/get", external_userid=eid)
    assert data["errcode"] == 0 and data["external_contact"]["name"] == "王五"
    assert data["external_contact"]["unionid"] == "ozynq-union" and data["external_contact"]["type"] == 1
    follow = data["follow_user"][0]
    assert follow["userid"] == "zhangsan" and follow["state"] == "store-7" and follow["oper_userid"] == eid
    assert follow["createtime"] == 1_700_000_000 and follow["tags"] == []


def test_mark_tag_and_errors(api: Any, corp: SandboxCorp) -> None:
    eid = corp.new_customer("赵六")
    corp.customer_adds_member(eid, "zhangsan")
    group = api.post("externalcontact/add_corp_tag",
                     {"group_name": "兴趣", "tag": [{"name": "跑步"}, {"name": "瑜伽"}]})["tag_group"]
    run, yoga = (t["id"] for t in group["tag"])
    ok = api.post("externalcontact/mark_tag", {"userid": "zhangsan", "external_userid": eid, "add_tag": [run, yoga]})
    assert ok["errcode"] == 0 and corp.tags_of(eid, "zhangsan") == {run, yoga}
    api.post("externalcontact/mark_tag", {"userid": "zhangsan", "external_userid": eid, "remove_tag": [yoga]})
    assert corp.tags_of(eid, "zhangsan") == {run}
    tags = api.get("externalcontact/get", external_userid=eid)["follow_user"][0]["tags"]
    assert tags == [{"group_name": "兴趣", "tag_name": "跑步", "tag_id": run, "type": 1}]
    not_follower = {"userid": "lisi", "external_userid": eid, "add_tag": [run]}
    assert api.post("externalcontact/mark_tag", not_follower)["errcode"] == 84061
    unknown = {"userid": "zhangsan", "external_userid": eid, "add_tag": ["etNOPE"]}
    assert api.post("externalcontact/mark_tag", unknown)["errcode"] == 40068
    empty = {"userid": "zhangsan", "external_userid": eid, "add_tag": [], "remove_tag": []}
    assert api.post("externalcontact/mark_tag", empty)["errcode"] == 40058


def test_add_corp_tag_reuses_group_by_name(api: Any, corp: SandboxCorp) -> None:
    first = api.post("externalcontact/add_corp_tag", {"group_name": "尺码", "tag": [{"name": "S"}]})["tag_group"]
    second = api.post("externalcontact/add_corp_tag",
                      {"group_name": "尺码", "tag": [{"name": "S"}, {"name": "M"}, {"name": "M"}]})["tag_group"]
    assert second["group_id"] == first["group_id"]
    assert second["tag"][0]["id"] == first["tag"][0]["id"] and len(second["tag"]) == 2
    listed = api.post("externalcontact/get_corp_tag_list", {})["tag_group"]
    assert len(listed) == 1 and [t["name"] for t in listed[0]["tag"]] == ["S", "M"]
    by_tag = api.post("externalcontact/get_corp_tag_list", {"tag_id": [first["tag"][0]["id"]]})["tag_group"]
    assert [t["name"] for t in by_tag[0]["tag"]] == ["S"]
    assert api.post("externalcontact/add_corp_tag", {"group_name": "空", "tag": []})["errcode"] == 40058


# ----- welcome codes -----------------------------------------------------------------------
def test_welcome_code_single_use(api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    eid = corp.new_customer("孙七")
    code = field(corp.customer_adds_member(eid, "zhangsan"), "WelcomeCode")
    clock.advance(3)
    body = {"welcome_code": code, "text": {"content": "欢迎光临"}}
    assert api.post("externalcontact/send_welcome_msg", body)["errcode"] == 0
    assert api.post("externalcontact/send_welcome_msg", body)["errcode"] == 41051
    [sent] = corp.welcome_messages()
    assert sent["latency"] == 3 and sent["payload"]["text"]["content"] == "欢迎光临"


def test_welcome_code_expires_after_20s(api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    eid = corp.new_customer("周八")
    late = field(corp.customer_adds_member(eid, "zhangsan"), "WelcomeCode")
    just_in_time = field(corp.customer_adds_member(corp.new_customer("吴九"), "lisi"), "WelcomeCode")
    clock.advance(20)
    assert api.post("externalcontact/send_welcome_msg",
                    {"welcome_code": just_in_time, "text": {"content": "hi"}})["errcode"] == 0
    clock.advance(0.5)
    resp = api.post("externalcontact/send_welcome_msg", {"welcome_code": late, "text": {"content": "hi"}})
    assert resp["errcode"] == corp.welcome_expired_errcode != 0


def test_no_welcome_code_for_wecom_customer(corp: SandboxCorp) -> None:
    partner = corp.new_customer("合作伙伴", type=2, corp_name="腾讯")
    assert partner.startswith("wo")
    assert "WelcomeCode" not in corp.customer_adds_member(partner, "zhangsan")


# ----- faults and limits -------------------------------------------------------------------
def test_fault_injection_once_then_ok(api: Any, corp: SandboxCorp) -> None:
    corp.inject_fault("externalcontact/get_corp_tag_list", errcode=45009)
    assert api.post("externalcontact/get_corp_tag_list", {})["errcode"] == 45009
    assert api.post("externalcontact/get_corp_tag_list", {})["errcode"] == 0
    assert [c.errcode for c in corp.calls("externalcontact/get_corp_tag_list")] == [45009, 0]


def test_fault_delay(api: Any, corp: SandboxCorp) -> None:
    api.gettoken()
    corp.inject_fault("/cgi-bin/user/get", delay=0.3)
    started = time.monotonic()
    assert api.get("user/get", userid="lisi")["errcode"] == 0
    assert time.monotonic() - started >= 0.3


def test_rate_limit_answers_45009_then_recovers(api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    corp.set_rate_limit("user/get", 2)
    codes = [api.get("user/get", userid="lisi")["errcode"] for _ in range(3)]
    assert codes == [0, 0, 45009]
    clock.advance(30)
    assert api.get("user/get", userid="lisi")["errcode"] == 45009  # blocked 60 s
    clock.advance(31)
    assert api.get("user/get", userid="lisi")["errcode"] == 0


# ----- 「联系我」 --------------------------------------------------------------------------
def test_contact_way(api: Any, corp: SandboxCorp) -> None:
    too_long = {"type": 1, "scene": 2, "user": ["zhangsan"], "state": "x" * 31}
    assert api.post("externalcontact/add_contact_way", too_long)["errcode"] == 40058
    made = api.post("externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"],
                                                        "state": "门店扫码"})
    assert made["errcode"] == 0 and made["qr_code"].startswith("https://")
    mini = api.post("externalcontact/add_contact_way", {"type": 1, "scene": 1, "user": ["zhangsan"]})
    assert "qr_code" not in mini
    way = api.post("externalcontact/get_contact_way", {"config_id": made["config_id"]})["contact_way"]
    assert way["state"] == "门店扫码" and way["skip_verify"] is True
    eid = corp.new_customer("客人")
    xml = corp.customer_scans_contact_way(made["config_id"], eid)
    assert field(xml, "State") == "门店扫码" and field(xml, "UserID") == "zhangsan"


def test_calls_are_logged(api: Any, corp: SandboxCorp) -> None:
    api.get("user/get", userid="zhangsan")
    [call] = corp.calls("user/get")
    assert call.method == "GET" and call.params["userid"] == "zhangsan" and call.response["errcode"] == 0
    assert len(corp.calls("gettoken")) == 1
