"""Group-guard sends whose job died between the claim and recording the outcome: the sweep takes them back once
they were claimed longer ago than GROUP_GUARD_RECLAIM_SECONDS, and each goes out once (real RQ workers, the
sandbox, both databases)."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest

from bot.services.group_guard import claim_alert_cards, claim_reminders
from models import utcnow
from tasks.group_guard import sweep_group_guard
from tests.groups.helpers import alerts, brand_policy, cards_to, group_sends, notices, open_group
from tests.servers import AppProcess
from tests.spine.helpers import deliver, wait_for

BOUND = 6   # seconds: GROUP_GUARD_RECLAIM_SECONDS for these tests


@pytest.fixture
def settings(settings):
    return replace(settings, GROUP_GUARD_RECLAIM_SECONDS=BOUND, WORKER_HEARTBEAT_SECONDS=1)


def wait_past_the_bound(db) -> None:
    """Sleep until every claim is older than the bound."""
    latest = max(n.claimed_at for n in notices(db))
    time.sleep(max(0.0, (latest - utcnow()).total_seconds() + BOUND + 0.5))


def test_a_claim_whose_job_died_is_sent_by_the_sweep_after_the_bound_and_once(org, sandbox, driver, work, db,
                                                                               clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("externalcontact/add_msg_template", errcode=-1, times=4)   # the job and its 3 retries
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("代购小王")], join_scene_api=2))
    work()
    (notice,) = notices(db)
    (alert,) = alerts(db, chat_id)
    assert (notice.status, alert.notify_status) == ("pending", "pending")

    with db.transaction() as session:    # a job claims them; its worker dies before it sends or records anything
        assert [n.id for n, _earlier in claim_reminders(session=session, group_id=notice.group_id)] == [notice.id]
        assert [a.id for a in claim_alert_cards(session=session, group_id=alert.group_id)] == [alert.id]

    assert sweep_group_guard() == 0     # claimed under the bound ago: the job may still be sending
    work()
    assert [n.status for n in notices(db)] == ["sending"] and alerts(db, chat_id)[0].notify_status == "sending"

    wait_past_the_bound(db)
    assert sweep_group_guard() == 1
    work()
    (send,) = group_sends(sandbox, chat_id)
    assert [(n.status, n.msgid) for n in notices(db)] == [("sent", send.msgid)]
    assert alerts(db, chat_id)[0].notify_status == "sent" and len(cards_to(sandbox, "wangfang")) == 1

    wait_past_the_bound(db)
    assert sweep_group_guard() == 0
    work()
    assert len(group_sends(sandbox, chat_id)) == 1 and len(cards_to(sandbox, "wangfang")) == 1


def test_a_reminder_whose_worker_was_killed_after_wecom_took_it_is_not_posted_again(org, sandbox, driver, work, db,
                                                                                    settings, tmp_path, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("externalcontact/add_msg_template", delay=2)   # WeCom answers the 群发 slowly...
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士")], join_scene_api=2))
    log = tmp_path / "worker.log"
    worker = AppProcess("worker", settings, log).start()
    try:
        assert wait_for(lambda: [n.status for n in notices(db)] == ["sending"], 60), log.read_text()
        worker.kill()                                                    # ...and the worker dies meanwhile
    finally:
        worker.kill()
    assert wait_for(lambda: len(group_sends(sandbox, chat_id)) == 1, 10)  # the 群发 reached WeCom all the same
    assert [n.status for n in notices(db)] == ["sending"]
    assert sweep_group_guard() == 0

    wait_past_the_bound(db)
    assert sweep_group_guard() == 1
    work()
    (send,) = group_sends(sandbox, chat_id)                 # found in WeCom's 群发 list, not posted again
    assert [(n.status, n.msgid) for n in notices(db)] == [("sent", send.msgid)]

    wait_past_the_bound(db)
    assert sweep_group_guard() == 0
    work()
    assert len(group_sends(sandbox, chat_id)) == 1
