"""Group guard jobs: send a group's owed rules reminder and alert cards; a sweep for what was left behind."""
from __future__ import annotations

import logging
from datetime import timedelta

from bot.flows.group_guard import send_pending
from bot.queues import DEFAULT
from bot.services.group_guard import groups_with_pending, take_back_stuck
from models import utcnow
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)


def send_group_guard(group_id: int) -> int:
    """Send what group_id owes: one rules reminder for the members waiting, a card per new alert."""
    runtime = job_runtime()
    settings = runtime.settings
    return send_pending(db=runtime.db, contacts_client=runtime.wecom, agent_client=runtime.wecom_agent,
                        agent_id=settings.WECOM_AGENT_ID, group_id=group_id, public_base=settings.PUBLIC_BASE_URL)


def sweep_group_guard() -> int:
    """Take back the reminders and cards a dead job left sending, then enqueue a send for every group with one
    pending; the number of sends enqueued.

    Pending rows are those whose job was never enqueued (Redis away when the join was recorded) or whose
    retries ran out while WeCom stayed busy. A job that dies after its claim (its worker killed, RQ's job
    timeout) leaves its rows sending: those claimed more than GROUP_GUARD_RECLAIM_SECONDS ago (longer than RQ
    lets a job run) are put back to pending here and sent again (a reminder after looking for the dead job's
    群发 in WeCom, see bot.flows.group_guard).

    One sweep job per group at a time: while WeCom stays busy, the last sweep's job for a group is still
    queued or waiting for its retry, and the sweep does not stack another on it every five minutes."""
    runtime = job_runtime()
    bound = timedelta(seconds=runtime.settings.GROUP_GUARD_RECLAIM_SECONDS)
    with runtime.db.transaction() as session:
        taken_back = take_back_stuck(session=session, claimed_before=utcnow() - bound)
        group_ids = groups_with_pending(session=session)
    if taken_back:
        log.warning("group guard: %d sends claimed over %s ago by a job that never finished, sent again",
                    taken_back, bound)
    return sum(runtime.queues.enqueue(DEFAULT, "tasks.group_guard.send_group_guard", group_id,
                                      job_id=f"group-guard-{group_id}", skip_if_live=True) is not None
               for group_id in group_ids)
