"""The personal text, materials and link targets of listed to-dos, filled in batches after generation.

Only the to-dos on the day's lists that have no text yet are rendered (never a pass over every customer). The copy is the
rule's template chosen per customer (bot.rules.cadence.template_index) and rendered by the content
library's safe renderer with the surname-and-honorific salutation; materials come from the content
library's selection rules with the rule's selector.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from bot.rules.cadence import template_index
from bot.rules.content_selection import CustomerFacts, in_scope, occasions_for, season_of
from bot.rules.content_selection import rank as rank_materials
from bot.services.todos_sql import counted
from content_library.catalogue import facts_of, list_materials
from content_library.payloads import SEASON_NAMES, Personal, placeholder_values
from content_library.selection import customer_facts_many
from content_library.templates import render
from models import CadenceRule, Customer, CustomerPurchase, Guide, Material, Order, OrderItem, ReplenishCycle, Store
from models.todo import TODO_PENDING, Todo

FALLBACK_TEMPLATE = "{salutation}，您好！我是{store}的{guide}，最近有什么需要随时找我～"
FALLBACK_PRODUCT = "宝贝"
BATCH = 1000


@dataclasses.dataclass
class _Row:
    id: int
    customer_id: int
    rule_id: int
    anchor: date
    store_id: int
    customer_name: str
    gender: int
    birthday: date | None
    guide_name: str
    store_name: str
    region: str | None


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
        key = (self._scope(facts.store_id, facts.region), facts.tier, facts.purchases.self_categories,
               facts.purchases.gift_categories, facts.sent_material_ids & self._ids,
               occasions_for(facts, on, requested), requested, kinds, limit)
        if key not in self._memo:
            pool = [m for m in self.facts if not kinds or m.kind in kinds]
            self._memo[key] = [r.material_id for r in rank_materials(pool, facts, on, requested=requested,
                                                                     limit=limit)]
        return self._memo[key]


def _listed_unrendered(guide_ids: Select, on: date, after_id: int, limit: int) -> Select:
    return (select(Todo.id, Todo.customer_id, Todo.rule_id, Todo.anchor, Todo.store_id,
                   Customer.name.label("customer_name"), Customer.gender, Customer.birthday,
                   Guide.name.label("guide_name"), Store.name.label("store_name"), Store.region)
            .join(Customer, Customer.id == Todo.customer_id).join(Guide, Guide.id == Todo.guide_id)
            .join(Store, Store.id == Todo.store_id)
            .where(Todo.text.is_(None), Todo.status == TODO_PENDING, Todo.listed.is_(True), Todo.due_on <= on,
                   Todo.guide_id.in_(guide_ids), Todo.id > after_id)
            .order_by(Todo.id).limit(limit))


def last_items(*, session: Session, customer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, category) of the first item of each customer's last purchase."""
    rows = session.execute(
        select(Order.customer_id, OrderItem.name, OrderItem.category)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .join(CustomerPurchase, (CustomerPurchase.customer_id == Order.customer_id)
              & (CustomerPurchase.last_purchase_day == Order.purchase_day))
        .where(Order.customer_id.in_(customer_ids), counted(Order.__table__))
        .order_by(Order.customer_id, Order.paid_at, OrderItem.line_no))
    out: dict[int, tuple[str, str]] = {}
    for customer_id, name, category in rows:
        out.setdefault(customer_id, (name or "", category or ""))
    return out


def consumables(*, session: Session, customer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, category) of each customer's most recently bought consumable (a SKU with a usage cycle)."""
    rows = session.execute(
        select(Order.customer_id, OrderItem.name, OrderItem.category, ReplenishCycle.name.label("cycle_name"))
        .join(OrderItem, OrderItem.order_id == Order.id).join(ReplenishCycle, ReplenishCycle.sku == OrderItem.sku)
        .where(Order.customer_id.in_(customer_ids), counted(Order.__table__))
        .order_by(Order.customer_id, Order.purchase_day.desc(), OrderItem.line_no))
    out: dict[int, tuple[str, str]] = {}
    for customer_id, name, category, cycle_name in rows:
        out.setdefault(customer_id, (name or cycle_name or "", category or ""))
    return out


def _facts(session: Session, rows: list[_Row], stores: dict[int, Store]) -> dict[int, CustomerFacts]:
    customers = [SimpleNamespace(id=r.customer_id, birthday=r.birthday) for r in rows]
    by_customer = {r.customer_id: stores[r.store_id] for r in rows}
    return customer_facts_many(session=session, customers=customers, stores=by_customer)


def _render_one(row: _Row, rule: CadenceRule, product: tuple[str, str], on: date) -> tuple[str, int]:
    templates = rule.templates or [FALLBACK_TEMPLATE]
    index = template_index(row.customer_id, rule.code, row.anchor, len(templates))
    personal = Personal(customer_name=row.customer_name, customer_gender=row.gender, guide=row.guide_name,
                        store=row.store_name, product=product[0] or FALLBACK_PRODUCT, category=product[1],
                        coupon=rule.coupon, season=SEASON_NAMES[season_of(on)])
    return render(templates[index], placeholder_values(personal)), index


def _render_batch(session: Session, rows: list[_Row], rules: dict[int, CadenceRule], materials: _Materials,
                  on: date) -> list[dict]:
    ids = [r.customer_id for r in rows]
    products = last_items(session=session, customer_ids=ids)
    refill_ids = [r.customer_id for r in rows if rules[r.rule_id].kind == "replenishment"]
    refills = consumables(session=session, customer_ids=refill_ids) if refill_ids else {}
    wants = [r for r in rows if int((rules[r.rule_id].material_spec or {}).get("limit") or 0) > 0]
    facts = _facts(session, wants, {s.id: s for s in session.scalars(select(Store))}) \
        if wants and materials.facts else {}
    updates = []
    for row in rows:
        rule = rules[row.rule_id]
        source = refills if rule.kind == "replenishment" else products
        text, index = _render_one(row, rule, source.get(row.customer_id, ("", "")), on)
        chosen = materials.choose(facts[row.customer_id], rule.material_spec or {}, on) \
            if row.customer_id in facts else []
        links = [{"material_id": mid, "target": materials.by_id[mid].link_url, "token": None}
                 for mid in chosen if materials.by_id[mid].link_url]
        updates.append({"id": row.id, "text": text, "template_index": index, "material_ids": chosen,
                        "links": links})
    return updates


def render_listed(*, session: Session, guide_ids: Select, on: date, batch: int = BATCH) -> int:
    """Fill text, materials and links of the to-dos on today's lists not rendered yet; return how many.

    A to-do waiting off the list is rendered on the day it makes the list, so its copy reads fresh then.
    """
    rules = {r.id: r for r in session.scalars(select(CadenceRule))}
    needs_materials = any(int((r.material_spec or {}).get("limit") or 0) > 0 for r in rules.values())
    materials = _Materials(session, needs_materials)
    after, total = 0, 0
    while True:
        rows = [_Row(*r) for r in session.execute(_listed_unrendered(guide_ids, on, after, batch))]
        if not rows:
            return total
        updates = _render_batch(session, rows, rules, materials, on)
        session.execute(update(Todo), updates)
        after, total = rows[-1].id, total + len(rows)
