"""Bad input the JSON API once answered with a 500: each is now a clear JSON 4xx."""
from __future__ import annotations

import json
import time

import pytest

from bot.rules.webhook import sign_request, signed_headers
from tests.conftest import API_TOKEN
from tests.fuzz.conftest import SIGNED
from tests.fuzz.hostile import DEEP

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def _json_error(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.get_data()[:200])
    assert response.is_json, response.get_data()[:200]
    return response.get_json()["error"]


@pytest.mark.parametrize("stamp", ["²", "١٢٣", "9" * 5000, "12 34"])
@pytest.mark.parametrize("path", sorted(SIGNED))
def test_a_timestamp_of_other_digits_or_too_many_is_401(client, org, path, stamp):
    raw = json.dumps({path.rsplit("/", 1)[1]: [{}]}).encode()
    headers = {"Content-Type": "application/json", "X-Timestamp": stamp,
               "X-Signature": sign_request(SIGNED[path], stamp, raw)}
    assert _json_error(client.post(path, data=raw, headers=headers), 401) == "bad_timestamp"


@pytest.mark.parametrize("path", sorted(SIGNED) + ["/api/v1/channels"])
def test_json_nested_deeper_than_the_parser_recurses_is_400(client, org, path):
    raw = (DEEP if path in SIGNED else "[" * 30_000 + "]" * 30_000).encode()     # a channel body caps at 64 KiB
    headers = {**AUTH, **signed_headers(SIGNED.get(path, "unused"), raw, int(time.time()))}
    assert _json_error(client.post(path, data=raw, headers=headers), 400) == "invalid"


@pytest.mark.parametrize("body", ["[null, null]", "[]", "\"wangfang\"", "1", "null"])
def test_a_channel_body_that_is_not_an_object_is_400(client, org, body):
    response = client.post("/api/v1/channels", data=body, headers={**AUTH, "Content-Type": "application/json"})
    assert _json_error(response, 400) == "invalid"


@pytest.mark.parametrize("body", [{"guide_userid": 5}, {"guide_userid": ["wangfang"]}, {"guide_userid": "wang\x00"},
                                  {"guide_userid": "wangfang", "campaign": "春" * 65},
                                  {"guide_userid": "wangfang", "chat_id": {"id": 1}}])
def test_a_channel_field_of_the_wrong_type_or_size_is_422(client, org, body):
    assert _json_error(client.post("/api/v1/channels", json=body, headers=AUTH), 422) == "invalid"


def test_a_nul_in_a_customer_id_or_a_store_code_is_404(client, org):
    assert _json_error(client.get("/api/v1/customers/%00", headers=AUTH), 404) == "not_found"
    assert _json_error(client.get("/api/v1/customers/wm%00x", headers=AUTH), 404) == "not_found"
    assert _json_error(client.get("/api/v1/leaderboard?store=%00", headers=AUTH), 404) == "not_found"
    query = "/api/v1/metrics/repurchase?store=SH%00&from=2026-03-01&to=2026-03-31"
    assert _json_error(client.get(query, headers=AUTH), 404) == "not_found"


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_leaderboard_date_off_the_calendar_is_422(client, org, period, day):
    for store in ("", "SH001"):
        response = client.get(f"/api/v1/leaderboard?period={period}&date={day}&store={store}", headers=AUTH)
        assert _json_error(response, 422) == "invalid"


def test_a_huge_store_code_is_an_unknown_store(client, org):
    assert _json_error(client.get("/api/v1/leaderboard?store=" + "9" * 5000, headers=AUTH), 404) == "not_found"
    query = "/api/v1/metrics/repurchase?store=" + "9" * 5000 + "&from=2026-03-01&to=2026-03-31"
    assert _json_error(client.get(query, headers=AUTH), 404) == "not_found"


@pytest.mark.parametrize("start, end", [("0001-01-01", "2026-03-01"), ("2026-03-01", "9999-12-31"),
                                        ("0001-01-01", "0001-01-01")])
def test_repurchase_metrics_off_the_calendar_are_422(client, org, start, end):
    response = client.get(f"/api/v1/metrics/repurchase?from={start}&to={end}", headers=AUTH)
    assert _json_error(response, 422) == "invalid"


def test_a_group_channel_for_a_chat_wecom_does_not_know_is_422_not_502(client, org):
    response = client.post("/api/v1/channels", json={"guide_userid": "wangfang", "chat_id": "wrNoSuchChat"},
                           headers=AUTH)
    assert _json_error(response, 422) == "invalid" and "40050" in response.get_json()["message"]


def test_an_unknown_api_route_or_method_answers_json(client):
    assert _json_error(client.get("/api/v1/orders"), 405) == "method_not_allowed"
    assert _json_error(client.get("/api/v1/nope", headers=AUTH), 404) == "not_found"
    assert _json_error(client.get("/api/v1/customers/", headers=AUTH), 404) == "not_found"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and not page.is_json          # pages keep their own
