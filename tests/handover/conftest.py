"""Hand-over tests: the to-do settings (orders, immediate tags, OAuth at the sandbox) and the browser fixtures."""
from __future__ import annotations

from tests.todos.conftest import settings, work  # noqa: F401  (orders enabled, the burst worker)
from tests.web.conftest import browser, phone, screenshot, web, wecom_phone  # noqa: F401  (the browser fixtures)
