"""To-do tests: orders enabled, immediate tier-tag jobs, the live app as the public base of card links."""
from __future__ import annotations

import uuid

import pytest
from rq import SimpleWorker

from tests.purchases.helpers import ORDER_SECRET


@pytest.fixture
def settings(settings):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0  # the burst worker of the tests does not run scheduled jobs
    return settings


class BurstWorker(SimpleWorker):
    """RQ's SimpleWorker without the pub/sub command channel: a burst worker takes no commands, and
    joining that listener thread costs ~0.13 s per run (the month test runs the worker ~60 times)."""

    def subscribe(self):
        self.pubsub_thread = None

    def unsubscribe(self):
        pass


@pytest.fixture
def work(runtime):
    """A real RQ worker (burst) over every queue; returns the number of jobs performed."""
    def run() -> int:
        worker = BurstWorker(runtime.queues.all(), connection=runtime.redis, name=f"todo-{uuid.uuid4().hex[:8]}")
        before = worker.successful_job_count + worker.failed_job_count
        worker.work(burst=True)
        return worker.successful_job_count + worker.failed_job_count - before
    return run
