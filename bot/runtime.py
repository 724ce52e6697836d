"""The process-wide runtime: settings, database, Redis, queues and the WeCom client.

The app factory builds it once per process; web handlers reach it through
`current_app.extensions`, jobs through `current()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import redis

from bot import redis_conn
from bot.db import Database
from bot.queues import Queues
from config import Settings

_current: "Runtime | None" = None


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.DATABASE_URL)

    @cached_property
    def redis(self) -> redis.Redis:
        return redis_conn.connect(self.settings.REDIS_URL)

    @cached_property
    def queues(self) -> Queues:
        return Queues(self.redis, self.settings.JOB_RETRY_INTERVALS)

    @cached_property
    def wecom(self):
        from bot.wecom.client import WeComClient

        return WeComClient.for_contacts(self.settings, self.redis)

    @cached_property
    def wecom_agent(self):
        from bot.wecom.client import WeComClient

        return WeComClient.for_agent(self.settings, self.redis)


def install(runtime: Runtime) -> Runtime:
    """Make runtime the process's current one."""
    global _current
    _current = runtime
    return runtime


def current() -> Runtime:
    """Return the process's runtime; create_app must have run."""
    if _current is None:
        raise RuntimeError("no runtime: create the app first (bot.app.create_app)")
    return _current
