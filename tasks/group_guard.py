"""Group guard jobs: send a group's owed rules reminder and alert cards; a sweep for what was left pending."""
from __future__ import annotations

from bot.flows.group_guard import send_pending
from bot.queues import DEFAULT
from bot.services.group_guard import groups_with_pending
from tasks.runtime import job_runtime


def send_group_guard(group_id: int) -> int:
    """Send what group_id owes: one rules reminder for the members waiting, a card per new alert."""
    runtime = job_runtime()
    settings = runtime.settings
    return send_pending(db=runtime.db, contacts_client=runtime.wecom, agent_client=runtime.wecom_agent,
                        agent_id=settings.WECOM_AGENT_ID, group_id=group_id, public_base=settings.PUBLIC_BASE_URL)


def sweep_group_guard() -> int:
    """Enqueue a send for every group with a reminder or card still pending (a job lost with its worker)."""
    runtime = job_runtime()
    with runtime.db.transaction() as session:
        group_ids = groups_with_pending(session=session)
    for group_id in group_ids:
        runtime.queues.enqueue(DEFAULT, "tasks.group_guard.send_group_guard", group_id)
    return len(group_ids)
