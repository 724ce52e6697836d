"""The jobs around the to-dos: local-time dispatch, card rules, send results from WeCom, the CLI, commerce input."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, select, text

from bot.flows.cards import MAX_SEND_BUTTONS, TASK_ID, build_card, new_task_id
from bot.rules.cadence import CARD_GROUPS
from bot.services.todos_cadences import seed_defaults
from bot.services.todos_commerce import CommerceInput, record_events
from models import CommerceEvent, Store, Todo, TodoRun
from tasks.schedule import SCHEDULE
from tasks.todos import dispatch_daily, due_groups, poll_group_sends
from tests.spine.helpers import deliver
from tests.todos.helpers import befriend, buy, customer, only, run_day, todos
from tests.todos.test_web import TODAY, _shop_with_todos
from tests.todos.world import Store as World
from tests.web.helpers import csrf_token, sign_in_member

SH = ZoneInfo("Asia/Shanghai")


def test_a_card_keeps_wecoms_rules_however_many_groups():
    counts = {group: n + 1 for n, group in enumerate(CARD_GROUPS)}          # every group has to-dos
    card = build_card(counts=counts, day=date(2026, 3, 8), task_id=new_task_id(12, date(2026, 3, 8)),
                      url="https://guide.example.com/guide/todos")
    buttons = card["button_list"]
    assert len(buttons) == MAX_SEND_BUTTONS + 1 <= 6
    keys = [b["key"] for b in buttons if b.get("type", 0) == 0]
    assert len(keys) == len(set(keys)) and all(len(k.encode()) <= 1024 for k in keys)
    assert buttons[-1] == {"text": "查看清单", "style": 2, "type": 1, "url": "https://guide.example.com/guide/todos"}
    assert all(len(b["text"]) <= 10 for b in buttons)
    assert len(card["horizontal_content_list"]) <= 6 and card["card_action"]["type"] == 1
    assert card["main_title"]["title"] == f"今日待办 {sum(counts.values())} 项"
    task_ids = {new_task_id(12, date(2026, 3, 8)) for _ in range(50)}
    assert len(task_ids) == 50 and all(TASK_ID.fullmatch(t) and len(t.encode()) <= 128 for t in task_ids)


def test_each_store_is_generated_at_its_own_local_time(db, org):
    with db.transaction() as session:
        tokyo = Store(code="TK001", name="东京银座店", timezone="Asia/Tokyo")
        london = Store(code="LD001", name="伦敦店", timezone="Europe/London")
        session.add_all([tokyo, london])
        session.flush()
        ids = {"tokyo": tokyo.id, "london": london.id}
        # 00:30 UTC: 09:30 in Tokyo, 08:30 in Shanghai, 00:30 in London.
        now = datetime(2026, 3, 10, 0, 30, tzinfo=timezone.utc)
        assert due_groups(session=session, now=now, local_time=time(9, 0)) == {
            ("Asia/Tokyo", date(2026, 3, 10)): [ids["tokyo"]]}
        later = datetime(2026, 3, 10, 9, 5, tzinfo=timezone.utc)   # 17:05 Shanghai, 18:05 Tokyo, 09:05 London
        assert set(due_groups(session=session, now=later, local_time=time(9, 0))) == {
            ("Asia/Tokyo", date(2026, 3, 10)), ("Asia/Shanghai", date(2026, 3, 10)),
            ("Europe/London", date(2026, 3, 10))}
        session.add(TodoRun(store_id=ids["tokyo"], day=date(2026, 3, 10), finished_at=now))
        session.flush()
        assert ("Asia/Tokyo", date(2026, 3, 10)) not in due_groups(session=session, now=later, local_time=time(9, 0))


def test_the_dispatcher_enqueues_a_day_once_and_the_scheduler_lists_it(runtime, db, org, work):
    assert {p.func for p in SCHEDULE} >= {"tasks.todos.dispatch_daily", "tasks.todos.poll_group_sends"}
    with db.transaction() as session:
        seed_defaults(session=session)
    now = datetime(2026, 3, 10, 9, 5, tzinfo=SH).isoformat()
    assert dispatch_daily(now_iso=now) == 1
    assert dispatch_daily(now_iso=now) == 1 and runtime.queues["default"].count == 1   # skip_if_live
    work()
    with db.transaction() as session:
        assert {r.day for r in session.scalars(select(TodoRun))} == {date(2026, 3, 10)}
    assert dispatch_daily(now_iso=now) == 0                                             # the day is done
    assert dispatch_daily(now_iso=datetime(2026, 3, 11, 8, 59, tzinfo=SH).isoformat()) == 0   # not 09:00 yet


def test_wecom_results_settle_each_to_do(client, sandbox, driver, work, db, clock, org):
    people = _shop_with_todos(client, sandbox, driver, work, db, clock)
    world = World(client, sandbox, driver, work, db, clock)
    sandbox.groupmsg_cap_mode = "day"
    # 吴小姐 already got a group send today from another member: WeCom's cap (1 a day here) is reached.
    deliver(driver, sandbox.customer_adds_member(people["吴小姐"], "chenjing"))
    other = sandbox.create_group_send("single", "chenjing", {"text": {"content": "新品"}},
                                      {"chenjing": [people["吴小姐"]]}, [])
    sandbox.member_confirms_group_send(other.msgid, "chenjing")
    sign_in_and_send_all(client, sandbox, db)
    world.customer_deletes(people["郑女士"], "wangfang")          # before the guide confirms
    for msgid, send in list(sandbox.group_sends.items()):
        if "wangfang" in send.tasks:
            sandbox.member_confirms_group_send(msgid, "wangfang")
    assert poll_group_sends(on_iso=TODAY.isoformat()) == 3
    with db.transaction() as session:
        rows = {t.customer.name: (t.status, t.failure_reason) for t in session.scalars(select(Todo))}
    assert rows == {"林女士": ("done", None), "郑女士": ("failed", "not_friend"), "吴小姐": ("failed", "receive_limit")}
    assert poll_group_sends(on_iso=TODAY.isoformat()) == 0                                # nothing open any more


def test_unconfirmed_sends_expire_with_the_window(client, sandbox, driver, work, db, clock, org):
    _shop_with_todos(client, sandbox, driver, work, db, clock)
    sign_in_and_send_all(client, sandbox, db)
    assert poll_group_sends(on_iso=TODAY.isoformat()) == 0                                # still waiting
    assert poll_group_sends(on_iso=(TODAY + timedelta(days=6)).isoformat()) == 3          # first_care: days 0-5
    with db.transaction() as session:
        assert {(t.status, t.failure_reason) for t in session.scalars(select(Todo))} == {("expired", "not_confirmed")}


def sign_in_and_send_all(client, sandbox, db) -> None:
    sign_in_member(client, sandbox, "wangfang")
    token = csrf_token(client, "/guide/todos/")
    assert client.post("/guide/todos/send-group", data={"csrf_token": token, "group": "first"}).status_code == 302


def test_the_cli_generates_a_day_with_a_progress_bar_and_seeds_once(app, db, org):
    runner = app.test_cli_runner()
    assert "16 cadences added" in runner.invoke(args=["cadences", "seed"]).output
    assert "0 cadences added" in runner.invoke(args=["cadences", "seed"]).output
    with db.transaction() as session:
        only(session, "first_care")
        cid = customer(session, "王女士")
        befriend(session, "wangfang", cid, date(2026, 3, 1))
        buy(session, cid, date(2026, 3, 9))
    result = runner.invoke(args=["todos", "generate", "--date", "2026-03-10", "--store", "SH001"])
    assert result.exit_code == 0 and "1 to-dos created" in result.output and "generating to-dos" in result.output
    again = runner.invoke(args=["todos", "generate", "--date", "2026-03-10", "--store", "SH001"])
    assert "0 to-dos created" in again.output
    rebuilt = runner.invoke(args=["todos", "generate", "--date", "2026-03-10", "--store", "SH001", "--full"])
    assert rebuilt.exit_code == 0 and "0 to-dos created" in rebuilt.output   # every touch re-derived: none new
    with db.transaction() as session:
        buy(session, cid, date(2026, 3, 10))       # a second purchase: the first-purchase care no longer holds
    later = runner.invoke(args=["todos", "generate", "--date", "2026-03-11", "--store", "SH001"])
    assert later.exit_code == 0 and "1 withdrawn (touch gone)" in later.output, later.output
    assert runner.invoke(args=["todos", "generate", "--store", "NOPE"]).exit_code != 0


def test_the_daily_job_tidies_the_tables_the_run_churned(runtime, db, org, work):
    """After the day's run commits, a job of its own vacuums and analyzes the to-dos, the kept candidates and
    the runout days, so the next run plans on current statistics even where the server's autovacuum is off
    (it is, on this machine)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's maintenance (SQLite has none to do)")
    tables = ("todo", "todo_candidate", "todo_runout")
    stats = text("SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relname IN :names"
                 ).bindparams(bindparam("names", expanding=True))

    def counts():
        with db.transaction() as session:
            session.execute(text("SELECT pg_stat_clear_snapshot()"))
            return {name: (vacuums, analyzes) for name, vacuums, analyzes in session.execute(stats, {"names": tables})}

    with db.transaction() as session:
        only(session, "first_care")
        cid = customer(session, "王女士")
        befriend(session, "wangfang", cid, date(2026, 3, 1))
        buy(session, cid, date(2026, 3, 9))
    before = counts()
    assert dispatch_daily(now_iso=datetime(2026, 3, 10, 9, 5, tzinfo=SH).isoformat()) == 1
    work()   # the day's generation, then its cards and the tidy
    after = counts()
    assert set(after) == set(tables)
    assert all(after[name][0] > before.get(name, (0, 0))[0] and after[name][1] > before.get(name, (0, 0))[1]
               for name in tables), (before, after)


