"""Selection rules on the domain brief's purchase histories (no database)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules.content_selection import (
    CustomerFacts, MaterialFacts, PurchaseFacts, exclusion, in_scope, is_valid_on, occasions_for, rank,
    season_of,
)

TODAY = date(2026, 10, 15)   # autumn
STORE, OTHER_STORE = 1, 2


def tags(**dims: str) -> dict[str, frozenset[str]]:
    return {dim: frozenset(v.split(",")) for dim, v in dims.items()}


LIBRARY = [
    MaterialFacts(1, "outfit", product_categories=frozenset({"衬衫", "西裤"})),
    MaterialFacts(2, "outfit", product_categories=frozenset({"衬衫", "T恤"})),
    MaterialFacts(3, "outfit", product_categories=frozenset({"大衣", "西裤"}), tags=tags(season="winter")),
    MaterialFacts(4, "outfit", product_categories=frozenset({"半身裙", "针织衫"}), tags=tags(season="autumn")),
    MaterialFacts(5, "image", tags=tags(scene="送礼", category="围巾")),
    MaterialFacts(6, "image", tags=tags(occasion="birthday")),
    MaterialFacts(7, "link", tags=tags(occasion="recall")),
    MaterialFacts(8, "outfit", product_categories=frozenset({"外套"}), scope_all=False,
                  scope_store_ids=frozenset({OTHER_STORE})),
    MaterialFacts(9, "outfit", product_categories=frozenset({"半身裙"}), enabled=False),
    MaterialFacts(10, "outfit", product_categories=frozenset({"外套"}), valid_to=TODAY - timedelta(days=1)),
    MaterialFacts(11, "outfit", product_categories=frozenset({"风衣", "牛仔裤"}),
                  newest_launch_on=TODAY - timedelta(days=10), tags=tags(occasion="new_arrival")),
]


def customer(**kwargs) -> CustomerFacts:
    defaults = dict(customer_id=100, store_id=STORE, region="华东", tier="first")
    return CustomerFacts(**{**defaults, **kwargs})


def ids(ranked) -> list[int]:
    return [r.material_id for r in ranked]


def test_shirt_buyer_gets_current_season_outfits_that_complete_the_shirt():
    shirt_buyer = customer(purchases=PurchaseFacts(1, frozenset({"衬衫"}), last_purchase_on=TODAY - timedelta(days=10)))
    ranked = rank(LIBRARY, shirt_buyer, TODAY, limit=3)
    assert ids(ranked)[:2] == [4, 1]                      # skirt+knit (autumn), then shirt+trousers
    assert "搭配推荐：与已购单品成套" in ranked[0].reasons
    every = ids(rank(LIBRARY, shirt_buyer, TODAY, limit=20))
    assert 3 not in every                                  # a winter outfit is off-season in October
    assert {6, 7, 8, 9, 10, 11}.isdisjoint(every)          # birthday, recall, other store, disabled, expired, new
    assert every.index(2) > every.index(1)                 # more shirts rank below a completing outfit


def test_already_sent_materials_are_skipped():
    shirt_buyer = customer(purchases=PurchaseFacts(1, frozenset({"衬衫"}), last_purchase_on=TODAY),
                           sent_material_ids=frozenset({4}))
    assert ids(rank(LIBRARY, shirt_buyer, TODAY, limit=1)) == [1]


def test_gift_buyer_gets_gift_ideas_not_outfits_for_the_gift():
    gift_buyer = customer(purchases=PurchaseFacts(1, gift_categories=frozenset({"围巾"}),
                                                  last_purchase_on=TODAY - timedelta(days=3)))
    ranked = rank(LIBRARY, gift_buyer, TODAY)
    assert ranked[0].material_id == 5
    assert "送礼顾客：礼品推荐" in ranked[0].reasons
    assert all("搭配推荐：与已购单品成套" not in r.reasons for r in ranked)


def test_dormant_customer_gets_recall_and_new_arrivals_first():
    dormant = customer(tier="second", purchases=PurchaseFacts(
        2, frozenset({"衬衫"}), last_purchase_on=TODAY - timedelta(days=120)))
    assert occasions_for(dormant, TODAY) >= {"recall", "new_arrival"}
    ranked = ids(rank(LIBRARY, dormant, TODAY, limit=3))
    assert set(ranked[:2]) == {7, 11}
    assert 6 not in ranked


def test_recently_active_customer_gets_no_recall_material():
    recent = customer(purchases=PurchaseFacts(1, frozenset({"衬衫"}), last_purchase_on=TODAY - timedelta(days=5)))
    assert 7 not in ids(rank(LIBRARY, recent, TODAY, limit=20))


def test_birthday_month_puts_the_birthday_ritual_first():
    birthday = customer(birthday=date(1990, 10, 28),
                        purchases=PurchaseFacts(3, frozenset({"连衣裙"}), last_purchase_on=TODAY - timedelta(days=20)))
    ranked = rank(LIBRARY, birthday, TODAY, requested="birthday")
    assert ranked[0].material_id == 6 and "匹配场合：生日" in ranked[0].reasons
    not_birthday = customer(birthday=date(1990, 3, 2))
    assert 6 not in ids(rank(LIBRARY, not_birthday, TODAY, limit=20))


def test_tier_tags_restrict_materials_to_their_tiers():
    vip_only = MaterialFacts(20, "image", tags=tags(tier="third_plus"))
    assert exclusion(vip_only, customer(tier="first"), TODAY, frozenset()) == "不适用于该顾客层级"
    assert exclusion(vip_only, customer(tier="third_plus"), TODAY, frozenset()) is None


def test_scope_by_region_or_listed_store():
    regional = MaterialFacts(30, "image", scope_all=False, scope_regions=frozenset({"华东"}))
    listed = MaterialFacts(31, "image", scope_all=False, scope_store_ids=frozenset({STORE}))
    assert in_scope(regional, OTHER_STORE, "华东") and not in_scope(regional, STORE, "华南")
    assert in_scope(listed, STORE, None) and not in_scope(listed, OTHER_STORE, "华东")


def test_validity_window_is_inclusive():
    window = MaterialFacts(40, "image", valid_from=TODAY, valid_to=TODAY)
    assert is_valid_on(window, TODAY)
    assert not is_valid_on(window, TODAY + timedelta(days=1)) and not is_valid_on(window, TODAY - timedelta(days=1))


@pytest.mark.parametrize("day, season", [(date(2026, 1, 5), "winter"), (date(2026, 3, 1), "spring"),
                                         (date(2026, 7, 9), "summer"), (date(2026, 11, 30), "autumn"),
                                         (date(2026, 12, 1), "winter")])
def test_season_of(day, season):
    assert season_of(day) == season


def test_prospect_gets_new_arrivals():
    prospect = customer(tier="none")
    assert "new_arrival" in occasions_for(prospect, TODAY)
    assert ids(rank(LIBRARY, prospect, TODAY, limit=1)) == [11]


def test_replenishment_is_due_within_a_week():
    due = customer(purchases=PurchaseFacts(2, frozenset({"面膜"}), last_purchase_on=TODAY - timedelta(days=25),
                                           replenish_due_on=TODAY + timedelta(days=3)))
    assert "replenishment" in occasions_for(due, TODAY)
    assert "replenishment" not in occasions_for(customer(), TODAY)


def test_tier_labels_cover_the_purchase_tiers():
    from bot.rules.content_selection import TIER_LABELS
    from bot.rules.purchases import TIERS

    assert set(TIER_LABELS) == set(TIERS)
