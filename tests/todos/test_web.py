"""The workbench, the HQ cadence pages and the sidebar's JSON, with the test client (both backends)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.todos_cadences import seed_defaults
from models import CadenceRule, ReplenishCycle, Todo
from tests.todos.helpers import hq_with_rule, only, run_day
from tests.todos.world import Store as World
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _shop_with_todos(client, sandbox, driver, work, db, clock) -> dict[str, str]:
    """Three first-purchase customers of wangfang (real WeCom friends) and today's to-dos."""
    world = World(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        seed_defaults(session=session)
        only(session, "first_care")
    world.at(TODAY, 8, 0)
    people = {name: world.customer_adds(name, "wangfang", 2) for name in ("林女士", "郑女士", "吴小姐")}
    for n, eid in enumerate(people.values()):
        world.buys(eid, TODAY, f"W-{n}", [("SKU-COAT", "羊毛大衣", 1)])
    run_day(db, TODAY)
    return people


def _todo_id(db, name_prefix: str) -> int:
    with db.transaction() as session:
        return next(t.id for t in session.scalars(select(Todo)) if t.customer.name.startswith(name_prefix))


def test_the_workbench_lists_sends_skips_and_snoozes(client, sandbox, driver, work, db, clock, org):
    _shop_with_todos(client, sandbox, driver, work, db, clock)
    sign_in_member(client, sandbox, "wangfang")
    page = client.get("/guide/todos/").get_data(as_text=True)
    assert page.count('data-testid="todo"') == 3 and "林女士，" in page and "一键发送" in page
    token = csrf_token(client, "/guide/todos/")
    lin, zheng, wu = (_todo_id(db, n) for n in ("林", "郑", "吴"))
    assert client.post(f"/guide/todos/{lin}/send", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/guide/todos/{zheng}/skip", data={"csrf_token": token, "reason": "顾客已到店"}).status_code == 302
    client.post(f"/guide/todos/{wu}/snooze", data={"csrf_token": token, "days": "3"})
    with db.transaction() as session:
        rows = {t.customer.name: t for t in session.scalars(select(Todo))}
        assert (rows["林女士"].status, rows["林女士"].channel) == ("sent", "group_send")
        assert (rows["郑女士"].status, rows["郑女士"].skip_reason) == ("skipped", "顾客已到店")
        assert (rows["吴小姐"].status, rows["吴小姐"].snoozed_until) == ("snoozed", TODAY + timedelta(days=3))
    (send,) = [s for s in sandbox.group_sends.values()]
    assert send.sender == "wangfang" and send.body["text"]["content"].startswith("林女士")
    page = client.get("/guide/todos/").get_data(as_text=True)
    assert 'data-testid="empty"' in page and "已跳过" in page and "待确认" in page
    # A skip needs a reason; a to-do already handled cannot be handled again.
    flash = client.post(f"/guide/todos/{zheng}/skip", data={"csrf_token": token, "reason": "顾客已到店"},
                        follow_redirects=True).get_data(as_text=True)
    assert "不能再操作" in flash


def test_a_guide_cannot_touch_another_guides_to_dos(client, sandbox, driver, work, db, clock, org):
    _shop_with_todos(client, sandbox, driver, work, db, clock)
    lin = _todo_id(db, "林")
    sign_in_member(client, sandbox, "lixiao")
    token = csrf_token(client, "/guide/todos/")
    assert 'data-testid="todo"' not in client.get("/guide/todos/").get_data(as_text=True)
    client.post(f"/guide/todos/{lin}/skip", data={"csrf_token": token, "reason": "其他"})
    client.post(f"/guide/todos/{lin}/send", data={"csrf_token": token})
    with db.transaction() as session:
        assert session.get(Todo, lin).status == "pending"
    assert not sandbox.group_sends
    assert client.post(f"/guide/sidebar/todos/{lin}/sent", headers={"X-CSRFToken": token}).status_code == 409


def test_hq_edits_a_cadence_and_the_usage_cycles(client, db, org):
    rule_id = hq_with_rule(client, db, "revisit_3315")
    listing = client.get("/hq/cadences/").get_data(as_text=True)
    assert "首购关怀" in listing and "满月礼" in listing and "3315 回访" in listing and "补货提醒" in listing
    token = csrf_token(client, f"/hq/cadences/{rule_id}")
    form = {"csrf_token": token, "name": "3315 回访", "window_start": "0", "window_end": "3", "priority": "66",
            "offsets": "3，21, 30, 150", "tiers": ["first", "second"], "templates": ["{salutation}，{nope}", ""],
            "occasion": "after_sales", "limit": "1", "material_kinds": ["outfit"], "enabled": "1"}
    refused = client.post(f"/hq/cadences/{rule_id}", data=form)
    assert refused.status_code == 422 and "未知占位符 {nope}" in refused.get_data(as_text=True)
    form["templates"] = ["{salutation}，{product}穿着还合身吗？", "{salutation}好呀，来回访啦～", ""]
    assert client.post(f"/hq/cadences/{rule_id}", data=form).status_code == 302
    with db.transaction() as session:
        rule = session.get(CadenceRule, rule_id)
        assert (rule.enabled, rule.offsets, rule.window_end_days, rule.priority) == (True, [3, 21, 30, 150], 3, 66)
        assert rule.tiers == ["first", "second"] and len(rule.templates) == 2
        assert rule.material_spec == {"occasion": "after_sales", "kinds": ["outfit"], "limit": 1}
    client.post("/hq/cadences/cycles", data={"csrf_token": token, "sku": "MASK-12", "name": "面膜 12 片",
                                              "cycle_days": "30"})
    with db.transaction() as session:
        assert session.get(ReplenishCycle, "MASK-12").cycle_days == 30
    client.post("/hq/cadences/cycles/MASK-12/delete", data={"csrf_token": token})
    with db.transaction() as session:
        assert session.get(ReplenishCycle, "MASK-12") is None
    assert client.post("/hq/cadences/seed", data={"csrf_token": token}).status_code == 302
    made = client.post("/hq/cadences/new", data={"csrf_token": token, "name": "鞋履 7-30-90 回访", "kind": "revisit",
                                                  "trigger": "purchase_offsets"})
    assert made.status_code == 302 and "/hq/cadences/" in made.headers["Location"]
    with db.transaction() as session:
        custom = session.scalars(select(CadenceRule).where(CadenceRule.name == "鞋履 7-30-90 回访")).one()
        assert (custom.enabled, custom.trigger, custom.kind) == (False, "purchase_offsets", "revisit")
    refused = client.post("/hq/cadences/new", data={"csrf_token": token, "name": "x", "kind": "x", "trigger": "y"},
                          follow_redirects=True)
    assert "请选择类别" in refused.get_data(as_text=True)


def test_only_hq_reaches_the_cadences_and_only_members_the_workbench(client, sandbox, db, org):
    sign_in_member(client, sandbox, "wangfang")
    assert client.get("/hq/cadences/").status_code == 403
    hq = client.application.test_client()
    make_hq_user(db)
    sign_in_hq(hq)
    assert hq.get("/guide/todos/").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/guide/sidebar/todos?external_userid=x").status_code == 302


def test_the_sidebar_signs_its_url_with_cached_tickets_and_marks_a_chat_send(client, sandbox, driver, work, db,
                                                                            clock, org, settings, live_app):
    people = _shop_with_todos(client, sandbox, driver, work, db, clock)
    settings.PUBLIC_BASE_URL = live_app
    sign_in_member(client, sandbox, "wangfang")
    page_url = live_app + "/guide/sidebar/"
    first = client.get("/guide/sidebar/config", query_string={"url": page_url + "#frag"}).get_json()
    again = client.get("/guide/sidebar/config", query_string={"url": page_url}).get_json()
    assert sandbox.ticket_fetch_count("corp") == 1 and sandbox.ticket_fetch_count("agent_config") == 1
    corp_ticket = next(t.ticket for (_s, kind), t in sandbox.jsapi_tickets.items() if kind == "corp")
    agent_ticket = next(t.ticket for (_s, kind), t in sandbox.jsapi_tickets.items() if kind == "agent_config")
    for answer in (first, again):
        plain = f"noncestr={answer['nonceStr']}&timestamp={answer['timestamp']}&url={page_url}"
        assert answer["signature"] == hashlib.sha1(f"jsapi_ticket={corp_ticket}&{plain}".encode()).hexdigest()
        assert answer["agentSignature"] == hashlib.sha1(f"jsapi_ticket={agent_ticket}&{plain}".encode()).hexdigest()
        assert (answer["corpid"], answer["agentid"]) == (settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID)
    assert client.get("/guide/sidebar/config", query_string={"url": "https://evil.example/"}).status_code == 400
    todos = client.get("/guide/sidebar/todos", query_string={"external_userid": people["林女士"]}).get_json()["todos"]
    assert len(todos) == 1 and todos[0]["text"].startswith("林女士")
    token = csrf_token(client, "/guide/todos/")
    done = client.post(f"/guide/sidebar/todos/{todos[0]['id']}/sent", headers={"X-CSRFToken": token})
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    with db.transaction() as session:
        todo = session.get(Todo, todos[0]["id"])
        assert (todo.channel, todo.sent_at is not None) == ("sidebar", True)
    assert client.post(f"/guide/sidebar/todos/{todos[0]['id']}/sent").status_code == 400   # no CSRF token


def test_the_official_js_sdk_signature_vector(runtime):
    # protocol doc §4.15: the official example, through wechatpy's helper as the sidebar uses it.
    from bot.flows.jssdk import signature

    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    got = signature(client=runtime.wecom_agent, noncestr="Wm3WZYTPz0wzccnW", timestamp=1414587457,
                    url="http://mp.weixin.qq.com?params=value#fragment", jsapi_ticket=ticket)
    assert got == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_a_ticket_is_fetched_again_only_after_it_expires(runtime, sandbox, clock):
    from bot.flows.jssdk import ticket

    first = ticket(client=runtime.wecom_agent, connection=runtime.redis, kind="agent_config")
    assert ticket(client=runtime.wecom_agent, connection=runtime.redis, kind="agent_config") == first
    runtime.redis.delete(*runtime.redis.keys("wecom-jsapi-ticket:agent:*"))   # our cache ended (7200 s)
    clock.advance(7200)
    second = ticket(client=runtime.wecom_agent, connection=runtime.redis, kind="agent_config")
    assert second != first and sandbox.ticket_fetch_count("agent_config") == 2


def test_the_sidebar_sends_a_materials_tracked_link_not_its_target(client, sandbox, driver, work, db, clock, org,
                                                                   settings):
    from content_library.catalogue import save_material
    from content_library.forms import MaterialForm
    from models import Click

    people = _shop_with_todos(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        session.scalars(select(CadenceRule).where(CadenceRule.code == "first_care")).one().material_spec = {"limit": 1}
        save_material(session=session, form=MaterialForm(kind="link", title="冬装上新",
                                                         link_url="https://shop.example.com/winter"))
    sign_in_member(client, sandbox, "wangfang")
    [todo] = client.get("/guide/sidebar/todos", query_string={"external_userid": people["林女士"]}).get_json()["todos"]
    [material] = todo["materials"]
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    assert material["url"].startswith(base + "/t/")                   # what the chat gets: clicks are counted
    assert client.get(material["url"].removeprefix(base)).headers["Location"] == "https://shop.example.com/winter"
    with db.transaction() as session:
        assert session.scalars(select(Click.todo_id)).one() == todo["id"]
