"""The birthday ritual end to end: HQ sets the birthday benefits on /hq/cadences, the POS sends the buyers'
birthdays with their orders (one before the customer is a friend), and on the ritual's days the scheduler's
dispatcher makes the to-dos; the card's one-tap send carries the benefit in the text, and the birthday greeting
takes a place on a full list. Sandbox, real Redis and worker, both databases."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from bot.services.todos_cadences import seed_defaults
from models import CadenceRule, Customer, Guide, Todo
from tests.purchases.helpers import befriend, order, post_orders
from tests.todos.helpers import SHANGHAI, only, run_day
from tests.todos.world import Store as World
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

D = date
BENEFITS = {"birthday_month_start": ("生日专享礼券", "50", "BDAY50"), "birthday_day": ("生日礼物", "88.8", ""),
            "birthday_month_end": ("生日专享礼券", "50", "BDAY50")}
CREATED = {
    D(2026, 12, 1): {("郑女士", "birthday_month_start"), ("周女士", "birthday_month_start")},
    D(2026, 12, 5): {("周女士", "birthday_day")},
    D(2026, 12, 17): {("林女士", "first_care")},
    D(2026, 12, 18): {("郑女士", "birthday_day")},
    D(2026, 12, 27): {("郑女士", "birthday_month_end"), ("周女士", "birthday_month_end")},
    D(2027, 1, 1): {("郑女士", "birthday_next_month"), ("周女士", "birthday_next_month")},
}

TAPS = {D(2026, 12, 1): ("wangfang", "郑女士"), D(2026, 12, 5): ("lixiao", "周女士"),
        D(2026, 12, 18): ("wangfang", "郑女士"), D(2026, 12, 27): ("lixiao", "周女士")}


def _set_benefits(client, db) -> None:
    """HQ types each birthday rule's benefit on its page (the rest of the form as it is)."""
    make_hq_user(db)
    sign_in_hq(client)
    with db.transaction() as session:
        rules = {r.code: r for r in session.scalars(select(CadenceRule))}
        forms = {code: (rule.id, {"name": rule.name, "window_start": str(rule.window_start_days),
                                  "window_end": str(rule.window_end_days), "priority": str(rule.priority),
                                  "templates": list(rule.templates), "limit": "0", "enabled": "1"})
                 for code, rule in rules.items() if code in BENEFITS}
    for code, (rule_id, form) in forms.items():
        name, amount, coupon_code = BENEFITS[code]
        token = csrf_token(client, f"/hq/cadences/{rule_id}")
        bad = client.post(f"/hq/cadences/{rule_id}", data={**form, "csrf_token": token, "coupon": name,
                                                            "coupon_amount": "五十", "coupon_code": coupon_code})
        assert bad.status_code == 422 and "金额请填写元" in bad.get_data(as_text=True)
        saved = client.post(f"/hq/cadences/{rule_id}", data={**form, "csrf_token": token, "coupon": name,
                                                              "coupon_amount": amount, "coupon_code": coupon_code})
        assert saved.status_code == 302, saved.get_data(as_text=True)
    assert len(forms) == len(BENEFITS)


def _paid(day: date) -> str:
    return datetime.combine(day, time(8), tzinfo=SHANGHAI).isoformat()


def _created_on(db, day: date) -> set[tuple[str, str]]:
    with db.transaction() as session:
        return {(t.customer.name, t.rule.code) for t in session.scalars(select(Todo).where(Todo.generated_on == day))}


def _listed(db, userid: str) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.scalars(select(Todo).join(Guide, Guide.id == Todo.guide_id).where(
            Guide.userid == userid, Todo.listed.is_(True), Todo.status == "pending"))
        return [(t.customer.name, t.rule.code) for t in rows]


