"""The JSON API (bearer API_TOKEN); described in docs/openapi.yaml."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from bot.flows.channels import ChannelError, create_channel
from bot.services.customers import customer_view
from bot.wecom.errors import WeComError
from handlers.auth_helpers import api_token_required, get_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/customers/<external_userid>")
@api_token_required
def get_customer(external_userid: str):
    runtime = current_app.extensions["runtime"]
    with runtime.db.transaction() as session:
        return jsonify(get_or_404(customer_view(session=session, external_userid=external_userid)))


@bp.post("/channels")
@api_token_required
def post_channel():
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("guide_userid"), str) or not body["guide_userid"]:
        return jsonify(error="invalid", message="guide_userid is required"), 422
    runtime = current_app.extensions["runtime"]
    try:
        with runtime.db.transaction() as session:
            channel = create_channel(
                session=session, client=runtime.wecom, guide_userid=body["guide_userid"],
                campaign=body.get("campaign"), chat_id=body.get("chat_id"), welcome_text=body.get("welcome_text"),
            )
            result = {"id": channel.id, "kind": channel.kind, "state": channel.state,
                      "config_id": channel.config_id, "qr_code": channel.qr_code, "campaign": channel.campaign}
    except ChannelError as exc:
        return jsonify(error="invalid", message=str(exc)), 422
    except WeComError as exc:
        return jsonify(error="wecom", errcode=exc.errcode, message=str(exc)), 502
    return jsonify(result), 201
