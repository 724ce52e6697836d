"""Tracked links and commerce events: pure rules (signing, the click dedupe, event validation).

A tracked link is `/t/<token>`; the token is an itsdangerous URL-safe signature (SECRET_KEY and a
salt of its own) of a compact list [to-do, guide, customer, material, target, issued at], so a click
needs no database read to know who sent what to whom, and an altered token fails the signature.
Tokens signed before links carried their issue time have five items (issued at unknown).
"""
from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeSerializer

from bot.rules.input_values import RANGE_TEXT, is_finite_scalar, is_storable_text, parse_moment
from bot.rules.order_input import normalize_mobile
from models.commerce import COMMERCE_KINDS

LINK_SALT = "guide-assistant.tracked-link.v1"
MAX_TARGET = 2000
MAX_PAYLOAD_KEYS = 20


@dataclass(frozen=True)
class LinkRef:
    """What a tracked link carries: where it goes, and who sent it to whom in which to-do."""

    target: str
    guide_id: int | None = None
    customer_id: int | None = None
    todo_id: int | None = None
    material_id: int | None = None
    issued_at: int | None = None      # unix seconds; None: a token from before links carried it

    def payload(self) -> list:
        return [self.todo_id or 0, self.guide_id or 0, self.customer_id or 0, self.material_id or 0, self.target,
                self.issued_at]


def is_redirectable(url: str | None) -> bool:
    """An absolute http(s) URL we may send a customer to."""
    if not url or len(url) > MAX_TARGET:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _serializer(secret: str) -> URLSafeSerializer:
    if not secret:
        raise ValueError("SECRET_KEY is required to sign tracked links")
    return URLSafeSerializer(secret, salt=LINK_SALT)


def sign_link(secret: str, ref: LinkRef) -> str:
    """The token of a tracked link (URL-safe, compressed when that is shorter), stamped now unless ref says when."""
    if not is_redirectable(ref.target):
        raise ValueError(f"not an http(s) URL: {ref.target!r}")
    if ref.issued_at is None:
        ref = replace(ref, issued_at=int(datetime.now(timezone.utc).timestamp()))
    return _serializer(secret).dumps(ref.payload())


def _id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("bad id")
    return value or None


def read_link(secret: str, token: str) -> LinkRef | None:
    """The link a token carries, or None when it is forged, altered or malformed."""
    try:
        data = _serializer(secret).loads(token)
        todo, guide, customer, material, target, *issued = data
        if len(issued) > 1 or (issued and _id(issued[0]) is None):
            raise ValueError("bad issue time")
        ref = LinkRef(target=target, guide_id=_id(guide), customer_id=_id(customer), todo_id=_id(todo),
                      material_id=_id(material), issued_at=issued[0] if issued else None)
    except (BadData, ValueError, TypeError):
        return None
    return ref if isinstance(target, str) and is_redirectable(target) else None


def link_expired(ref: LinkRef, now: datetime, days: int) -> bool:
    """A link issued more than `days` ago: it still redirects, but its clicks no longer count."""
    return ref.issued_at is not None and now.timestamp() - ref.issued_at > days * 86400


def link_key(token: str) -> str:
    """A short stable digest naming one link (the dedupe's 'same link')."""
    return hashlib.blake2b(token.encode(), digest_size=16).hexdigest()


def visitor_of(customer_id: int | None, remote: str) -> str:
    """Who clicked, for the dedupe and unique clickers: only what a client cannot mint for free.

    The customer the signed token names; else the network the click came from (an IPv4 address, an IPv6
    /64, which one device may fill). An openid, unionid or user agent in the request is anyone's to
    invent, so it is kept with the click but never decides who clicked.
    """
    if customer_id:
        return f"c:{customer_id}"
    try:
        address = ipaddress.ip_address(remote)
        network = str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else str(address)
    except ValueError:
        network = remote
    return "n:" + hashlib.blake2b(network.encode(), digest_size=12).hexdigest()


