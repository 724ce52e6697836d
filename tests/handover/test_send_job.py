"""The send job: a worker that dies between batches (a call WeCom answers too late) loses and doubles nothing."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from models import CustomerTransfer, GroupChat, GroupTransfer
from tests.handover.helpers import customers_of, deliver_all, guide, hand_over, poll, transfers
from tests.spine.helpers import deliver
from tests.web.helpers import csrf_token, sign_in_member

SEND = "externalcontact/resigned/transfer_customer"
LATE = 1.5   # WeCom acts on the call, but answers after the client gave up


@pytest.fixture
def settings(settings):
    settings.WECOM_API_TIMEOUT = 1.0
    settings.JOB_RETRY_INTERVALS = (60,)   # RQ retries the failed job a minute later: `retry_now` below
    return settings


def retry_now(runtime) -> None:
    """RQ's scheduler finds the failed job's retry due: back on its queue."""
    for queue in runtime.queues.all():
        registry = queue.scheduled_job_registry
        for job_id in registry.get_job_ids():
            registry.requeue(job_id)


def wait_for_calls(sandbox, path: str, count: int) -> None:
    """Until WeCom (the sandbox) has acted on the late call and logged it."""
    deadline = time.monotonic() + 10
    while len(sandbox.calls(path)) < count:
        assert time.monotonic() < deadline, f"{path} not called {count} times"
        time.sleep(0.05)


def test_a_job_dying_between_batches_loses_and_doubles_no_transfer(client, sandbox, driver, work, db, clock, org,
                                                                      runtime):
    eids = customers_of(sandbox, db, "wangfang", 150)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    sign_in_member(client, sandbox, "zhangli")
    src, dst = guide(db, "wangfang").id, guide(db, "lixiao").id
    sandbox.inject_fault(SEND)                 # the first batch goes through ...
    sandbox.inject_fault(SEND, delay=LATE)     # ... WeCom starts the second but the job never hears it
    hand_over(client, org["SH001"], src, dst)
    work()                                     # the job fails on the second batch; RQ schedules its retry
    assert Counter(r.status for r in transfers(db).values()) == {"waiting": 100, "sending": 50}
    assert "正在发起" in client.get(f"/manager/stores/{org['SH001']}/handover/{src}").get_data(as_text=True)
    wait_for_calls(sandbox, SEND, 2)
    retry_now(runtime)
    work()
    calls = sandbox.calls(SEND)
    assert [(c.errcode, len(c.body["external_userid"])) for c in calls] == [(0, 100), (0, 50)]   # none resent
    assert len(sandbox.calls("externalcontact/resigned/transfer_result")) == 1                  # read back once
    assert sorted(t.external_userid for t in sandbox.transfers) == sorted(eids)   # one transfer each in WeCom
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransfer)) == 150
    assert {(r.status, r.errcode) for r in transfers(db).values()} == {("waiting", None)}
    clock.advance(sandbox.transfer_delay)
    poll(work, clock)                          # every one followed to its end, none left for a new friend
    assert {r.status for r in transfers(db).values()} == {"done"}


def test_a_group_transfer_answered_too_late_is_read_back_not_resent(client, sandbox, driver, work, db, clock, org,
                                                                     runtime):
    chat_id, created = sandbox.create_group("wangfang", "南京路VIP群")
    deliver_all(driver, work, [created, sandbox.member_leaves("wangfang")])
    sign_in_member(client, sandbox, "zhangli")
    path = f"/manager/stores/{org['SH001']}/handover/{guide(db, 'wangfang').id}"
    sandbox.inject_fault("externalcontact/groupchat/transfer", delay=LATE)
    client.post(path + "/groups", data={"csrf_token": csrf_token(client, path), "to_guide_id": guide(db, "lixiao").id})
    work()
    wait_for_calls(sandbox, "externalcontact/groupchat/transfer", 1)
    assert sandbox.chat(chat_id).owner == "lixiao"                 # WeCom made the change the job never heard of
    with db.transaction() as session:
        assert [t.status for t in session.scalars(select(GroupTransfer))] == ["sending"]
    retry_now(runtime)
    work()
    assert len(sandbox.calls("externalcontact/groupchat/transfer")) == 1
    with db.transaction() as session:
        assert [(t.status, t.errcode) for t in session.scalars(select(GroupTransfer))] == [("done", None)]
        assert session.scalars(select(GroupChat.owner_userid)).one() == "lixiao"
    assert "没有客户群" in client.get(path).get_data(as_text=True)
