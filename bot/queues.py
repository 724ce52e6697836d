"""Purpose-named RQ queues and the enqueue helper (explicit connection everywhere)."""
from __future__ import annotations

from typing import Sequence

import redis
from rq import Queue, Retry
from rq.job import Job, JobStatus

URGENT = "urgent"    # the 20-second welcome message window
DEFAULT = "default"
SYNC = "sync"        # tag and org synchronisation
REPORTS = "reports"
ALL_QUEUES = (URGENT, DEFAULT, SYNC, REPORTS)

LIVE_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


class Queues:
    """The app's queues on one Redis connection."""

    def __init__(self, connection: redis.Redis, retry_intervals: Sequence[int]):
        self.connection = connection
        self.retry_intervals = list(retry_intervals)
        self._queues = {name: Queue(name, connection=connection) for name in ALL_QUEUES}

    def __getitem__(self, name: str) -> Queue:
        return self._queues[name]

    def all(self) -> list[Queue]:
        return list(self._queues.values())

    def _is_live(self, job_id: str) -> bool:
        """True if the job runs, waits for a retry, or really sits in its queue's list."""
        job = Job.fetch_many([job_id], connection=self.connection)[0]
        if job is None:
            return False
        status = job.get_status(refresh=False)
        if status == JobStatus.QUEUED:
            return self.connection.lpos(f"rq:queue:{job.origin}", job_id) is not None
        return status in LIVE_STATUSES

    def retry(self) -> Retry | None:
        if not self.retry_intervals:
            return None
        return Retry(max=len(self.retry_intervals), interval=self.retry_intervals)

    def enqueue(self, queue: str, func: str, *args, job_id: str | None = None,
                skip_if_live: bool = False, **kwargs) -> Job | None:
        """Enqueue func (a dotted path); with skip_if_live, not while a job with job_id is live."""
        if skip_if_live and job_id is not None and self._is_live(job_id):
            return None
        with self.connection.pipeline() as pipe:  # one round trip for the job and its queue entry
            job = self._queues[queue].enqueue_call(
                func, args=args, kwargs=kwargs, job_id=job_id, retry=self.retry(), pipeline=pipe
            )
            pipe.execute()
        return job
