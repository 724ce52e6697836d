"""Shared request helpers: bearer-token auth for the JSON API, get_or_404."""
from __future__ import annotations

import hmac
from functools import wraps

from flask import abort, current_app, jsonify, request


def api_token_required(view):
    """Require `Authorization: Bearer <API_TOKEN>`; 401 otherwise."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config["SETTINGS"].API_TOKEN
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            response = jsonify(error="unauthorized", message="missing or wrong bearer token")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return view(*args, **kwargs)
    wrapper.scope_checked = True
    return wrapper


def get_or_404(value):
    """Return value, or abort with 404 when it is None."""
    if value is None:
        abort(404)
    return value
