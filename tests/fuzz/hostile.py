"""Hostile values the fuzz mixes into schema-generated requests, and the request a case becomes.

Schema-driven generation alone rarely produces the inputs that broke the API before: numbers JSON
does not allow (NaN, Infinity), NUL and lone surrogates in strings, date-times at the ends of the
calendar with offsets, digits that are not ASCII, integers past int()'s digit limit, and JSON nested
deeper than the parser's recursion limit. Each generated case may get one of these in one place.
"""
from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from bot.rules.webhook import signed_headers

SCALARS = [
    float("nan"), float("inf"), float("-inf"), 10**30, -(10**30), 2**63, -1, 0, True, None, [], {}, [None, None],
    "", " ", "\x00", "a\x00b", "\ud800", "²", "١٢٣", "9" * 5000, "x" * 5000,
    "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "0001-01-01", "9999-12-31", "0000-00-00",
    "2026-02-30", "2026-03-01T10:00:00", "1970-01-01T00:00:00Z",
]
DEEP = "[" * 100_000 + "]" * 100_000
FUZZ_CUSTOMER = "wm-fuzz"
KNOWN = {"store_code": "SH001", "store": "SH001", "guide_userid": "wangfang", "external_userid": FUZZ_CUSTOMER,
         "paid_at": "2026-03-01T10:00:00+08:00", "occurred_at": "2026-03-01T10:05:00+08:00"}
RECORDS = {"order_no": {"store_code": "SH001", "paid_at": KNOWN["paid_at"], "external_userid": FUZZ_CUSTOMER,
                        "status": "paid", "amount": 19900,
                        "items": [{"sku": "SKU-1", "quantity": 1, "unit_price": 19900}]},
           "event_id": {"occurred_at": KNOWN["occurred_at"], "external_userid": FUZZ_CUSTOMER}}


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every place in a JSON document a value could be swapped in (containers too)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _leaves(item, path + (index,))
    return found


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [_replaced(item, rest, new) if i == head else item for i, item in enumerate(value)]


def _with_known(value: Any) -> Any:
    """The value with every field that names a store, guide or customer naming one that exists (at a usual time)."""
    if isinstance(value, dict):
        known = {k: KNOWN[k] if k in KNOWN and isinstance(v, str) else _with_known(v) for k, v in value.items()}
        for marker, usual in RECORDS.items():   # an order or event: a usual customer, store, time and amount
            if marker in value:
                known = {k: v for k, v in known.items() if k not in ("mobile", "unionid", "token", "refunded_amount")}
                known.update(usual)
                if not (isinstance(value[marker], str) and value[marker].strip()):
                    known[marker] = f"{marker}-fuzz"
        return known
    if isinstance(value, list):
        return [_with_known(item) for item in value]
    return value


def hostile(data: st.DataObject, case) -> tuple[bytes | None, dict]:
    """Maybe swap one hostile value into the case; return (raw body or None, the query/path/header edits).

    Half the cases first name the store, guide and customer of the fixtures, so that orders and events
    get past "unknown store" and "customer not found" to be stored (where overflows and NULs broke).
    """
    body = None if case.body is None or type(case.body).__name__ == "NotSet" else case.body
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), {}
    edits: dict = {}
    if data.draw(st.booleans()):
        body = _with_known(body)
        edits = {"query": {k: v for k, v in KNOWN.items() if k in (case.query or {})},
                 "path": {k: v for k, v in KNOWN.items() if k in (case.path_parameters or {})}}
    where = data.draw(st.sampled_from(["none", "none", "body", "body", "deep", "query", "path", "timestamp"]))
    if where == "deep" and body is not None:
        return DEEP.encode(), edits
    if where == "body" and body is not None:
        path = data.draw(st.sampled_from(_leaves(body)))
        body = _replaced(body, path, data.draw(st.sampled_from(SCALARS)))
    elif where in ("query", "path") and getattr(case, f"{where}_parameters" if where == "path" else "query"):
        params = case.path_parameters if where == "path" else case.query
        name = data.draw(st.sampled_from(sorted(params)))
        edits[where] = {**edits.get(where, {}), name: data.draw(st.sampled_from([s for s in SCALARS
                                                                                  if isinstance(s, str)]))}
    elif where == "timestamp":
        edits["timestamp"] = data.draw(st.sampled_from(["²", "١٢٣", "9" * 5000, " ", "-1", "1e9", "0x10"]))
    if body is None:
        return None, edits
    return json.dumps(body, allow_nan=True).encode(), edits


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, allow_nan=True)


def request_of(case, raw: bytes | None, edits: dict, *, secret: str | None) -> dict:
    """The test client's keyword arguments for the case (signed with `secret` when given)."""
    path_params = {**(case.path_parameters or {}), **edits.get("path", {})}
    path = case.path
    for name, value in path_params.items():
        path = path.replace("{" + name + "}", quote(_text(value), safe="", errors="surrogatepass"))
    query = {**(case.query or {}), **edits.get("query", {})}
    pairs = [(k, _text(v)) for k, value in query.items() if value is not None
             for v in (value if isinstance(value, list) else [value])]
    # as a client sends it: UTF-8 percent-encoded (a lone surrogate arrives as bytes that are not UTF-8)
    query = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    headers = {k: _text(v) for k, v in (case.headers or {}).items()
               if _text(v).isascii() and "\n" not in _text(v) and "\r" not in _text(v)}
    if secret is not None:
        headers.update(signed_headers(secret, raw or b"", int(time.time())))
    if "timestamp" in edits:
        headers["X-Timestamp"] = edits["timestamp"]
    headers.setdefault("Content-Type", "application/json")
    return {"method": case.method.upper(), "path": path, "query_string": query, "headers": headers,
            "data": raw if raw is not None else b""}
