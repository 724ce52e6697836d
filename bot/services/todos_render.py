"""The personal text, materials and links of to-dos, rendered when their guide first opens or sends them.

The daily generation only decides who gets which touch; a guide's listed to-dos are rendered when the
guide opens the workbench or the chat sidebar, or taps a card's one-tap button (`prepare_texts`), and are
kept from then on, so the copy reads fresh on the day it is first seen and a list nobody opens costs
nothing. Only to-dos with no text yet are rendered.
The copy is the rule's template chosen per customer (bot.rules.cadence.template_index) and rendered by the
content library's safe renderer with the surname-and-honorific salutation; materials come from the
content library's selection rules with the rule's selector.

The facts are read set-based (a bulk render of many guides' lists works the same way): the to-dos to render go
to a temporary table, and two streams ordered by customer (the to-dos with their customer, guide, store and
purchase summary; the customers' purchase lines) are merged in Python. The results go to a second temporary
table in multi-row INSERTs and are applied by one UPDATE ... FROM.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import date
from typing import Iterator

from sqlalchemy import (JSON, BigInteger, Column, Integer, MetaData, Select, Table, Text, insert, or_, select, text,
                        update)
from sqlalchemy.orm import Session

from bot.rules.cadence import template_index
from bot.rules.content_selection import CustomerFacts, in_scope, occasions_for, season_of
from bot.rules.content_selection import rank as rank_materials
from bot.services.tracking import issue_link_tokens
from content_library.catalogue import facts_of, list_materials
from content_library.payloads import SEASON_NAMES, Personal, placeholder_values
from content_library.purchases import purchase_facts_from
from content_library.templates import render
from models import (CadenceRule, Customer, CustomerPurchase, Guide, Material, MaterialSend, Order, OrderItem,
                    ReplenishCycle, Store)
from models.todo import TODO_PENDING, Todo

FALLBACK_TEMPLATE = "{salutation}，您好！我是{store}的{guide}，最近有什么需要随时找我～"
FALLBACK_PRODUCT = "宝贝"
BATCH = 2000
STREAM = 2000

TARGETS = Table("todo_render_target", MetaData(), Column("id", BigInteger, primary_key=True),
                Column("customer_id", BigInteger), prefixes=["TEMPORARY"])
RENDERED = Table("todo_rendered", MetaData(), Column("id", BigInteger, primary_key=True), Column("text", Text),
                 Column("template_index", Integer), Column("material_ids", JSON), Column("links", JSON),
                 prefixes=["TEMPORARY"])


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
        key = (self._scope(facts.store_id, facts.region), facts.tier, facts.purchases.self_categories,
               facts.purchases.gift_categories, facts.sent_material_ids & self._ids,
               occasions_for(facts, on, requested), requested, kinds, limit)
        if key not in self._memo:
            pool = [m for m in self.facts if not kinds or m.kind in kinds]
            self._memo[key] = [r.material_id for r in rank_materials(pool, facts, on, requested=requested,
                                                                     limit=limit)]
        return self._memo[key]


def _unrendered(guide_ids: Select | list[int], on: date) -> Select:
    """(id, customer_id) of the to-dos on today's lists that have no text yet."""
    return select(Todo.id, Todo.customer_id).where(
        Todo.text.is_(None), Todo.status == TODO_PENDING, Todo.listed.is_(True), Todo.due_on <= on,
        Todo.guide_id.in_(guide_ids))


def _todo_stream(session: Session) -> Iterator:
    stmt = (select(Todo.id, Todo.customer_id, Todo.rule_id, Todo.anchor, Todo.store_id, Customer.name,
                   Customer.gender, Customer.birthday, Guide.name.label("guide_name"),
                   CustomerPurchase.tier, CustomerPurchase.purchase_count, CustomerPurchase.last_purchase_day)
            .join(TARGETS, TARGETS.c.id == Todo.id).join(Customer, Customer.id == Todo.customer_id)
            .join(Guide, Guide.id == Todo.guide_id)
            .outerjoin(CustomerPurchase, CustomerPurchase.customer_id == Todo.customer_id)
            .order_by(Todo.customer_id, Todo.id))
    return _stream(session, stmt)


def _stream(session: Session, stmt) -> Iterator:
    """Rows of a Core SELECT fetched in chunks through a server-side cursor (no ORM row processing)."""
    return iter(session.connection().execute(stmt.execution_options(yield_per=STREAM)))


def _line_stream(session: Session) -> Iterator:
    """Every non-refunded order line of the customers to render, by customer, newest purchase first."""
    customers = select(TARGETS.c.customer_id).distinct().subquery("targets")
    stmt = (select(Order.customer_id, Order.purchase_day, OrderItem.name, OrderItem.category,
                   ReplenishCycle.name.label("cycle_name"), (ReplenishCycle.sku.is_not(None)).label("consumable"))
            .join(customers, customers.c.customer_id == Order.customer_id)
            .join(OrderItem, OrderItem.order_id == Order.id)
            .outerjoin(ReplenishCycle, ReplenishCycle.sku == OrderItem.sku)
            .where(Order.status != "refunded")
            .order_by(Order.customer_id, Order.purchase_day.desc(), Order.paid_at, OrderItem.line_no))
    return _stream(session, stmt)


def _sent_stream(session: Session) -> Iterator:
    customers = select(TARGETS.c.customer_id).distinct().subquery("targets")
    stmt = (select(MaterialSend.customer_id, MaterialSend.material_id)
            .join(customers, customers.c.customer_id == MaterialSend.customer_id)
            .order_by(MaterialSend.customer_id))
    return _stream(session, stmt)


