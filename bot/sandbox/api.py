"""The HTTP face of the sandbox: WeCom's ``/cgi-bin/`` APIs served by Flask.

Every answer is HTTP 200 JSON with errcode/errmsg (except media/get's binary body). Order per call:
fault injection -> token check -> per-minute rate limit -> JSON parsing -> handler (under corp.lock).
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Flask, Response, request
from werkzeug.datastructures import MultiDict

from . import api_contact, api_directory, api_group, api_message  # noqa: F401  (register routes)
from . import api_jsapi, api_transfer  # noqa: F401  (register routes)
from . import ids
from .apitypes import ROUTES, ApiRequest
from .core import normalize_path
from .errors import WRONG_JSON, ApiError
from .models import CallRecord, JsonDict
from .oauth import oauth_blueprint
from .state import SandboxCorp


def create_sandbox_app(corp: SandboxCorp) -> Flask:
    """A Flask app serving the emulated WeCom APIs for ``corp``."""
    app = Flask("bot.sandbox")

    @app.route("/cgi-bin/<path:subpath>", methods=["GET", "POST"])
    def dispatch(subpath: str) -> Response:
        return _dispatch(corp, normalize_path(subpath))

    app.register_blueprint(oauth_blueprint(corp))  # the OAuth2 authorize page (open.weixin.qq.com's part)
    return app


def _dispatch(corp: SandboxCorp, path: str) -> Response:
    params = request.args.to_dict()
    raw = b"" if request.mimetype == "multipart/form-data" else request.get_data()
    fault = corp.take_fault(path)
    if fault is not None and fault.delay > 0:
        time.sleep(fault.delay)
    if fault is not None and fault.errcode is not None:
        result: JsonDict | Response = _error(fault.errcode, None)
    else:
        result = _answer(corp, path, params, raw)
    logged: Any = result if isinstance(result, dict) else {"binary": result.content_length}
    corp.log_call(CallRecord(path, request.method, params, _loggable_body(raw), logged, corp.now()))
    if isinstance(result, Response):
        return result
    return _json_response(result)


def _answer(corp: SandboxCorp, path: str, params: dict[str, str], raw: bytes) -> JsonDict | Response:
    try:
        if path == "gettoken":
            corp.check_rate(path)
            info = corp.issue_token(params.get("corpid"), params.get("corpsecret"))
            expires_in = max(0, int(info.expires_at - corp.now()))
            return {"errcode": 0, "errmsg": "ok", "access_token": info.token, "expires_in": expires_in}
        app_info = corp.check_token(params.get("access_token"))
        handler = ROUTES.get(path)
        if handler is None:
            raise ApiError(48001, f"api not implemented by the sandbox: {path}")
        corp.check_rate(path)
        body = _parse_json(raw)
        files = request.files if request.mimetype == "multipart/form-data" else MultiDict()
        req = ApiRequest(path, request.method, params, body, files, app_info)
        with corp.lock:
            result = handler(corp, req)
        if isinstance(result, Response):
            return result
        return {"errcode": 0, "errmsg": "ok", **result}
    except ApiError as err:
        return _error(err.errcode, err.errmsg)


def _parse_json(raw: bytes) -> JsonDict:
    """Empty body -> {}; anything that is not a JSON object -> 40058 "wrong json format"."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(40058, WRONG_JSON + str(exc)) from None
    if not isinstance(body, dict):
        raise ApiError(40058, WRONG_JSON + "json is not an object")
    return body


def _error(errcode: int, errmsg: str | None) -> JsonDict:
    """Real errmsgs carry a hint suffix; clients must match on errcode only."""
    err = ApiError(errcode, errmsg)
    hint = f"{int(time.time())}_{ids.rand_chars(3, '0123456789')}_{ids.rand_chars(32, '0123456789abcdef')}"
    ip = request.remote_addr or "127.0.0.1"
    return {"errcode": errcode,
            "errmsg": f"{err.errmsg}, hint: [{hint}], from ip: {ip}, more info at "
                      f"https://open.work.weixin.qq.com/devtool/query?e={errcode}"}


def _json_response(payload: JsonDict) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=200, mimetype="application/json", content_type="application/json; charset=UTF-8")


def _loggable_body(raw: bytes) -> Any:
    if not raw:
        return {"files": list(request.files.keys())} if request.mimetype == "multipart/form-data" else None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw.decode("utf-8", errors="replace")
