"""The material catalogue: save materials from HQ's form, list them, decide who may see them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from bot.rules.content_selection import MaterialFacts, in_scope, is_valid_on
from bot.rules.metrics import QUADRANTS
from content_library.forms import MaterialForm, MaterialInvalid, form_errors
from models import (
    Click, CommerceEvent, Material, MaterialFile, MaterialRegion, MaterialSend, MaterialStore, MaterialTag, MediaFile,
    Order, OrderAttribution, OutfitItem, Product, Store,
)
from models.todo import TODO_DONE, Todo

_LOAD = (
    selectinload(Material.files).selectinload(MaterialFile.file),
    selectinload(Material.tags), selectinload(Material.stores), selectinload(Material.regions),
    selectinload(Material.items).selectinload(OutfitItem.product),
)


@dataclass(frozen=True)
class MaterialStats:
    sends: int = 0
    customers: int = 0
    clicks: int = 0
    coupon_claims: int = 0
    add_to_carts: int = 0
    attributed_orders: int = 0
    attributed_amount_fen: int = 0


def _ids(session: Session, column, wanted: list[int]) -> set[int]:
    if not wanted:
        return set()
    return set(session.scalars(select(column).where(column.in_(set(wanted)))))


def save_material(*, session: Session, form: MaterialForm, material: Material | None = None,
                  created_by_id: int | None = None) -> Material:
    """Validate the form and create or update the material; raise MaterialInvalid on errors."""
    errors = form_errors(
        form, known_store_ids=_ids(session, Store.id, form.store_ids),
        known_file_ids=_ids(session, MediaFile.id, form.file_ids),
        known_product_ids=_ids(session, Product.id, form.product_ids))
    if material is not None and material.kind != form.kind:
        errors["kind"] = "素材类型创建后不能修改"
    if errors:
        raise MaterialInvalid(errors)
    if material is None:
        material = Material(kind=form.kind, created_by_id=created_by_id)
        session.add(material)
    _apply(material, form)
    session.flush()
    return material


def _apply(material: Material, form: MaterialForm) -> None:
    material.title = form.title.strip()
    material.body = form.body
    material.quadrants = [q for q in QUADRANTS if q in form.quadrants]
    material.link_url = form.link_url.strip() or None
    material.link_desc = form.link_desc.strip() or None
    material.mini_appid = form.mini_appid.strip() or None
    material.mini_page = form.mini_page.strip() or None
    material.scope, material.enabled = form.scope, form.enabled
    material.valid_from, material.valid_to = form.valid_from, form.valid_to
    material.tags = _merge(material.tags, [(d, v.strip()) for d, vs in form.tags.items() for v in vs],
                           lambda t: (t.dimension, t.value), lambda k: MaterialTag(dimension=k[0], value=k[1]))
    regions = [r.strip() for r in form.regions if r.strip()] if form.scope == "region" else []
    material.regions = _merge(material.regions, regions, lambda r: r.region, lambda k: MaterialRegion(region=k))
    stores = form.store_ids if form.scope == "stores" else []
    material.stores = _merge(material.stores, stores, lambda s: s.store_id, lambda k: MaterialStore(store_id=k))
    material.files = _merge(material.files, form.file_ids, lambda f: f.file_id, lambda k: MaterialFile(file_id=k))
    for position, item in enumerate(material.files):
        item.position = position
    products = form.product_ids if form.kind == "outfit" else []
    material.items = _merge(material.items, products, lambda i: i.product_id, lambda k: OutfitItem(product_id=k))
    for position, item in enumerate(material.items):
        item.position = position


def _merge(current: list, wanted_keys: list, key_of, make) -> list:
    """The wanted rows in order, reusing current rows with the same key (unique keys stay intact)."""
    by_key = {key_of(row): row for row in current}
    return [by_key.get(k) or make(k) for k in dict.fromkeys(wanted_keys)]


def set_enabled(*, session: Session, material_id: int, enabled: bool) -> Material | None:
    """Enable or disable a material; None when it does not exist."""
    material = session.get(Material, material_id)
    if material is not None:
        material.enabled = enabled
    return material


def get_material(*, session: Session, material_id: int) -> Material | None:
    """The material with its files, tags, scope and outfit items loaded."""
    return session.scalars(select(Material).where(Material.id == material_id).options(*_LOAD)).one_or_none()


def list_materials(*, session: Session, kind: str | None = None, query: str = "") -> list[Material]:
    """Materials, newest first, optionally of one kind or matching a title search."""
    stmt = select(Material).options(*_LOAD).order_by(Material.id.desc())
    if kind:
        stmt = stmt.where(Material.kind == kind)
    if query.strip():
        stmt = stmt.where(Material.title.contains(query.strip(), autoescape=True))
    return list(session.scalars(stmt))


def material_stats(*, session: Session, material_ids: list[int]) -> dict[int, MaterialStats]:
    """Statistics per material (zeros for a material never sent): sends (recorded or proven by a click), and the
    reactions to its tracked links.

    Clicks are the counted clicks of the material's links; coupon claims, add-to-carts and orders are
    those that came through one of its links (the event carried it, or it was the last click before).
    """
    if not material_ids:
        return {}
    ids = set(material_ids)
    sends = _send_counts(session, ids)
    clicks = dict(session.execute(select(Click.material_id, func.count()).where(
        Click.material_id.in_(ids), Click.counted.is_(True)).group_by(Click.material_id)).all())
    events = {(mid, kind): n for mid, kind, n in session.execute(
        select(CommerceEvent.material_id, CommerceEvent.kind, func.count())
        .where(CommerceEvent.material_id.in_(ids)).group_by(CommerceEvent.material_id, CommerceEvent.kind))}
    orders = {mid: (n, amount) for mid, n, amount in session.execute(
        select(OrderAttribution.material_id, func.count(), func.sum(Order.amount - Order.refunded_amount))
        .join(Order, Order.id == OrderAttribution.order_id)
        .where(OrderAttribution.material_id.in_(ids), Order.status != "refunded")
        .group_by(OrderAttribution.material_id))}
    return {mid: MaterialStats(
        sends=sends.get(mid, (0, 0))[0], customers=sends.get(mid, (0, 0))[1], clicks=int(clicks.get(mid, 0)),
        coupon_claims=events.get((mid, "coupon_claim"), 0), add_to_carts=events.get((mid, "add_to_cart"), 0),
        attributed_orders=orders.get(mid, (0, 0))[0], attributed_amount_fen=int(orders.get(mid, (0, 0))[1] or 0))
        for mid in material_ids}


def _send_counts(session: Session, ids: set[int]) -> dict[int, tuple[int, int]]:
    """(sends, customers reached) per material: the recorded sends, and the sends a click proves before they are
    recorded. A send is recorded once WeCom's results say it arrived (the poller, minutes later), but a click
    on the to-do's link can come first; a link shared by hand (`tracking link`) is never recorded at all."""
    recorded = select(MaterialSend.material_id.label("material_id"), MaterialSend.customer_id.label("customer_id")) \
        .where(MaterialSend.material_id.in_(ids))
    clicked_todos = select(Click.material_id, Click.customer_id).join(Todo, Todo.id == Click.todo_id) \
        .where(Click.material_id.in_(ids), Todo.status != TODO_DONE) \
        .group_by(Click.material_id, Click.todo_id, Click.customer_id)
    by_hand = select(Click.material_id, literal(None, type_=Click.customer_id.type)) \
        .where(Click.material_id.in_(ids), Click.todo_id.is_(None)).group_by(Click.material_id, Click.link_key)
    sends = union_all(recorded, clicked_todos, by_hand).subquery()
    return {mid: (n, c) for mid, n, c in session.execute(
        select(sends.c.material_id, func.count(), func.count(distinct(sends.c.customer_id)))
        .group_by(sends.c.material_id))}