def test_commerce_events_are_stored_once_on_the_stores_day(db, org):
    with db.transaction() as session:
        cid = customer(session, "林女士")
        befriend(session, "wangfang", cid, date(2026, 2, 1))
        late = datetime(2026, 3, 3, 16, 30, tzinfo=timezone.utc)        # 00:30 on 4 March in Shanghai
        event = CommerceInput(event_id="mall-1", kind="add_to_cart", customer_id=cid, occurred_at=late, sku="S1")
        assert record_events(session=session, events=[event], timezone="Asia/Shanghai") == 1
        assert record_events(session=session, events=[event], timezone="Asia/Shanghai") == 0
        stored = session.scalars(select(CommerceEvent)).one()
        assert stored.occurred_on == date(2026, 3, 4)
    run_day(db, date(2026, 3, 6))     # cart_no_order: 2 days after the cart
    assert [t.rule.code for t in todos(db)] == ["cart_no_order"]


def test_two_taps_on_one_button_send_once(client, sandbox, driver, work, db, clock, org, runtime):
    from bot.flows.cards import send_cards

    _shop_with_todos(client, sandbox, driver, work, db, clock)
    sent = send_cards(db=db, client=runtime.wecom_agent, agent_id=runtime.settings.WECOM_AGENT_ID,
                      store_ids=list(org.values()), day=TODAY, public_base="https://guide.example.com")
    assert sent == 1 and send_cards(db=db, client=runtime.wecom_agent, agent_id=runtime.settings.WECOM_AGENT_ID,
                                    store_ids=list(org.values()), day=TODAY, public_base="x") == 0   # once a day
    (card,) = [m for m in sandbox.sent_messages("wangfang") if m.msgtype == "template_card"]
    task_id = card.body["template_card"]["task_id"]
    for _ in range(2):   # two taps, seconds apart (WeCom's retries of one tap are stored once by the inbox)
        deliver(driver, sandbox.member_clicks_card("wangfang", task_id, "send:first"))
        clock.advance(2)
    work()
    assert len([s for s in sandbox.group_sends.values() if "wangfang" in s.tasks]) == 3   # 3 personal texts
    buttons = sorted(u["button"]["replace_name"] for u in card.updates)
    assert buttons == ["已提交3位·去确认", "暂无待发送"]


