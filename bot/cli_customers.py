"""Operator commands for customers: `flask --app wsgi customers import-birthdays FILE`."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

customers_cli = AppGroup("customers", help="Customers' data from the brand's member system.")


@customers_cli.command("import-birthdays")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_birthdays(file: Path) -> None:
    """Import birthdays (CSV or XLSX: external_userid or unionid or mobile, birthday YYYY-MM-DD or MM-DD).

    A customer who is not a friend yet gets the birthday when they add a guide; a bad row is reported with its
    line and the others are stored (exit 1 when a row was rejected)."""
    from bot.flows.birthday_import import import_file

    runtime = current_app.extensions["runtime"]
    try:
        report = import_file(db=runtime.db, path=file, timezone=runtime.settings.TIMEZONE,
                             secret_key=runtime.settings.SECRET_KEY, now=datetime.now(timezone.utc))
    except ValueError as exc:   # not a file of rows it can read (bot.services.order_files.read_rows)
        raise click.ClickException(str(exc)) from exc
    totals = report.totals
    click.echo(f"updated {totals['updated']}, unchanged {totals['unchanged']}, waiting {totals['waiting']} "
               f"(not a friend yet), rejected {totals['rejected']}")
    for line, errors in report.rejected:
        click.echo(f"  line {line}: {'; '.join(errors)}")
    if report.rejected:
        raise SystemExit(1)
