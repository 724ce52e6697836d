"""Coalesced tier-tag jobs: at most one job per customer is on its way at any time.

A Redis key per customer (`tier-tags:owner:<id>`, SET NX) says a job owns that customer's tags.
Producers record the need in the database (customer_purchase.tag_sync_status = pending, and a
version bump) and enqueue only if they win the key. The job releases the key when done and then
re-reads the database: a change that landed meanwhile is picked up by it or by the producer that
wins the key next, so no change is lost and a burst of orders makes one job, not one per order.
The key holds the owning job's id; a job takes up to JOB_CHUNK customers (one batch of orders can
move hundreds of tiers), so enqueueing stays cheap on the intake's path.
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
JOB_CHUNK = 50  # customers per job
_SESSION_KEY = "tier_tag_sync"


def owner_key(customer_id: int) -> str:
    return f"tier-tags:owner:{customer_id}"


def owner_ttl(runtime: rt.Runtime) -> int:
    """Long enough to outlive a job and all its retries; a crash frees the key at the latest then."""
    return max(600, 2 * sum(runtime.queues.retry_intervals) + runtime.settings.TIER_TAG_DELAY_SECONDS + 300)


def enqueue_tag_jobs(runtime: rt.Runtime, customer_ids: Iterable[int]) -> int:
    """Enqueue tag jobs for the customers whose key is free; return how many customers were enqueued.

    Customers go in chunks of JOB_CHUNK per job (a batch of orders moves hundreds of tiers at once);
    each won key holds the id of the job that owns the customer.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    connection, ttl = runtime.redis, owner_ttl(runtime)
    chunks = [(f"tier-tags-{uuid.uuid4().hex[:16]}", ids[i:i + JOB_CHUNK]) for i in range(0, len(ids), JOB_CHUNK)]
    with connection.pipeline(transaction=False) as pipe:
        for job_id, chunk in chunks:
            for cid in chunk:
                pipe.set(owner_key(cid), job_id, nx=True, ex=ttl)
        won = iter(pipe.execute())
    jobs = [(job_id, [cid for cid in chunk if next(won)]) for job_id, chunk in chunks]
    jobs = [(job_id, chunk) for job_id, chunk in jobs if chunk]
    if jobs:
        _push(runtime, jobs)
    return sum(len(chunk) for _, chunk in jobs)


def _push(runtime: rt.Runtime, jobs: list[tuple[str, list[int]]]) -> None:
    queue, delay = runtime.queues[SYNC], runtime.settings.TIER_TAG_DELAY_SECONDS
    at = datetime.now(timezone.utc) + timedelta(seconds=delay)
    with runtime.redis.pipeline() as pipe:
        for job_id, chunk in jobs:
            job = queue.create_job(JOB_PATH, args=tuple(chunk), job_id=job_id, retry=runtime.queues.retry(),
                                   result_ttl=300, failure_ttl=7 * 86400)
            if delay > 0:
                queue.schedule_job(job, at, pipeline=pipe)
            else:
                queue.enqueue_job(job, pipeline=pipe)
        pipe.execute()


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def owns(runtime: rt.Runtime, customer_id: int, job_id: str | None) -> bool:
    """True when job_id holds the customer's key (None: a job run by hand owns nothing and may run)."""
    if job_id is None:
        return True
    value = runtime.redis.get(owner_key(customer_id))
    return value is not None and value.decode() == job_id


def release(runtime: rt.Runtime, customer_id: int, job_id: str | None) -> None:
    """Free the customer's key if job_id holds it (the job is done, or failed for good)."""
    if job_id is not None:
        runtime.redis.eval(_RELEASE, 1, owner_key(customer_id), job_id)


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
