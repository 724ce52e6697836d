"""The scheduler only enqueues, in the configured time zone, once per firing across processes."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from tasks.schedule import SCHEDULE, build_scheduler, fire, slot_of


def test_two_schedulers_firing_the_same_minute_enqueue_once(runtime):
    slot = slot_of(datetime(2026, 11, 23, 9, 0, 1, tzinfo=timezone.utc))
    assert slot == slot_of(datetime(2026, 11, 23, 8, 59, 58, tzinfo=timezone.utc))
    assert fire("sweep-inbox", slot) is True
    assert fire("sweep-inbox", slot) is False
    assert runtime.queues["default"].count == 1


def test_the_schedule_table_is_loaded_with_the_time_zone(settings):
    scheduler = build_scheduler(replace(settings, TIMEZONE="Asia/Shanghai"))
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


def test_the_inbox_sweeper_runs_every_sweep_interval_once_per_period(runtime, settings):
    job = build_scheduler(replace(settings, SWEEP_INTERVAL_SECONDS=7)).get_job("sweep-inbox")
    assert job.trigger.interval.total_seconds() == 7
    moment = datetime(2026, 11, 23, 9, 0, 0, tzinfo=timezone.utc)   # a multiple of 7 s since the epoch
    assert slot_of(moment, 7) == slot_of(moment.replace(second=2), 7) != slot_of(moment.replace(second=7), 7)
    assert fire("sweep-inbox", slot_of(moment, 7)) is True
    assert fire("sweep-inbox", slot_of(moment.replace(second=2), 7)) is False
