"""Reporting periods in a store's time zone (today / last 7 days / last 30 days): pure functions."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

PERIOD_DAYS = {"today": 1, "7d": 7, "30d": 30}
PERIOD_LABELS = {"today": "今天", "7d": "近7天", "30d": "近30天"}
DEFAULT_PERIOD = "7d"


def normalize_period(value: str | None) -> str:
    """Return a known period key, falling back to the default."""
    return value if value in PERIOD_DAYS else DEFAULT_PERIOD


def period_bounds(period: str, now: datetime, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of the period: whole local days ending with today, up to now."""
    zone = ZoneInfo(tz)
    local_today = now.astimezone(zone).date()
    first_day = local_today - timedelta(days=PERIOD_DAYS[normalize_period(period)] - 1)
    start = datetime.combine(first_day, time.min, tzinfo=zone).astimezone(timezone.utc)
    return start, now.astimezone(timezone.utc)
