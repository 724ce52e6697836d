"""The weekly digest job (Monday 09:00): roll last week up, then send each manager their board."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.flows.digest import last_week, send_digests
from tasks.performance import run_rollup
from tasks.runtime import job_runtime


def send_weekly_digests(today_iso: str | None = None) -> int:
    """Send last week's leaderboard card to every store manager (once each); return how many were sent."""
    runtime = job_runtime()
    settings = runtime.settings
    today = date.fromisoformat(today_iso) if today_iso else datetime.now(settings.tz).date()
    week = last_week(today)
    run_rollup(runtime, start=week, end=week + timedelta(days=6))
    return send_digests(db=runtime.db, client=runtime.wecom_agent, connection=runtime.redis,
                        agent_id=settings.WECOM_AGENT_ID, today=today, public_base=settings.PUBLIC_BASE_URL)
