"""The personal text, materials and links of to-dos, rendered when their guide first opens or sends them.

The daily generation only decides who gets which touch; a guide's listed to-dos are rendered when the
guide opens the workbench or the chat sidebar, or taps a card's one-tap button (`prepare_texts`), and are
kept from then on, so the copy reads fresh on the day it is first seen and a list nobody opens costs
nothing. Only to-dos with no text yet are rendered.
The copy is the rule's template chosen per customer (bot.rules.cadence.template_index) and rendered by the
content library's safe renderer with the surname-and-honorific salutation; materials come from the
content library's selection rules with the rule's selector; each material link is signed as it is chosen
(bot.services.tracking.signed_links).

A guide's list is a handful of to-dos: three reads (the to-dos with their customer, guide and purchase
summary; the customers' purchase lines; the materials already sent to them) and one bulk UPDATE by id.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.rules.benefits import benefit_text
from bot.rules.cadence import template_index
from bot.rules.content_selection import CustomerFacts, in_scope, occasions_for, season_of
from bot.rules.content_selection import rank as rank_materials
from bot.rules.metrics import QuadrantThresholds
from bot.services.metrics import configured_thresholds
from bot.services.quadrants import quadrants_of
from bot.services.tracking import signed_links
from content_library.catalogue import facts_of, list_materials
from content_library.payloads import SEASON_NAMES, Personal, placeholder_values
from content_library.purchases import purchase_facts_from
from content_library.templates import render
from models import (CadenceRule, Customer, CustomerPurchase, Guide, Material, MaterialSend, Order, OrderItem,
                    ReplenishCycle, Store)
from models.todo import TODO_PENDING, Todo

FALLBACK_TEMPLATE = "{salutation}，您好！我是{store}的{guide}，最近有什么需要随时找我～"
FALLBACK_PRODUCT = "宝贝"


@dataclasses.dataclass
class _Customer:
    """What rendering needs of one customer, gathered from the purchase-line stream."""

    last_item: tuple[str, str] = ("", "")            # first line of the last purchase
    consumable: tuple[str, str] = ("", "")           # the most recently bought SKU with a usage cycle
    categories: set[str] = dataclasses.field(default_factory=set)
    sent: frozenset[int] = frozenset()


class _Materials:
    """The enabled materials, loaded once per run, ranked per customer with a memo.

    The ranking of bot.rules.content_selection depends only on the materials in the store's scope,
    the customer's tier, categories, materials already sent and the day's occasions, so customers
    alike in those share one ranking (a run renders many thousands of to-dos).
    """

    def __init__(self, session: Session, needed: bool):
        self.by_id: dict[int, Material] = {m.id: m for m in list_materials(session=session) if m.enabled} \
            if needed else {}
        self.facts = [facts_of(m) for m in self.by_id.values()]
        self._ids = frozenset(self.by_id)
        self._scopes: dict[tuple, frozenset[int]] = {}
        self._memo: dict[tuple, list[int]] = {}

    def _scope(self, store_id: int | None, region: str | None) -> frozenset[int]:
        if (store_id, region) not in self._scopes:
            self._scopes[(store_id, region)] = frozenset(m.id for m in self.facts if in_scope(m, store_id, region))
        return self._scopes[(store_id, region)]

    def choose(self, facts: CustomerFacts, spec: dict, on: date) -> list[int]:
        limit, kinds = int(spec.get("limit") or 0), tuple(sorted(spec.get("kinds") or ()))
        if limit <= 0 or not self.facts:
            return []
        requested = spec.get("occasion") or None
        key = (self._scope(facts.store_id, facts.region), facts.tier, facts.quadrant, facts.purchases.self_categories,
               facts.purchases.gift_categories, facts.sent_material_ids & self._ids,
               occasions_for(facts, on, requested), requested, kinds, limit)
        if key not in self._memo:
            pool = [m for m in self.facts if not kinds or m.kind in kinds]
            self._memo[key] = [r.material_id for r in rank_materials(pool, facts, on, requested=requested,
                                                                     limit=limit)]
        return self._memo[key]


def _unrendered(session: Session, guide_id: int, on: date, todo_ids: list[int] | None) -> list:
    """The guide's pending to-dos without text: those on the day's list, and `todo_ids` (listed or not);
    with what rendering reads of each, by customer."""
    wanted = and_(Todo.listed.is_(True), Todo.due_on <= on)
    if todo_ids:
        wanted = or_(wanted, Todo.id.in_(todo_ids))
    return session.execute(
        select(Todo.id, Todo.guide_id, Todo.customer_id, Todo.rule_id, Todo.anchor, Todo.store_id, Customer.name,
               Customer.gender, Customer.birthday, Guide.name.label("guide_name"), CustomerPurchase.tier,
               CustomerPurchase.purchase_count, CustomerPurchase.last_purchase_day)
        .join(Customer, Customer.id == Todo.customer_id).join(Guide, Guide.id == Todo.guide_id)
        .outerjoin(CustomerPurchase, CustomerPurchase.customer_id == Todo.customer_id)
        .where(Todo.guide_id == guide_id, Todo.status == TODO_PENDING, Todo.text.is_(None), wanted)
        .order_by(Todo.customer_id, Todo.id)).all()


def _lines(session: Session, customer_ids: list[int]) -> dict[int, list]:
    """Every non-refunded order line of these customers, newest purchase first."""
    rows = session.execute(
        select(Order.customer_id, Order.purchase_day, OrderItem.name, OrderItem.category,
               ReplenishCycle.name.label("cycle_name"), (ReplenishCycle.sku.is_not(None)).label("consumable"))
        .join(OrderItem, OrderItem.order_id == Order.id)
        .outerjoin(ReplenishCycle, ReplenishCycle.sku == OrderItem.sku)
        .where(Order.customer_id.in_(customer_ids), Order.status != "refunded")
        .order_by(Order.customer_id, Order.purchase_day.desc(), Order.paid_at, OrderItem.line_no))
    return _by_customer(rows)


def _sent(session: Session, customer_ids: list[int]) -> dict[int, list]:
    return _by_customer(session.execute(select(MaterialSend.customer_id, MaterialSend.material_id)
                                        .where(MaterialSend.customer_id.in_(customer_ids))))


def _by_customer(rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


def _customer(lines: list, sent: list, last_day: date | None) -> _Customer:
    found = _Customer(sent=frozenset(m for _c, m in sent))
    for _cid, day, name, category, cycle_name, consumable in lines:
        if category:
            found.categories.add(category)
        if day == last_day and found.last_item == ("", ""):
            found.last_item = (name or "", category or "")
        if consumable and found.consumable == ("", ""):
            found.consumable = (name or cycle_name or "", category or "")
    return found


def _render_one(row, rule: CadenceRule, customer: _Customer, store: Store, materials: _Materials, on: date,
                link_secret: str, quadrant: str | None) -> dict:
    templates = rule.templates or [FALLBACK_TEMPLATE]
    index = template_index(row.customer_id, rule.code, row.anchor, len(templates))
    product = customer.consumable if rule.kind == "replenishment" else customer.last_item
    personal = Personal(customer_name=row.name, customer_gender=row.gender, guide=row.guide_name,
                        store=store.name, product=product[0] or FALLBACK_PRODUCT, category=product[1],
                        coupon=benefit_text(rule.coupon, rule.coupon_amount, rule.coupon_code),
                        season=SEASON_NAMES[season_of(on)])
    chosen: list[int] = []
    if materials.facts and int((rule.material_spec or {}).get("limit") or 0) > 0:
        facts = CustomerFacts(
            customer_id=row.customer_id, store_id=store.id, region=store.region, tier=row.tier or "none",
            purchases=purchase_facts_from(purchase_count=row.purchase_count or 0,
                                          last_purchase_on=row.last_purchase_day, categories=customer.categories),
            birthday=row.birthday, sent_material_ids=customer.sent, quadrant=quadrant)
        chosen = materials.choose(facts, rule.material_spec or {}, on)
    links = [{"material_id": mid, "target": materials.by_id[mid].link_url}
             for mid in chosen if materials.by_id[mid].link_url]
    return {"id": row.id, "text": render(templates[index], placeholder_values(personal)), "template_index": index,
            "material_ids": chosen,
            "links": signed_links(link_secret, links, todo_id=row.id, guide_id=row.guide_id,
                                  customer_id=row.customer_id)}


def prepare_texts(*, session: Session, guide_id: int, on: date, link_secret: str,
                  todo_ids: list[int] | None = None, thresholds: QuadrantThresholds | None = None) -> int:
    """Make a guide's list ready to read or send: render its listed to-dos (and `todo_ids`, listed or not)
    that have no text yet, their links signed with `link_secret` (unsigned without one). Materials for some
    value quadrants go only to customers in them on `on` (thresholds: the QUADRANT_* settings by default).
    Return how many."""
    todos = _unrendered(session, guide_id, on, todo_ids)
    if not todos:
        return 0
    rules = {r.id: r for r in session.scalars(select(CadenceRule))}
    materials = _Materials(session, any(int((r.material_spec or {}).get("limit") or 0) > 0 for r in rules.values()))
    stores = {sid: session.get(Store, sid) for sid in {t.store_id for t in todos}}
    customer_ids = sorted({t.customer_id for t in todos})
    lines = _lines(session, customer_ids)
    sent = _sent(session, customer_ids) if materials.facts else {}
    customers = {t.customer_id: _customer(lines.get(t.customer_id, []), sent.get(t.customer_id, []),
                                          t.last_purchase_day) for t in todos}
    quadrants = quadrants_of(session=session, customer_ids=customer_ids, on=on,
                             thresholds=thresholds or configured_thresholds()) \
        if any(f.quadrants for f in materials.facts) else {}
    session.execute(update(Todo), [
        _render_one(t, rules[t.rule_id], customers[t.customer_id], stores[t.store_id], materials, on, link_secret,
                    quadrants.get(t.customer_id))
        for t in todos])
    return len(todos)
