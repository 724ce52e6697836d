"""The weekly digest job (Monday 09:00): each store manager gets last week's leaderboard card.

It reads the performance record as the nightly rollup (03:40) left it, which by then covers Sunday.
"""
from __future__ import annotations

from datetime import date, datetime

from bot.flows.digest import send_digests
from tasks.runtime import job_runtime


def send_weekly_digests(today_iso: str | None = None) -> int:
    """Send last week's leaderboard card to every store manager (once each); return how many were sent."""
    runtime = job_runtime()
    settings = runtime.settings
    today = date.fromisoformat(today_iso) if today_iso else datetime.now(settings.tz).date()
    return send_digests(db=runtime.db, client=runtime.wecom_agent, connection=runtime.redis,
                        agent_id=settings.WECOM_AGENT_ID, today=today, public_base=settings.PUBLIC_BASE_URL)
