"""Redis stopped when the manager hands over: the transfers stay queued and the hand-over poll sends them."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from models import CustomerTransfer
from tests.handover.helpers import customers_of, guide, hand_over, poll, transfers
from tests.servers import private_redis  # noqa: F401  (a fixture)
from tests.spine.helpers import deliver
from tests.web.helpers import sign_in_member

SEND = "externalcontact/resigned/transfer_customer"


@pytest.fixture
def settings(settings, private_redis):
    return replace(settings, REDIS_URL=private_redis.url)


def test_a_hand_over_without_redis_is_sent_by_the_poll(client, sandbox, driver, work, db, clock, org, private_redis):
    eids = customers_of(sandbox, db, "wangfang", 3)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    sign_in_member(client, sandbox, "zhangli")
    src, dst = guide(db, "wangfang").id, guide(db, "lixiao").id
    path = f"/manager/stores/{org['SH001']}/handover/{src}"
    private_redis.stop()
    assert hand_over(client, org["SH001"], src, dst).status_code == 302
    assert "已提交 3 位客户的交接，正在发起…" in client.get(path).get_data(as_text=True)
    assert {r.status for r in transfers(db).values()} == {"queued"} and not sandbox.calls(SEND)
    hand_over(client, org["SH001"], src, dst)  # submitted again: queued ones are in progress, none queued twice
    assert "已提交 0 位客户的交接。（3 位客户已在交接中）" in client.get(path).get_data(as_text=True)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransfer)) == 3
    private_redis.start()
    poll(work, clock)                          # the poll enqueues the send, the worker runs it
    assert [sorted(c.body["external_userid"]) for c in sandbox.calls(SEND)] == [sorted(eids)]
    assert {r.status for r in transfers(db).values()} == {"waiting"}
    poll(work, clock)
    assert len(sandbox.calls(SEND)) == 1       # nothing sent twice
