"""Scoping on the server: each role requests every parametrised page with another store's ids -> 404."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import Channel
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

WEB_BLUEPRINTS = ("guide", "manager", "hq")
NOT_FOUND_TEXT = "页面不存在"


def _web_get_rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.split(".")[0] in WEB_BLUEPRINTS and "GET" in r.methods and r.arguments]


def _url(app, rule, values: dict) -> str:
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"{rule.rule}: no foreign value for {unknown}; extend the scoping test"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _foreign_for_sh_members(shop) -> dict:
    """Ids that belong to the other store (HZ001) or to another guide."""
    return {"store_id": shop.stores["HZ001"], "guide_id": shop.guides["chenjing"],
            "external_userid": shop.customers["wu"], "channel_id": shop.channels["chenjing"]}


def test_a_guide_sees_only_their_own_customers(app, client, sandbox, shop):
    assert sign_in_member(client, sandbox, "wangfang").status_code == 302
    page = client.get("/guide/").get_data(as_text=True)
    assert "林姐VIP" in page and "购买过二次" in page
    assert "周先生" not in page and "吴小姐" not in page  # lixiao's (same store) and chenjing's (other store)
    assert client.get(f"/guide/customers/{shop.customers['lin']}").status_code == 200
    for label in ("zhou", "wu"):
        response = client.get(f"/guide/customers/{shop.customers[label]}")
        assert response.status_code == 404 and NOT_FOUND_TEXT in response.get_data(as_text=True)
        assert "周先生" not in response.get_data(as_text=True)
    for rule in _web_get_rules(app):
        if rule.endpoint.startswith("guide."):
            assert client.get(_url(app, rule, _foreign_for_sh_members(shop))).status_code == 404, rule.rule
        else:
            assert client.get(_url(app, rule, _foreign_for_sh_members(shop))).status_code == 403, rule.rule


def test_a_manager_sees_only_their_store(app, client, sandbox, shop):
    sign_in_member(client, sandbox, "zhangli")
    own = client.get(f"/manager/stores/{shop.stores['SH001']}")
    assert own.status_code == 200 and "王芳" in own.get_data(as_text=True)
    assert "陈静" not in own.get_data(as_text=True)
    foreign = _foreign_for_sh_members(shop)
    own_store_foreign_rest = {**foreign, "store_id": shop.stores["SH001"]}
    for rule in _web_get_rules(app):
        expected = {"guide": 404, "manager": 404, "hq": 403}[rule.endpoint.split(".")[0]]
        assert client.get(_url(app, rule, foreign)).status_code == expected, rule.rule
        if set(rule.arguments) - {"store_id"}:  # their own store, with another store's guide / customer / code
            assert client.get(_url(app, rule, own_store_foreign_rest)).status_code == expected, rule.rule


def test_a_manager_cannot_create_codes_for_another_store(client, sandbox, shop, db):
    sign_in_member(client, sandbox, "zhangli")
    token = csrf_token(client, f"/manager/stores/{shop.stores['SH001']}")
    with db.transaction() as session:
        before = session.scalar(select(func.count()).select_from(Channel))
    other = client.post(f"/manager/stores/{shop.stores['HZ001']}/channels",
                        data={"guide_userid": "chenjing", "csrf_token": token})
    foreign_guide = client.post(f"/manager/stores/{shop.stores['SH001']}/channels",
                                data={"guide_userid": "chenjing", "csrf_token": token})
    assert other.status_code == 404 and foreign_guide.status_code == 404
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Channel)) == before
    assert len(sandbox.calls("externalcontact/add_contact_way")) == 2  # only the shop's two codes


def test_hq_sees_every_store_and_nothing_that_does_not_exist(app, client, shop, db):
    make_hq_user(db)
    assert sign_in_hq(client).status_code == 302
    for code in ("SH001", "HZ001"):
        assert client.get(f"/manager/stores/{shop.stores[code]}").status_code == 200
        assert client.get(f"/hq/stores/{shop.stores[code]}").status_code == 200
    hz = client.get(f"/manager/stores/{shop.stores['HZ001']}/customers/{shop.customers['wu']}")
    assert hz.status_code == 200 and "吴小姐" in hz.get_data(as_text=True)
    missing = {"store_id": 987654, "guide_id": 987654, "external_userid": "wm-nobody", "channel_id": 987654}
    for rule in _web_get_rules(app):
        expected = 403 if rule.endpoint.startswith("guide.") else 404  # HQ accounts have no customers
        assert client.get(_url(app, rule, missing)).status_code == expected, rule.rule
    # a real store with another store's sub-resources is still 404
    mixed = {"store_id": shop.stores["SH001"], "guide_id": shop.guides["chenjing"],
             "external_userid": shop.customers["wu"], "channel_id": shop.channels["chenjing"]}
    for rule in _web_get_rules(app):
        if rule.endpoint.startswith("manager.") and len(rule.arguments) > 1:
            assert client.get(_url(app, rule, mixed)).status_code == 404, rule.rule


@pytest.mark.parametrize("path", ["/guide/", "/manager/", "/hq/", "/hq/org/import"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path, org):
    response = client.get(path)
    assert response.status_code == 302
    assert re.match(r"^/auth/login\?next=", response.headers["Location"])
