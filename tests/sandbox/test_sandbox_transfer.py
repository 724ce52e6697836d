"""Sandbox 在职继承 / 离职继承 and directory callbacks: URLs, JSON, errcodes, limits, results over time."""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree

from bot.sandbox import ManualClock, SandboxCorp

DAY = 86400.0


def field(xml: str, name: str) -> str:
    return ElementTree.fromstring(xml).findtext(name) or ""


def _later(clock: ManualClock, api: Any, seconds: float = DAY) -> None:
    """Move the clock on; the access token (7200 s) is fetched again."""
    clock.advance(seconds)
    api.gettoken()


def _customers(corp: SandboxCorp, userid: str, n: int) -> list[str]:
    eids = [corp.new_customer(f"客户{i}") for i in range(n)]
    for eid in eids:
        corp.customer_adds_member(eid, userid)
    return eids


def test_member_leaves_sends_delete_user_and_the_directory_forgets_them(contact_api: Any, corp: SandboxCorp) -> None:
    xml = corp.member_leaves("zhangsan")
    assert field(xml, "Event") == "change_contact" and field(xml, "ChangeType") == "delete_user"
    assert field(xml, "UserID") == "zhangsan" and field(xml, "FromUserName") == "sys"
    assert contact_api.get("user/get", userid="zhangsan")["errcode"] == 60111
    moved = corp.member_moves("lisi", [1], position="店员")
    assert field(moved, "ChangeType") == "update_user" and field(moved, "Department") == "1"
    assert field(moved, "MainDepartment") == "1" and field(moved, "Position") == "店员"
    assert field(corp.member_disabled("lisi"), "Status") == "2"


