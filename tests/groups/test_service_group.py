"""一客一群 end to end: the manager turns it on, the guide makes a 「加入群聊」 code of the group they created in
WeCom, and the customer's join through it pairs the customer with the group."""
from __future__ import annotations

import re

from sqlalchemy import select

from models.group_guard import ServiceGroup
from tests.groups.helpers import open_group
from tests.spine.helpers import deliver
from tests.web.helpers import csrf_token, sign_in_member


def services(db) -> list[ServiceGroup]:
    with db.transaction() as session:
        return list(session.scalars(select(ServiceGroup).order_by(ServiceGroup.id)))


def test_a_guide_pairs_a_customer_with_their_own_service_group(app, org, sandbox, driver, work, db, clock):
    lin, zhou = sandbox.new_customer("林女士"), sandbox.new_customer("周先生")
    deliver(driver, sandbox.customer_adds_member(lin, "wangfang"))
    deliver(driver, sandbox.customer_adds_member(zhou, "wangfang"))
    work()
    guide = app.test_client()
    sign_in_member(guide, sandbox, "wangfang")
    url = f"/guide/customers/{lin}/service-group/"
    assert guide.get(url).status_code == 404                               # 一客一群 is off in the store
    assert "service-group-link" not in guide.get(f"/guide/customers/{lin}").get_data(as_text=True)

    manager = app.test_client()
    sign_in_member(manager, sandbox, "zhangli")
    store_url = f"/manager/stores/{org['SH001']}/groups/"
    manager.post(store_url + "settings", data={"csrf_token": csrf_token(manager, store_url),
                                               "one_customer_group": "1", "rules_text": "店长不能改群规"})
    assert "店长不能改群规" not in manager.get(store_url).get_data(as_text=True)
    assert "service-group-link" in guide.get(f"/guide/customers/{lin}").get_data(as_text=True)
    assert "no-groups" in guide.get(url).get_data(as_text=True)

    chat_id = open_group(sandbox, driver, work, name="林女士专属服务群")
    page = guide.get(url).get_data(as_text=True)
    group_id = re.search(r'<option value="(\d+)">林女士专属服务群', page).group(1)
    token = csrf_token(guide, url)
    assert "请选择" in guide.post(url, data={"csrf_token": token, "group_id": "999"},
                                 follow_redirects=True).get_data(as_text=True)
    done = guide.post(url, data={"csrf_token": token, "group_id": group_id}, follow_redirects=True)
    assert "已生成入群二维码" in done.get_data(as_text=True) and "service-qr" in done.get_data(as_text=True)
    (row,) = services(db)
    way = sandbox.join_ways[row.config_id]
    assert way.chat_id_list == [chat_id] and way.state == row.state and row.status == "waiting"

    clock.advance(5)                                  # someone else scans the code first: no pairing
    deliver(driver, sandbox.customer_scans_join_way(row.config_id, [zhou]))
    work()
    assert services(db)[0].status == "waiting"
    clock.advance(5)
    deliver(driver, sandbox.customer_scans_join_way(row.config_id, [lin]))
    work()
    paired = services(db)[0]
    assert paired.status == "paired" and paired.paired_at is not None
    assert row.config_id not in sandbox.join_ways      # the code is deleted once the customer is in
    assert "已入群" in guide.get(url).get_data(as_text=True)

    other = app.test_client()
    sign_in_member(other, sandbox, "lixiao")
    assert other.get(url).status_code == 404           # not lixiao's customer
