"""Purchases tests: the shared fixtures plus the order webhook secret and immediate tag jobs."""
from __future__ import annotations

import pytest

from tests.purchases.helpers import ORDER_SECRET


@pytest.fixture
def settings(settings):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0  # the burst worker of the tests does not run scheduled jobs
    return settings
