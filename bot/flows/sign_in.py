"""WeCom OAuth2 sign-in for H5 pages (protocol doc §4.14)."""
from __future__ import annotations

from config import REAL_WECOM_OAUTH_BASE


def authorize_url(*, client, oauth_base: str, redirect_uri: str, state: str) -> str:
    """The authorize URL wechatpy builds, on oauth_base (the real host, or the sandbox's)."""
    url = client.oauth.authorize_url(redirect_uri, state)
    return oauth_base + url[len(REAL_WECOM_OAUTH_BASE):] if url.startswith(REAL_WECOM_OAUTH_BASE) else url


def userid_for_code(*, client, code: str) -> str | None:
    """Exchange a one-use code for the member's userid; None for a visitor who is not a member.

    wechatpy's oauth.get_user_info calls the legacy user/getuserinfo (capitalised keys), so call
    auth/getuserinfo directly.
    """
    result = client.get("auth/getuserinfo", params={"code": code})
    return result.get("userid") or None