def test_resigned_transfer_waits_then_completes(contact_api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    eids = _customers(corp, "zhangsan", 2)
    stranger = corp.new_customer("路人")
    body = {"handover_userid": "zhangsan", "takeover_userid": "lisi", "external_userid": eids}
    assert contact_api.post("externalcontact/resigned/transfer_customer", body)["errcode"] == 40097  # not left yet
    corp.member_leaves("zhangsan")
    answer = contact_api.post("externalcontact/resigned/transfer_customer",
                              {**body, "external_userid": eids + [stranger, "wm-nobody"]})
    assert answer["errcode"] == 0
    assert [c["errcode"] for c in answer["customer"]] == [0, 0, 84061, 40096]
    again = contact_api.post("externalcontact/resigned/transfer_customer", {**body, "external_userid": eids[:1]})
    assert again["customer"][0]["errcode"] == 40129
    query = {"handover_userid": "zhangsan", "takeover_userid": "lisi"}
    waiting = contact_api.post("externalcontact/resigned/transfer_result", query)
    assert {c["status"] for c in waiting["customer"]} == {2} and waiting["next_cursor"] == ""
    assert all(c["takeover_time"] == int(clock() + DAY) for c in waiting["customer"])
    assert contact_api.post("externalcontact/transfer_result", query)["customer"] == []   # the on-job list
    _later(clock, contact_api)
    done = contact_api.post("externalcontact/resigned/transfer_result", query)["customer"]
    assert {c["status"] for c in done} == {1}
    follow = contact_api.get("externalcontact/get", external_userid=eids[0])["follow_user"]
    assert [(f["userid"], f["add_way"]) for f in follow] == [("lisi", 202)]
    events = corp.settle_transfers()
    assert [(field(x, "ChangeType"), field(x, "UserID")) for x in events] == [("add_external_contact", "lisi")] * 2
    assert all(field(x, "WelcomeCode") == "" for x in events) and corp.settle_transfers() == []


def test_transfer_customer_limits_and_errors(contact_api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    eids = _customers(corp, "zhangsan", 101)
    body = {"handover_userid": "zhangsan", "takeover_userid": "lisi", "external_userid": eids}
    assert contact_api.post("externalcontact/transfer_customer", body)["errcode"] == 40058   # over 100
    assert contact_api.post("externalcontact/transfer_customer", {**body, "external_userid": []})["errcode"] == 40058
    assert contact_api.post("externalcontact/transfer_customer",
                            {**body, "external_userid": eids[:1], "takeover_userid": "nobody"})["errcode"] == 40003
    assert contact_api.post("externalcontact/transfer_customer",
                            {**body, "external_userid": eids[:1], "transfer_success_msg": "好" * 201})["errcode"] \
        == 40058
    same = contact_api.post("externalcontact/transfer_customer",
                            {**body, "external_userid": eids[:1], "takeover_userid": "zhangsan"})
    assert same["customer"][0]["errcode"] == 40130
    first = eids[0]
    corp.add_member("wangwu", "王五", department=[2])
    for step, (src, dst) in enumerate([("zhangsan", "lisi"), ("lisi", "wangwu"), ("wangwu", "zhangsan")]):
        answer = contact_api.post("externalcontact/transfer_customer",
                                  {"handover_userid": src, "takeover_userid": dst, "external_userid": [first]})
        assert answer["customer"][0]["errcode"] == (0 if step < 2 else 40128), step   # twice in 90 days
        _later(clock, contact_api)
        contact_api.post("externalcontact/transfer_result", {"handover_userid": src, "takeover_userid": dst})
    events = corp.settle_transfers()
    assert ("del_external_contact", "zhangsan", "DELETE_BY_TRANSFER") in [
        (field(x, "ChangeType"), field(x, "UserID"), field(x, "Source")) for x in events]


def test_refusal_and_takeover_limit(contact_api: Any, corp: SandboxCorp, clock: ManualClock) -> None:
    refuser, other = _customers(corp, "zhangsan", 2)
    contact_api.post("externalcontact/transfer_customer", {"handover_userid": "zhangsan", "takeover_userid": "lisi",
                                                          "external_userid": [refuser, other]})
    fail = corp.customer_refuses_transfer(refuser)
    assert field(fail, "ChangeType") == "transfer_fail" and field(fail, "FailReason") == "customer_refused"
    assert field(fail, "UserID") == "lisi" and fail.index("<FailReason>") < fail.index("<UserID>")
    corp.customer_limits["lisi"] = 0
    _later(clock, contact_api)
    rows = {c["external_userid"]: c for c in contact_api.post(
        "externalcontact/transfer_result", {"handover_userid": "zhangsan", "takeover_userid": "lisi"})["customer"]}
    assert (rows[refuser]["status"], rows[refuser]["takeover_time"]) == (3, 0)
    assert rows[other]["status"] == 4
    assert [field(x, "FailReason") for x in corp.settle_transfers()] == ["customer_limit_exceed"]
    assert [f["userid"] for f in contact_api.get("externalcontact/get", external_userid=other)["follow_user"]] \
        == ["zhangsan"]


def test_groupchat_transfer(contact_api: Any, corp: SandboxCorp) -> None:
    chat_id, _ = corp.create_group("zhangsan", "VIP群")
    body = {"chat_id_list": [chat_id, "wr-unknown"], "new_owner": "lisi"}
    answer = contact_api.post("externalcontact/groupchat/transfer", body)
    assert {c["chat_id"]: c["errcode"] for c in answer["failed_chat_list"]} == {chat_id: 90500, "wr-unknown": 90501}
    assert contact_api.post("externalcontact/groupchat/transfer", {"chat_id_list": [], "new_owner": "lisi"})[
        "errcode"] == 40058
    corp.member_leaves("zhangsan")
    assert contact_api.post("externalcontact/groupchat/onjob_transfer", body)["failed_chat_list"][0]["errcode"] == 90502
    assert contact_api.post("externalcontact/groupchat/transfer", {**body, "chat_id_list": [chat_id]}) == \
        {"errcode": 0, "errmsg": "ok", "failed_chat_list": []}
    assert contact_api.post("externalcontact/groupchat/get", {"chat_id": chat_id})["group_chat"]["owner"] == "lisi"
