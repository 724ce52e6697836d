"""The sandbox console's JSON actions: what members and customers do in WeCom, each delivered as WeCom's callback.

Each action changes the sandbox world as the WeCom client would; the callback (if WeCom sends one) is then
encrypted, signed and POSTed to the app by the driver. `curl` works as well as the page.
"""
from __future__ import annotations

from collections.abc import Callable, Collection

from flask import Blueprint, Response, jsonify, request

from .driver import CallbackDriver
from .state import SandboxCorp

NO_CALLBACK = "WeCom sends no callback for this action"


def register_actions(bp: Blueprint, corp: SandboxCorp, driver: CallbackDriver, *, allowed: Collection[str],
                     new_name: Callable[[], str], after_action: Callable[[], None] | None = None) -> None:
    """The POST /act/... routes of the console: `allowed` world actions by name, and the two that take more."""

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
        eid = corp.new_customer(given.get("name") or new_name(), unionid=given.get("unionid"))
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
        if name not in allowed:
            return jsonify(error=f"unknown action {name}", allowed=sorted(allowed)), 404
        try:
            xml = getattr(corp, name)(**body())
        except (TypeError, ValueError, KeyError) as exc:
            return jsonify(error=str(exc)), 422
        return deliver(xml)
