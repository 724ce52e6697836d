"""Operator commands through Flask's CLI runner."""
from __future__ import annotations

from sqlalchemy import select

from models import Channel


def test_channels_create_makes_a_contact_way_in_wecom(app, org, sandbox, db):
    result = app.test_cli_runner().invoke(args=["channels", "create", "--guide", "lixiao", "--campaign", "七夕"])
    assert result.exit_code == 0, result.output
    with db.transaction() as session:
        channel = session.scalars(select(Channel)).one()
    assert f"state={channel.state}" in result.output and channel.campaign == "七夕"
    way = sandbox.contact_ways[channel.config_id]
    assert way.state == channel.state and way.user == ["lixiao"]


def test_channels_create_for_an_unknown_guide_is_a_clear_error(app, org, sandbox):
    result = app.test_cli_runner().invoke(args=["channels", "create", "--guide", "nobody"])
    assert result.exit_code != 0 and "unknown guide 'nobody'" in result.output
    assert sandbox.calls("externalcontact/add_contact_way") == []


def test_db_upgrade_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "database at head" in result.output
