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
    """Enqueue a send for every group with a reminder or card still pending (its job lost, or Redis away when
    the join was recorded); the number enqueued.

    One sweep job per group at a time: while WeCom stays busy, the last sweep's job for a group is still
    queued or waiting for its retry, and the sweep does not stack another on it every five minutes."""
    runtime = job_runtime()
    with runtime.db.transaction() as session:
        group_ids = groups_with_pending(session=session)
    return sum(runtime.queues.enqueue(DEFAULT, "tasks.group_guard.send_group_guard", group_id,
                                      job_id=f"group-guard-{group_id}", skip_if_live=True) is not None
               for group_id in group_ids)
