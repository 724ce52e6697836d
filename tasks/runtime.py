"""What a job runs with: the process's runtime, created on first use in a bare worker."""
from __future__ import annotations

from bot import runtime


def job_runtime() -> runtime.Runtime:
    """Return the current runtime, building the app once if this process has none."""
    try:
        return runtime.current()
    except RuntimeError:
        from bot.app import create_app

        create_app()
        return runtime.current()