def counted_flags(times: list[datetime], window: timedelta) -> list[bool]:
    """Which clicks of one visitor on one link count: a click counts unless a counted one came within `window`.

    `times` must be in order; all raw clicks are kept, only the counted ones go into performance.
    """
    flags, last_counted = [], None
    for at in times:
        counts = last_counted is None or at - last_counted >= window
        flags.append(counts)
        if counts:
            last_counted = at
    return flags


@dataclass
class EventInput:
    """A valid commerce event, normalised (the customer still to be resolved)."""

    event_id: str
    kind: str
    occurred_at: datetime
    token: str | None = None
    external_userid: str | None = None
    unionid: str | None = None
    mobile: str | None = None
    sku: str | None = None
    payload: dict = field(default_factory=dict)


_KNOWN = {"event_id", "kind", "occurred_at", "token", "external_userid", "unionid", "mobile", "sku"}


def _text(raw: dict, name: str, errors: list[str], max_len: int = 64, required: bool = False) -> str | None:
    value = raw.get(name)
    if value in (None, ""):
        if required:
            errors.append(f"{name} is required")
        return None
    if not isinstance(value, str) or len(value.strip()) > max_len or not value.strip():
        errors.append(f"{name} must be a string of at most {max_len} characters")
        return None
    if not is_storable_text(value):
        errors.append(f"{name} contains a NUL character or invalid text")
        return None
    return value.strip()


def _moment(raw: dict, errors: list[str]) -> datetime | None:
    parsed, problem = parse_moment(raw.get("occurred_at"))
    if problem == "out_of_range":
        errors.append(f"occurred_at must be {RANGE_TEXT}")
    elif problem:
        errors.append("occurred_at is required: ISO 8601 with a time zone offset")
    return parsed


def _extras(raw: dict, errors: list[str]) -> dict:
    """The sender's other scalar fields (coupon id, page, amount ...), kept as the event's payload.

    Fields that are not scalars, or too long, are left out; a NaN, an Infinity or a NUL (which no JSON
    column stores) rejects the event.
    """
    extras = {k: v for k, v in raw.items() if k not in _KNOWN and isinstance(k, str) and len(k) <= 40
              and (v is None or isinstance(v, (str, int, float, bool))) and len(str(v)) <= 500}
    bad = sorted(k for k, v in extras.items() if not (is_storable_text(k) and is_finite_scalar(v)))
    if bad:
        errors.append(f"{bad[0]!r} must be a finite number or text without NUL")
    return dict(list(extras.items())[:MAX_PAYLOAD_KEYS])


def parse_event(raw: Any) -> tuple[EventInput | None, list[str]]:
    """Validate one commerce event; return (event, []) or (None, reasons)."""
    if not isinstance(raw, dict):
        return None, ["event must be a JSON object"]
    errors: list[str] = []
    event_id = _text(raw, "event_id", errors, required=True)
    kind = raw.get("kind")
    if kind not in COMMERCE_KINDS:
        errors.append("kind must be one of " + ", ".join(COMMERCE_KINDS))
    occurred_at = _moment(raw, errors)
    token = _text(raw, "token", errors, max_len=4000)
    external_userid, unionid = _text(raw, "external_userid", errors), _text(raw, "unionid", errors)
    mobile_raw = _text(raw, "mobile", errors, max_len=32)
    mobile = normalize_mobile(mobile_raw) if mobile_raw else None
    if mobile_raw and mobile is None:
        errors.append("mobile is not a phone number")
    if not (token or external_userid or unionid or mobile_raw):
        errors.append("the customer is required: token, external_userid, unionid or mobile")
    sku = _text(raw, "sku", errors)
    extras = _extras(raw, errors)
    if errors:
        return None, errors
    return EventInput(event_id, kind, occurred_at, token, external_userid, unionid, mobile, sku, extras), []


def is_hot_click(sent_at: datetime | None, unsettled: bool, clicked_at: datetime, minutes: int) -> bool:
    """A click the guide should hear about at once: within `minutes` of the send.

    A group send is only settled (its send time known) when the poller reads WeCom's results, every
    few minutes; a click on a to-do still waiting for that was sent since the last poll, so it is hot.
    """
    if sent_at is not None:
        return timedelta(minutes=-2) <= clicked_at - sent_at <= timedelta(minutes=minutes)
    return unsettled
