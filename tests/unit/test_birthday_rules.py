"""The birthday and benefit rules, pure: the values the brand's systems send, the latest statement, the list
priority and holdout exemption of the greeting, and how a benefit reads."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from bot.rules.benefits import benefit_text, code_problem, parse_yuan
from bot.rules.birthday_input import parse_typed_birthday
from bot.rules.cadence import Cadence, derivation, derivation_edits
from bot.rules.birthdays import (NO_YEAR, birthday_text, holdout_exempt, list_priority, parse_birthday_value,
                                 supersedes)

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize("value, expected", [
    ("1990-05-20", (date(1990, 5, 20), None)), ("05-20", (date(NO_YEAR, 5, 20), None)),
    ("02-29", (date(NO_YEAR, 2, 29), None)), ("--12-31", (date(NO_YEAR, 12, 31), None)),
    ("1990/5/2", (date(1990, 5, 2), None)), (datetime(1992, 8, 8), (date(1992, 8, 8), None)),
    (None, (None, None)), ("", (None, None)),
    ("02-30", (None, "birthday 02-30 is not a day of the year")),
    ("1991-02-29", (None, "birthday 02-29 is not a day of the 1991")),
    ("13-01", (None, "birthday 13-01 is not a day of the year")),
    ("2027-01-01", (None, "birthday is in the future")),
    ("1900-01-01", (None, "birthday year is more than 120 years ago")),
    ("1904-05-20", (None, "birthday year is more than 120 years ago")),   # a full date in NO_YEAR: not year-less
    (datetime(1904, 5, 20), (None, "birthday year is more than 120 years ago")),
    ("1904-02-30", (None, "birthday 02-30 is not a day of the 1904")),
    ("0000-05-20", (None, "birthday 05-20 is not a day of the 0")),
    ("20 May", (None, "birthday must be YYYY-MM-DD or MM-DD")),
    (19900520, (None, "birthday must be a string (YYYY-MM-DD or MM-DD)")),
])
def test_birthday_values(value, expected):
    assert parse_birthday_value(value, TODAY) == expected


def test_a_year_less_birthday_reads_without_its_year_and_the_latest_statement_wins():
    assert birthday_text(date(NO_YEAR, 3, 8)) == "03-08" and birthday_text(date(1988, 3, 8)) == "1988-03-08"
    earlier, later = datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 3, 2, tzinfo=timezone.utc)
    assert supersedes(later, earlier) and supersedes(later, None) and supersedes(later, later)
    assert not supersedes(earlier, later)


def test_the_greeting_ranks_first_and_is_never_held_out():
    assert list_priority("birthday_day", 0) > list_priority("first_purchase", 100)   # above every other rule
    assert list_priority("birthday_month_start", 85) == 85
    assert holdout_exempt("birthday_day") and not holdout_exempt("birthday_month_start")


def test_a_benefit_reads_as_set():
    assert benefit_text("生日专享礼券", 5000, "BDAY50") == "生日专享礼券（50元，券码 BDAY50）"
    assert benefit_text("生日礼物", 8880, "") == "生日礼物（88.8元）"
    assert benefit_text("", 4905, "") == "49.05元礼券" and benefit_text("满月礼券", None, "") == "满月礼券"
    assert benefit_text("", None, "") == ""
    assert parse_yuan("88.8") == (8880, None) and parse_yuan("50元") == (5000, None) and parse_yuan("") == (None, None)
    assert parse_yuan("1.234")[1] and parse_yuan("0")[1] and parse_yuan("-5")[1]
    assert code_problem("BD-88_x") is None and code_problem("券码") and code_problem("") is None


def test_a_basis_kept_before_the_greeting_ranked_first_re_derives_the_greeting_alone():
    greeting = Cadence("birthday_day", "birthday_day", 0, 0, 95)
    care = Cadence("first_care", "first_purchase", 0, 5, 90)
    rules = [(1, greeting), (2, care)]
    before = derivation(rules, {})
    before["rules"]["1"]["touches"][2] = 95          # what a run kept before the greeting's list priority
    assert derivation_edits(before, derivation(rules, {})).rules == {1}
    assert derivation_edits(derivation(rules, {}), derivation([(1, greeting), (2, replace(care, window_end=6))],
                                                              {})).rules == {2}


@pytest.mark.parametrize("typed, message", [("2027-01-01", "生日不能晚于今天"), ("1880-01-01", "生日年份不合理"),
                                            ("1904-05-20", "生日年份不合理"), ("05-20", "生日格式应为 年-月-日")])
def test_a_typed_birthday_is_checked_like_the_systems_ones(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_typed_birthday(typed, TODAY)
    assert parse_typed_birthday(" 1990-05-20 ", TODAY) == date(1990, 5, 20) and parse_typed_birthday("", TODAY) is None
