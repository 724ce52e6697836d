"""The JSON API (bearer API_TOKEN); described in docs/openapi.yaml."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify

from bot.flows.channels import ChannelError, create_channel
from bot.rules.input_values import is_storable_text, text_fields
from bot.services.customers import customer_view
from bot.wecom.errors import InvalidArgument, WeComError
from handlers.api_input import json_error, json_object
from handlers.auth_helpers import api_token_required, get_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")
CHANNEL_FIELDS = {"guide_userid": 64, "campaign": 64, "chat_id": 64, "welcome_text": 2000}   # the columns' sizes


@bp.get("/customers/<external_userid>")
@api_token_required
def get_customer(external_userid: str):
    if not is_storable_text(external_userid):   # a NUL can be in no id (PostgreSQL refuses it in a query)
        abort(404)
    runtime = current_app.extensions["runtime"]
    with runtime.db.transaction() as session:
        return jsonify(get_or_404(customer_view(session=session, external_userid=external_userid)))


@bp.post("/channels")
@api_token_required
def post_channel():
    body, problem = json_object()
    if problem:
        return problem
    fields, problems = text_fields(body, CHANNEL_FIELDS, required=("guide_userid",))
    if problems:
        return json_error(422, "invalid", "; ".join(problems))
    runtime = current_app.extensions["runtime"]
    try:
        with runtime.db.transaction() as session:
            channel = create_channel(session=session, client=runtime.wecom, **fields)
            result = {"id": channel.id, "kind": channel.kind, "state": channel.state,
                      "config_id": channel.config_id, "qr_code": channel.qr_code, "campaign": channel.campaign}
    except (ChannelError, InvalidArgument) as exc:    # an unknown guide, or a chat id WeCom does not know
        return json_error(422, "invalid", str(exc))
    except WeComError as exc:
        return jsonify(error="wecom", errcode=exc.errcode, message=str(exc)), 502
    return jsonify(result), 201
