"""Selection from stored orders, materials and sends (the adapter and the rules together)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from content_library.catalogue import record_send, save_material
from content_library.files import MB, store_image
from content_library.forms import MaterialForm
from content_library.selection import select_materials
from content_library.storage import storage_for
from models import Customer, CustomerPurchase, Order, OrderItem, Store
from tests.content.helpers import image_bytes, outfit_form, product

TODAY = date(2026, 10, 15)


def _order(session, store_id: int, customer: Customer, day: date, lines: list[tuple[str, str]],
            status: str = "paid") -> None:
    amount = 39900 * len(lines)
    order = Order(store_id=store_id, order_no=f"NO-{customer.id}-{day}-{len(lines)}-{status}",
                  customer_id=customer.id, status=status, amount=amount,
                  refunded_amount=amount if status == "refunded" else 0,
                  paid_at=datetime(day.year, day.month, day.day, 4, tzinfo=timezone.utc), purchase_day=day)
    session.add(order)
    session.flush()
    for n, (sku, category) in enumerate(lines, start=1):
        session.add(OrderItem(order_id=order.id, line_no=n, sku=sku, name=sku, category=category, quantity=1,
                              unit_price=39900))


def _library(runtime, session, org) -> dict[str, int]:
    storage = storage_for(runtime.settings)
    scene = lambda c: store_image(session=session, storage=storage, data=image_bytes(c), filename=c,  # noqa: E731
                                  max_bytes=20 * MB).id
    shirt, skirt, knit = product(session, "S1", "衬衫").id, product(session, "K1", "半身裙").id, \
        product(session, "N1", "针织衫").id
    tee = product(session, "T1", "T恤").id
    ids = {
        "skirt_outfit": save_material(session=session, form=outfit_form(
            "秋日半裙搭配", [scene("#a00")], [skirt, knit], tags={"season": ["autumn"]})).id,
        "tops_outfit": save_material(session=session, form=outfit_form("叠穿上衣", [scene("#0a0")], [shirt, tee])).id,
        "other_store": save_material(session=session, form=outfit_form(
            "杭州限定", [scene("#00a")], [skirt, knit], scope="stores", store_ids=[org["HZ001"]])).id,
        "gift": save_material(session=session, form=MaterialForm(
            kind="image", title="礼盒推荐", file_ids=[scene("#aa0")], tags={"scene": ["送礼"]})).id,
    }
    return ids


def test_a_shirt_buyer_is_offered_the_outfit_that_completes_the_shirt(runtime, db, org):
    with db.transaction() as session:
        ids = _library(runtime, session, org)
        buyer = Customer(external_userid="wm-shirt", name="王芳", gender=2)
        session.add(buyer)
        session.flush()
        _order(session, org["SH001"], buyer, TODAY - timedelta(days=12), [("S9", "衬衫")])
        _order(session, org["SH001"], buyer, TODAY - timedelta(days=40), [("G1", "礼盒")], status="refunded")
        session.add(CustomerPurchase(customer_id=buyer.id, purchase_count=1, order_count=1, lifetime_amount=39900,
                                     last_purchase_day=TODAY - timedelta(days=12), tier="first"))
    with db.transaction() as session:
        store = session.get(Store, org["SH001"])
        buyer = session.get(Customer, buyer.id)
        picked = select_materials(session=session, customer=buyer, store=store, on=TODAY)
        titles = [s.material.title for s in picked]
        assert titles[0] == "秋日半裙搭配" and "杭州限定" not in titles
        assert titles.index("叠穿上衣") > titles.index("秋日半裙搭配")
        assert "送礼顾客：礼品推荐" not in picked[titles.index("礼盒推荐")].ranked.reasons  # the gift was refunded
        record_send(session=session, material_id=ids["skirt_outfit"], customer_id=buyer.id, guide_id=None)
    with db.transaction() as session:
        again = select_materials(session=session, customer=session.get(Customer, buyer.id),
                                 store=session.get(Store, org["SH001"]), on=TODAY)
        assert "秋日半裙搭配" not in [s.material.title for s in again]


def test_a_gift_buyer_is_offered_gift_ideas(runtime, db, org):
    with db.transaction() as session:
        _library(runtime, session, org)
        giver = Customer(external_userid="wm-gift", name="李明", gender=1)
        session.add(giver)
        session.flush()
        _order(session, org["SH001"], giver, TODAY - timedelta(days=3), [("G1", "礼盒")])
        session.add(CustomerPurchase(customer_id=giver.id, purchase_count=1, order_count=1, lifetime_amount=39900,
                                     last_purchase_day=TODAY - timedelta(days=3), tier="first"))
    with db.transaction() as session:
        picked = select_materials(session=session, customer=session.get(Customer, giver.id),
                                  store=session.get(Store, org["SH001"]), on=TODAY, limit=1)
        assert [s.material.title for s in picked] == ["礼盒推荐"]