class _Merge:
    """Walks a stream of (customer_id, ...) rows in step with ascending customer ids."""

    def __init__(self, rows: Iterator):
        self._rows = rows
        self._head = next(rows, None)

    def take(self, customer_id: int) -> list:
        while self._head is not None and self._head[0] < customer_id:
            self._head = next(self._rows, None)
        out = []
        while self._head is not None and self._head[0] == customer_id:
            out.append(self._head)
            self._head = next(self._rows, None)
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


def _render_one(row, rule: CadenceRule, customer: _Customer, store: Store, materials: _Materials,
                on: date) -> dict:
    templates = rule.templates or [FALLBACK_TEMPLATE]
    index = template_index(row.customer_id, rule.code, row.anchor, len(templates))
    product = customer.consumable if rule.kind == "replenishment" else customer.last_item
    personal = Personal(customer_name=row.name, customer_gender=row.gender, guide=row.guide_name,
                        store=store.name, product=product[0] or FALLBACK_PRODUCT, category=product[1],
                        coupon=rule.coupon, season=SEASON_NAMES[season_of(on)])
    chosen: list[int] = []
    if materials.facts and int((rule.material_spec or {}).get("limit") or 0) > 0:
        facts = CustomerFacts(
            customer_id=row.customer_id, store_id=store.id, region=store.region, tier=row.tier or "none",
            purchases=purchase_facts_from(purchase_count=row.purchase_count or 0,
                                          last_purchase_on=row.last_purchase_day, categories=customer.categories),
            birthday=row.birthday, sent_material_ids=customer.sent)
        chosen = materials.choose(facts, rule.material_spec or {}, on)
    links = [{"material_id": mid, "target": materials.by_id[mid].link_url, "token": None}
             for mid in chosen if materials.by_id[mid].link_url]
    return {"id": row.id, "text": render(templates[index], placeholder_values(personal)), "template_index": index,
            "material_ids": chosen, "links": links}


def _rendered(session: Session, rules: dict[int, CadenceRule], materials: _Materials, stores: dict[int, Store],
              on: date) -> Iterator[dict]:
    lines = _Merge(_line_stream(session))
    sent = _Merge(_sent_stream(session)) if materials.facts else None
    for customer_id, group in itertools.groupby(_todo_stream(session), key=lambda r: r.customer_id):
        todos = list(group)
        customer = _customer(lines.take(customer_id), sent.take(customer_id) if sent else [],
                             todos[0].last_purchase_day)
        for row in todos:
            yield _render_one(row, rules[row.rule_id], customer, stores[row.store_id], materials, on)


def _load(session: Session, rows: list[dict]) -> None:
    """Append rendered rows to the temporary table: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(RENDERED), rows)
        return
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy("COPY todo_rendered (id, text, template_index, material_ids, links) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((row["id"], row["text"], row["template_index"], json.dumps(row["material_ids"]),
                            json.dumps(row["links"], ensure_ascii=False)))


def render_listed(*, session: Session, guide_ids: Select, on: date) -> int:
    """Fill text, materials and links of these guides' to-dos on the day's lists not rendered yet."""
    return _render(session, _unrendered(guide_ids, on), on)


def prepare_texts(*, session: Session, guide_id: int, on: date, link_secret: str,
                  todo_ids: list[int] | None = None) -> int:
    """Make a guide's list ready to read or send: render its listed to-dos (and `todo_ids`, listed or not)
    that have no text yet, and sign their links. Return how many were rendered."""
    unrendered = _unrendered([guide_id], on)
    if todo_ids:
        unrendered = select(Todo.id, Todo.customer_id).where(
            Todo.text.is_(None), Todo.status == TODO_PENDING, Todo.guide_id == guide_id,
            or_(Todo.id.in_(todo_ids), Todo.id.in_(select(unrendered.subquery().c.id))))
    count = _render(session, unrendered, on)
    if link_secret:
        issue_link_tokens(session=session, guide_ids=[guide_id], on=on, secret=link_secret)
    return count


def _render(session: Session, targets: Select, on: date) -> int:
    connection = session.connection()
    TARGETS.drop(connection, checkfirst=True)   # left by a failed run on this pooled connection
    TARGETS.create(connection)
    count = len(session.execute(insert(TARGETS).from_select(["id", "customer_id"], targets)
                                .returning(TARGETS.c.id)).all())
    if count:
        _render_targets(session, on)
    TARGETS.drop(connection)   # (a failure rolls the whole transaction back, the table with it)
    return count


def _render_targets(session: Session, on: date) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE todo_render_target"))
    rules = {r.id: r for r in session.scalars(select(CadenceRule))}
    materials = _Materials(session, any(int((r.material_spec or {}).get("limit") or 0) > 0 for r in rules.values()))
    stores = {s.id: s for s in session.scalars(select(Store))}
    RENDERED.drop(session.connection(), checkfirst=True)
    RENDERED.create(session.connection())
    rows = _rendered(session, rules, materials, stores, on)
    while chunk := list(itertools.islice(rows, BATCH)):
        _load(session, chunk)
    session.execute(update(Todo).where(Todo.id == RENDERED.c.id).values(
        text=RENDERED.c.text, template_index=RENDERED.c.template_index, material_ids=RENDERED.c.material_ids,
        links=RENDERED.c.links).execution_options(synchronize_session=False))
    RENDERED.drop(session.connection())

