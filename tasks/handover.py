"""Hand-over jobs: send the queued transfers of a pair to WeCom; read the results until every transfer is final."""
from __future__ import annotations

import logging

from bot.flows.handover import poll_transfers as poll
from bot.flows.handover import send_pair
from bot.queues import DEFAULT
from bot.runtime import Runtime
from bot.services.handover import unsent_pairs
from models import utcnow
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)

SEND_JOB = "tasks.handover.send_transfers"


def enqueue_send(runtime: Runtime, from_id: int, to_id: int) -> None:
    """Enqueue the pair's send job unless one is queued or running (it takes what was queued meanwhile)."""
    runtime.queues.enqueue(DEFAULT, SEND_JOB, from_id, to_id, job_id=f"handover-send-{from_id}-{to_id}",
                           skip_if_live=True)


def send_transfers(from_guide_id: int, to_guide_id: int) -> str:
    """Send the pair's queued customer and group transfers, a batch at a time; re-raise so RQ retries."""
    runtime = job_runtime()
    outcome = send_pair(db=runtime.db, client=runtime.wecom, from_id=from_guide_id, to_id=to_guide_id,
                        now=utcnow())
    return f"{outcome.started} started, {outcome.failed} refused by WeCom"


def poll_transfers() -> int:
    """Enqueue the send of transfers left queued (Redis was down, retries ran out), then settle the waiting
    customer transfers from transfer_result; return how many became final."""
    runtime = job_runtime()
    with runtime.db.transaction() as session:
        pairs = unsent_pairs(session=session)
    for from_id, to_id in sorted(pairs):
        enqueue_send(runtime, from_id, to_id)
    return poll(db=runtime.db, client=runtime.wecom, now=utcnow())
