"""Operator commands for customers: `flask --app wsgi customers import-birthdays FILE`."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

customers_cli = AppGroup("customers", help="Customers' data from the brand's member system.")

CHUNK = 500
FIELDS = ("external_userid", "unionid", "mobile", "birthday")


def _ingest(runtime, chunk: list[tuple[int, dict]], now: datetime, totals: dict, rejected: list) -> None:
    from bot.services.birthdays import receive_records

    settings = runtime.settings
    with runtime.db.transaction() as session:
        outcomes = receive_records(session=session, raw_records=[row for _line, row in chunk],
                                   secret_key=settings.SECRET_KEY, now=now,
                                   today=now.astimezone(ZoneInfo(settings.TIMEZONE)).date())
    for outcome in outcomes:
        totals[outcome["result"]] += 1
        if outcome.get("errors"):
            rejected.append((chunk[outcome["index"]][0], outcome["errors"]))


@customers_cli.command("import-birthdays")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_birthdays(file: Path) -> None:
    """Import birthdays (CSV or XLSX: external_userid or unionid or mobile, birthday YYYY-MM-DD or MM-DD).

    A customer who is not a friend yet gets the birthday when they add a guide; a bad row is reported with its
    line and the others are stored (exit 1 when a row was rejected)."""
    from bot.services.birthdays import RESULTS
    from bot.services.order_files import read_rows

    runtime = current_app.extensions["runtime"]
    totals, rejected, chunk = dict.fromkeys(RESULTS, 0), [], []
    now = datetime.now(timezone.utc)
    try:
        for line, row in read_rows(file, runtime.settings.TIMEZONE):
            chunk.append((line, {name: row.get(name) for name in FIELDS}))
            if len(chunk) >= CHUNK:
                _ingest(runtime, chunk, now, totals, rejected)
                chunk = []
        if chunk:
            _ingest(runtime, chunk, now, totals, rejected)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"updated {totals['updated']}, unchanged {totals['unchanged']}, waiting {totals['waiting']} "
               f"(not a friend yet), rejected {totals['rejected']}")
    for line, errors in rejected:
        click.echo(f"  line {line}: {'; '.join(errors)}")
    if rejected:
        raise SystemExit(1)
