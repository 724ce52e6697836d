"""Operator commands for tracking and performance: `flask --app wsgi performance rollup`, `tracking link`."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

performance_cli = AppGroup("performance", help="The guides' performance record and leaderboards.")
tracking_cli = AppGroup("tracking", help="Tracked links.")


def _runtime():
    return current_app.extensions["runtime"]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD") from exc


@performance_cli.command("rollup")
@click.option("--from", "start", default=None, help="First store-local day, YYYY-MM-DD (default: yesterday).")
@click.option("--to", "end", default=None, help="Last day, YYYY-MM-DD (default: today).")
@click.option("--store", "codes", multiple=True, help="A store code (repeatable; default: every store).")
def rollup(start: str | None, end: str | None, codes: tuple[str, ...]) -> None:
    """Attribute pending orders and recompute the performance rows of the days (idempotent)."""
    from tasks.performance import run_rollup

    first, last = _date(start), _date(end)
    if first and last and first > last:
        raise click.BadParameter("--from is after --to")
    written = run_rollup(_runtime(), start=first, end=last, codes=list(codes) or None)
    click.echo(f"{written} performance rows written")


@performance_cli.command("digest")
@click.option("--date", "today", default=None, help="Send as if today were this day (default: today).")
def digest(today: str | None) -> None:
    """Send each store manager last week's leaderboard card now (once per manager and week)."""
    from tasks.digest import send_weekly_digests

    click.echo(f"{send_weekly_digests(today)} digests sent")


@tracking_cli.command("link")
@click.option("--guide", "guide_userid", required=True, help="The sending guide's WeCom userid.")
@click.option("--url", "target", required=True, help="Where the link goes (http or https).")
@click.option("--material", "material_id", type=int, default=None, help="The material it belongs to.")
def link(guide_userid: str, target: str, material_id: int | None) -> None:
    """Print a tracked /t/ link of a guide (e.g. for a material shared by hand)."""
    from bot.rules.tracking import is_redirectable
    from bot.services.tracking import guide_link
    from models import Guide

    runtime = _runtime()
    if not is_redirectable(target):
        raise click.BadParameter("--url must be an http(s) URL")
    with runtime.db.transaction() as session:
        guide_id = session.scalars(select(Guide.id).where(Guide.userid == guide_userid)).one_or_none()
    if guide_id is None:
        raise click.ClickException(f"no guide {guide_userid!r}")
    click.echo(guide_link(runtime.settings.SECRET_KEY, runtime.settings.PUBLIC_BASE_URL, guide_id=guide_id,
                          target=target, material_id=material_id))


COMMANDS = (performance_cli, tracking_cli)
