"""The member system's birthday file (CSV or XLSX), imported in chunks, each in a transaction of its own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.birthdays import RESULTS, receive_records
from bot.services.order_files import read_rows

CHUNK = 500
FIELDS = ("external_userid", "unionid", "mobile", "birthday")


@dataclass
class Report:
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULTS, 0))
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)   # (file line, reasons)


def import_file(*, db, path: Path, timezone: str, secret_key: str, now: datetime) -> Report:
    """Import the file's rows (external_userid or unionid or mobile, birthday); a bad row is reported with its
    line and the others are stored. ValueError for a file that is not .csv or .xlsx."""
    report, chunk = Report(), []
    for line, row in read_rows(path, timezone):
        chunk.append((line, {name: row.get(name) for name in FIELDS}))
        if len(chunk) >= CHUNK:
            _ingest(db, chunk, timezone, secret_key, now, report)
            chunk = []
    if chunk:
        _ingest(db, chunk, timezone, secret_key, now, report)
    return report


def _ingest(db, chunk: list[tuple[int, dict]], timezone: str, secret_key: str, now: datetime, report: Report) -> None:
    with db.transaction() as session:
        outcomes = receive_records(session=session, raw_records=[row for _line, row in chunk], secret_key=secret_key,
                                   now=now, today=now.astimezone(ZoneInfo(timezone)).date())
    for outcome in outcomes:
        report.totals[outcome["result"]] += 1
        if outcome.get("errors"):
            report.rejected.append((chunk[outcome["index"]][0], outcome["errors"]))