def facts_of(material: Material) -> MaterialFacts:
    """The material as the pure selection rules see it."""
    tags: dict[str, set[str]] = {}
    for tag in material.tags:
        tags.setdefault(tag.dimension, set()).add(tag.value)
    launches = [i.product.launch_on for i in material.items if i.product.launch_on]
    return MaterialFacts(
        id=material.id, kind=material.kind, enabled=material.enabled, valid_from=material.valid_from,
        valid_to=material.valid_to, scope_all=material.scope == "all",
        scope_regions=frozenset(r.region for r in material.regions),
        scope_store_ids=frozenset(s.store_id for s in material.stores),
        tags={k: frozenset(v) for k, v in tags.items()},
        product_categories=frozenset(i.product.category for i in material.items),
        newest_launch_on=max(launches) if launches else None, quadrants=frozenset(material.quadrants or ()),
    )


def visible_to_store(material: Material, store: Store | None, on: date) -> bool:
    """True when a guide of the store may see and send the material on that date."""
    facts = facts_of(material)
    return store is not None and is_valid_on(facts, on) and in_scope(facts, store.id, store.region)


def materials_for_store(*, session: Session, store: Store, on: date) -> list[Material]:
    """Every material a guide of the store may send on that date, newest first."""
    return [m for m in list_materials(session=session) if visible_to_store(m, store, on)]


