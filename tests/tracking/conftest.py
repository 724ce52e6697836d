"""Tracking tests: orders and events webhooks enabled, immediate tag jobs, the browser fixtures of the web tests."""
from __future__ import annotations

import pytest

from tests.tracking.helpers import EVENTS_SECRET, ORDER_SECRET
from tests.web.conftest import browser, screenshot  # noqa: F401


@pytest.fixture
def settings(settings, sandbox_server):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.EVENTS_WEBHOOK_SECRET = EVENTS_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0   # the burst worker of the tests does not run scheduled jobs
    settings.WECOM_OAUTH_BASE = sandbox_server.base_url.removesuffix("cgi-bin/")
    return settings


@pytest.fixture
def web(live_app, settings):
    """The live app's URL, also the public base of tracked links and the OAuth redirect."""
    settings.PUBLIC_BASE_URL = live_app
    return live_app
