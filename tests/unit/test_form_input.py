"""The boundary's parsers: plain ASCII numbers within range, days of 2000-2099, usable unix times, NUL."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.rules.form_input import MAX_ID, decode_text_file, has_nul, parse_day, parse_int, unix_time


@pytest.mark.parametrize("text, expected", [
    ("7", 7), (" 7 ", 7), ("-3", None), ("0", 0), ("²", None), ("١٢", None), ("1_000", None), ("", None),
    (None, None), ("9" * 30, None), (str(2**31), None), ("7.0", None), ("+7", None), ("1e3", None),
])
def test_parse_int_takes_only_ascii_digits_in_range(text, expected):
    assert parse_int(text) == expected


def test_parse_int_bounds():
    assert parse_int("-3", low=-5, high=5) == -3
    assert parse_int(str(MAX_ID), high=MAX_ID) == MAX_ID and parse_int(str(MAX_ID + 1), high=MAX_ID) is None
    assert parse_int("0", low=1) is None


@pytest.mark.parametrize("text, expected", [
    ("2026-03-05", date(2026, 3, 5)), ("0001-01-01", None), ("9999-12-31", None), ("2026-02-30", None),
    ("20260305", None), ("２０２６-03-05", None), ("", None), ("1999-12-31", None), ("2099-12-31", date(2099, 12, 31)),
])
def test_parse_day_takes_iso_days_the_business_can_mean(text, expected):
    assert parse_day(text) == expected


def test_unix_time_refuses_what_is_no_usable_time():
    assert unix_time("1700000000") == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert [unix_time(t) for t in ("9810000000000", "²", "-5", "", "4102444800")] == [None] * 5


def test_has_nul_and_decoding_uploaded_text():
    assert has_nul("a", "b\x00") and not has_nul("a", None, "")
    assert decode_text_file("门店".encode("utf-8-sig")) == "门店" == decode_text_file("门店".encode("gbk"))
    assert decode_text_file(b"\xff\xfe\x00\x00\x81\x30") is None
