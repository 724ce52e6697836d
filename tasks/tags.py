"""Tier-tag jobs: one coalesced job per customer, retried by RQ with back-off."""
from __future__ import annotations

import logging

from rq import get_current_job
from sqlalchemy import select

from bot.flows import tag_queue, tier_tags
from models import CustomerPurchase
from models.order import TAG_SYNC_FAILED, TAG_SYNC_PENDING
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)


def sync_tier_tags(customer_id: int) -> str:
    """Put the customer's current tier tag on each of their friendships; re-raise so RQ retries."""
    runtime = job_runtime()
    try:
        outcome = tier_tags.sync_customer(db=runtime.db, client=runtime.wecom, customer_id=customer_id)
    except Exception:
        job = get_current_job()
        if job is None or not job.retries_left:
            tag_queue.release(runtime, customer_id)  # failed for good: let the next change start afresh
        raise
    tag_queue.release(runtime, customer_id)
    # A change committed while we held the key was not enqueued by its producer: pick it up now.
    if tier_tags.still_pending(db=runtime.db, customer_id=customer_id):
        tag_queue.enqueue_tag_jobs(runtime, [customer_id])
    return outcome


def sweep_pending_tier_tags(include_failed: bool = True) -> int:
    """Enqueue tag jobs for customers left pending (or failed); return how many were enqueued."""
    runtime = job_runtime()
    statuses = [TAG_SYNC_PENDING, TAG_SYNC_FAILED] if include_failed else [TAG_SYNC_PENDING]
    with runtime.db.transaction() as session:
        ids = list(session.scalars(select(CustomerPurchase.customer_id)
                                   .where(CustomerPurchase.tag_sync_status.in_(statuses))))
    enqueued = tag_queue.enqueue_tag_jobs(runtime, ids)
    if enqueued:
        log.info("enqueued %d tier-tag jobs", enqueued)
    return enqueued
