"""The content tests reuse the web tests' fixtures: OAuth through the sandbox, the browser, screenshots."""
from tests.web.conftest import browser, phone, screenshot, settings, web  # noqa: F401
