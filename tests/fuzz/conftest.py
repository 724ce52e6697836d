"""Fuzz and hostile-input tests of the JSON API: both webhook secrets set, tag jobs immediate."""
from __future__ import annotations

import pytest

ORDER_SECRET, EVENTS_SECRET = "fuzz-order-secret", "fuzz-events-secret"
SIGNED = {"/api/v1/orders": ORDER_SECRET, "/api/v1/events": EVENTS_SECRET}


@pytest.fixture
def settings(settings):
    settings.ORDER_WEBHOOK_SECRET, settings.EVENTS_WEBHOOK_SECRET = ORDER_SECRET, EVENTS_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0
    return settings
