"""The sandbox console: see what each member received in WeCom and play members' and customers' actions.

The page (/_sandbox/) shows, per member, the app's messages and cards (tap a button: the app gets the
template_card_event) and the 群发助手 tasks (confirm one: the app's poller finds the results); the
customers, their tags and groups; the channel codes. Each action changes the sandbox world as the WeCom
client would, then the driver delivers the resulting callback to the app (encrypted, signed, retried).
The JSON actions live in console_actions.py, the page's read helpers in console_inbox.py, the page in
templates/sandbox_console/.
"""
from __future__ import annotations

import random
from typing import Callable

from flask import Blueprint, render_template, request

from . import console_inbox as inbox
from .console_actions import register_actions
from .driver import CallbackDriver
from .state import SandboxCorp

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["女士", "先生", "小姐"]

# World actions the console may call by name (each returns the callback XML or None).
ALLOWED = {
    "member_clicks_card", "member_confirms_group_send",   # a card's button; 发送 in 群发助手 (no callback)
    "customer_adds_member", "member_adds_customer", "customer_scans_contact_way", "member_edits_customer",
    "member_deletes_customer", "customer_deletes_member", "transfer_fail", "join_group",
    "customer_scans_join_way", "quit_group", "change_group_owner", "rename_group", "change_group_notice",
    "dismiss_group", "admin_creates_tag", "admin_deletes_tag", "admin_renames_tag",
    "member_leaves", "member_disabled", "member_moves", "customer_refuses_transfer",   # see console_handover.py
}


def random_name() -> str:
    """A plausible customer display name such as 王女士."""
    return random.choice(SURNAMES) + random.choice(GIVEN)


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
                groups=sorted(corp.groups.values(), key=lambda g: -g.create_time), names=inbox.names(corp))

    register_actions(bp, corp, driver, allowed=ALLOWED, new_name=random_name, after_action=after_action)
    return bp
