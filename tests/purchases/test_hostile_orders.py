"""Hostile order batches: a record that cannot be stored is rejected alone, a repeat is reported once,
bodies are capped even when chunked, and the signature headers are checked before the body is read."""
from __future__ import annotations

import io
import json
import time

import requests
from sqlalchemy import func, select

from bot.rules.webhook import signed_headers
from models import Order
from tests.purchases.helpers import ORDER_SECRET, order, post_orders

CAP = 16 * 1024 * 1024   # handlers.api_input.WEBHOOK_MAX_BYTES


def _orders(db) -> dict[str, tuple]:
    with db.transaction() as session:
        return {o.order_no: (o.status, o.amount) for o in session.scalars(select(Order))}


def test_an_order_off_the_calendar_or_with_a_nul_is_rejected_and_the_others_are_stored(client, org, db):
    batch = [order("H-1", customer="wm-1"),
             order("H-2", customer="wm-2", paid_at="0001-01-01T00:00:00+08:00"),
             order("H-3", customer="wm-3", paid_at="9999-12-31T23:59:59-08:00"),
             order("H-4\x00", customer="wm-4"),
             order("H-5", customer="wm-5\ud800"),
             order("H-6", customer="wm-6")]
    raw = json.dumps({"orders": batch}).encode()     # ASCII escapes: "\u0000", a lone "\ud800"
    response = client.post("/api/v1/orders", data=raw, headers=signed_headers(ORDER_SECRET, raw, int(time.time())))
    assert response.status_code == 207, response.get_data()[:300]
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "rejected", "rejected", "rejected", "rejected", "created"]
    assert results[1]["errors"] == results[2]["errors"] == ["paid_at must be between 2000-01-01 and 2099-12-31"]
    assert results[3]["errors"] == ["order_no contains a NUL character"]
    assert "external_userid is not valid Unicode text" in results[4]["errors"]
    assert set(_orders(db)) == {"H-1", "H-6"}


def test_an_order_twice_in_one_batch_is_created_once_and_reported_as_a_duplicate(client, org, db):
    batch = [order("R-1", customer="wm-1"), order("R-2", customer="wm-2"), order("R-1", customer="wm-1"),
             order("R-2", customer="wm-2", status="refunded"), order("R-1", customer="wm-1", amount=1)]
    response = post_orders(client, batch)
    assert response.status_code == 207
    body = response.get_json()
    assert [r["result"] for r in body["results"]] == ["created", "created", "duplicate", "duplicate", "rejected"]
    assert body["summary"] == {"created": 2, "updated": 0, "unchanged": 0, "duplicate": 2, "rejected": 1}
    assert body["results"][4]["errors"] == ["amount differs from the same order earlier in this batch (19900 fen)"]
    # the repeat's refund is merged into the order it repeats
    assert _orders(db) == {"R-1": ("paid", 19900), "R-2": ("refunded", 19900)}
    again = post_orders(client, batch[:3]).get_json()["results"]
    assert [r["result"] for r in again] == ["unchanged", "unchanged", "duplicate"]


def _padded_batch(size: int) -> bytes:
    """A valid order batch padded with JSON whitespace to `size` bytes."""
    raw = json.dumps({"orders": [order("BIG-1", customer="wm-1")]}).encode()
    return raw[:-1] + b" " * (size - len(raw)) + b"}"


def _chunks(raw: bytes, size: int = 1 << 20):
    for start in range(0, len(raw), size):
        yield raw[start:start + size]


def test_a_chunked_signed_batch_over_the_cap_is_413_and_stores_nothing(live_app, org, db):
    raw = _padded_batch(CAP + 4 * 1024 * 1024)
    headers = signed_headers(ORDER_SECRET, raw, int(time.time()))
    response = requests.post(f"{live_app}/api/v1/orders", data=_chunks(raw), headers=headers, timeout=60)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 413 and response.json()["error"] == "request_entity_too_large"
    assert _orders(db) == {}
    small = _padded_batch(CAP - 1024)
    accepted = requests.post(f"{live_app}/api/v1/orders", data=_chunks(small), timeout=60,
                             headers=signed_headers(ORDER_SECRET, small, int(time.time())))
    assert accepted.status_code == 201 and set(_orders(db)) == {"BIG-1"}


def _multipart(size: int, boundary: str = "b0undary"):
    """A multipart form whose one file part is `size` bytes, as chunks."""
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n").encode()
    for start in range(0, size, 1 << 20):
        yield b"x" * min(1 << 20, size - start)
    yield f"\r\n--{boundary}--\r\n".encode()


def test_a_chunked_form_past_the_app_wide_cap_is_413(live_app, settings):
    # A route with no cap of its own (the sign-in form): its file part would be spooled to disk whole.
    response = requests.post(f"{live_app}/auth/login", data=_multipart(settings.MAX_REQUEST_MB * 1024 * 1024),
                             headers={"Content-Type": "multipart/form-data; boundary=b0undary"}, timeout=60)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 413
    below = requests.post(f"{live_app}/auth/login", data=_multipart(1024 * 1024), timeout=60,
                          headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
    assert below.status_code == 400      # read whole, then refused for its missing CSRF token


class _CountingBody(io.RawIOBase):
    """A request body of `size` spaces (far more than any test reads unless it buffers it), counting reads."""

    def __init__(self, size: int = CAP + 8 * 1024 * 1024):
        self.left, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = b" " * count
        self.left -= count
        self.read_bytes += count
        return count


def _chunked_environ(app, headers: dict[str, str], stream) -> dict:
    """A WSGI environ of a chunked POST as the server hands it over (input terminated, no Content-Length)."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path="/api/v1/orders", method="POST", headers=headers).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": stream, "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    return environ


def _call(app, environ) -> str:
    statuses = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return f"{statuses[0]} {body[:120]!r}"


def test_an_unsigned_chunked_body_is_refused_before_any_of_it_is_read(app, org):
    for headers in ({}, {"X-Timestamp": str(int(time.time()))},
                    {"X-Timestamp": str(int(time.time())), "X-Signature": "sha256=3f"},
                    {"X-Timestamp": "100", "X-Signature": "sha256=" + "0" * 64}):
        stream = _CountingBody()
        assert _call(app, _chunked_environ(app, headers, stream)).startswith("401"), headers
        assert stream.read_bytes == 0, headers


def test_a_signed_chunked_body_is_read_only_to_the_cap(app, org):
    stream = _CountingBody()
    headers = {"X-Timestamp": str(int(time.time())), "X-Signature": "sha256=" + "0" * 64}
    assert _call(app, _chunked_environ(app, headers, stream)).startswith("413")
    assert CAP < stream.read_bytes <= CAP + 64 * 1024
