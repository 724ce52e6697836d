"""A manual clock to inject into SandboxCorp (and CallbackDriver) so tests can move time."""

from __future__ import annotations

import threading


class ManualClock:
    """Callable returning a settable time; ``advance(seconds)`` moves it forward."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, when: float) -> None:
        with self._lock:
            self._now = when
