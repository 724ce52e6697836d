"""Helpers for the purchases tests: signed order posts, sandbox friendships, rows read back."""
from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.rules.purchases import TIER_TAG_GROUP, TIER_TAG_NAMES
from bot.rules.webhook import signed_headers
from models import Customer, CustomerPurchase
from tests.conftest import API_TOKEN
from tests.spine.helpers import deliver

ORDER_SECRET = "order-webhook-secret-for-tests"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def order(order_no: str, *, customer: str | None = None, unionid: str | None = None, mobile: str | None = None,
          paid_at: str = "2026-03-01T10:00:00+08:00", amount: int = 19900, status: str = "paid",
          refunded_amount: int | None = None, store: str = "SH001", items: list | None = None,
          guide: str | None = None) -> dict:
    """An order as the POS sends it."""
    body = {"order_no": order_no, "store_code": store, "paid_at": paid_at, "amount": amount, "status": status,
            "items": items if items is not None else [
                {"sku": "SKU-1", "name": "柔肤水 50ml", "category": "护肤", "quantity": 1, "unit_price": amount}]}
    for key, value in (("external_userid", customer), ("unionid", unionid), ("mobile", mobile),
                       ("refunded_amount", refunded_amount), ("guide_userid", guide)):
        if value is not None:
            body[key] = value
    return body


def post_orders(client, orders: list[dict], *, secret: str = ORDER_SECRET, timestamp: int | None = None,
                signature: str | None = None):
    """POST a signed batch the way the POS does."""
    raw = json.dumps({"orders": orders}, ensure_ascii=False).encode()
    headers = signed_headers(secret, raw, int(time.time()) if timestamp is None else timestamp)
    if signature is not None:
        headers["X-Signature"] = signature
    return client.post("/api/v1/orders", data=raw, headers=headers)


def befriend(sandbox, driver, external_userid: str, guide: str) -> None:
    """The customer adds the guide in WeCom; the event reaches the app."""
    deliver(driver, sandbox.customer_adds_member(external_userid, guide))


def tier_tag_id(sandbox, tier: str) -> str:
    return sandbox.tag_id(TIER_TAG_GROUP, TIER_TAG_NAMES[tier])


def tier_tags_on(sandbox, external_userid: str, guide: str) -> set[str]:
    """Names of the tier tags the guide's customer carries in WeCom."""
    group = sandbox.group_by_name(TIER_TAG_GROUP)
    if group is None:
        return set()
    names = {t.id: t.name for t in group.tags}
    return {names[t] for t in sandbox.tags_of(external_userid, guide) if t in names}


def purchase_summary(db, external_userid: str) -> CustomerPurchase | None:
    with db.transaction() as session:
        return session.scalars(select(CustomerPurchase).join(Customer, Customer.id == CustomerPurchase.customer_id)
                               .where(Customer.external_userid == external_userid)).one_or_none()


def customer_json(client, external_userid: str) -> dict:
    response = client.get(f"/api/v1/customers/{external_userid}", headers=AUTH)
    assert response.status_code == 200
    return response.get_json()
