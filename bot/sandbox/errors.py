"""WeCom errcodes used by the sandbox, and the exception that carries them."""

from __future__ import annotations

ERRMSG: dict[int, str] = {
    -1: "system busy",
    40001: "invalid credential",
    40003: "invalid userid",
    40004: "invalid media type",
    40006: "invalid file size",
    40005: "invalid file type",
    40007: "invalid media_id",
    40008: "invalid message type",
    40009: "invalid image size",
    40010: "invalid voice size",
    40011: "invalid video size",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40050: "chatid not found",
    40056: "invalid agentid",
    40058: "invalid parameter",
    40068: "invalid tagid",
    40096: "invalid external userid",
    40097: "handover user is not resigned",
    40128: "customer transfer too frequently",
    40129: "customer is being transferred",
    40130: "handover and takeover user are the same",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41005: "media data missing",
    41008: "missing oauth code",
    41051: "externaluser has started chatting",
    42001: "access_token expired",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    48001: "api unauthorized",
    48002: "api forbidden",
    60111: "userid not found",
    60123: "invalid party id",
    81013: "user & party & tag all invalid",
    84061: "not external contact",
    90500: "chat owner is not resigned",
    90501: "chat is not external group chat",
    90502: "chat owner is resigned",
    301002: "access_token and agentid mismatch",
}

WRONG_JSON = "Warning: wrong json format. "


class ApiError(Exception):
    """An API failure answered as HTTP 200 ``{"errcode": N, "errmsg": ...}``."""

    def __init__(self, errcode: int, errmsg: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = errmsg or ERRMSG.get(errcode, "error")
        super().__init__(f"{errcode}: {self.errmsg}")


def invalid(detail: str) -> ApiError:
    """40058 with a description of the offending parameter."""
    return ApiError(40058, f"invalid parameter: {detail}")
