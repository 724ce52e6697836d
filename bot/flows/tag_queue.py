"""Coalesced tier-tag jobs: at most one job per customer is on its way at any time.

A Redis key per customer (`tier-tags:owner:<id>`, SET NX) says a job owns that customer's tags.
Producers record the need in the database (customer_purchase.tag_sync_status = pending, and a
version bump) and enqueue only if they win the key. The job releases the key when done and then
re-reads the database: a change that landed meanwhile is picked up by it or by the producer that
wins the key next, so no change is lost and a burst of orders makes one job, not one per order.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Iterable

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot import runtime as rt
from bot.queues import SYNC

log = logging.getLogger(__name__)

JOB_PATH = "tasks.tags.sync_tier_tags"
_SESSION_KEY = "tier_tag_sync"


def owner_key(customer_id: int) -> str:
    return f"tier-tags:owner:{customer_id}"


def owner_ttl(runtime: rt.Runtime) -> int:
    """Long enough to outlive a job and all its retries; a crash frees the key at the latest then."""
    return max(600, 2 * sum(runtime.queues.retry_intervals) + runtime.settings.TIER_TAG_DELAY_SECONDS + 300)


def enqueue_tag_jobs(runtime: rt.Runtime, customer_ids: Iterable[int]) -> int:
    """Enqueue a tag job for each customer whose key is free; return how many were enqueued."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    connection, ttl = runtime.redis, owner_ttl(runtime)
    job_ids = {cid: f"tier-tags-{cid}-{uuid.uuid4().hex[:12]}" for cid in ids}
    with connection.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.set(owner_key(cid), job_ids[cid], nx=True, ex=ttl)
        won = [cid for cid, ok in zip(ids, pipe.execute()) if ok]
    if won:
        _push(runtime, [(cid, job_ids[cid]) for cid in won])
    return len(won)


def _push(runtime: rt.Runtime, jobs: list[tuple[int, str]]) -> None:
    queue, delay = runtime.queues[SYNC], runtime.settings.TIER_TAG_DELAY_SECONDS
    at = datetime.now(timezone.utc) + timedelta(seconds=delay)
    with runtime.redis.pipeline() as pipe:
        for cid, job_id in jobs:
            job = queue.create_job(JOB_PATH, args=(cid,), job_id=job_id, retry=runtime.queues.retry(),
                                   result_ttl=300, failure_ttl=7 * 86400)
            if delay > 0:
                queue.schedule_job(job, at, pipeline=pipe)
            else:
                queue.enqueue_job(job, pipeline=pipe)
        pipe.execute()


def release(runtime: rt.Runtime, customer_id: int) -> None:
    """Free the customer's key (the job is done, or failed for good)."""
    runtime.redis.delete(owner_key(customer_id))


def request_after_commit(session: Session, customer_ids: Iterable[int]) -> None:
    """Enqueue tag jobs for these customers once the session's transaction has committed."""
    ids = set(customer_ids)
    if not ids:
        return
    if _SESSION_KEY not in session.info:
        session.info[_SESSION_KEY] = set()
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _forget)
    session.info[_SESSION_KEY].update(ids)


def _after_commit(session: Session) -> None:
    ids = session.info.get(_SESSION_KEY) or set()
    session.info[_SESSION_KEY] = set()
    if not ids:
        return
    try:
        enqueue_tag_jobs(rt.current(), ids)
    except redis.RedisError:
        # The need is in the database (status pending); `flask tags sync` enqueues it later.
        log.warning("could not enqueue tier-tag jobs for %d customers; they stay pending", len(ids))


def _forget(session: Session) -> None:
    if session.info.get(_SESSION_KEY):
        session.info[_SESSION_KEY] = set()
