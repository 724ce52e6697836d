"""Periodic jobs as data, and the scheduler process that only enqueues them.

Several scheduler processes may run; a Redis lock per (job, fire time) makes each
firing enqueue once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import runtime as rt
from bot.queues import DEFAULT, SYNC, REPORTS
from config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    id: str
    cron: str          # crontab fields: minute hour day month day_of_week
    func: str          # dotted path of the job
    queue: str = DEFAULT
    every: str = ""    # instead of the cron: every N seconds, N read from this setting


SCHEDULE: tuple[Periodic, ...] = (
    # Every SWEEP_INTERVAL_SECONDS: an event left waiting (Redis was down, its worker was killed) is
    # enqueued again well within two minutes.
    Periodic("sweep-inbox", "", "tasks.sweeper.sweep_inbox", every="SWEEP_INTERVAL_SECONDS"),
    Periodic("refresh-wecom-media", "17 */6 * * *", "tasks.media.refresh_wecom_media"),
    # Tier tags left pending or failed (WeCom down for longer than the job's retries) converge here.
    Periodic("sweep-tier-tags", "*/5 * * * *", "tasks.tags.sweep_pending_tier_tags", SYNC),
    # Each store's day is generated at TODO_LOCAL_TIME in its own time zone: the dispatcher runs every
    # quarter of an hour (zones with :30 / :45 offsets included) and enqueues the stores whose day is due.
    Periodic("todos-dispatch", "*/15 * * * *", "tasks.todos.dispatch_daily"),
    Periodic("todos-poll-group-sends", "*/10 * * * *", "tasks.todos.poll_group_sends"),
    # Group-guard sends (rules reminders, outsider cards) left pending, or left sending by a dead job, are sent.
    Periodic("group-guard-sweep", "*/5 * * * *", "tasks.group_guard.sweep_group_guard"),
    # Customer hand-overs (在职 / 离职继承) wait up to 24 h in WeCom; their results are read until final.
    # Transfers still unsent (Redis down at the request, the send job's retries ran out) are enqueued again.
    Periodic("handover-poll-transfers", "*/10 * * * *", "tasks.handover.poll_transfers"),
    # The performance record: today and yesterday every 10 minutes, the last five weeks nightly (refunds,
    # late-matched orders); managers get last week's leaderboard card on Monday morning.
    Periodic("performance-rollup", "*/10 * * * *", "tasks.performance.rollup_recent", REPORTS),
    Periodic("performance-rollup-nightly", "40 3 * * *", "tasks.performance.rollup_nightly", REPORTS),
    Periodic("performance-weekly-digest", "0 9 * * 1", "tasks.digest.send_weekly_digests", REPORTS),
)


def fire(periodic_id: str, scheduled_for: str) -> bool:
    """Enqueue one firing unless another scheduler did; True if this call enqueued it."""
    runtime = rt.current()
    periodic = next(p for p in SCHEDULE if p.id == periodic_id)
    if not runtime.redis.set(f"schedule-lock:{periodic.id}:{scheduled_for}", "1", nx=True, ex=3600):
        return False
    runtime.queues.enqueue(periodic.queue, periodic.func)
    return True


def slot_of(moment: datetime, every: int | None = None) -> str:
    """The minute (or the `every`-second period) a firing belongs to, rounded so that schedulers a few
    seconds apart agree."""
    if every:
        return f"{every}s{int((moment.timestamp() + every / 2) // every)}"
    return (moment + timedelta(seconds=30)).strftime("%Y%m%d%H%M")


def _fire_now(periodic_id: str, every: int | None = None) -> None:
    fire(periodic_id, slot_of(datetime.now(timezone.utc), every))


def build_scheduler(settings: Settings) -> BlockingScheduler:
    """A blocking scheduler with every periodic job, in the configured time zone."""
    tz = settings.TIMEZONE
    scheduler = BlockingScheduler(timezone=tz)
    for periodic in SCHEDULE:
        every = getattr(settings, periodic.every) if periodic.every else None
        trigger = IntervalTrigger(seconds=every, timezone=tz) if every else CronTrigger.from_crontab(periodic.cron,
                                                                                                    timezone=tz)
        scheduler.add_job(
            _fire_now, trigger, args=[periodic.id, every], id=periodic.id, replace_existing=True, coalesce=True,
            misfire_grace_time=min(every or 60, 60), max_instances=1,
        )
    return scheduler
