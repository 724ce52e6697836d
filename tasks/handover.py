"""Hand-over jobs: read WeCom's transfer results until every transfer is final."""
from __future__ import annotations

from bot.flows.handover import poll_transfers as poll
from models import utcnow
from tasks.runtime import job_runtime


def poll_transfers() -> int:
    """Settle the waiting customer transfers from transfer_result; return how many became final."""
    runtime = job_runtime()
    return poll(db=runtime.db, client=runtime.wecom, now=utcnow())
