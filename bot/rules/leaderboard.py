"""Leaderboard periods and metrics: pure functions over the daily performance record.

A period is a store-local calendar day, ISO week (Monday to Sunday) or calendar month containing the
given date. Counts of a period are sums of the days; the completion rate is to-dos done / to-dos
assigned over the period; unique clickers are counted per day and summed (customer-days).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PERIODS = {"day": "日", "week": "周", "month": "月"}
DEFAULT_PERIOD = "week"
TREND_DAYS_OF_A_DAY = 14


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str = "count"        # count | fen | rate


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("order_amount", "成交金额", "fen"),
    Metric("orders", "成交单数"),
    Metric("second_purchases", "首购转二购"),
    Metric("clicks", "点击"),
    Metric("unique_clickers", "点击人数"),
    Metric("coupon_claims", "领券"),
    Metric("add_to_carts", "加购"),
    Metric("completion_rate", "完成率", "rate"),
    Metric("todos_done", "已送达"),
    Metric("todos_sent", "已发送"),
    Metric("todos_assigned", "待办"),
    Metric("todos_expired", "过期"),
    Metric("friends_added", "新增好友"),
    Metric("friends_lost", "流失好友"),
    Metric("group_joins", "入群"),
)}
DEFAULT_METRIC = "order_amount"
# The summed columns of performance_day (the rate is derived from two of them).
COLUMNS = ("friends_added", "friends_lost", "group_joins", "todos_assigned", "todos_sent", "todos_done",
           "todos_expired", "clicks", "raw_clicks", "unique_clickers", "coupon_claims", "add_to_carts",
           "page_views", "orders", "order_amount", "second_purchases")


def normalize_period(value: str | None) -> str:
    """A known period key, else the default (week)."""
    return value if value in PERIODS else DEFAULT_PERIOD


def normalize_metric(value: str | None) -> str:
    """A known metric key, else the default (order amount)."""
    return value if value in METRICS else DEFAULT_METRIC


def period_range(period: str, day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the period containing `day`."""
    if period == "day":
        return day, day
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def shift(period: str, day: date, steps: int) -> date:
    """A day in the period `steps` periods before (negative) or after `day`'s."""
    if period == "day":
        return day + timedelta(days=steps)
    if period == "week":
        return day + timedelta(weeks=steps)
    month = day.year * 12 + day.month - 1 + steps
    return date(month // 12, month % 12 + 1, 1)


def trend_range(period: str, day: date) -> tuple[date, date]:
    """The days a trend chart shows: the period's days (the last two weeks for a single day)."""
    if period == "day":
        return day - timedelta(days=TREND_DAYS_OF_A_DAY - 1), day
    return period_range(period, day)


def metric_value(sums: dict[str, int], key: str) -> float | int | None:
    """The metric from a period's summed columns (None: a rate with nothing to divide)."""
    if key == "completion_rate":
        assigned = sums.get("todos_assigned", 0)
        return sums.get("todos_done", 0) / assigned if assigned else None
    return int(sums.get(key, 0) or 0)


def ranked(rows: list[dict], key: str, name_key: str = "name") -> list[dict]:
    """Rows sorted best first on `key` (None last, then by name), with a competition rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda r: (r[key] is None, -(r[key] or 0), r.get(name_key) or ""))
    previous, rank = object(), 0
    for position, row in enumerate(ordered, start=1):
        if row[key] != previous:
            rank, previous = position, row[key]
        row["rank"] = rank
    return ordered


def format_value(value: float | int | None, kind: str) -> str:
    """The value as the pages show it: ¥ for fen, % for a rate, '—' for none."""
    if value is None:
        return "—"
    if kind == "fen":
        return f"¥{int(value) // 100:,}.{int(value) % 100:02d}"
    if kind == "rate":
        return f"{value * 100:.0f}%"
    return f"{int(value):,}"
