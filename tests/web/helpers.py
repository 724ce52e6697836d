"""Helpers for the web tests: a small shop built through the real paths, and signing in."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from bot.services.accounts import create_hq_user
from models import Channel, Guide, Store
from tests.conftest import API_TOKEN
from tests.purchases.helpers import post_orders
from tests.spine.helpers import deliver

ORDER_SECRET = "order-secret-for-web-tests"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
HQ_USERNAME, HQ_PASSWORD = "zongbu", "correct-horse-42"
# Targets a browser could read as another site (it drops tabs and newlines and reads "\\" as "/").
HOSTILE_NEXT = ["//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com", "/\t/evil.example.com/",
                "/\n/evil.example.com", "/\r\n/evil.example.com", "\t//evil.example.com", " /guide/",
                "/%09/evil.example.com", "/%5Cevil.example.com", "/%2F/evil.example.com", "/%2f%2fevil.example.com",
                "/ /evil.example.com", "/\u3000/evil.example.com", "/\x00/evil.example.com", "/\u200b/evil.example.com",
                "java\tscript:alert(1)", "javascript:alert(1)", "http:/evil.example.com", "evil.example.com",
                "/" + "a" * 2100, "", None]


@dataclass
class Shop:
    """Ids of the shop the web tests look at."""

    stores: dict[str, int]
    guides: dict[str, int]
    customers: dict[str, str]  # label -> external_userid
    channels: dict[str, int]  # guide userid -> channel id
    qr_codes: dict[int, str]


def _channel(client, guide: str, campaign: str) -> dict:
    response = client.post("/api/v1/channels", json={"guide_userid": guide, "campaign": campaign}, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _orders(client, orders: list[dict]) -> None:
    response = post_orders(client, orders, secret=ORDER_SECRET)
    assert response.status_code in (200, 201), response.get_json()


def _order(no: str, eid: str, store: str, paid_at: str, amount: int) -> dict:
    return {"order_no": no, "store_code": store, "paid_at": paid_at, "amount": amount, "status": "paid",
            "external_userid": eid,
            "items": [{"sku": "SKU-" + no, "name": "羊毛大衣", "category": "服装", "quantity": 1, "unit_price": amount}]}


def build_shop(client, sandbox, driver, work, db, org) -> Shop:
    """Two stores' customers, a lost friend, a group, orders: every event through the callback and worker."""
    sh = _channel(client, "wangfang", "双11")
    hz = _channel(client, "chenjing", "西湖快闪")
    lin, zhou, zheng, wu = (sandbox.new_customer(n) for n in ("林女士", "周先生", "郑女士", "吴小姐"))
    deliver(driver, sandbox.customer_scans_contact_way(sh["config_id"], lin))
    deliver(driver, sandbox.member_edits_customer(lin, "wangfang", remark="林姐VIP"))
    deliver(driver, sandbox.customer_adds_member(zhou, "lixiao"))
    deliver(driver, sandbox.customer_adds_member(zheng, "wangfang"))
    deliver(driver, sandbox.customer_deletes_member(zheng, "wangfang"))
    deliver(driver, sandbox.customer_scans_contact_way(hz["config_id"], wu))
    _chat_id, create_xml = sandbox.create_group("wangfang", "南京路VIP群", [lin])
    deliver(driver, create_xml)
    work()
    _orders(client, [_order("SH-1", lin, "SH001", "2026-03-01T10:00:00+08:00", 129900),
                     _order("SH-2", lin, "SH001", "2026-03-20T15:30:00+08:00", 59900),
                     _order("HZ-1", wu, "HZ001", "2026-03-05T11:00:00+08:00", 88800)])
    work()
    with db.transaction() as session:
        guides = {g.userid: g.id for g in session.scalars(select(Guide))}
        channels = {c.guide.userid: c.id for c in session.scalars(select(Channel))}
        qr_codes = {c.id: c.qr_code for c in session.scalars(select(Channel))}
    return Shop(stores=org, guides=guides, customers={"lin": lin, "zhou": zhou, "zheng": zheng, "wu": wu},
                channels=channels, qr_codes=qr_codes)


def make_hq_user(db, username: str = HQ_USERNAME, password: str = HQ_PASSWORD) -> int:
    with db.transaction() as session:
        return create_hq_user(session=session, username=username, password=password, display_name="总部运营").id


def csrf_token(client, path: str = "/auth/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def sign_in_member(client, sandbox, userid: str, next_path: str | None = None):
    """WeCom OAuth with the test client: start, get a code for userid from the sandbox, come back."""
    start = client.get("/auth/wecom" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    code = sandbox.issue_oauth_code(userid)
    return client.get(f"/auth/wecom/callback?code={code}&state={query['state'][0]}")


def sign_in_hq(client, username: str = HQ_USERNAME, password: str = HQ_PASSWORD):
    token = csrf_token(client)
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})


def sign_in_hq_in_browser(page, web: str, path: str = "/hq/") -> None:
    """Open an HQ page in the browser and sign in with the HQ password account; back on path."""
    page.goto(web + path)
    page.fill("input[name=username]", HQ_USERNAME)
    page.fill("input[name=password]", HQ_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(web + path)


def store_ids(db) -> dict[str, int]:
    with db.transaction() as session:
        return {s.code: s.id for s in session.scalars(select(Store))}
