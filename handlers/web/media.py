"""Stored images (originals and thumbnails) for signed-in users, cached forever by content address."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from content_library.files import content_type_of
from content_library.storage import StorageError, check_key, storage_for
from handlers.web.access import login_required

bp = Blueprint("media", __name__, url_prefix="/media")
# Keys are derived from the content's sha256, so a URL never changes meaning. Private: pages need a sign-in.
CACHE_CONTROL = "private, max-age=31536000, immutable"


@bp.get("/<path:key>")
@login_required
def file(key: str):
    try:
        etag = check_key(key).rsplit("/", 1)[-1].split(".", 1)[0]
    except StorageError:
        abort(404)
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    try:
        data = storage_for(current_app.config["SETTINGS"]).get(key)
    except FileNotFoundError:
        abort(404)
    return Response(data, mimetype=content_type_of(key), headers=headers)
