"""Operator commands: `flask --app wsgi <command>`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database migrations.")
channels_cli = AppGroup("channels", help="Channel codes (联系我 / 加入群聊).")
events_cli = AppGroup("events", help="The callback inbox.")


def _runtime():
    return current_app.extensions["runtime"]


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    from bot.migrate import upgrade

    upgrade(_runtime().settings.DATABASE_URL, revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    from bot.migrate import downgrade

    downgrade(_runtime().settings.DATABASE_URL, revision)


@channels_cli.command("create")
@click.option("--guide", "guide_userid", required=True, help="The guide's WeCom userid.")
@click.option("--campaign", default=None, help="Campaign name carried by the state.")
@click.option("--group", "chat_id", default=None, help="A customer group chat_id: make a 加入群聊 code.")
@click.option("--welcome", "welcome_text", default=None, help="Welcome message for new friends.")
def channels_create(guide_userid: str, campaign: str | None, chat_id: str | None, welcome_text: str | None) -> None:
    """Create a channel code in WeCom and print its state and QR code URL."""
    from bot.flows.channels import ChannelError, create_channel

    runtime = _runtime()
    try:
        with runtime.db.transaction() as session:
            channel = create_channel(session=session, client=runtime.wecom, guide_userid=guide_userid,
                                     campaign=campaign, chat_id=chat_id, welcome_text=welcome_text)
            click.echo(f"channel {channel.id} state={channel.state} qr_code={channel.qr_code}")
    except ChannelError as exc:
        raise click.ClickException(str(exc)) from exc


@events_cli.command("sweep")
def events_sweep() -> None:
    """Enqueue inbox events left unprocessed."""
    from tasks.sweeper import sweep_inbox

    click.echo(f"enqueued {sweep_inbox()} events")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.argument("queues", nargs=-1)
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an RQ worker on all queues (urgent first), with RQ's scheduler for retries."""
    from bot.queues import HeartbeatWorker

    runtime = _runtime()
    selected = [runtime.queues[name] for name in queues] if queues else runtime.queues.all()
    from bot.flows.tier_tags import ensure_at_startup
    ensure_at_startup(runtime)
    HeartbeatWorker(selected, connection=runtime.redis,
                    job_monitoring_interval=runtime.settings.WORKER_HEARTBEAT_SECONDS).work(
        burst=burst, with_scheduler=True)


@click.command("scheduler")
def scheduler() -> None:
    """Run the scheduler process (it only enqueues periodic jobs)."""
    from tasks.schedule import build_scheduler

    settings = _runtime().settings
    click.echo(f"scheduler running in {settings.TIMEZONE}")
    build_scheduler(settings).start()


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    for command in (db_cli, channels_cli, events_cli, worker, scheduler):
        app.cli.add_command(command)
    from bot.cli_purchases import COMMANDS as purchase_commands
    for command in purchase_commands:
        app.cli.add_command(command)
    from bot.cli_users import users_cli
    app.cli.add_command(users_cli)
    from bot.cli_todos import COMMANDS as todo_commands
    for command in todo_commands:
        app.cli.add_command(command)
    from bot.cli_content import content_cli
    app.cli.add_command(content_cli)
    from bot.cli_customers import customers_cli
    app.cli.add_command(customers_cli)
    from bot.cli_tracking import COMMANDS as tracking_commands
    for command in tracking_commands:
        app.cli.add_command(command)
