"""Every link a to-do sends is a signed /t/ link; its clicks, coupons and orders show on the material."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.flows.group_send import content_of
from bot.rules.tracking import read_link
from bot.services.todos import Policy, generate
from bot.services.todos_cadences import seed_defaults
from bot.services.todos_render import prepare_texts
from content_library.catalogue import material_stats, save_material
from content_library.forms import MaterialForm
from models import Material, Todo
from tests.todos.helpers import befriend as friend, cart, customer as new_customer, only, store_id
from tests.tracking.helpers import SECRET_KEY, event, order, post_events, post_orders

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_generated_links_are_signed_and_tracked_through_to_the_material(client, db, org, runtime):
    today = datetime.now(SHANGHAI).date()
    with db.transaction() as session:
        seed_defaults(session=session)
        only(session, "cart_no_order")
        material = save_material(session=session, form=MaterialForm(
            kind="link", title="春装上新", link_url="https://shop.example.com/spring?from=guide"))
        lin = new_customer(session, "林女士")
        friend(session, "wangfang", lin, today - timedelta(days=30))
        cart(session, lin, today - timedelta(days=3))
        material_id = material.id
    with db.transaction() as session:
        generate(session=session, on=today, store_ids=[store_id(session)], tz="Asia/Shanghai", policy=Policy())
        todo = session.scalars(select(Todo)).one()
        assert todo.text is None and todo.links == []         # rendered when the guide first opens the list
        assert prepare_texts(session=session, guide_id=todo.guide_id, on=today, link_secret=SECRET_KEY) == 1
        session.refresh(todo)
        [link] = todo.links
        ref = read_link(SECRET_KEY, link["token"])
        assert (ref.todo_id, ref.guide_id, ref.customer_id, ref.material_id, ref.target) == \
            (todo.id, todo.guide_id, lin, material_id, "https://shop.example.com/spring?from=guide")
        materials = {m.id: m for m in session.scalars(select(Material))}
        body = content_of(todo, materials, {}, "https://guide.example.com")
        assert body["attachments"][0]["link"]["url"] == f"https://guide.example.com/t/{link['token']}"
        eid = todo.customer.external_userid

    assert client.get(f"/t/{link['token']}").headers["Location"] == "https://shop.example.com/spring?from=guide"
    assert client.get(f"/t/{link['token']}").status_code == 302                       # a repeat: not counted
    now = datetime.now(timezone.utc)
    post_events(client, [event("claim-9", "coupon_claim", at=now, token=link["token"])])
    assert post_orders(client, [order("L-1", customer=eid, paid_at=now.isoformat(), amount=45600)]).status_code == 201
    with db.transaction() as session:
        stats = material_stats(session=session, material_ids=[material_id])[material_id]
    assert (stats.clicks, stats.coupon_claims, stats.attributed_orders, stats.attributed_amount_fen) == (1, 1, 1, 45600)