def test_a_sent_then_clicked_material_shows_its_send_beside_its_click(client, sandbox, driver, work, db, clock, org):
    from content_library.catalogue import material_stats, save_material
    from content_library.forms import MaterialForm
    from models import CadenceRule

    people = _shop_with_todos(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        session.scalars(select(CadenceRule).where(CadenceRule.code == "first_care")).one().material_spec = {"limit": 1}
        material_id = save_material(session=session, form=MaterialForm(
            kind="link", title="冬装上新", link_url="https://shop.example.com/winter")).id

    def stats():
        with db.transaction() as session:
            found = material_stats(session=session, material_ids=[material_id])[material_id]
            return found.sends, found.customers, found.clicks

    sign_in_and_send_all(client, sandbox, db)
    sends = [(m, s) for m, s in sandbox.group_sends.items() if "wangfang" in s.tasks]
    for msgid, _send in sends:                                             # the three customers receive it
        sandbox.member_confirms_group_send(msgid, "wangfang")
    url = sends[0][1].body["attachments"][0]["link"]["url"]
    assert client.get(url[url.index("/t/"):]).status_code == 302          # and one of them taps the link
    assert stats() == (1, 1, 1)              # before WeCom's results are read, the click proves its send
    assert poll_group_sends(on_iso=TODAY.isoformat()) == len(people) == 3
    assert stats() == (3, 3, 1)              # every confirmed send, the clicked one counted once
