"""WeCom errcodes mapped to clear exceptions (match on errcode, never on errmsg)."""
from __future__ import annotations


class WeComError(Exception):
    """A WeCom API call answered errcode != 0 (or could not be made)."""

    retryable = False

    def __init__(self, errcode: int | None, errmsg: str = "", path: str = ""):
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path
        super().__init__(f"WeCom {path or 'API'} failed: errcode={errcode} {errmsg}".strip())


class WeComUnavailable(WeComError):
    """Network failure, HTTP error, or -1 系统繁忙: try again later."""

    retryable = True


class TokenInvalid(WeComError):
    """40014 / 42001: the access token is invalid or expired."""

    retryable = True


class RateLimited(WeComError):
    """45009 / 45033 from WeCom, or our own limiter refused the call."""

    retryable = True


class ConfigurationError(WeComError):
    """40001 / 40013 / 48002 / 60011 / 60020: fix the corp's settings, retrying will not help."""


class NotExternalContact(WeComError):
    """84061: no such customer relation."""


class WelcomeCodeUsed(WeComError):
    """41051: the welcome code was used already (by us or another app)."""


class InvalidMediaId(WeComError):
    """40007: media_id unknown or expired."""


class InvalidOAuthCode(WeComError):
    """40029: the OAuth code is invalid or used."""


class AllRecipientsInvalid(WeComError):
    """81013: every recipient of message/send was invalid."""


class InvalidArgument(WeComError):
    """40050 / 40058: a chat id WeCom does not know, or a parameter it refuses (the caller's data)."""


_BY_CODE: dict[int, type[WeComError]] = {
    -1: WeComUnavailable,
    40001: ConfigurationError,
    40013: ConfigurationError,
    48002: ConfigurationError,
    60011: ConfigurationError,
    60020: ConfigurationError,
    40014: TokenInvalid,
    42001: TokenInvalid,
    45009: RateLimited,
    45033: RateLimited,
    84061: NotExternalContact,
    41051: WelcomeCodeUsed,
    40007: InvalidMediaId,
    40029: InvalidOAuthCode,
    81013: AllRecipientsInvalid,
    40050: InvalidArgument,
    40058: InvalidArgument,
}


def error_for(errcode: int | None, errmsg: str = "", path: str = "") -> WeComError:
    """Return the exception for an errcode."""
    if errcode is None:
        return WeComUnavailable(None, errmsg, path)
    return _BY_CODE.get(errcode, WeComError)(errcode, errmsg, path)
