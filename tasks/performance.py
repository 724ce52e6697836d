"""Performance jobs: the rollup of recent days (every 10 minutes) and of the last weeks (nightly).

Each first attributes the matched orders that have none yet (buyers who became friends after they
bought), then recomputes the days' performance rows of every store, per time zone.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.services.attribution import Rule, attribute_pending
from bot.services.performance import rollup
from bot.services.todos import stores_by_timezone
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)

ROLLUP_LOCK = "performance-rollup"
RECENT_DAYS = 2          # today and yesterday (an evening's events land after midnight UTC)
NIGHTLY_DAYS = 35        # refunds and late-matched orders reach back about a month


def run_rollup(runtime, *, start: date | None = None, end: date | None = None, days: int = RECENT_DAYS,
               codes: list[str] | None = None) -> int:
    """Attribute pending orders, then roll up [start, end] (default: the last `days` local days) per time zone."""
    rule, written = Rule.from_settings(runtime.settings), 0
    with runtime.redis.lock(ROLLUP_LOCK, timeout=1800, blocking_timeout=600):
        with runtime.db.transaction() as session:
            groups = stores_by_timezone(session=session, codes=codes)
        for tz, store_ids in groups.items():
            today = datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).date()
            last = end or today
            first = start or last - timedelta(days=days - 1)
            with runtime.db.transaction() as session:
                attribute_pending(session=session, since=first - timedelta(days=1), rule=rule)
                written += rollup(session=session, store_ids=store_ids, start=first, end=last, tz=tz)
    return written


def rollup_recent() -> int:
    """Recompute today's and yesterday's performance rows (the scheduler runs it every 10 minutes)."""
    return run_rollup(job_runtime())


def rollup_nightly() -> int:
    """Recompute the last weeks' performance rows (refunds, late-matched orders)."""
    return run_rollup(job_runtime(), days=NIGHTLY_DAYS)
