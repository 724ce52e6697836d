"""The sandbox console's 客户群 page: play people joining a customer group, an outsider among them.

An outsider is another corporation's WeCom user (external_userid "wo…", type 2, corp_name): joining by an
invite link or the group's QR code, as WeCom does, delivers change_external_chat add_member. Nobody in the
corp has added them, so externalcontact/get answers 84061 for them unless `friend_of` names a member first.
The page (templates/sandbox_console/groups.html) wears the console's stylesheet and script.
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, jsonify, render_template, request

from .driver import CallbackDriver
from .state import SandboxCorp


def groups_blueprint(corp: SandboxCorp, driver: CallbackDriver,
                     after_action: Callable[[], None] | None = None) -> Blueprint:
    """/_sandbox/groups (the page), /_sandbox/act/outsider_joins_group and /act/customer_joins_group."""
    bp = Blueprint("sandbox_groups", __name__, url_prefix="/_sandbox", template_folder="templates")

    def names() -> dict[str, str]:
        return {**{u: m.name for u, m in corp.members.items()}, **{e: c.name for e, c in corp.customers.items()}}

    @bp.get("/groups")
    def page():
        with corp.lock:
            return render_template("sandbox_console/groups.html",
                                   groups=sorted(corp.groups.values(), key=lambda g: -g.create_time),
                                   names=names(), corps={e: c.corp_name for e, c in corp.customers.items()})

    def join(*, wecom_user: bool):
        given = request.get_json(silent=True)
        given = given if isinstance(given, dict) else {}
        name, chat_id = str(given.get("name") or "").strip()[:30], str(given.get("chat_id") or "")
        corp_name = str(given.get("corp_name") or "").strip()[:30]
        friend_of = given.get("friend_of")
        if not name or not chat_id or (wecom_user and not corp_name):
            return jsonify(error="give chat_id, name" + (" and corp_name" if wecom_user else "")), 422
        try:
            corp.chat(chat_id)
            eid = corp.new_customer(name, type=2 if wecom_user else 1, corp_name=corp_name or None)
            deliveries = [driver.deliver(corp.customer_adds_member(eid, str(friend_of)))] if friend_of else []
            deliveries.append(driver.deliver(corp.join_group(chat_id, [eid], join_scene_api=2)))
        except ValueError as exc:
            return jsonify(error=str(exc)), 422
        if after_action:
            after_action()
        return jsonify(delivered=[d.ok for d in deliveries], external_userid=eid,
                       event=deliveries[-1].plaintext)

    @bp.post("/act/outsider_joins_group")
    def outsider_joins_group():
        return join(wecom_user=True)

    @bp.post("/act/customer_joins_group")
    def customer_joins_group():
        return join(wecom_user=False)

    return bp
