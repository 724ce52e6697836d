"""Directory, OAuth and media APIs (protocol doc §4.13-4.14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response

from .apitypes import ApiRequest, route
from .errors import ApiError
from .models import JsonDict, Member

if TYPE_CHECKING:
    from .state import SandboxCorp

MB = 1024 * 1024
# type -> (max bytes, errcode when too large)
MEDIA_LIMITS = {"image": (10 * MB, 40009), "voice": (2 * MB, 40010), "video": (10 * MB, 40011),
                "file": (20 * MB, 40006)}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


# ----- directory ---------------------------------------------------------------------------
@route("user/get")
def user_get(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    member = corp.members.get(req.args.get("userid", ""))
    if member is None:
        raise ApiError(60111)
    return member.to_api()


def _members_of(corp: SandboxCorp, req: ApiRequest) -> list[Member]:
    raw = req.args.get("department_id", "1")
    if not raw.isdigit() or int(raw) not in corp.departments:
        raise ApiError(60123)
    depts = set(corp.department_tree(int(raw))) if req.args.get("fetch_child") == "1" else {int(raw)}
    return [m for m in corp.members.values() if depts.intersection(m.department)]


@route("user/simplelist")
def user_simplelist(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return {"userlist": [{"userid": m.userid, "name": m.name, "department": list(m.department)}
                         for m in _members_of(corp, req)]}


@route("user/list")
def user_list(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return {"userlist": [m.to_api() for m in _members_of(corp, req)]}


@route("department/list")
def department_list(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    raw = req.args.get("id")
    if raw is None or raw == "":
        return {"department": [d.to_api() for d in corp.departments.values()]}
    if not raw.isdigit() or int(raw) not in corp.departments:
        raise ApiError(60123)
    return {"department": [corp.departments[d].to_api() for d in corp.department_tree(int(raw))]}


# ----- OAuth -------------------------------------------------------------------------------
@route("auth/getuserinfo")
def auth_getuserinfo(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    entry = corp.consume_oauth_code(_code(req))
    if entry.userid is not None:
        out: JsonDict = {"userid": entry.userid}
        if entry.scope == "snsapi_privateinfo":
            out["user_ticket"], out["expires_in"] = f"ticket-{entry.code[:16]}", 1800
        return out
    out = {"openid": entry.openid}
    if entry.external_userid:
        out["external_userid"] = entry.external_userid
    return out


@route("user/getuserinfo")
def legacy_getuserinfo(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    """The legacy endpoint wechatpy's oauth.get_user_info calls: capitalised keys."""
    entry = corp.consume_oauth_code(_code(req))
    if entry.userid is not None:
        return {"UserId": entry.userid, "DeviceId": ""}
    out: JsonDict = {"OpenId": entry.openid, "DeviceId": ""}
    if entry.external_userid:
        out["external_userid"] = entry.external_userid
    return out


def _code(req: ApiRequest) -> str:
    code = req.args.get("code", "")
    if not code:
        raise ApiError(41008)
    return code


# ----- media -------------------------------------------------------------------------------
@route("media/upload")
def media_upload(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    media_type = req.args.get("type", "")
    if media_type not in MEDIA_LIMITS:
        raise ApiError(40004)
    filename, content_type, data = _upload(req)
    max_bytes, errcode = MEDIA_LIMITS[media_type]
    if len(data) <= 5 or len(data) > max_bytes:
        raise ApiError(errcode)
    if media_type == "image" and corp.strict_media_types and not data.startswith(IMAGE_MAGIC):
        raise ApiError(40005)
    media = corp.add_media(media_type, filename, content_type, data)
    return {"errmsg": "", "type": media_type, "media_id": media.media_id,
            "created_at": str(int(media.created_at))}


@route("media/uploadimg")
def media_uploadimg(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    _, _, data = _upload(req)
    if len(data) <= 5 or len(data) > 2 * MB:
        raise ApiError(40009)
    if corp.strict_media_types and not data.startswith(IMAGE_MAGIC):
        raise ApiError(40005)
    return {"errmsg": "", "url": corp.add_image(data)}


@route("media/get")
def media_get(corp: SandboxCorp, req: ApiRequest) -> Response:
    media = corp.get_media(req.args.get("media_id", ""))
    headers = {"Content-disposition": f'attachment; filename="{media.filename}"'}
    return Response(media.data, mimetype=media.content_type or "application/octet-stream", headers=headers)


def _upload(req: ApiRequest) -> tuple[str, str, bytes]:
    storage = req.files.get("media")
    if storage is None:
        raise ApiError(41005)
    return storage.filename or "media", storage.mimetype or "", storage.read()
