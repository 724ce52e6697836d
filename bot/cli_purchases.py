"""Operator commands for orders and tier tags: `flask --app wsgi orders import FILE`, `tags sync`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

orders_cli = AppGroup("orders", help="Orders from the POS / mall.")
tags_cli = AppGroup("tags", help="The purchase-tier tags in WeCom.")

CHUNK = 500


def _runtime():
    return current_app.extensions["runtime"]


def _ingest_chunk(runtime, chunk, totals: dict, rejected: list) -> None:
    from bot.flows.orders import receive_orders

    with runtime.db.transaction() as session:
        result = receive_orders(session=session, raw_orders=[o.raw for o in chunk],
                                secret_key=runtime.settings.SECRET_KEY)
    for outcome in result.outcomes:
        totals[outcome.result] += 1
        if outcome.errors:
            rejected.append((chunk[outcome.index].lines, outcome.order_no, outcome.errors))


def _lines(lines: list[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"


@orders_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timezone", default=None, help="Zone of paid_at values without an offset (default: TIMEZONE).")
def import_orders(file: Path, timezone: str | None) -> None:
    """Import orders from a POS export (CSV or XLSX, one row per order line)."""
    from bot.services.order_files import count_rows, read_orders
    from bot.services.orders import RESULTS

    runtime = _runtime()
    totals = dict.fromkeys(RESULTS, 0)
    rejected: list = []
    chunk: list = []
    try:
        with click.progressbar(length=count_rows(file), label=f"importing {file.name}") as bar:
            for order in read_orders(file, timezone or runtime.settings.TIMEZONE):
                chunk.append(order)
                if len(chunk) >= CHUNK:
                    _ingest_chunk(runtime, chunk, totals, rejected)
                    bar.update(sum(len(o.lines) for o in chunk))
                    chunk = []
            if chunk:
                _ingest_chunk(runtime, chunk, totals, rejected)
                bar.update(sum(len(o.lines) for o in chunk))
    except ValueError as exc:   # not a file of rows it can read (bot.services.order_files.read_rows)
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {totals['created']}, updated {totals['updated']}, unchanged {totals['unchanged']}, "
               f"rejected {totals['rejected']}" + (f", repeated {totals['duplicate']}" if totals["duplicate"] else ""))
    for lines, order_no, errors in rejected:
        click.echo(f"  {_lines(lines)} ({order_no or '?'}): {'; '.join(errors)}")


@tags_cli.command("sync")
@click.option("--no-jobs", is_flag=True, help="Only ensure the tag group; do not enqueue pending customers.")
def tags_sync(no_jobs: bool) -> None:
    """Ensure the 购买次数 tag group and its three tags; enqueue customers whose tags are pending or failed."""
    from bot.flows.tier_tags import ensure_tier_tags
    from bot.wecom.errors import WeComError
    from tasks.tags import sweep_pending_tier_tags

    runtime = _runtime()
    try:
        with runtime.db.transaction() as session:
            mapping = ensure_tier_tags(session=session, client=runtime.wecom)
    except WeComError as exc:
        raise click.ClickException(str(exc)) from exc
    for tier, tag_id in sorted(mapping.items()):
        click.echo(f"{tier}: {tag_id}")
    if not no_jobs:
        click.echo(f"enqueued {sweep_pending_tier_tags()} tag jobs")


COMMANDS = (orders_cli, tags_cli)
