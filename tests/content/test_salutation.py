"""Surname plus honorific from the customer's name (domain brief: 王姐, 李先生)."""
from __future__ import annotations

import pytest

from bot.rules.salutation import FALLBACK_ADDRESS, GENDER_FEMALE, GENDER_MALE, salutation, surname_of


@pytest.mark.parametrize("name, gender, expected", [
    ("王芳", GENDER_FEMALE, "王姐"),
    ("李明", GENDER_MALE, "李先生"),
    ("林女士", 0, "林女士"),
    ("王小姐", GENDER_MALE, "王小姐"),   # the name's own honorific wins over the profile's gender
    ("陈姐", 0, "陈姐"),
    ("欧阳娜娜", GENDER_FEMALE, "欧阳姐"),
    ("诸葛亮", GENDER_MALE, "诸葛先生"),
    ("张 伟 🌸", GENDER_MALE, "张先生"),
])
def test_surname_and_honorific(name, gender, expected):
    assert salutation(name, gender).address == expected


def test_female_style_can_be_女士():
    assert salutation("王芳", GENDER_FEMALE, female_style="女士").address == "王女士"


@pytest.mark.parametrize("name, gender", [("Lucy", GENDER_FEMALE), ("小太阳", GENDER_FEMALE), ("", 0),
                                          ("王芳", 0)])
def test_nicknames_and_unknown_gender_fall_back_to_a_neutral_address(name, gender):
    assert salutation(name, gender).address == FALLBACK_ADDRESS


def test_surname_is_kept_even_when_the_gender_is_unknown():
    s = salutation("王芳", 0)
    assert (s.surname, s.honorific) == ("王", "")
    assert surname_of("司马光") == "司马" and surname_of("Amy王") == "王"
