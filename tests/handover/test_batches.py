"""Many customers go to WeCom 100 a call; a disabled (not deleted) member hands over on-job."""
from __future__ import annotations

from tests.handover.helpers import customers_of, guide, hand_over, poll, read_one_by_one, statements, transfers
from tests.spine.helpers import deliver
from tests.web.helpers import sign_in_member


def test_a_departed_guides_customers_go_a_hundred_a_call(client, sandbox, driver, work, db, clock, org):
    eids = customers_of(sandbox, db, "wangfang", 150)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    sign_in_member(client, sandbox, "zhangli")
    assert hand_over(client, org["SH001"], guide(db, "wangfang").id, guide(db, "lixiao").id).status_code == 302
    assert not sandbox.calls("externalcontact/resigned/transfer_customer")          # the request only queues
    assert {r.status for r in transfers(db).values()} == {"queued"}
    work()
    calls = [c for c in sandbox.calls("externalcontact/resigned/transfer_customer") if c.errcode == 0]
    assert [len(c.body["external_userid"]) for c in calls] == [100, 50]
    assert sorted(e for c in calls for e in c.body["external_userid"]) == sorted(eids)
    rows = transfers(db)
    assert len(rows) == 150 and {r.status for r in rows.values()} == {"waiting"}
    with statements(db) as seen:
        index = client.get(f"/manager/stores/{org['SH001']}/handover/")
    assert index.get_data(as_text=True).count("等待接替") == 50 and not read_one_by_one(seen, "customer")
    sandbox.transfer_result_page = 40           # the poll follows transfer_result's cursor
    clock.advance(sandbox.transfer_delay)
    with statements(db) as seen:
        poll(work, clock)
    assert not read_one_by_one(seen, "customer")
    assert {r.status for r in transfers(db).values()} == {"done"}
    pages = [c.body.get("cursor") for c in sandbox.calls("externalcontact/resigned/transfer_result") if c.errcode == 0]
    assert pages == ["", "40", "80", "120"]


def test_a_disabled_member_hands_over_on_job(client, sandbox, driver, work, db, org):
    customers_of(sandbox, db, "wangfang", 102)
    deliver(driver, sandbox.member_disabled("wangfang"))
    work()
    assert not guide(db, "wangfang").active
    sign_in_member(client, sandbox, "zhangli")
    hand_over(client, org["SH001"], guide(db, "wangfang").id, guide(db, "lixiao").id)
    work()
    assert [c.errcode for c in sandbox.calls("externalcontact/resigned/transfer_customer")] == [40097]
    assert [len(c.body["external_userid"]) for c in sandbox.calls("externalcontact/transfer_customer")] == [100, 2]
    assert {(r.kind, r.status) for r in transfers(db).values()} == {("onjob", "waiting")}


def test_wecom_busy_records_the_batch_as_failed_and_a_retry_starts_it(client, sandbox, driver, work, db, org):
    customers_of(sandbox, db, "wangfang", 3)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    sign_in_member(client, sandbox, "zhangli")
    src, dst = guide(db, "wangfang").id, guide(db, "lixiao").id
    sandbox.inject_fault("externalcontact/resigned/transfer_customer", errcode=-1)
    hand_over(client, org["SH001"], src, dst)
    work()
    assert {(r.status, r.errcode) for r in transfers(db).values()} == {("failed", -1)}
    page = client.get(f"/manager/stores/{org['SH001']}/handover/{src}").get_data(as_text=True)
    assert "企业微信繁忙，请稍后重试" in page and page.count('name="customer_id"') == 3   # still to hand over
    hand_over(client, org["SH001"], src, dst)
    work()
    assert {(r.status, r.errcode) for r in transfers(db).values()} == {("waiting", None)}
