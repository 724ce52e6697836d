"""The console's JSON actions: what members and customers do in WeCom, each delivered as WeCom's callback.

Each action changes the sandbox world as the WeCom client would; the callback (if WeCom sends one) is then
encrypted, signed and POSTed to the app by the driver. `curl` works as well as the page.
"""
from __future__ import annotations

import random
from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request

from ..driver import CallbackDriver
from ..state import SandboxCorp

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["女士", "先生", "小姐"]

# World actions the console may call by name (each returns the callback XML or None).
ALLOWED = {
    "customer_adds_member", "member_adds_customer", "customer_scans_contact_way", "member_edits_customer",
    "member_deletes_customer", "customer_deletes_member", "transfer_fail", "join_group",
    "customer_scans_join_way", "quit_group", "change_group_owner", "rename_group", "change_group_notice",
    "dismiss_group", "admin_creates_tag", "admin_deletes_tag", "admin_renames_tag",
    "member_clicks_card",            # a tap on a template card's button: template_card_event
    "member_confirms_group_send",    # 发送 in 群发助手: no callback; the app's poller reads the results
}
NO_CALLBACK = "WeCom sends no callback for this action"


def random_name() -> str:
    """A plausible customer display name such as 王女士."""
    return random.choice(SURNAMES) + random.choice(GIVEN)


def register_actions(bp: Blueprint, corp: SandboxCorp, driver: CallbackDriver,
                     after_action: Callable[[], None] | None = None) -> None:
    """The POST /act/... routes of the console."""

    def deliver(xml: str | None, **extra) -> Response:
        if after_action:
            after_action()
        if xml is None:
            return jsonify(delivered=False, reason=NO_CALLBACK, **extra)
        delivery = driver.deliver(xml)
        return jsonify(delivered=delivery.ok, attempts=[a.status for a in delivery.attempts], event=xml, **extra)

    def body() -> dict:
        found = request.get_json(silent=True)
        return found if isinstance(found, dict) else {}

    @bp.post("/act/new_customer_scans")
    def new_customer_scans():
        given = body()
        config_id = given.get("config_id")
        if not config_id and given.get("guide"):
            config_id = next((w.config_id for w in corp.contact_ways.values() if given["guide"] in w.user), None)
        if not config_id:
            return jsonify(error="give config_id, or guide with a contact way"), 422
        eid = corp.new_customer(given.get("name") or random_name(), unionid=given.get("unionid"))
        return deliver(corp.customer_scans_contact_way(config_id, eid))

    @bp.post("/act/create_group")
    def create_group():
        """A member creates a customer group with some of their customers: change_external_chat create."""
        given = body()
        name, owner = str(given.get("name") or "").strip(), given.get("owner")
        members = given.get("member_ids") or []
        if not name or not owner or not isinstance(members, list):
            return jsonify(error="give owner, name and member_ids (a list)"), 422
        try:
            chat_id, xml = corp.create_group(owner, name[:50], [str(m) for m in members])
        except ValueError as exc:
            return jsonify(error=str(exc)), 422
        return deliver(xml, chat_id=chat_id)

    @bp.post("/act/<name>")
    def act(name: str):
        if name not in ALLOWED:
            return jsonify(error=f"unknown action {name}", allowed=sorted(ALLOWED)), 404
        try:
            xml = getattr(corp, name)(**body())
        except (TypeError, ValueError, KeyError) as exc:
            return jsonify(error=str(exc)), 422
        return deliver(xml)
