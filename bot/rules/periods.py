"""Reporting periods in a store's time zone (today / last 7 days / last 30 days): pure functions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
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


# The metrics pages' periods: this month so far, the last 30 days, or HQ's own from-to (inclusive days).
METRIC_PERIODS = {"month": "本月", "30d": "近30天", "custom": "自定义"}
MAX_METRIC_DAYS = 366


def metric_period(kind: str | None, start: str | None, end: str | None, today: date) -> tuple[str, date, date]:
    """(kind, first day, last day) of a metrics page's period; ValueError with a Chinese message when a custom
    period's dates are missing, malformed, reversed, in the future or span more than a year."""
    kind = kind if kind in METRIC_PERIODS else "month"
    if kind == "month":
        return kind, today.replace(day=1), today
    if kind == "30d":
        return kind, today - timedelta(days=29), today
    try:
        first, last = date.fromisoformat((start or "").strip()), date.fromisoformat((end or "").strip())
    except ValueError:
        raise ValueError("请填写开始和结束日期，格式如 2026-03-01") from None
    if first > last:
        raise ValueError("开始日期不能晚于结束日期")
    if last > today:
        raise ValueError("结束日期不能晚于今天")
    if (last - first).days + 1 > MAX_METRIC_DAYS:
        raise ValueError(f"时间段最长 {MAX_METRIC_DAYS} 天")
    return kind, first, last