def record_send(*, session: Session, material_id: int, customer_id: int, guide_id: int | None) -> MaterialSend:
    """Record that a guide sent a material to a customer (statistics and 'already sent')."""
    send = MaterialSend(material_id=material_id, customer_id=customer_id, guide_id=guide_id)
    session.add(send)
    session.flush()
    return send


def form_of(material: Material) -> MaterialForm:
    """The form HQ edits for an existing material."""
    dimensions = {t.dimension for t in material.tags}
    return MaterialForm(
        kind=material.kind, title=material.title, body=material.body, link_url=material.link_url or "",
        link_desc=material.link_desc or "", mini_appid=material.mini_appid or "",
        mini_page=material.mini_page or "", tags={d: material.tag_values(d) for d in dimensions},
        scope=material.scope, regions=[r.region for r in material.regions],
        store_ids=[s.store_id for s in material.stores], valid_from=material.valid_from,
        valid_to=material.valid_to, enabled=material.enabled, file_ids=[f.file_id for f in material.files],
        product_ids=[i.product_id for i in material.items], quadrants=list(material.quadrants or ()),
    )


@dataclass
class EditorChoices:
    stores: list[Store]
    regions: list[str]
    products: list[Product]
    recent_files: list[MediaFile]
    chosen_files: list[MediaFile]


def editor_choices(*, session: Session, file_ids: list[int], recent: int = 48) -> EditorChoices:
    """What the material editor offers: stores, regions, products, recent images, and the chosen images."""
    stores = list(session.scalars(select(Store).order_by(Store.code)))
    by_id = {f.id: f for f in session.scalars(select(MediaFile).where(MediaFile.id.in_(file_ids)))} \
        if file_ids else {}
    return EditorChoices(
        stores=stores, regions=sorted({s.region for s in stores if s.region}),
        products=list_products(session=session),
        recent_files=list(session.scalars(select(MediaFile).order_by(MediaFile.id.desc()).limit(recent))),
        chosen_files=[by_id[i] for i in file_ids if i in by_id],
    )


def store_names(*, session: Session) -> dict[int, str]:
    """Every store's name by id (to show a material's scope)."""
    return {store_id: name for store_id, name in session.execute(select(Store.id, Store.name))}


def list_products(*, session: Session) -> list[Product]:
    """Every product, newest launch first."""
    return list(session.scalars(select(Product).options(selectinload(Product.image))
                                .order_by(Product.launch_on.desc().nulls_last(), Product.sku)))
