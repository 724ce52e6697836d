"""Which materials suit a customer today: pure eligibility and ranking rules.

The inputs are plain facts (no database): what the customer bought, their tier,
store, birthday and the occasion of the card; what each material is tagged with.
The rules follow the domain brief: a single-item buyer gets outfits that complete
the item (bought a shirt -> trousers, skirt, coat), a gift buyer gets gift ideas
rather than outfits for the gift's size, a customer gone for a month or more gets
the new season, a birthday month gets the birthday ritual.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.rules.metrics import in_audience

# The tier codes of bot.rules.purchases.TIERS; "none" is a prospect (潜客).
TIER_LABELS = {"none": "潜客", "first": "首次购买", "second": "购买过二次", "third_plus": "购买三次及以上"}
OCCASION_LABELS = {"birthday": "生日", "after_sales": "售后关怀", "new_arrival": "新品上市", "recall": "召回",
                   "replenishment": "补货提醒"}
OCCASIONS = tuple(OCCASION_LABELS)
SEASONS = ("spring", "summer", "autumn", "winter")
ALL_SEASONS = "all"

# Category name (as HQ tags it and as orders carry it) -> garment group.
CATEGORY_GROUPS: dict[str, str] = {
    "衬衫": "top", "T恤": "top", "针织衫": "top", "毛衣": "top", "卫衣": "top", "上衣": "top", "背心": "top",
    "裤装": "bottom", "裤子": "bottom", "牛仔裤": "bottom", "西裤": "bottom", "半身裙": "bottom", "短裙": "bottom",
    "外套": "outer", "大衣": "outer", "风衣": "outer", "夹克": "outer", "西装": "outer", "羽绒服": "outer",
    "连衣裙": "dress",
    "鞋履": "shoes", "鞋": "shoes", "包袋": "bag", "包": "bag", "配饰": "accessory", "围巾": "accessory",
    "护肤": "consumable", "面膜": "consumable", "彩妆": "consumable", "香氛": "consumable",
}
# What completes a look built around a group (seed 000: shirt -> trousers, skirt, coat).
COMPLEMENTS: dict[str, frozenset[str]] = {
    "top": frozenset({"bottom", "outer"}),
    "bottom": frozenset({"top", "outer"}),
    "outer": frozenset({"top", "bottom", "dress"}),
    "dress": frozenset({"outer", "shoes", "bag", "accessory"}),
    "shoes": frozenset({"bottom", "dress"}),
    "bag": frozenset({"dress", "outer"}),
}
GIFT_SCENES = frozenset({"送礼", "礼品", "礼盒"})
RECALL_AFTER_DAYS = 30      # seed 000 (c): no visit for about a month -> new season recall
AT_RISK_AFTER_DAYS = 45     # seed 002 §5: 45-90 days at risk, 90-180 dormant
DORMANT_AFTER_DAYS = 90
AFTER_SALES_WITHIN_DAYS = 30
NEW_ARRIVAL_DAYS = 45       # a product launched within this many days counts as new


@dataclass(frozen=True)
class PurchaseFacts:
    """What a customer bought, independent of how orders are stored."""

    purchase_count: int = 0                          # day-merged, refunds excluded
    self_categories: frozenset[str] = frozenset()    # bought for themselves
    gift_categories: frozenset[str] = frozenset()    # bought as gifts
    last_purchase_on: date | None = None
    replenish_due_on: date | None = None             # when a consumable runs out, if known


@dataclass(frozen=True)
class CustomerFacts:
    customer_id: int
    store_id: int | None
    region: str | None
    tier: str                                        # one of TIERS
    purchases: PurchaseFacts = PurchaseFacts()
    birthday: date | None = None
    sent_material_ids: frozenset[int] = frozenset()
    quadrant: str | None = None                      # the value quadrant on the day (bot.rules.metrics)


@dataclass(frozen=True)
class MaterialFacts:
    id: int
    kind: str
    enabled: bool = True
    valid_from: date | None = None
    valid_to: date | None = None
    scope_all: bool = True
    scope_regions: frozenset[str] = frozenset()
    scope_store_ids: frozenset[int] = frozenset()
    tags: dict[str, frozenset[str]] = field(default_factory=dict)   # dimension -> values
    product_categories: frozenset[str] = frozenset()                # an outfit's products
    newest_launch_on: date | None = None                            # of its products
    quadrants: frozenset[str] = frozenset()                         # value quadrants it is for; empty: all

    def tagged(self, dimension: str) -> frozenset[str]:
        return self.tags.get(dimension, frozenset())


@dataclass(frozen=True)
class Ranked:
    material_id: int
    score: int
    reasons: tuple[str, ...]


def season_of(day: date) -> str:
    """The season of a date in China's (northern) calendar."""
    return SEASONS[((day.month - 3) % 12) // 3]


def group_of(category: str) -> str | None:
    """The garment group of a category name, or None when unknown."""
    return CATEGORY_GROUPS.get(category.strip())


def days_since_purchase(facts: PurchaseFacts, on: date) -> int | None:
    """Days since the last purchase, or None for a customer who never bought."""
    return (on - facts.last_purchase_on).days if facts.last_purchase_on else None


def occasions_for(customer: CustomerFacts, on: date, requested: str | None = None) -> frozenset[str]:
    """The occasions that apply to a customer on a date (plus the card's own, if any)."""
    found = {requested} if requested else set()
    if customer.birthday and customer.birthday.month == on.month:
        found.add("birthday")
    days = days_since_purchase(customer.purchases, on)
    if days is not None and days <= AFTER_SALES_WITHIN_DAYS:
        found.add("after_sales")
    if days is None or days >= RECALL_AFTER_DAYS:
        found.add("new_arrival")
    if days is not None and days >= AT_RISK_AFTER_DAYS:
        found.add("recall")
    due = customer.purchases.replenish_due_on
    if due and 0 <= (due - on).days <= 7:
        found.add("replenishment")
    return frozenset(found)


def in_scope(material: MaterialFacts, store_id: int | None, region: str | None) -> bool:
    """True when the material is shared with every store, the store's region, or the store itself."""
    if material.scope_all:
        return True
    return (store_id is not None and store_id in material.scope_store_ids) or \
        (region is not None and region in material.scope_regions)


def is_valid_on(material: MaterialFacts, on: date) -> bool:
    """True when the material is enabled and its validity window holds the date."""
    return material.enabled and (material.valid_from is None or material.valid_from <= on) and \
        (material.valid_to is None or on <= material.valid_to)


def exclusion(material: MaterialFacts, customer: CustomerFacts, on: date,
              occasions: frozenset[str]) -> str | None:
    """Why the material must not go to this customer today, or None when it may."""
    if not is_valid_on(material, on):
        return "未启用或不在有效期内"
    if not in_scope(material, customer.store_id, customer.region):
        return "不在门店范围内"
    if material.id in customer.sent_material_ids:
        return "已发送过"
    if material.tagged("tier") and customer.tier not in material.tagged("tier"):
        return "不适用于该顾客层级"
    if not in_audience(material.quadrants, customer.quadrant):
        return "不适用于该顾客象限"
    if material.tagged("occasion") and not material.tagged("occasion") & occasions:
        return "场合不符"
    seasons = material.tagged("season")
    if seasons and ALL_SEASONS not in seasons and season_of(on) not in seasons:
        return "非当季"
    return None


def _complement_score(material: MaterialFacts, bought_groups: set[str]) -> tuple[int, str | None]:
    """Reward materials whose garments complete what the customer bought for themselves."""
    if not bought_groups:
        return 0, None
    material_groups = {g for g in map(group_of, material.product_categories | material.tagged("category")) if g}
    wanted = set().union(*(COMPLEMENTS.get(g, frozenset()) for g in bought_groups)) - bought_groups
    completing = material_groups & wanted
    if completing:
        return 30 + 5 * len(completing), "搭配推荐：与已购单品成套"
    if material_groups and material_groups <= bought_groups:
        return -15, None  # more of what they already have
    return 0, None


def score(material: MaterialFacts, customer: CustomerFacts, on: date,
          occasions: frozenset[str], requested: str | None = None) -> Ranked:
    """Score an eligible material for a customer; reasons say why, in HQ's words."""
    points, reasons = 0, []
    matched = material.tagged("occasion") & occasions
    if requested and requested in matched:
        points, reasons = points + 80, reasons + [f"匹配场合：{OCCASION_LABELS.get(requested, requested)}"]
    elif matched:
        labels = "、".join(OCCASION_LABELS[o] for o in sorted(matched))
        points, reasons = points + 50, reasons + [f"匹配场合：{labels}"]
    if material.tagged("tier"):
        points, reasons = points + 10, reasons + ["适合该顾客层级"]
    purchases = customer.purchases
    self_groups = {g for g in map(group_of, purchases.self_categories) if g}
    bonus, why = _complement_score(material, self_groups)
    points += bonus
    reasons += [why] if why else []
    if purchases.gift_categories and material.tagged("scene") & GIFT_SCENES:
        points, reasons = points + 35, reasons + ["送礼顾客：礼品推荐"]
    if material.tagged("category") & (purchases.self_categories | purchases.gift_categories):
        points, reasons = points + 5, reasons + ["与购买品类相关"]
    if season_of(on) in material.tagged("season"):
        points, reasons = points + 10, reasons + ["当季"]
    if _is_new(material, on):
        recall = occasions & {"new_arrival", "recall"}
        points, reasons = points + (25 if recall else 8), reasons + ["新品"]
    return Ranked(material.id, points, tuple(reasons))


def _is_new(material: MaterialFacts, on: date) -> bool:
    launch = material.newest_launch_on
    return launch is not None and 0 <= (on - launch).days <= NEW_ARRIVAL_DAYS


def rank(materials: list[MaterialFacts], customer: CustomerFacts, on: date,
         requested: str | None = None, limit: int = 5) -> list[Ranked]:
    """The best eligible materials for a customer on a date, best first (newer wins ties)."""
    occasions = occasions_for(customer, on, requested)
    eligible = [m for m in materials if exclusion(m, customer, on, occasions) is None]
    ranked = [score(m, customer, on, occasions, requested) for m in eligible]
    ranked.sort(key=lambda r: (-r.score, -r.material_id))
    return ranked[:limit]
