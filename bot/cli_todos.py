"""Operator commands for the daily to-dos: `flask --app wsgi todos generate`, `cadences seed`."""
from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

todos_cli = AppGroup("todos", help="Daily care to-dos.")
cadences_cli = AppGroup("cadences", help="Care cadences (HQ's rules).")

PHASES = 4   # expire, stage, lists, record: the steps bot.services.todos.generate reports


def _runtime():
    return current_app.extensions["runtime"]


@todos_cli.command("generate")
@click.option("--date", "day", default=None, help="The store-local day, YYYY-MM-DD (default: today).")
@click.option("--store", "codes", multiple=True, help="A store code (repeatable; default: every store).")
@click.option("--send-cards", is_flag=True, help="Also send each guide's card now.")
@click.option("--full", is_flag=True, help="Re-derive every due touch from the rules (not only what changed).")
def generate(day: str | None, codes: tuple[str, ...], send_cards: bool, full: bool) -> None:
    """Generate a day's to-dos by hand (idempotent: a rerun adds nothing)."""
    from bot.flows.cards import send_cards as send_all_cards
    from bot.services.todos import stores_by_timezone, tidy
    from tasks.todos import run_generation

    runtime = _runtime()
    with runtime.db.transaction() as session:
        groups = stores_by_timezone(session=session, codes=list(codes) or None)
    if codes and sum(len(ids) for ids in groups.values()) != len(set(codes)):
        raise click.ClickException("unknown store code among: " + ", ".join(codes))
    created = carried = withdrawn = 0
    with click.progressbar(length=PHASES * len(groups), label="generating to-dos") as bar:
        for tz, store_ids in groups.items():
            on = date.fromisoformat(day) if day else datetime.now(runtime.settings.tz).date()
            outcome = run_generation(runtime, on=on, store_ids=store_ids, tz=tz, full=full,
                                     progress=lambda _s: bar.update(1))
            created, carried = created + outcome.created, carried + outcome.carried
            withdrawn += outcome.withdrawn
            if send_cards:
                send_all_cards(db=runtime.db, client=runtime.wecom_agent, agent_id=runtime.settings.WECOM_AGENT_ID,
                               store_ids=store_ids, day=on, public_base=runtime.settings.PUBLIC_BASE_URL)
    tidy(runtime.db)   # what the daily job's tidy_tables does
    click.echo(f"{created} to-dos created, {carried} carried to the next day, {withdrawn} withdrawn (touch gone)")


@todos_cli.command("poll")
def poll() -> None:
    """Read WeCom's results of the open group sends now."""
    from tasks.todos import poll_group_sends

    click.echo(f"{poll_group_sends()} group sends settled")


@cadences_cli.command("seed")
def seed() -> None:
    """Insert the default cadences that are missing (HQ's edits are kept)."""
    from bot.services.todos_cadences import seed_defaults

    with _runtime().db.transaction() as session:
        added = seed_defaults(session=session)
    click.echo(f"{added} cadences added")


COMMANDS = (todos_cli, cadences_cli)
