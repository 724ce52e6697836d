"""Liveness and a no-op endpoint (the baseline of the callback benchmark)."""
from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/noop", methods=["GET", "POST"])  # GET: the baseline of the click-redirect benchmark
def noop():
    return Response("", status=200)


healthz.scope_checked = noop.scope_checked = True  # public by design
