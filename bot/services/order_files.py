"""POS exports (CSV or XLSX) read into the order dicts the intake validates.

One row per order line; consecutive rows with the same (store_code, order_no) are one order.
Columns: order_no, store_code, paid_at, amount, status, refunded_amount, external_userid, unionid,
mobile, guide_userid, customer_birthday (YYYY-MM-DD or MM-DD; a date cell too), sku, name, category,
quantity, unit_price. A paid_at without a UTC offset is read in the given time zone (POS exports usually
print local time).
"""
from __future__ import annotations

import csv
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

ORDER_FIELDS = ("order_no", "store_code", "paid_at", "amount", "status", "refunded_amount", "external_userid",
                "unionid", "mobile", "guide_userid", "customer_birthday")
ITEM_FIELDS = ("sku", "name", "category", "quantity", "unit_price")


class UnreadableFile(ValueError):
    """The file is not a table its suffix says (a broken XLSX, a CSV line the csv module cannot read)."""


@contextmanager
def _readable(path: Path):
    """Turn the readers' own errors for a file that is not what its name says into UnreadableFile."""
    try:
        yield
    except (csv.Error, zipfile.BadZipFile, KeyError) as exc:   # KeyError: a zip that is not a workbook
        raise UnreadableFile(f"{path.name} cannot be read as {path.suffix[1:].upper()}: {exc}") from exc


@dataclass
class FileOrder:
    """One order assembled from consecutive rows, with the file lines it came from."""

    lines: list[int]
    raw: dict[str, Any] = field(default_factory=dict)


def _cell(value: Any, tz: ZoneInfo, name: str = "") -> Any:
    if isinstance(value, datetime) and name.endswith("birthday"):   # a date cell: the day, not an instant
        return value.date().isoformat()
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).isoformat()
    if isinstance(value, str):
        value = value.strip()
        return value if value else None
    return value


def _paid_at(value: Any, tz: ZoneInfo) -> Any:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)).isoformat()
    return value


def _rows_csv(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {(k or "").strip().lower(): v for k, v in row.items()}


def _rows_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        for line, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield line, dict(zip(header, values))
    finally:
        workbook.close()


def count_rows(path: Path) -> int:
    """Data rows in the file (for a progress bar); UnreadableFile when it cannot be read."""
    with _readable(path):
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            try:
                return max((workbook.worksheets[0].max_row or 1) - 1, 0)
            finally:
                workbook.close()
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def read_rows(path: Path, timezone: str) -> Iterator[tuple[int, dict]]:
    """Each data row of a CSV or XLSX file with its line number, keyed by the lower-cased header, its cells
    trimmed (empty: None; a date-time cell as ISO 8601 in `timezone`, a birthday cell as its day). A ValueError
    for a file it cannot read: another suffix, UnreadableFile, a UnicodeDecodeError for a CSV not in UTF-8."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError("only .csv and .xlsx files can be imported")
    tz = ZoneInfo(timezone)
    with _readable(path):
        for line, row in _rows_xlsx(path) if path.suffix.lower() == ".xlsx" else _rows_csv(path):
            yield line, {k: _cell(v, tz, k) for k, v in row.items()}


def read_orders(path: Path, timezone: str) -> Iterator[FileOrder]:
    """Yield the file's orders, each with its items and line numbers."""
    tz = ZoneInfo(timezone)
    current: FileOrder | None = None
    for line, values in read_rows(path, timezone):
        key = (values.get("store_code"), values.get("order_no"))
        if current is None or key != (current.raw.get("store_code"), current.raw.get("order_no")):
            if current is not None:
                yield current
            current = FileOrder([], {name: values.get(name) for name in ORDER_FIELDS})
            current.raw["paid_at"] = _paid_at(current.raw["paid_at"], tz)
            current.raw["items"] = []
        current.lines.append(line)
        if any(values.get(name) not in (None, "") for name in ITEM_FIELDS):
            current.raw["items"].append({name: values.get(name) for name in ITEM_FIELDS})
    if current is not None:
        yield current
