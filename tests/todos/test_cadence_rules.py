"""The cadence rules, pure: windows, anchors, birthdays at the edges, openings, replenishment, rotation."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.rules.cadence import (Cadence, CustomerFacts, Relation, birthday_in, birthday_matches, cadence_problems,
                               derivation, derivation_edits, due, due_rules, owner_of, pick_for_day, receive_cap,
                               template_index)
from bot.services.todos_cadences import as_cadence
from bot.services.todos_defaults import DEFAULT_RULES
from models import CadenceRule

D = date


def rule(code: str) -> Cadence:
    """A default rule by code, as the pure rules see it (enabled for the test)."""
    spec = next(s for s in DEFAULT_RULES if s["code"] == code)
    return as_cadence(CadenceRule(**{**spec, "enabled": True}))


def first_buyer(day: date, **extra) -> CustomerFacts:
    return CustomerFacts(tier="first", first_purchase_day=day, last_purchase_day=day, last_purchase_items=2, **extra)


def days_due(cadence: Cadence, facts: CustomerFacts, start: date, days: int) -> list[int]:
    """Offsets (from start) of the days on which the rule is due."""
    return [n for n in range(days) if due(cadence, facts, start + timedelta(days=n))]


def test_the_first_purchase_lifecycle_windows_follow_the_brief():
    bought = D(2026, 3, 2)
    facts = first_buyer(bought)
    assert days_due(rule("first_care"), facts, bought, 200) == list(range(0, 6))
    assert days_due(rule("first_recommend"), facts, bought, 200) == list(range(5, 31))
    assert days_due(rule("first_month_gift"), facts, bought, 200) == list(range(30, 46))
    assert days_due(rule("at_risk"), facts, bought, 200) == list(range(45, 91))
    assert days_due(rule("dormant_care"), facts, bought, 200) == list(range(90, 136))
    assert days_due(rule("dormant_promo"), facts, bought, 200) == list(range(135, 181))
    # Every day of a window yields the same anchor: the purchase day (one to-do per touch).
    anchors = {d.anchor for n in range(0, 6) for d in due(rule("first_care"), facts, bought + timedelta(days=n))}
    assert anchors == {bought}
    window = due(rule("first_month_gift"), facts, D(2026, 4, 1))[0]
    assert (window.window_start, window.window_end) == (D(2026, 4, 1), D(2026, 4, 16))


def test_tiers_decide_who_gets_which_lifecycle_touch():
    bought = D(2026, 3, 2)
    repeat = CustomerFacts(tier="second", first_purchase_day=D(2026, 1, 5), last_purchase_day=bought)
    assert days_due(rule("first_care"), repeat, bought, 60) == []
    assert days_due(rule("repeat_perks"), repeat, bought, 60) == list(range(7, 31))
    assert days_due(rule("no_purchase_new_arrivals"), repeat, bought, 60) == list(range(30, 45))
    assert days_due(rule("repeat_perks"), first_buyer(bought), bought, 60) == []
    prospect = CustomerFacts(tier="none")
    assert due_rules([as_cadence(CadenceRule(**s)) for s in DEFAULT_RULES], prospect, bought) == []


def test_custom_offsets_make_one_touch_each_with_its_own_anchor():
    revisit = rule("revisit_3315")
    bought = D(2026, 3, 2)
    facts = CustomerFacts(tier="second", first_purchase_day=bought, last_purchase_day=bought)
    on_days = days_due(revisit, facts, bought, 200)
    assert on_days == [3, 4, 5, 21, 22, 23, 30, 31, 32, 150, 151, 152]
    anchors = {d.anchor for n in on_days for d in due(revisit, facts, bought + timedelta(days=n))}
    assert anchors == {bought + timedelta(days=o) for o in (3, 21, 30, 150)}


def test_a_disabled_rule_is_never_due():
    seeded = next(s for s in DEFAULT_RULES if s["code"] == "revisit_3315")
    assert seeded["enabled"] is False
    off = as_cadence(CadenceRule(**seeded))
    facts = CustomerFacts(tier="first", last_purchase_day=D(2026, 3, 2))
    assert days_due(off, facts, D(2026, 3, 2), 200) == []


@pytest.mark.parametrize("birthday, on, code, anchor", [
    (D(1990, 5, 17), D(2026, 5, 1), "birthday_month_start", D(2026, 5, 1)),
    (D(1990, 5, 17), D(2026, 5, 17), "birthday_day", D(2026, 5, 17)),
    (D(1990, 5, 17), D(2026, 5, 27), "birthday_month_end", D(2026, 5, 31)),
    (D(1990, 5, 17), D(2026, 6, 1), "birthday_next_month", D(2026, 6, 1)),
    # 29 February: the day is kept on the 28th in other years, on the 29th in leap years.
    (D(1992, 2, 29), D(2026, 2, 28), "birthday_day", D(2026, 2, 28)),
    (D(1992, 2, 29), D(2028, 2, 29), "birthday_day", D(2028, 2, 29)),
    (D(1992, 2, 29), D(2026, 2, 24), "birthday_month_end", D(2026, 2, 28)),
    (D(1992, 2, 29), D(2028, 2, 29), "birthday_month_end", D(2028, 2, 29)),
    (D(1992, 2, 29), D(2026, 3, 1), "birthday_next_month", D(2026, 3, 1)),
    # December -> January of the next year.
    (D(1985, 12, 25), D(2027, 1, 1), "birthday_next_month", D(2027, 1, 1)),
    (D(1985, 12, 25), D(2027, 1, 7), "birthday_next_month", D(2027, 1, 1)),
    (D(1985, 12, 25), D(2026, 12, 31), "birthday_month_end", D(2026, 12, 31)),
])
def test_the_birthday_ritual_has_four_touches_with_the_right_anchors(birthday, on, code, anchor):
    found = due(rule(code), CustomerFacts(birthday=birthday), on)
    assert [d.anchor for d in found] == [anchor]


def test_the_birthday_touches_fall_on_exactly_the_right_days_around_a_year_end():
    facts = CustomerFacts(birthday=D(1985, 12, 25))
    start = D(2026, 11, 20)
    on = {code: [start + timedelta(days=n) for n in days_due(rule(code), facts, start, 60)]
          for code in ("birthday_month_start", "birthday_day", "birthday_month_end", "birthday_next_month")}
    assert on["birthday_month_start"] == [D(2026, 12, d) for d in range(1, 8)]
    assert on["birthday_day"] == [D(2026, 12, 25)]
    assert on["birthday_month_end"] == [D(2026, 12, d) for d in range(27, 32)]
    assert on["birthday_next_month"] == [D(2027, 1, d) for d in range(1, 8)]


def test_a_leap_day_birthday_is_celebrated_once_a_year():
    facts = CustomerFacts(birthday=D(2000, 2, 29))
    for year in (2026, 2027, 2028):
        start = D(year, 1, 1)
        assert len(days_due(rule("birthday_day"), facts, start, 366)) == 1
    assert birthday_in(2027, D(2000, 2, 29)) == D(2027, 2, 28)
    feb28 = birthday_matches(rule("birthday_day"), D(2027, 2, 28))
    assert [(m.month, m.days) for m in feb28] == [(2, (28, 29))]
    assert [(m.month, m.days) for m in birthday_matches(rule("birthday_day"), D(2028, 2, 28))] == [(2, (28,))]


def test_cart_without_an_order_opens_a_touch_until_the_customer_buys():
    cart = D(2026, 3, 10)
    idle = CustomerFacts(tier="first", last_purchase_day=D(2026, 2, 1), last_cart_day=cart)
    assert days_due(rule("cart_no_order"), idle, cart, 20) == [2, 3, 4, 5, 6, 7]
    bought_after = CustomerFacts(tier="first", last_purchase_day=D(2026, 3, 11), last_cart_day=cart)
    assert days_due(rule("cart_no_order"), bought_after, cart, 20) == []
    prospect = CustomerFacts(tier="none", last_cart_day=cart)
    assert due(rule("cart_no_order"), prospect, D(2026, 3, 12))[0].anchor == cart


def test_a_single_item_buyer_gets_an_outfit_suggestion_and_others_do_not():
    bought = D(2026, 3, 2)
    single = CustomerFacts(tier="first", first_purchase_day=bought, last_purchase_day=bought, last_purchase_items=1)
    assert days_due(rule("single_item_outfit"), single, bought, 40) == list(range(10, 21))
    assert days_due(rule("single_item_outfit"), first_buyer(bought), bought, 40) == []


def test_replenishment_is_due_just_before_the_product_runs_out():
    runout = D(2026, 4, 1)
    facts = CustomerFacts(tier="first", last_purchase_day=D(2026, 3, 2), runout_days=(runout,))
    on = days_due(rule("replenish"), facts, D(2026, 3, 20), 30)
    assert [D(2026, 3, 20) + timedelta(days=n) for n in on] == [D(2026, 3, d) for d in range(27, 32)] + [runout]
    assert due(rule("replenish"), facts, D(2026, 3, 28))[0].anchor == runout


def test_one_touch_a_day_the_most_urgent():
    facts = CustomerFacts(tier="first", first_purchase_day=D(2026, 5, 2), last_purchase_day=D(2026, 5, 2),
                          birthday=D(1990, 5, 4))
    rules = [rule(code) for code in ("first_care", "birthday_month_start", "birthday_day")]
    on_fourth = due_rules(rules, facts, D(2026, 5, 4))
    assert [d.code for d in on_fourth] == ["birthday_day", "first_care", "birthday_month_start"]
    assert pick_for_day(on_fourth).code == "birthday_day"
    assert pick_for_day([]) is None


def test_templates_rotate_per_customer_and_stay_stable():
    anchor = D(2026, 3, 2)
    picks = [template_index(customer_id, "first_care", anchor, 3) for customer_id in range(1, 601)]
    assert set(Counter(picks).values()) and min(Counter(picks).values()) > 150
    assert picks == [template_index(customer_id, "first_care", anchor, 3) for customer_id in range(1, 601)]
    # One customer's touches of a revisit cadence do not all read the same either.
    touches = {template_index(7, "revisit_3315", anchor + timedelta(days=o), 2) for o in (3, 21, 30, 150, 200)}
    assert touches == {0, 1}
    assert template_index(7, "first_care", anchor, 1) == 0


def test_rule_problems_are_reported_in_chinese():
    bad = Cadence("x", "birthday_day", 5, 1, 120, offsets=(3,))
    problems = cadence_problems(bad)
    assert "时间窗口的开始不能晚于结束" in problems and "生日规则不使用回访节点" in problems
    assert "优先级须在 0 到 100 之间" in problems
    assert cadence_problems(rule("first_care")) == []
    for spec in DEFAULT_RULES:
        assert cadence_problems(as_cadence(CadenceRule(**spec))) == [], spec["code"]


def test_receive_cap_periods():
    assert receive_cap("month", D(2026, 2, 17)) == (D(2026, 2, 1), 28)
    assert receive_cap("month", D(2028, 2, 17)) == (D(2028, 2, 1), 29)
    assert receive_cap("week", D(2026, 3, 5)) == (D(2026, 3, 2), 7)
    assert receive_cap("day", D(2026, 3, 5)) == (D(2026, 3, 5), 1)


def test_the_caring_guide_is_the_earliest_live_friendship():
    t = lambda day: datetime(2026, 3, day, tzinfo=timezone.utc)  # noqa: E731
    brought = Relation(1, guide_id=10, guide_active=True, first_added_at=t(1), added_at=t(1))
    later = Relation(2, guide_id=11, guide_active=True, first_added_at=t(5), added_at=t(5))
    assert owner_of([later, brought]).guide_id == 10
    deleted = Relation(1, 10, True, t(1), t(1), deleted_by_customer_at=t(3))
    assert owner_of([deleted, later]).guide_id == 11
    left = Relation(1, 10, False, t(1), t(1))
    assert owner_of([left, later]).guide_id == 11
    readded = Relation(1, 10, True, t(1), t(9), deleted_by_guide_at=t(3))
    assert owner_of([readded, later]).guide_id == 10
    assert owner_of([]) is None


def test_only_the_edits_that_move_touches_re_derive_a_rule():
    care, gift, risk = rule("first_care"), rule("first_month_gift"), rule("at_risk")
    cycles = {"SKU-MASK": 12}
    before = derivation([(1, care), (2, gift), (3, risk)], cycles)
    same = derivation_edits(before, before)
    assert (same.rules, same.reranked, same.cycles) == (frozenset(), {}, False)
    # A window: that rule alone. The offsets in another order, or repeated: nothing.
    widened = derivation_edits(before, derivation([(1, care), (2, gift), (3, replace(risk, window_end=80))], cycles))
    assert (widened.rules, widened.reranked) == ({3}, {})
    shuffled = replace(care, offsets=tuple(reversed(care.offsets)) * 2)
    assert derivation_edits(before, derivation([(1, shuffled), (2, gift), (3, risk)], cycles)).rules == set()
    # Disabled: that rule's touches go, and the rules after it move up one rank.
    off = derivation_edits(before, derivation([(1, care), (2, replace(gift, enabled=False)), (3, risk)], cycles))
    assert (off.rules, off.reranked) == ({2}, {3: 1})
    # A priority (the run orders the rules by it): that rule's touches, and the new ranks of the others.
    raised = derivation_edits(before, derivation([(3, replace(risk, priority=99)), (1, care), (2, gift)], cycles))
    assert (raised.rules, raised.reranked) == ({3}, {1: 1, 2: 2})
    # A usage cycle changed or dropped, or a basis recorded before cycles were: the replenishment rule's
    # touches follow the runout days.
    stocked = [(1, care), (4, rule("replenish"))]
    with_cycles = derivation(stocked, cycles)
    for later in (derivation(stocked, {"SKU-MASK": 9}), derivation(stocked, {})):
        changed = derivation_edits(with_cycles, later)
        assert (changed.cycles, changed.rules, changed.reranked) == (True, {4}, {})
    assert derivation_edits({"rules": with_cycles["rules"]}, with_cycles).rules == {4}
