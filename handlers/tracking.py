"""The tracked-link redirect: GET /t/<token> records the click, then 302 to the target.

A forged or altered token answers 404 and records nothing. Public by design: the token's signature
is the check (customers open these links in WeChat, signed in to nothing of ours).
"""
from __future__ import annotations

from datetime import timedelta

import redis
from flask import Blueprint, Response, current_app, redirect, request
from sqlalchemy.exc import SQLAlchemyError

from bot.queues import DEFAULT
from bot.rules.tracking import read_link
from bot.services.tracking import ClickSeen, GuideZones, record_click
from models import utcnow

bp = Blueprint("tracking", __name__)

NOT_FOUND = "<!doctype html><meta charset=utf-8><title>链接无效</title><p>链接无效或已失效。</p>"


def _zones() -> GuideZones:
    zones = current_app.extensions.get("guide_zones")
    if zones is None:
        zones = current_app.extensions["guide_zones"] = GuideZones(current_app.config["SETTINGS"].TIMEZONE)
    return zones


@bp.get("/t/<token>")
def follow(token: str):
    settings = current_app.config["SETTINGS"]
    ref = read_link(settings.SECRET_KEY, token)
    if ref is None:
        return Response(NOT_FOUND, status=404, mimetype="text/html")
    runtime = current_app.extensions["runtime"]
    seen = ClickSeen(user_agent=request.headers.get("User-Agent", ""), openid=request.args.get("openid"),
                     unionid=request.args.get("unionid"), remote=request.remote_addr or "")
    try:
        click_id, _counted, notify = record_click(
            db=runtime.db, connection=runtime.redis, zones=_zones(), token=token, ref=ref, seen=seen, now=utcnow(),
            window=timedelta(minutes=settings.CLICK_DEDUPE_MINUTES), link_days=settings.TRACKED_LINK_DAYS)
    except SQLAlchemyError as exc:   # the customer still gets where the link goes
        current_app.logger.warning("click on %s not recorded: %s", ref.target, exc)
        return redirect(ref.target, code=302)
    if notify:
        try:
            runtime.queues.enqueue(DEFAULT, "tasks.radar.notify_hot_click", click_id)
        except redis.RedisError as exc:
            current_app.logger.warning("radar notice for click %s not enqueued: %s", click_id, exc)
    return redirect(ref.target, code=302)


follow.public_by_signature = True
