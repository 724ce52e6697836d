"""Leaderboards from the daily performance record: guides of a store, stores of the brand, trends, XLSX.

Every figure is a sum over performance_day rows (indexed on store and day), so a board reads at most
guides x days rows whatever the number of raw events behind them.
"""
from __future__ import annotations

import io
from decimal import Decimal
from dataclasses import dataclass, field
from datetime import date, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from bot.rules.leaderboard import COLUMNS, METRICS, PERIODS, format_value, metric_value, period_range, ranked
from models import Guide, PerformanceDay, Store

P = PerformanceDay


@dataclass
class Board:
    """A ranked board: one row per guide (or store) with every metric of the period."""

    period: str
    start: date
    end: date
    metric: str
    rows: list[dict] = field(default_factory=list)
    store: Store | None = None

    def as_json(self) -> dict:
        return {"store": self.store.code if self.store else None, "period": self.period,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "metric": self.metric,
                "rows": [{k: v for k, v in row.items() if k != "sums"} for row in self.rows]}


def _sums():
    return [func.coalesce(func.sum(getattr(P, name)), 0).label(name) for name in COLUMNS]


def _metrics(sums: dict[str, int]) -> dict:
    return {key: metric_value(sums, key) for key in METRICS}


def store_by_code(*, session: Session, code: str) -> Store | None:
    return session.scalars(select(Store).where(Store.code == code)).one_or_none()


def guide_board(*, session: Session, store: Store, period: str, day: date, metric: str) -> Board:
    """The store's guides ranked on `metric` over the period containing `day` (zeros included)."""
    start, end = period_range(period, day)
    found = {row.guide_id: row._asdict() for row in session.execute(
        select(P.guide_id, *_sums()).where(P.store_id == store.id, P.day.between(start, end)).group_by(P.guide_id))}
    with_rows = Guide.id.in_(list(found)) if found else false()      # members who left or moved still show
    guides = session.execute(select(Guide.id, Guide.userid, Guide.name, Guide.role)
                             .where(or_(with_rows, (Guide.store_id == store.id) & Guide.active.is_(True)))).all()
    rows = []
    for guide_id, userid, name, role in guides:
        sums = {name_: int(found.get(guide_id, {}).get(name_, 0)) for name_ in COLUMNS}
        metrics = _metrics(sums)
        rows.append({"guide_id": guide_id, "userid": userid, "name": name, "role": role, "value": metrics[metric],
                     "metrics": metrics, "sums": sums})
    return Board(period, start, end, metric, ranked(rows, "value"), store)


def store_board(*, session: Session, period: str, day: date, metric: str) -> Board:
    """Every store ranked on `metric` over the period containing `day`."""
    start, end = period_range(period, day)
    found = {row.store_id: row._asdict() for row in session.execute(
        select(P.store_id, *_sums()).where(P.day.between(start, end)).group_by(P.store_id))}
    guides = dict(session.execute(select(Guide.store_id, func.count()).where(Guide.active.is_(True))
                                  .group_by(Guide.store_id)).all())
    rows = []
    for store in session.scalars(select(Store).order_by(Store.code)):
        sums = {name: int(found.get(store.id, {}).get(name, 0)) for name in COLUMNS}
        metrics = _metrics(sums)
        rows.append({"store_id": store.id, "code": store.code, "name": store.name, "guides": guides.get(store.id, 0),
                     "value": metrics[metric], "metrics": metrics, "sums": sums})
    return Board(period, start, end, metric, ranked(rows, "value"))


def trends(*, session: Session, store_id: int, guide_ids: list[int], start: date, end: date,
           metric: str) -> dict[int, list[tuple[date, float | int | None]]]:
    """Each guide's daily value of `metric` over [start, end] (days without a row are zero)."""
    rows = session.execute(select(P.guide_id, P.day, *[getattr(P, n) for n in COLUMNS])
                           .where(P.store_id == store_id, P.day.between(start, end), P.guide_id.in_(guide_ids)))
    by_key = {(r.guide_id, r.day): {n: getattr(r, n) for n in COLUMNS} for r in rows}
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return {gid: [(d, metric_value(by_key.get((gid, d), {}), metric)) for d in days] for gid in guide_ids}


def board_xlsx(board: Board, title: str) -> bytes:
    """The board as an Excel workbook: the same rows, order and figures as the page (money in yuan)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "排行榜"
    sheet.append([title, f"{board.start.isoformat()} ~ {board.end.isoformat()}",
                  f"按{METRICS[board.metric].label}排序（{PERIODS[board.period]}）"])
    header = ["排名", "导购" if board.store else "门店", *[m.label for m in METRICS.values()]]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in board.rows:
        values = [_cell(row["metrics"][k], METRICS[k].kind) for k in METRICS]
        sheet.append([row["rank"], row["name"], *values])
    for key, metric in METRICS.items():
        column = sheet.cell(row=2, column=3 + list(METRICS).index(key)).column_letter
        fmt = "0%" if metric.kind == "rate" else ("#,##0.00" if metric.kind == "fen" else "#,##0")
        for cell in sheet[column][2:]:
            cell.number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, kind: str):
    if value is None:
        return None
    return Decimal(value) / 100 if kind == "fen" else value      # yuan, exact


def display(row: dict, key: str) -> str:
    """A row's metric as the page shows it."""
    return format_value(row["metrics"][key], METRICS[key].kind)
