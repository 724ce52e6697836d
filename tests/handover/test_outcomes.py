"""在职继承 and its endings (refused, takeover limit, refused by WeCom), group chats, and who may hand over."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Customer, GroupChat, GroupTransfer, Guide
from tests.handover.helpers import deliver_all, guide, hand_over, poll, transfers
from tests.spine.helpers import deliver, friendship
from tests.todos.world import Store as World
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

DAY1 = date(2026, 3, 9)


def _customer_id(db, eid: str) -> int:
    with db.transaction() as session:
        return session.scalars(select(Customer.id).where(Customer.external_userid == eid)).one()


def test_onjob_handover_refused_limited_or_refused_by_wecom(client, sandbox, driver, work, db, clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    an, bai, cheng, ding = (world.customer_adds(n, "wangfang", 2) for n in ("安女士", "白先生", "程小姐", "丁女士"))
    sandbox.request_transfer("onjob", "wangfang", "chenjing", cheng)   # someone else moves 程小姐 in WeCom
    wangfang, lixiao, sh = guide(db, "wangfang"), guide(db, "lixiao"), org["SH001"]
    sign_in_member(client, sandbox, "zhangli")
    assert "在职继承" in client.get(f"/manager/stores/{sh}/handover/{wangfang.id}").get_data(as_text=True)
    chosen = [_customer_id(db, eid) for eid in (an, bai, cheng)]
    assert hand_over(client, sh, wangfang.id, lixiao.id, chosen).status_code == 302
    work()
    calls = [c for c in sandbox.calls("externalcontact/transfer_customer") if c.errcode == 0]
    assert [sorted(c.body["external_userid"]) for c in calls] == [sorted([an, bai, cheng])]
    rows = transfers(db)
    assert "丁女士" not in rows and {n: (r.kind, r.status, r.errcode) for n, r in rows.items()} == {
        "安女士": ("onjob", "waiting", None), "白先生": ("onjob", "waiting", None),
        "程小姐": ("onjob", "failed", 40129)}

    # 安女士 refuses in WeCom: the transfer_fail callback ends her transfer at once; she stays 王芳's.
    deliver(driver, sandbox.customer_refuses_transfer(an))
    work()
    assert (transfers(db)["安女士"].status, transfers(db)["安女士"].reason) == ("refused", "customer_refused")
    assert friendship(db, "wangfang", an).deleted_by_guide_at is None
    # 24 h later 李晓 has no room left: the poll reads status 4 for 白先生.
    sandbox.customer_limits["lixiao"] = 0
    world.at(DAY1 + timedelta(days=1), 12)
    poll(work, clock)
    deliver_all(driver, work, sandbox.settle_transfers())
    rows = transfers(db)
    assert {n: r.status for n, r in rows.items()} == {"安女士": "refused", "白先生": "limit", "程小姐": "failed"}
    assert all(r.finished_at for r in rows.values())
    page = client.get(f"/manager/stores/{sh}/handover/{wangfang.id}").get_data(as_text=True)
    for text in ("客户拒绝接替", "接替导购客户已满", "客户正在转接中", "未能发起"):
        assert text in page, text
    refused_pair = friendship(db, "lixiao", bai)    # the callback keeps its reason on the pair, never a friendship
    assert refused_pair.added_at is None and refused_pair.transfer_fail_reason == "customer_limit_exceed"
    assert friendship(db, "wangfang", ding).deleted_by_guide_at is None


def test_a_departed_owners_groups_go_to_the_new_owner(client, sandbox, driver, work, db, clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    lin = world.customer_adds("林女士", "wangfang", 2)
    chat_id, created = sandbox.create_group("wangfang", "南京路VIP群", [lin])
    deliver(driver, created)
    work()
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    wangfang, lixiao, sh = guide(db, "wangfang"), guide(db, "lixiao"), org["SH001"]
    sign_in_member(client, sandbox, "zhangli")
    path = f"/manager/stores/{sh}/handover/{wangfang.id}"
    assert "南京路VIP群" in client.get(path).get_data(as_text=True)
    answer = client.post(path + "/groups", data={"csrf_token": csrf_token(client, path), "to_guide_id": lixiao.id})
    assert answer.status_code == 302
    work()
    assert [c.body for c in sandbox.calls("externalcontact/groupchat/transfer") if c.errcode == 0] == [
        {"chat_id_list": [chat_id], "new_owner": "lixiao"}]
    assert sandbox.chat(chat_id).owner == "lixiao"
    with db.transaction() as session:
        assert session.scalars(select(GroupChat.owner_userid)).one() == "lixiao"
        assert [(t.status, t.kind) for t in session.scalars(select(GroupTransfer))] == [("done", "resigned")]
    assert "没有客户群" in client.get(path).get_data(as_text=True)


def test_a_group_transfer_wecom_refuses_is_recorded_and_the_group_stays_to_hand_over(client, sandbox, driver, work,
                                                                                       db, clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    lin = world.customer_adds("林女士", "wangfang", 2)
    chat_id, created = sandbox.create_group("wangfang", "南京路VIP群", [lin])
    deliver_all(driver, work, [created, sandbox.member_leaves("wangfang")])
    wangfang, lixiao, sh = guide(db, "wangfang"), guide(db, "lixiao"), org["SH001"]
    sign_in_member(client, sandbox, "zhangli")
    path = f"/manager/stores/{sh}/handover/{wangfang.id}"
    sandbox.inject_fault("externalcontact/groupchat/transfer", errcode=-1)
    client.post(path + "/groups", data={"csrf_token": csrf_token(client, path), "to_guide_id": lixiao.id})
    work()
    assert sandbox.chat(chat_id).owner == "wangfang"
    with db.transaction() as session:
        assert session.scalars(select(GroupChat.owner_userid)).one() == "wangfang"
        assert [(t.status, t.errcode) for t in session.scalars(select(GroupTransfer))] == [("failed", -1)]
    page = client.get(path).get_data(as_text=True)
    assert "已提交 1 个客户群的交接，正在发起…" in page                               # the flash
    assert "南京路VIP群：王芳 → 李晓，未能发起" in page and "（企业微信繁忙，请稍后重试）" in page   # the group's record
    assert 'data-testid="groups-submit"' in page                                       # still to hand over
    client.post(path + "/groups", data={"csrf_token": csrf_token(client, path), "to_guide_id": lixiao.id})
    work()
    assert sandbox.chat(chat_id).owner == "lixiao"
    with db.transaction() as session:
        assert [t.status for t in session.scalars(select(GroupTransfer).order_by(GroupTransfer.id))] == \
            ["failed", "done"]
    assert "没有客户群" in client.get(path).get_data(as_text=True)


def test_a_manager_of_another_store_or_a_guide_cannot_hand_over(app, client, sandbox, driver, work, db, clock,
                                                                 org):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    world.customer_adds("林女士", "wangfang", 2)
    sandbox.add_member("zhoumin", "周敏", department=[3], position="店长")
    with db.transaction() as session:
        session.add(Guide(userid="zhoumin", name="周敏", role="manager", store_id=org["HZ001"]))
    wangfang, lixiao, sh, hz = guide(db, "wangfang"), guide(db, "lixiao"), org["SH001"], org["HZ001"]
    sign_in_member(client, sandbox, "zhoumin")
    token = csrf_token(client, f"/manager/stores/{hz}/handover/")
    assert client.get(f"/manager/stores/{sh}/handover/").status_code == 404
    assert client.get(f"/manager/stores/{sh}/handover/{wangfang.id}").status_code == 404
    assert client.get(f"/manager/stores/{hz}/handover/{wangfang.id}").status_code == 404   # not in 杭州's scope
    for store in (sh, hz):
        answer = client.post(f"/manager/stores/{store}/handover/{wangfang.id}",
                             data={"csrf_token": token, "to_guide_id": lixiao.id, "scope": "all"})
        assert answer.status_code == 404
    assert transfers(db) == {} and not sandbox.calls("externalcontact/transfer_customer")
    sign_in_member(client, sandbox, "lixiao")
    assert client.get(f"/manager/stores/{sh}/handover/").status_code == 403
    make_hq_user(db)
    hq = app.test_client()
    sign_in_hq(hq)
    assert "王芳" in hq.get(f"/manager/stores/{sh}/handover/{wangfang.id}").get_data(as_text=True)   # HQ: any store


def test_a_guide_moving_store_leaves_the_old_stores_customers_to_a_colleague(client, sandbox, driver, work, db,
                                                                             clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    lin = world.customer_adds("林女士", "lixiao", 2)
    deliver(driver, sandbox.member_moves("lixiao", [3]))       # 李晓 now works at 杭州湖滨店
    work()
    lixiao, zhangli, sh = guide(db, "lixiao"), guide(db, "zhangli"), org["SH001"]
    assert lixiao.active and lixiao.store_id == org["HZ001"]
    sign_in_member(client, sandbox, "zhangli")
    index = client.get(f"/manager/stores/{sh}/handover/").get_data(as_text=True)
    assert "李晓" in index and "已调离本店" in index and "1 位本店客户" in index
    assert hand_over(client, sh, lixiao.id, zhangli.id).status_code == 302
    work()
    assert [c.body["external_userid"] for c in sandbox.calls("externalcontact/transfer_customer")
            if c.errcode == 0] == [[lin]]
    world.at(DAY1 + timedelta(days=1), 12)
    poll(work, clock)
    deliver_all(driver, work, sandbox.settle_transfers())      # add for 张丽, DELETE_BY_TRANSFER for 李晓
    assert transfers(db)["林女士"].status == "done"
    assert friendship(db, "zhangli", lin).via_transfer and friendship(db, "lixiao", lin).deleted_by_transfer
