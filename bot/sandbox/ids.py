"""Random identifiers shaped like the ones WeCom hands out."""

from __future__ import annotations

import secrets
import string

URL_SAFE = string.ascii_letters + string.digits + "-_"
ALNUM = string.ascii_letters + string.digits


def rand_chars(length: int, alphabet: str = URL_SAFE) -> str:
    """Return ``length`` random characters drawn from ``alphabet``."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def external_userid(customer_type: int = 1) -> str:
    """WeChat users get ``wm...``; WeCom users of another corp get ``wo...``."""
    prefix = "wm" if customer_type == 1 else "wo"
    return prefix + rand_chars(28)


def chat_id() -> str:
    return "wr" + rand_chars(30)


def tag_id() -> str:
    return "et" + rand_chars(30)


def config_id() -> str:
    return secrets.token_hex(16)


def access_token() -> str:
    return rand_chars(64)


def media_id() -> str:
    return "3" + rand_chars(63)


def msgid() -> str:
    return "msg" + rand_chars(26)


def welcome_code() -> str:
    return rand_chars(43)


def response_code() -> str:
    return rand_chars(43)


def oauth_code() -> str:
    return rand_chars(43)


def member_version() -> str:
    return secrets.token_hex(16)


def nonce() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(10))


def qr_code_url() -> str:
    return f"https://wework.qpic.cn/wwpic3az/{rand_chars(12, ALNUM)}/0"


def image_url() -> str:
    return f"http://p.qpic.cn/pic_wework/{secrets.randbelow(10**10)}/{secrets.token_hex(24)}/0"
