"""To-do tests: orders enabled, immediate tier-tag jobs, OAuth at the sandbox, the browser fixtures."""
from __future__ import annotations

import uuid

import pytest
from rq import SimpleWorker

from tests.purchases.helpers import ORDER_SECRET
from tests.web.conftest import browser, phone, screenshot, web, wecom_phone  # noqa: F401  (the browser fixtures)


@pytest.fixture
def settings(settings, sandbox_server):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0  # the burst worker of the tests does not run scheduled jobs
    settings.WECOM_OAUTH_BASE = sandbox_server.base_url.removesuffix("cgi-bin/")
    settings.HOLDOUT_PERCENT = 0   # every eligible customer gets care here; the holdout has its own tests
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
