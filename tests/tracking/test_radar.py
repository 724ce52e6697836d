"""互动雷达 pages: after a send the guide sees the click, the coupon, the cart and the order; nobody else does."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from tests.tracking.helpers import (befriend, customer_id, event, order, post_events, post_orders, sent_todo,
                                    token)
from tests.web.helpers import sign_in_member


def _badges(html: str, todo_id: int) -> dict[str, str]:
    block = re.search(rf'data-testid="send" data-id="{todo_id}".*?</li>', html, re.S).group(0)
    return {name: re.sub(r"<[^>]+>", "", text).strip()
            for name, text in re.findall(r'data-testid="(clicked|claimed|carted|bought)">(.*?)</span>', block)}


def test_the_guide_sees_what_happened_after_each_send(client, db, org, sandbox, driver, work):
    lin = befriend(sandbox, driver, work, "林女士", "wangfang")
    zhou = befriend(sandbox, driver, work, "周先生", "wangfang")
    lin_id, zhou_id = customer_id(db, lin), customer_id(db, zhou)
    sent = datetime.now(timezone.utc) - timedelta(minutes=20)
    with db.transaction() as session:
        hot = sent_todo(session, "wangfang", lin_id, sent)
        quiet = sent_todo(session, "wangfang", zhou_id, sent)
        link = token(guide_id=hot.guide_id, customer_id=lin_id, todo_id=hot.id)
        hot_id, quiet_id = hot.id, quiet.id
    client.get(f"/t/{link}")
    now = datetime.now(timezone.utc)
    post_events(client, [event("r-1", "coupon_claim", at=now, token=link),
                         event("r-2", "add_to_cart", at=now, external_userid=lin)])
    post_orders(client, [order("R-1", customer=lin, paid_at=now.isoformat(), amount=36800)])

    sign_in_member(client, sandbox, "wangfang")
    html = client.get("/guide/radar/").get_data(as_text=True)
    assert _badges(html, hot_id) == {"clicked": "已点击 1", "claimed": "已领券", "carted": "已加购",
                                     "bought": "已成交 ¥368.00"}
    assert _badges(html, quiet_id) == {"clicked": "未点击", "claimed": "未领券", "carted": "未加购", "bought": "未成交"}
    assert re.search(r'data-testid="live-clicks">1<', html)
    detail = client.get(f"/guide/radar/todos/{hot_id}").get_data(as_text=True)
    assert "首次点击" in detail and "已成交 ¥368.00" in detail
    moments = client.get(f"/guide/radar/customers/{lin}").get_data(as_text=True)
    kinds = re.findall(r'data-kind="(\w+)"', moments)
    assert sorted(kinds) == ["add_to_cart", "click", "coupon_claim", "order", "send"]
    assert "互动雷达" in client.get(f"/guide/customers/{lin}").get_data(as_text=True)

    sign_in_member(client, sandbox, "lixiao")                           # another guide of the same store
    assert client.get(f"/guide/radar/todos/{hot_id}").status_code == 404
    assert client.get(f"/guide/radar/customers/{lin}").status_code == 404
    assert f'data-id="{hot_id}"' not in client.get("/guide/radar/").get_data(as_text=True)
