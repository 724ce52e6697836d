"""The scheduler only enqueues, in the configured time zone, once per firing across processes."""
from __future__ import annotations

from datetime import datetime, timezone

from tasks.schedule import SCHEDULE, build_scheduler, fire, slot_of


def test_two_schedulers_firing_the_same_minute_enqueue_once(runtime):
    slot = slot_of(datetime(2026, 11, 23, 9, 0, 1, tzinfo=timezone.utc))
    assert slot == slot_of(datetime(2026, 11, 23, 8, 59, 58, tzinfo=timezone.utc))
    assert fire("sweep-inbox", slot) is True
    assert fire("sweep-inbox", slot) is False
    assert runtime.queues["default"].count == 1


def test_the_schedule_table_is_loaded_with_the_time_zone(settings):
    scheduler = build_scheduler("Asia/Shanghai")
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {p.id for p in SCHEDULE}
    assert str(jobs["sweep-inbox"].trigger.timezone) == "Asia/Shanghai"


def test_the_sweeper_job_runs_on_a_real_worker(runtime, sandbox, org, driver, work, db):
    from tests.spine.helpers import deliver, inbox

    runtime.redis.flushdb()
    fire("sweep-inbox", "first")
    deliver(driver, sandbox.customer_adds_member(sandbox.new_customer("秦女士"), "wangfang"))
    runtime.redis.delete("rq:queue:urgent")  # as if Redis had lost the job
    work()
    assert inbox(db)[0].status == "processed"
