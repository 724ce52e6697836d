"""Group-guard tests: the web settings (OAuth at the sandbox, orders) and the browser fixtures."""
from __future__ import annotations

from tests.web.conftest import browser, phone, screenshot, settings, web, wecom_phone  # noqa: F401
