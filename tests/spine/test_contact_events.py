"""change_external_contact end to end: sandbox driver -> callback -> inbox -> RQ worker -> handlers."""
from __future__ import annotations

from bot.rules.membership import friendship_status
from tests.conftest import API_TOKEN
from tests.spine.helpers import customer, deliver, friendship, inbox

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def create_channel(client, guide, campaign=None):
    response = client.post("/api/v1/channels", json={"guide_userid": guide, "campaign": campaign}, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_customer_scanning_a_guide_code_is_attributed_and_welcomed(client, org, sandbox, driver, work, db):
    channel = create_channel(client, "wangfang", campaign="双11")
    eid = sandbox.new_customer("林女士", unionid="un-lin")
    deliver(driver, sandbox.customer_scans_contact_way(channel["config_id"], eid))
    assert work() >= 1

    row = friendship(db, "wangfang", eid)
    assert row.channel_id == channel["id"] and row.campaign == "双11" and row.store_id == org["SH001"]
    assert row.state == channel["state"] and row.add_way == 1
    assert friendship_status(row.added_at, row.deleted_by_guide_at, row.deleted_by_customer_at) == "active"
    person = customer(db, eid)
    assert person.name == "林女士" and person.unionid == "un-lin"
    welcomes = [w for w in sandbox.welcome_messages() if w["external_userid"] == eid]
    assert len(welcomes) == 1 and welcomes[0]["used_at"] is not None
    assert welcomes[0]["latency"] < 20
    assert "王芳" in welcomes[0]["payload"]["text"]["content"]


def test_one_customer_adding_two_guides_makes_two_friendships(client, org, sandbox, driver, work, db):
    eid = sandbox.new_customer("周先生")
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang"))
    deliver(driver, sandbox.customer_adds_member(eid, "chenjing"))
    work()
    assert friendship(db, "wangfang", eid).store_id == org["SH001"]
    assert friendship(db, "chenjing", eid).store_id == org["HZ001"]
    body = client.get(f"/api/v1/customers/{eid}", headers=AUTH).get_json()
    assert sorted(f["guide_userid"] for f in body["friendships"]) == ["chenjing", "wangfang"]
    assert {f["status"] for f in body["friendships"]} == {"active"}


def test_the_same_event_delivered_three_times_is_stored_and_processed_once(org, sandbox, driver, work, db):
    eid = sandbox.new_customer("吴女士")
    xml = sandbox.customer_adds_member(eid, "lixiao")
    for _ in range(3):
        deliver(driver, xml)
    work()
    deliver(driver, xml)  # a late retry after processing
    work()
    rows = inbox(db)
    assert len(rows) == 1 and rows[0].status == "processed" and rows[0].attempts == 1
    assert len(sandbox.calls("externalcontact/get")) == 1
    assert len(sandbox.calls("externalcontact/send_welcome_msg")) == 1
    assert friendship(db, "lixiao", eid).add_count == 1


def test_deletion_arriving_before_the_add_leaves_the_friendship_deleted(org, sandbox, driver, work, clock, db):
    eid = sandbox.new_customer("郑女士")
    add_xml = sandbox.customer_adds_member(eid, "wangfang", with_welcome_code=False)
    clock.advance(30)
    delete_xml = sandbox.customer_deletes_member(eid, "wangfang")
    deliver(driver, delete_xml)
    work()
    deliver(driver, add_xml)
    work()
    row = friendship(db, "wangfang", eid)
    assert row.added_at < row.deleted_by_customer_at
    assert friendship_status(row.added_at, row.deleted_by_guide_at, row.deleted_by_customer_at) == "deleted_by_customer"
    assert [e.status for e in inbox(db)] == ["processed", "processed"]


def test_re_adding_reopens_and_keeps_history(org, sandbox, driver, work, clock, db):
    eid = sandbox.new_customer("钱先生")
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang"))
    clock.advance(60)
    deliver(driver, sandbox.member_deletes_customer(eid, "wangfang"))
    clock.advance(60)
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang"))
    work()
    row = friendship(db, "wangfang", eid)
    assert row.add_count == 2 and row.first_added_at < row.deleted_by_guide_at < row.added_at
    assert friendship_status(row.added_at, row.deleted_by_guide_at, row.deleted_by_customer_at) == "active"


def test_edit_half_add_transfer_and_transfer_fail(org, sandbox, driver, work, clock, db):
    eid = sandbox.new_customer("孙女士")
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang", half=True))
    work()
    assert friendship(db, "wangfang", eid).half is True
    clock.advance(5)
    deliver(driver, sandbox.member_edits_customer(eid, "wangfang", remark="孙姐-VIP"))
    work()
    assert friendship(db, "wangfang", eid).remark == "孙姐-VIP"
    clock.advance(5)
    deliver(driver, sandbox.member_deletes_customer(eid, "wangfang", by_transfer=True))
    deliver(driver, sandbox.transfer_fail(eid, "lixiao", reason="customer_refused"))
    work()
    assert friendship(db, "wangfang", eid).deleted_by_transfer is True
    assert friendship(db, "lixiao", eid).transfer_fail_reason == "customer_refused"
    assert {e.status for e in inbox(db)} == {"processed"}


def test_welcome_code_used_by_another_app_is_done_not_failed(org, sandbox, driver, work, db, runtime):
    eid = sandbox.new_customer("冯先生")
    xml = sandbox.customer_adds_member(eid, "wangfang")
    code = xml.split("<WelcomeCode><![CDATA[")[1].split("]]>")[0]
    sandbox.consume_welcome_code(code, {"text": {"content": "another app was first"}})
    deliver(driver, xml)
    work()
    assert inbox(db)[0].status == "processed"
    assert friendship(db, "wangfang", eid) is not None


def test_unknown_events_are_stored_and_ignored(sandbox, driver, work, db):
    deliver(driver, sandbox.member_messages_app("wangfang", "你好"))
    work()
    rows = inbox(db)
    assert len(rows) == 1 and rows[0].status == "ignored" and rows[0].event == "text"
