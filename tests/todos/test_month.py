"""A simulated month for one store, end to end: customers add guides, orders arrive, days pass; each
morning the scheduler's dispatcher generates the to-dos and the cards; the guide taps, confirms in
WeCom, the poller settles the sends. Sandbox, real Redis and worker, both databases, an injected date.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import runtime as rt
from bot.services.todos_cadences import seed_defaults
from models import Customer, Store, Todo
from models.todo import TODO_DONE, TODO_EXPIRED, TODO_PENDING
from tasks.todos import dispatch_daily, run_generation
from tests.spine.helpers import deliver
from tests.todos.world import Store as World

D = date
FIRST_DAY, LAST_DAY = D(2026, 12, 1), D(2027, 1, 8)
# (customer, rule) of the to-dos each morning creates; every other morning creates none.
CREATED = {
    D(2026, 12, 1): {("林女士", "first_care"), ("钱女士", "first_care"), ("郑女士", "birthday_month_start"),
                     ("孙先生", "first_care")},
    D(2026, 12, 2): {("周先生", "first_care")},
    D(2026, 12, 5): {("吴小姐", "cart_no_order")},
    D(2026, 12, 6): {("林女士", "first_recommend"), ("孙先生", "first_recommend")},
    D(2026, 12, 7): {("周先生", "first_recommend")},
    D(2026, 12, 11): {("林女士", "single_item_outfit")},
    D(2026, 12, 16): {("周先生", "repeat_perks")},
    D(2026, 12, 18): {("郑女士", "birthday_day")},
    D(2026, 12, 27): {("郑女士", "birthday_month_end")},
    D(2026, 12, 31): {("林女士", "first_month_gift"), ("孙先生", "first_month_gift")},
    D(2027, 1, 1): {("郑女士", "birthday_next_month")},
    D(2027, 1, 8): {("周先生", "no_purchase_new_arrivals")},
}


def _created_on(db, day: date) -> set[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.execute(select(Customer.name, Todo).join(Todo, Todo.customer_id == Customer.id)
                               .where(Todo.generated_on == day)).all()
        return {(name, todo.rule.code) for name, todo in rows}


def _first_morning(world: World) -> dict[str, str]:
    world.at(FIRST_DAY, 8, 0)
    people = {name: world.customer_adds(name, guide, gender) for name, guide, gender in [
        ("林女士", "wangfang", 2), ("钱女士", "wangfang", 2), ("郑女士", "wangfang", 2), ("吴小姐", "wangfang", 2),
        ("周先生", "wangfang", 1), ("孙先生", "lixiao", 1)]}
    world.buys(people["林女士"], FIRST_DAY, "M-LIN-1", [("SKU-COAT", "羊毛大衣", 1)])         # a single item
    world.buys(people["钱女士"], FIRST_DAY, "M-QIAN-1", [("SKU-SHIRT", "真丝衬衫", 1), ("SKU-SKIRT", "半身裙", 1)])
    world.buys(people["孙先生"], FIRST_DAY, "M-SUN-1", [("SKU-POLO", "POLO衫", 2)])
    with world.db.transaction() as session:   # the brand's member file carries birthdays (no WeCom field)
        session.scalars(select(Customer).where(Customer.external_userid == people["郑女士"])).one().birthday = \
            D(1990, 12, 18)
    return people


def _happenings(world: World, people: dict[str, str], day: date) -> None:
    """What customers do before the store opens (orders at 08:00, a cart in the evening before)."""
    if day == D(2026, 12, 2):
        world.buys(people["周先生"], day, "M-ZHOU-1", [("SKU-SHIRT", "真丝衬衫", 1), ("SKU-TIE", "领带", 1)])
    if day == D(2026, 12, 3):
        world.customer_deletes(people["钱女士"], "wangfang")
        world.adds_to_cart(people["吴小姐"], datetime(2026, 12, 3, 20, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "c-1")
    if day == D(2026, 12, 9):
        world.buys(people["周先生"], day, "M-ZHOU-2", [("SKU-COAT", "羊毛大衣", 1), ("SKU-SCARF", "围巾", 1)])


def test_a_month_of_cards_taps_and_confirmed_sends(client, sandbox, driver, work, db, clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        seed_defaults(session=session)
    people = _first_morning(world)
    card_days: dict[str, list[date]] = {"wangfang": [], "lixiao": []}
    day = FIRST_DAY
    while day <= LAST_DAY:
        world.at(day, 8, 0)
        _happenings(world, people, day)
        world.morning(day)
        assert _created_on(db, day) == CREATED.get(day, set()), day
        for userid in card_days:
            if world.card(userid, day):
                card_days[userid].append(day)
        card = world.card("wangfang", day)
        if card:   # wangfang taps every one-tap button and confirms in 群发助手; lixiao never does
            world.taps_every_send_button("wangfang", card)
            assert world.confirms_every_group_send("wangfang") >= 1
            world.evening(day)
        day += timedelta(days=1)

    # The guide who acts gets a card exactly on the mornings something new is due; the other every day.
    assert card_days["wangfang"] == sorted(d for d, made in CREATED.items() if any(n != "孙先生" for n, _ in made))
    assert len(card_days["lixiao"]) == (LAST_DAY - FIRST_DAY).days + 1
    with db.transaction() as session:
        statuses = {(todo.customer.name, todo.rule.code): (todo.status, todo.channel, todo.sent_at is not None)
                    for todo in session.scalars(select(Todo))}
    for (name, code), (status, channel, has_sent_at) in statuses.items():
        if name != "孙先生":
            assert (status, channel, has_sent_at) == (TODO_DONE, "group_send", True), (name, code)
    assert statuses[("孙先生", "first_care")][0] == TODO_EXPIRED
    assert statuses[("孙先生", "first_recommend")][0] == TODO_EXPIRED
    assert statuses[("孙先生", "first_month_gift")][0] == TODO_PENDING
    # Rerunning a day, or the dispatcher once more, creates nothing.
    with db.transaction() as session:
        stores = list(session.scalars(select(Store.id)))
    assert run_generation(rt.current(), on=D(2026, 12, 18), store_ids=stores, tz="Asia/Shanghai").created == 0
    assert dispatch_daily(now_iso=datetime(2027, 1, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).isoformat()) == 0


def test_the_first_card_and_the_tap_in_detail(client, sandbox, driver, work, db, clock, org):
    world = World(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        seed_defaults(session=session)
    people = _first_morning(world)
    world.morning(FIRST_DAY)
    card = world.card("wangfang", FIRST_DAY).body["template_card"]
    assert card["card_type"] == "button_interaction"
    assert card["main_title"]["title"] == "今日待办 3 项"
    assert [(r["keyname"], r["value"]) for r in card["horizontal_content_list"]] == [("首购关怀", "2 位"),
                                                                                    ("生日关怀", "1 位")]
    assert [(b["text"], b.get("key"), b.get("url", "")[-12:]) for b in card["button_list"]] == [
        ("一键发送首购关怀", "send:first", ""), ("一键发送生日关怀", "send:birthday", ""),
        ("查看清单", None, "/guide/todos")]
    # One tap: one group-send task per distinct personal text, sent by the guide, then the button is replaced.
    deliver(driver, sandbox.member_clicks_card("wangfang", card["task_id"], "send:first"))
    work()
    sends = [s for s in sandbox.group_sends.values() if "wangfang" in s.tasks]
    texts = sorted(s.body["text"]["content"] for s in sends)
    assert len(sends) == 2 and all(s.sender == "wangfang" and s.chat_type == "single" for s in sends)
    assert texts[0].startswith(("林女士，", "林女士好呀")) or texts[1].startswith(("林女士，", "林女士好呀"))
    assert all("{" not in t for t in texts)
    assert any("羊毛大衣" in t for t in texts) and any("真丝衬衫" in t for t in texts)
    update = next(m for m in sandbox.messages if m.task_id == card["task_id"]).updates[-1]
    assert update["button"] == {"replace_name": "已提交2位·去确认"} and update["userids"] == ["wangfang"]
    with db.transaction() as session:
        sent = list(session.scalars(select(Todo).where(Todo.status == "sent")))
        assert {t.customer_id for t in sent} and all(t.group_send_id for t in sent)
    # The guide confirms one task; the poller marks that customer done and keeps the other waiting.
    lin_send = next(s for s in sends if s.tasks["wangfang"].targets == [people["林女士"]])
    sandbox.member_confirms_group_send(lin_send.msgid, "wangfang")
    world.evening(FIRST_DAY)
    with db.transaction() as session:
        by_name = {t.customer.name: t.status for t in session.scalars(select(Todo))}
    assert by_name["林女士"] == TODO_DONE and by_name["钱女士"] == "sent" and by_name["郑女士"] == TODO_PENDING
