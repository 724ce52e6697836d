"""Leaderboards from the daily performance record: guides of a store, stores of the brand, trends, XLSX.

Every figure is a sum over performance_day rows (indexed on store and day), so a board reads at most
guides x days rows whatever the number of raw events behind them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, Connection, Date, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.rules.leaderboard import COLUMNS, METRICS, PERIODS, format_value, metric_value, period_range, ranked
from models import Guide, PerformanceDay, Store

P = PerformanceDay
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Board:
    """A ranked board: one row per guide (or store) with every metric of the period."""

    period: str
    start: date
    end: date
    metric: str
    rows: list[dict] = field(default_factory=list)
    store: Store | None = None        # a guide board's store (anything with id, code, name)

    def as_json(self) -> dict:
        return {"store": self.store.code if self.store else None, "period": self.period,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "metric": self.metric,
                "rows": [{k: v for k, v in row.items() if k != "sums"} for row in self.rows]}


def _in_period(table) -> ColumnElement:
    return table.c.day.between(bindparam("start", type_=Date), bindparam("end", type_=Date))


_PT = PerformanceDay.__table__
_SUMS = [func.coalesce(func.sum(_PT.c[name]), 0).label(name) for name in COLUMNS]
_OTHER = _PT.alias("p_other")
# Built once: a board is one statement, so the API's p95 is a round trip plus the ranking.
GUIDE_BOARD = (
    select(Guide.id, Guide.userid, Guide.name, Guide.role, *_SUMS)
    .outerjoin(_PT, and_(_PT.c.guide_id == Guide.id, _PT.c.store_id == bindparam("store_id"), _in_period(_PT)))
    .where(or_(and_(Guide.store_id == bindparam("store_id"), Guide.active.is_(True)),
               Guide.id.in_(select(_OTHER.c.guide_id).where(_OTHER.c.store_id == bindparam("store_id"),
                                                            _in_period(_OTHER)))))   # who left or moved still shows
    .group_by(Guide.id, Guide.userid, Guide.name, Guide.role))
_ACTIVE = select(func.count()).where(Guide.store_id == Store.id, Guide.active.is_(True)).scalar_subquery()
STORE_BOARD = (
    select(Store.id, Store.code, Store.name, _ACTIVE.label("guides"), *_SUMS)
    .outerjoin(_PT, and_(_PT.c.store_id == Store.id, _in_period(_PT)))
    .group_by(Store.id, Store.code, Store.name))
STORE_BY_CODE = select(Store.id, Store.code, Store.name, Store.timezone).where(Store.code == bindparam("code"))


def _row(found, keys: tuple[str, ...], metric: str) -> dict:
    sums = {name: int(getattr(found, name)) for name in COLUMNS}
    metrics = {key: metric_value(sums, key) for key in METRICS}
    return {**{k: getattr(found, k) for k in keys}, "value": metrics[metric], "metrics": metrics, "sums": sums}


def store_by_code(*, session: Session | Connection, code: str):
    """The store (id, code, name, timezone) with this code, or None."""
    return session.execute(STORE_BY_CODE, {"code": code}).one_or_none()


def guide_board(*, session: Session | Connection, store, period: str, day: date, metric: str) -> Board:
    """The store's guides ranked on `metric` over the period containing `day` (zeros included)."""
    start, end = period_range(period, day)
    rows = [_row(r, ("id", "userid", "name", "role"), metric) for r in session.execute(
        GUIDE_BOARD, {"store_id": store.id, "start": start, "end": end})]
    for row in rows:
        row["guide_id"] = row.pop("id")
    return Board(period, start, end, metric, ranked(rows, "value"), store)


def store_board(*, session: Session | Connection, period: str, day: date, metric: str) -> Board:
    """Every store ranked on `metric` over the period containing `day`."""
    start, end = period_range(period, day)
    rows = [_row(r, ("id", "code", "name", "guides"), metric)
            for r in session.execute(STORE_BOARD, {"start": start, "end": end})]
    for row in rows:
        row["store_id"] = row.pop("id")
    return Board(period, start, end, metric, ranked(rows, "value"))


def trends(*, session: Session, store_id: int, guide_ids: list[int], start: date, end: date,
           metric: str, today: date | None = None) -> dict[int, list[tuple[date, float | int | None]]]:
    """Each guide's daily value of `metric` over [start, end] (days without a row are zero; days after
    `today` have no value yet, so the line stops at today instead of dropping to zero)."""
    rows = session.execute(select(P.guide_id, P.day, *[getattr(P, n) for n in COLUMNS])
                           .where(P.store_id == store_id, P.day.between(start, end), P.guide_id.in_(guide_ids)))
    by_key = {(r.guide_id, r.day): {n: getattr(r, n) for n in COLUMNS} for r in rows}
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return {gid: [(d, None if today is not None and d > today else metric_value(by_key.get((gid, d), {}), metric))
                  for d in days] for gid in guide_ids}


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
    texts_as_text(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def texts_as_text(sheet) -> None:
    """Store every text cell as a string, never a formula (guide and store names are anyone's input).

    openpyxl writes a string starting with "=" as a formula; Excel and WPS also read "+", "-", "@", a tab
    or a carriage return at the start as one once the cell is edited, hence the quote prefix there.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True


def _cell(value, kind: str):
    if value is None:
        return None
    return Decimal(value) / 100 if kind == "fen" else value      # yuan, exact


def display(row: dict, key: str) -> str:
    """A row's metric as the page shows it."""
    return format_value(row["metrics"][key], METRICS[key].kind)
