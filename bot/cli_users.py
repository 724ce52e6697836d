"""`flask --app wsgi users ...`: HQ accounts that sign in with a username and password."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

users_cli = AppGroup("users", help="HQ web accounts (username + password).")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Name shown on the pages (default: USERNAME).")
@click.password_option(help="The password (prompted, hidden, asked twice).")
def users_create(username: str, display_name: str, password: str) -> None:
    """Create an HQ account USERNAME; the password is prompted and stored only as a hash."""
    from bot.services.accounts import AccountError, create_hq_user

    try:
        with current_app.extensions["runtime"].db.transaction() as session:
            user = create_hq_user(session=session, username=username, password=password, display_name=display_name)
            click.echo(f"created HQ user {user.username} (id {user.id})")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="The new password (prompted, hidden, asked twice).")
def users_set_password(username: str, password: str) -> None:
    """Replace the password of HQ account USERNAME."""
    from bot.services.accounts import AccountError, set_password

    try:
        with current_app.extensions["runtime"].db.transaction() as session:
            set_password(session=session, username=username, password=password)
            click.echo(f"password of {username} changed")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