def _sent_text(world: World, day: date, userid: str, name: str) -> str:
    """The guide taps the card's send buttons; the text of the group send that reaches the customer."""
    card = world.card(userid, day)
    assert card is not None, (userid, name)
    world.taps_every_send_button(userid, card)
    with world.db.transaction() as session:
        eid = session.scalars(select(Customer.external_userid).where(Customer.name == name)).one()
    texts = [s.body["text"]["content"] for s in world.sandbox.group_sends.values()
             if s.sender == userid and userid in s.tasks and eid in s.tasks[userid].targets]
    assert texts, (day, name)
    return texts[-1]


def test_birthdays_sent_with_orders_drive_the_ritual_with_its_benefit(client, sandbox, driver, work, db, clock, org,
                                                                      settings):
    settings.TODO_CAP_PER_GUIDE = 1     # one place a day: the birthday greeting must still take it
    world = World(client, sandbox, driver, work, db, clock)
    world.at(D(2026, 11, 20), 8, 0)
    with db.transaction() as session:
        seed_defaults(session=session)
        only(session, "first_care", *BENEFITS, "birthday_next_month")
    _set_benefits(client, db)
    zheng = world.customer_adds("郑女士", "wangfang", 2)
    zhou = sandbox.new_customer("周女士", gender=2)     # buys before she adds a guide: her birthday waits
    response = post_orders(client, [
        {**order("P-1", customer=zheng, paid_at=_paid(D(2026, 11, 20))), "customer_birthday": "12-18"},
        {**order("P-2", customer=zhou, paid_at=_paid(D(2026, 11, 20))), "customer_birthday": "1988-12-05"}])
    assert response.status_code == 201, response.get_json()
    world.at(D(2026, 11, 25), 8, 0)
    befriend(sandbox, driver, zhou, "lixiao")
    work()
    lin = world.customer_adds("林女士", "wangfang", 2)
    texts = {}
    for day in sorted(CREATED):
        world.at(day, 7, 0)
        if day == D(2026, 12, 17):       # a first buyer: her care ranks before everything but the greeting
            world.buys(lin, day, "P-3", [("SKU-COAT", "羊毛大衣", 1)])
        world.morning(day)
        assert _created_on(db, day) == CREATED[day], day
        if day == D(2026, 12, 18):       # the greeting took the one place; the first buyer's care waits off it
            assert _listed(db, "wangfang") == [("郑女士", "birthday_day")]
        if day in TAPS:                  # the guide taps the card's one-tap send that morning
            texts[day] = _sent_text(world, day, *TAPS[day])
    assert "生日专享礼券（50元，券码 BDAY50）" in texts[D(2026, 12, 1)]
    assert "生日礼物（88.8元）" in texts[D(2026, 12, 5)] and "生日礼物（88.8元）" in texts[D(2026, 12, 18)]
    assert "生日专享礼券（50元，券码 BDAY50）" in texts[D(2026, 12, 27)]


def test_the_workbench_shows_the_greetings_benefit(client, sandbox, driver, work, db, clock, org):
    today = datetime.now(SHANGHAI).date()
    world = World(client, sandbox, driver, work, db, clock)
    with db.transaction() as session:
        seed_defaults(session=session)
        only(session, "birthday_day")
        rule = session.scalars(select(CadenceRule).where(CadenceRule.code == "birthday_day")).one()
        rule.coupon, rule.coupon_amount, rule.coupon_code = "生日礼物", 8880, "BD888"
    eid = world.customer_adds("郑女士", "wangfang", 2)
    assert post_orders(client, [{**order("W-1", customer=eid, paid_at=_paid(today)),
                                 "customer_birthday": f"{today:%m-%d}"}]).status_code == 201
    run_day(db, today)
    sign_in_member(client, sandbox, "wangfang")
    page = client.get("/guide/todos/").get_data(as_text=True)
    assert 'data-testid="todo-benefit">🎁 福利：生日礼物（88.8元，券码 BD888）' in page
    with db.transaction() as session:
        (todo,) = session.scalars(select(Todo)).all()
        assert "生日礼物（88.8元，券码 BD888）" in todo.text
