"""The radar's notice job: a customer clicked a guide's link soon after the send."""
from __future__ import annotations

from bot.flows.radar import send_hot_notice
from tasks.runtime import job_runtime


def notify_hot_click(click_id: int) -> bool:
    """Tell the guide (WeCom app card) that the customer just clicked; at most once per customer a day."""
    runtime = job_runtime()
    settings = runtime.settings
    return send_hot_notice(db=runtime.db, client=runtime.wecom_agent, connection=runtime.redis,
                           agent_id=settings.WECOM_AGENT_ID, click_id=click_id,
                           hot_minutes=settings.RADAR_HOT_MINUTES, public_base=settings.PUBLIC_BASE_URL)
