"""Tier-tag jobs: coalesced per customer, a chunk of customers per job, retried by RQ with back-off."""
from __future__ import annotations

import logging

from rq import get_current_job
from sqlalchemy import select

from bot.flows import tag_queue, tier_tags
from models import CustomerPurchase
from models.order import TAG_SYNC_FAILED, TAG_SYNC_PENDING
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)


def sync_tier_tags(*customer_ids: int) -> str:
    """Put each customer's current tier tag on their friendships; re-raise failures so RQ retries."""
    runtime = job_runtime()
    job = get_current_job()
    job_id = job.id if job is not None else None
    failed: dict[int, Exception] = {}
    done = 0
    for customer_id in customer_ids:
        if not tag_queue.owns(runtime, customer_id, job_id):
            continue  # synced by an earlier attempt of this job and released (or taken over)
        try:
            tier_tags.sync_customer(db=runtime.db, client=runtime.wecom, customer_id=customer_id)
        except Exception as exc:  # noqa: BLE001 - recorded, then re-raised below for RQ's retry
            log.warning("tier tags of customer %s failed: %s", customer_id, exc)
            failed[customer_id] = exc
            continue
        done += 1
        tag_queue.release(runtime, customer_id, job_id)
        # A change committed while we held the key was not enqueued by its producer: pick it up now.
        if tier_tags.still_pending(db=runtime.db, customer_id=customer_id):
            tag_queue.enqueue_tag_jobs(runtime, [customer_id])
    if failed:
        if job is None or not job.retries_left:
            for customer_id in failed:  # failed for good: let the next change start afresh
                tag_queue.release(runtime, customer_id, job_id)
        first = next(iter(failed.values()))
        raise tier_tags.TagSyncError(f"{len(failed)} of {len(customer_ids)} customers failed; first: {first}")
    return f"{done} customers synced"


def sweep_pending_tier_tags(include_failed: bool = True) -> int:
    """Enqueue tag jobs for customers left pending (or failed); return how many were enqueued."""
    runtime = job_runtime()
    statuses = [TAG_SYNC_PENDING, TAG_SYNC_FAILED] if include_failed else [TAG_SYNC_PENDING]
    with runtime.db.transaction() as session:
        ids = list(session.scalars(select(CustomerPurchase.customer_id)
                                   .where(CustomerPurchase.tag_sync_status.in_(statuses))))
    enqueued = tag_queue.enqueue_tag_jobs(runtime, ids)
    if enqueued:
        log.info("enqueued tier-tag jobs for %d customers", enqueued)
    return enqueued
