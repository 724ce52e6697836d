"""A worker SIGKILLed mid-job: the sweeper hands its event back once the heartbeat lease runs out, and its
retry even though the scheduler that would have run it died with the worker."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest
from rq.registry import StartedJobRegistry

from bot.queues import OVERDUE_SECONDS
from tasks.sweeper import sweep_inbox
from tests.servers import AppProcess
from tests.spine.helpers import deliver, friendship, inbox, wait_for

HEARTBEAT = 1   # seconds; the lease is three heartbeats


@pytest.fixture
def settings(settings):
    # A retry one second later: it waits in RQ's scheduled registry for a scheduler, and the one that
    # would run it died with the worker.
    return replace(settings, WORKER_HEARTBEAT_SECONDS=HEARTBEAT, JOB_RETRY_INTERVALS=(1, 1, 1))


def test_an_event_whose_worker_was_killed_mid_job_is_processed_once(org, sandbox, driver, work, db, runtime,
                                                                    settings, tmp_path):
    eid = sandbox.new_customer("贺女士")
    sandbox.inject_fault("externalcontact/get", delay=30)  # the job hangs in its WeCom call...
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang", with_welcome_code=False))
    worker = AppProcess("worker", settings, tmp_path / "worker.log").start()
    try:
        started = StartedJobRegistry("urgent", connection=runtime.redis)
        assert wait_for(lambda: started.get_job_ids(cleanup=False), 30), (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
        worker.kill()                                       # ...when the machine loses the worker
    finally:
        worker.kill()
    killed_at = time.monotonic()
    assert inbox(db)[0].status == "received"

    job_id = f"event-{inbox(db)[0].id}"

    def handed_back() -> bool:
        sweep_inbox()  # as the scheduler does every SWEEP_INTERVAL_SECONDS
        return any(job_id in runtime.queues[name].job_ids for name in ("urgent", "default"))

    assert wait_for(handed_back, 30, step=0.5)                # RQ alone would wait ~11 minutes
    assert time.monotonic() - killed_at < 3 * HEARTBEAT + 1 + OVERDUE_SECONDS + 3
    work()
    row = inbox(db)[0]
    assert row.status == "processed"
    assert friendship(db, "wangfang", eid).add_count == 1
