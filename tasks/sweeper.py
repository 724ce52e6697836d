"""Re-enqueue inbox rows left unprocessed (Redis was down, a worker died, retries ran out)."""
from __future__ import annotations

import logging
from datetime import timedelta

from bot.queues import DEFAULT
from bot.services.inbox import unprocessed_ids
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)

EVENT_JOB = "handlers.events.job.process_event"


def sweep_inbox() -> int:
    """Enqueue every waiting inbox row not already queued; return how many were enqueued.

    A row whose job was started by a worker that died (SIGKILL, OOM, a lost host) looks started to
    RQ until its lease expires, and its retry waits for a scheduler; releasing the jobs a dead worker
    stranded first puts such rows back on their way.
    """
    runtime = job_runtime()
    runtime.queues.release_stranded()
    with runtime.db.transaction() as session:
        ids = unprocessed_ids(session=session, older_than=timedelta(seconds=runtime.settings.SWEEP_AFTER_SECONDS))
    enqueued = 0
    for event_id in ids:
        if runtime.queues.enqueue(DEFAULT, EVENT_JOB, event_id, job_id=f"event-{event_id}",
                                   skip_if_live=True) is not None:
            enqueued += 1
    if enqueued:
        log.info("sweeper enqueued %d inbox events", enqueued)
    return enqueued
