"""Purpose-named RQ queues and the enqueue helper (explicit connection everywhere)."""
from __future__ import annotations

import time
from contextlib import suppress
from typing import Sequence

import redis
from rq import Queue, Retry, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus

URGENT = "urgent"    # the 20-second welcome message window
DEFAULT = "default"
SYNC = "sync"        # tag and org synchronisation
REPORTS = "reports"
ALL_QUEUES = (URGENT, DEFAULT, SYNC, REPORTS)

OVERDUE_SECONDS = 10  # a scheduled job this late has no live scheduler
LIVE_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


class HeartbeatWorker(Worker):
    """RQ's forking worker, whose started job is abandoned after three missed heartbeats.

    RQ keeps a started job's lease for the heartbeat interval plus 60 s and looks for expired leases
    in its 10-minute maintenance, so a job whose worker was killed would wait ~11 minutes; with a
    short lease, the inbox sweeper's `Queues.release_stranded` hands the job back within a minute or two.
    """

    LEASE_BEATS = 3

    def get_heartbeat_ttl(self, job: Job) -> int:
        return self.LEASE_BEATS * int(self.job_monitoring_interval)


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

    def release_stranded(self) -> None:
        """Hand back the jobs a dead worker strands.

        Started jobs whose lease ran out go through RQ's own registry cleanup (a retry, or failed);
        retries due more than OVERDUE_SECONDS ago are enqueued here: RQ's scheduler polls every
        second, but the one that ran in the dead worker holds its lock for another minute and a new
        worker only tries to take it over in its 10-minute maintenance.
        """
        due = int(time.time()) - OVERDUE_SECONDS
        for queue in self._queues.values():
            queue.started_job_registry.cleanup()
            scheduled = queue.scheduled_job_registry
            for job_id in scheduled.get_jobs_to_schedule(due):
                with suppress(InvalidJobOperation, NoSuchJobError):  # a scheduler took it meanwhile
                    scheduled.requeue(job_id)

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
