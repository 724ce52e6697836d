"""The sandbox console: see what each member received in WeCom and play members' and customers' actions.

The page (/_sandbox/) shows, per member, the app's messages and cards (tap a button: the app gets the
template_card_event) and the 群发助手 tasks (confirm one: the app's poller finds the results); the
customers, their tags and groups; the channel codes. The actions are JSON routes (`actions.py`), the
page's data comes from plain read helpers (`inbox.py`), the page from templates/sandbox_console/.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template, request

from ..driver import CallbackDriver
from ..state import SandboxCorp
from . import inbox
from .actions import ALLOWED, random_name, register_actions

__all__ = ["ALLOWED", "console_blueprint", "random_name"]


def console_blueprint(corp: SandboxCorp, driver: CallbackDriver,
                      after_action: Callable[[], None] | None = None) -> Blueprint:
    """The console page and JSON actions under /_sandbox/."""
    bp = Blueprint("sandbox_console", __name__, url_prefix="/_sandbox", template_folder="templates",
                   static_folder="static")

    @bp.get("/")
    def index():
        with corp.lock:
            members = sorted(corp.members.values(), key=lambda m: m.userid)
            chosen = request.args.get("member") or next((m.userid for m in members if corp.sent_messages(m.userid)),
                                                       members[0].userid if members else "")
            follows = {eid: sorted(rel) for eid, rel in corp.follows.items()}
            return render_template(
                "sandbox_console/index.html", callback=driver.url, members=members, member=chosen,
                messages=inbox.messages_of(corp, chosen), tasks=inbox.group_send_tasks(corp, chosen),
                ways=list(corp.contact_ways.values()), customers=list(corp.customers.values()), follows=follows,
                own_customers=[c for c in corp.customers.values() if chosen in follows.get(c.external_userid, [])],
                tags=inbox.tag_choices(corp), tags_of=lambda eid, uid: inbox.tags_of_follow(corp, eid, uid),
                groups=sorted(corp.groups.values(), key=lambda g: -g.create_time), names=_names(corp))

    register_actions(bp, corp, driver, after_action)
    return bp


def _names(corp: SandboxCorp) -> dict[str, str]:
    """Display names of members and customers by id."""
    return {**{m.userid: m.name for m in corp.members.values()},
            **{c.external_userid: c.name for c in corp.customers.values()}}
