"""The WeCom callback: verify, decrypt, commit to the inbox, enqueue, answer 200 at once.

It never calls the WeCom API; the work happens in the worker.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from bot.queues import DEFAULT, URGENT
from bot.services.inbox import store_event
from bot.wecom.callback import CallbackRejected, event_from_xml
from handlers.api_input import read_body

log = logging.getLogger(__name__)
bp = Blueprint("wecom_callback", __name__)

EVENT_JOB = "handlers.events.job.process_event"
URGENT_CHANGES = {"add_external_contact", "add_half_external_contact"}


def _crypto():
    crypto = current_app.extensions["callback_crypto"]
    if crypto is None:  # only outside production: settings validation requires the keys there
        abort(Response("callback not configured (WECOM_TOKEN / WECOM_ENCODING_AES_KEY)", status=503))
    return crypto


def _args() -> tuple[str, str, str]:
    return (request.args.get("msg_signature", ""), request.args.get("timestamp", ""),
            request.args.get("nonce", ""))


@bp.get("/wecom/callback")
def verify_url():
    try:
        echo = _crypto().verify_url(*_args(), request.args.get("echostr", ""))
    except CallbackRejected as exc:
        return Response(str(exc), status=exc.status, mimetype="text/plain")
    return Response(echo, mimetype="text/plain")


@bp.post("/wecom/callback")
def receive():
    try:
        body = read_body(current_app.config["SETTINGS"].CALLBACK_MAX_BYTES)
    except RequestEntityTooLarge:
        return Response("body too large", status=413, mimetype="text/plain")
    runtime = current_app.extensions["runtime"]
    try:
        plaintext = _crypto().open(body, *_args())
        event = event_from_xml(plaintext)
    except CallbackRejected as exc:
        return Response(str(exc), status=exc.status, mimetype="text/plain")
    try:
        event_id = runtime.db.autocommit(lambda connection: store_event(session=connection, plaintext=plaintext,
                                                                        event=event))
    except SQLAlchemyError:
        log.exception("inbox unavailable; WeCom will retry")
        return Response("try again", status=503, mimetype="text/plain")
    if event_id is not None:
        queue = URGENT if event.change_type in URGENT_CHANGES else DEFAULT
        try:
            runtime.queues.enqueue(queue, EVENT_JOB, event_id, job_id=f"event-{event_id}")
        except RedisError:
            log.warning("queue unavailable; the sweeper will enqueue event %s", event_id)
    return Response("", status=200)


verify_url.public_by_signature = receive.public_by_signature = True  # WeCom signs every call
