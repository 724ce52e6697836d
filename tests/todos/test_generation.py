"""Daily generation against the database: the cap and its carry-over, the skips, snooze and expiry,
copy rotation and materials, idempotency (both backends)."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from bot.services import todos_actions as actions
from bot.services.todos import Policy
from content_library.catalogue import record_send, save_material
from content_library.files import store_image
from content_library.forms import MaterialForm
from content_library.storage import storage_for
from models import Customer, Guide, Todo, TodoCandidate, TodoRun
from models.todo import CHANNEL_GROUP_SEND, TODO_DONE, TODO_FAILED
from tests.content.helpers import image_bytes, outfit_form, product
from tests.todos.helpers import (at, befriend, buy, codes, customer, guide_id, only, open_lists, run_day,
                                 store_id, todos)

D = date
DAY = D(2026, 3, 10)


def _first_buyers(session, names, guide="wangfang", bought=DAY):
    ids = []
    for name in names:
        cid = customer(session, name)
        befriend(session, guide, cid, bought - timedelta(days=30))
        buy(session, cid, bought)
        ids.append(cid)
    return ids


def _repeat_buyers(session, names, guide="wangfang"):
    for name in names:
        cid = customer(session, name)
        befriend(session, guide, cid, DAY - timedelta(days=60))
        buy(session, cid, DAY - timedelta(days=40))
        buy(session, cid, DAY - timedelta(days=7))


def _listed(db, guide: str, on: date) -> list[str]:
    with db.transaction() as session:
        views = actions.todays_list(session=session, guide_id=guide_id(session, guide), on=on)
        return [v.customer.name for v in views]


def _skip_all(db, guide: str, on: date) -> None:
    with db.transaction() as session:
        gid = guide_id(session, guide)
        for view in actions.todays_list(session=session, guide_id=gid, on=on):
            actions.skip(session=session, guide_id=gid, todo_id=view.todo.id, reason="已线下联系过")


def test_the_cap_carries_the_overflow_to_the_next_day_first_buyers_first(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))          # seeds the rules
        only(session, "first_care", "repeat_perks")
        _repeat_buyers(session, ["赵先生", "钱先生"])
        _first_buyers(session, ["王女士", "李女士", "张女士"])
    policy = Policy(cap_per_guide=2)
    first = run_day(db, DAY, policy)
    assert (first.created, first.carried) == (2, 3)    # a to-do only for a touch on a list
    assert _listed(db, "wangfang", DAY) == ["王女士", "李女士"]
    assert run_day(db, DAY, policy).created == 0 and _listed(db, "wangfang", DAY) == ["王女士", "李女士"]
    with db.transaction() as session:   # one run row per store and day; the rerun added nothing to it
        runs = {r.store_id: (r.created, r.listed, r.carried)
                for r in session.scalars(select(TodoRun).where(TodoRun.day == DAY))}
        assert runs == {store_id(session, "SH001"): (2, 2, 3), store_id(session, "HZ001"): (0, 0, 0)}
    with db.transaction() as session:   # the others wait as kept touches, keeping their priority and guide
        waiting = session.scalars(select(TodoCandidate)).all()
        assert sorted((t.priority, t.guide_id) for t in waiting) == [(60, _gid(db, "wangfang"))] * 2 + [
            (90, _gid(db, "wangfang"))]
    _skip_all(db, "wangfang", DAY)
    run_day(db, DAY + timedelta(days=1), policy)
    assert _listed(db, "wangfang", DAY + timedelta(days=1)) == ["张女士", "赵先生"]   # the third first buyer first
    _skip_all(db, "wangfang", DAY + timedelta(days=1))
    run_day(db, DAY + timedelta(days=2), policy)
    assert _listed(db, "wangfang", DAY + timedelta(days=2)) == ["钱先生"]          # none was dropped
    assert len(todos(db)) == 5


def test_a_more_urgent_touch_takes_a_place_on_a_full_list_and_an_equal_one_waits(db, org):
    policy = Policy(cap_per_guide=2)
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care", "repeat_perks")
        _repeat_buyers(session, ["赵先生", "钱先生"])
    assert run_day(db, DAY, policy).created == 2 and _listed(db, "wangfang", DAY) == ["赵先生", "钱先生"]
    with db.transaction() as session:
        _first_buyers(session, ["王女士"], bought=DAY)         # first_care: a first buyer, priority 90
        _repeat_buyers(session, ["孙先生"])                   # repeat_perks, priority 60: no better than the list
    second = run_day(db, DAY + timedelta(days=1), policy)
    assert second.created == 1 and _listed(db, "wangfang", DAY + timedelta(days=1)) == ["王女士", "赵先生"]
    with db.transaction() as session:
        off = session.scalars(select(Todo).where(Todo.listed.is_(False))).all()
        assert [(t.customer.name, t.status) for t in off] == [("钱先生", "pending")]   # waits off the list
        waiting = select(Customer.name).join(TodoCandidate, TodoCandidate.customer_id == Customer.id)
        assert session.scalars(waiting).all() == ["孙先生"]                             # waits as a kept touch


def test_customers_who_deleted_the_guide_or_belong_to_another_are_skipped(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care")
        for name, kwargs in [("删除了导购", {"deleted_by_customer": DAY - timedelta(days=1)}),
                             ("被导购删除", {"deleted_by_guide": DAY - timedelta(days=2)}), ("还是好友", {})]:
            cid = customer(session, name)
            befriend(session, "wangfang", cid, DAY - timedelta(days=20), **kwargs)
            buy(session, cid, DAY - timedelta(days=1))
        shared = customer(session, "两位导购")
        befriend(session, "lixiao", shared, DAY - timedelta(days=9))        # lixiao brought her in
        befriend(session, "wangfang", shared, DAY - timedelta(days=3))
        buy(session, shared, DAY - timedelta(days=1))
        gone = customer(session, "导购离职")
        befriend(session, "chenjing", gone, DAY - timedelta(days=9))
        buy(session, gone, DAY - timedelta(days=1))
        session.scalars(select(Guide).where(Guide.userid == "chenjing")).one().active = False
    run_day(db, DAY)
    rows = todos(db)
    assert codes(rows) == [("两位导购", "first_care"), ("还是好友", "first_care")]
    assert {t.customer.name: t.guide_id for t in rows}["两位导购"] == _gid(db, "lixiao")


def _gid(db, userid: str) -> int:
    with db.transaction() as session:
        return guide_id(session, userid)


def test_customers_contacted_lately_or_at_the_receive_cap_are_left_alone(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care")
        material = save_material(session=session, form=MaterialForm(kind="copy", title="问候", body="{salutation}好"))
        lately, before, capped, limited = _first_buyers(session, ["刚联系过", "四天前联系", "本月已满", "上限失败"],
                                                        bought=DAY - timedelta(days=1))
        gid = guide_id(session, "wangfang")
        record_send(session=session, material_id=material.id, customer_id=lately, guide_id=gid).sent_at = \
            at(DAY - timedelta(days=1))
        record_send(session=session, material_id=material.id, customer_id=before, guide_id=gid).sent_at = \
            at(DAY - timedelta(days=4))
    with db.transaction() as session:   # WeCom's cap set to one a day: capped got one today already
        cid = customer(session, "其他")
        befriend(session, "wangfang", cid, DAY - timedelta(days=10))
        buy(session, cid, DAY - timedelta(days=1))
    run_day(db, DAY - timedelta(days=1), Policy(receive_cap_mode="day"))
    with db.transaction() as session:
        by_customer = {t.customer_id: t for t in session.scalars(select(Todo))}
        by_customer[capped].status, by_customer[capped].channel = TODO_DONE, CHANNEL_GROUP_SEND
        by_customer[capped].sent_at = at(DAY, 8)
        by_customer[limited].status, by_customer[limited].failure_reason = TODO_FAILED, "receive_limit"
        session.execute(Todo.__table__.delete().where(Todo.customer_id.in_([lately, before])))
        only(session, "first_care", "first_recommend")
    created = {(t.customer.name, t.rule.code) for t in todos(db) if t.generated_on == DAY}
    assert created == set()
    run_day(db, DAY, Policy(receive_cap_mode="day"))
    made_today = {t.customer.name for t in todos(db, generated_on=DAY)}
    assert made_today == {"四天前联系"}   # lately: contacted yesterday; capped: got today's one; limited: failed


def test_snoozed_to_dos_come_back_and_ended_windows_expire(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care")
        _first_buyers(session, ["稍后女士", "过期女士"], bought=DAY)
    run_day(db, DAY)
    with db.transaction() as session:
        gid = guide_id(session, "wangfang")
        ids = {t.customer.name: t.id for t in session.scalars(select(Todo))}
        actions.snooze(session=session, guide_id=gid, todo_id=ids["稍后女士"], on=DAY, days=2)
    run_day(db, DAY + timedelta(days=1))
    assert _listed(db, "wangfang", DAY + timedelta(days=1)) == ["过期女士"]
    run_day(db, DAY + timedelta(days=2))
    assert _listed(db, "wangfang", DAY + timedelta(days=2)) == ["过期女士", "稍后女士"]
    run_day(db, DAY + timedelta(days=6))    # first_care's window is days 0-5
    assert {t.status for t in todos(db)} == {"expired"}


def test_a_to_do_back_from_a_snooze_can_push_a_listed_one_off_a_full_list(db, org):
    """Lists of two. A first-purchase care snoozed for two days comes back above the at-risk care listed
    meanwhile: that one leaves the list (it waits, pending), and the list holds two again."""
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care", "at_risk")
        _first_buyers(session, ["早女士", "晚女士"], bought=DAY - timedelta(days=1))
        _first_buyers(session, ["久未女士"], bought=DAY - timedelta(days=50))   # at risk, still a first buyer
    policy = Policy(cap_per_guide=2)
    run_day(db, DAY, policy)
    assert _listed(db, "wangfang", DAY) == ["早女士", "晚女士"]
    with db.transaction() as session:
        gid = guide_id(session, "wangfang")
        ids = {t.customer.name: t.id for t in session.scalars(select(Todo))}
        actions.snooze(session=session, guide_id=gid, todo_id=ids["晚女士"], on=DAY, days=2)
    run_day(db, DAY + timedelta(days=1), policy)
    assert _listed(db, "wangfang", DAY + timedelta(days=1)) == ["早女士", "久未女士"]
    run_day(db, DAY + timedelta(days=2), policy)
    assert _listed(db, "wangfang", DAY + timedelta(days=2)) == ["早女士", "晚女士"]
    with db.transaction() as session:
        waiting = session.scalars(select(Todo).join(Customer, Customer.id == Todo.customer_id)
                                  .where(Customer.name == "久未女士")).one()
        assert (waiting.status, waiting.listed) == ("pending", False)


def test_copy_rotates_over_a_segment_and_reads_personal(db, org):
    names = [f"{surname}{given}" for surname in "王李张刘陈杨黄赵" for given in ("芳", "娜", "静")]
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "first_care")
        _first_buyers(session, names)
    run_day(db, DAY, Policy(cap_per_guide=100))
    assert {t.text for t in todos(db)} == {None}          # nothing is rendered until a guide opens the list
    assert open_lists(db, DAY) == len(names)
    assert open_lists(db, DAY) == 0                       # once
    rows = todos(db)
    assert len(rows) == len(names)
    assert min(Counter(t.template_index for t in rows).values()) >= 4     # three templates, all in use
    for t in rows:
        assert t.text.startswith(t.customer.name[0] + "姐") and "外套" in t.text and "{" not in t.text
        assert "感谢" not in t.text and "恭喜" in t.text


def test_materials_follow_the_rules_selector(db, org, settings):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "single_item_outfit", "cart_no_order")
        storage = storage_for(settings)
        image = store_image(session=session, storage=storage, data=image_bytes(), filename="look.png",
                            max_bytes=10 * 2 ** 20)
        trousers, coat = product(session, "SKU-T", "裤装"), product(session, "SKU-C2", "外套")
        outfit = save_material(session=session, form=outfit_form("通勤套装", [image.id], [trousers.id, coat.id],
                                                                  tags={"occasion": ["after_sales"]}))
        link = save_material(session=session, form=MaterialForm(kind="link", title="新品领券",
                                                                link_url="https://shop.example.com/c/1"))
        single = customer(session, "单品女士")
        befriend(session, "wangfang", single, DAY - timedelta(days=40))
        buy(session, single, DAY - timedelta(days=10), [("SKU-SHIRT", "衬衫", 1)])
    run_day(db, DAY)
    open_lists(db, DAY)
    (todo,) = todos(db)
    assert todo.rule.code == "single_item_outfit" and todo.material_ids == [outfit.id]
    assert link.id not in todo.material_ids and todo.links == []


def test_an_open_to_do_whose_touch_is_gone_is_withdrawn_and_not_counted_as_assigned(db, org):
    """An at-risk customer buys again: the next run withdraws the win-back to-do (skipped, the run's reason),
    the guide's list no longer shows it, and it does not count against the guide's completion."""
    from bot.services.performance import tally_days
    from models.todo import RETRACTED_REASON, TODO_PENDING, TODO_SKIPPED

    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))          # seeds the rules
        only(session, "at_risk")
        back, away = customer(session, "王丽"), customer(session, "李娜")
        for cid in (back, away):
            befriend(session, "wangfang", cid, DAY - timedelta(days=200))
            buy(session, cid, DAY - timedelta(days=50))
    run_day(db, DAY)
    assert sorted(_listed(db, "wangfang", DAY)) == ["李娜", "王丽"]
    with db.transaction() as session:
        buy(session, back, DAY)                       # she came back to the store
    outcome = run_day(db, DAY + timedelta(days=1))
    assert outcome.withdrawn == 1
    assert _listed(db, "wangfang", DAY + timedelta(days=1)) == ["李娜"]
    [gone] = todos(db, customer_id=back)
    assert (gone.status, gone.skip_reason, gone.listed) == (TODO_SKIPPED, RETRACTED_REASON, False)
    assert [t.status for t in todos(db, customer_id=away)] == [TODO_PENDING]
    assert run_day(db, DAY + timedelta(days=1)).withdrawn == 0   # a rerun changes nothing
    with db.transaction() as session:
        tally = tally_days(session=session, guide_ids=[guide_id(session, "wangfang")], start=DAY, end=DAY,
                           tz="Asia/Shanghai")
        assert tally.counts[(guide_id(session, "wangfang"), DAY)]["todos_assigned"] == 1


def _at_risk_friend_of_both(db, name: str):
    """(customer id, 王芳's friendship) of an at-risk customer (only that rule on) who added 王芳 first, then
    李晓; DAY's run gave 王芳 the win-back to-do."""
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))          # seeds the rules
        only(session, "at_risk")
        cid = customer(session, name)
        first = befriend(session, "wangfang", cid, DAY - timedelta(days=200))
        befriend(session, "lixiao", cid, DAY - timedelta(days=100))
        buy(session, cid, DAY - timedelta(days=50))
    run_day(db, DAY)
    return cid, first


def test_a_customer_who_deletes_the_guide_takes_the_touch_to_the_guide_still_caring(db, org):
    """The customer deletes 王芳 and stays 李晓's friend: 王芳's open to-do is withdrawn at the next run, and the
    touch becomes 李晓's to-do."""
    from models.todo import RETRACTED_REASON, TODO_PENDING, TODO_SKIPPED

    cid, first = _at_risk_friend_of_both(db, "赵敏")
    assert [(t.guide_id, t.status) for t in todos(db, customer_id=cid)] == [(first.guide_id, TODO_PENDING)]
    with db.transaction() as session:
        session.get(type(first), first.id).deleted_by_customer_at = at(DAY, 20)
    outcome = run_day(db, DAY + timedelta(days=1))
    assert outcome.withdrawn == 1 and outcome.created == 1
    with db.transaction() as session:
        lixiao = guide_id(session, "lixiao")
    rows = [(t.guide_id, t.status, t.skip_reason, t.rule.code) for t in todos(db, customer_id=cid)]
    assert rows == [(first.guide_id, TODO_SKIPPED, RETRACTED_REASON, "at_risk"), (lixiao, TODO_PENDING, None, "at_risk")]
    assert _listed(db, "lixiao", DAY + timedelta(days=1)) == ["赵敏"]


def test_a_member_who_leaves_hands_her_open_to_dos_to_the_guide_still_caring(db, org):
    """王芳 leaves (deactivated in the directory): her open to-do is withdrawn at the next run and the touch
    becomes 李晓's, who also has the customer as a friend; when 王芳 comes back, 李晓 keeps it (one to-do per
    touch)."""
    from models.todo import RETRACTED_REASON, TODO_PENDING, TODO_SKIPPED

    cid, first = _at_risk_friend_of_both(db, "孙丽")
    with db.transaction() as session:
        session.scalars(select(Guide).where(Guide.userid == "wangfang")).one().active = False
        lixiao = guide_id(session, "lixiao")
    outcome = run_day(db, DAY + timedelta(days=1))
    assert outcome.withdrawn == 1 and outcome.created == 1
    handed = [(t.guide_id, t.status, t.skip_reason) for t in todos(db, customer_id=cid)]
    assert handed == [(first.guide_id, TODO_SKIPPED, RETRACTED_REASON), (lixiao, TODO_PENDING, None)]
    with db.transaction() as session:
        session.scalars(select(Guide).where(Guide.userid == "wangfang")).one().active = True
    assert run_day(db, DAY + timedelta(days=2)).created == 0
    assert [(t.guide_id, t.status) for t in todos(db, customer_id=cid)] == [(first.guide_id, TODO_SKIPPED),
                                                                            (lixiao, TODO_PENDING)]


def test_a_withdrawn_touch_that_holds_again_revives_its_to_do(db, org):
    """The purchase that withdrew a win-back to-do is refunded: the next run revives it, pending and listed."""
    from bot.services import tiers
    from models.todo import TODO_PENDING

    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "at_risk")
        cid = customer(session, "钱芳")
        befriend(session, "wangfang", cid, DAY - timedelta(days=200))
        buy(session, cid, DAY - timedelta(days=50))
    run_day(db, DAY)
    with db.transaction() as session:
        order = buy(session, cid, DAY)
    assert run_day(db, DAY + timedelta(days=1)).withdrawn == 1
    with db.transaction() as session:
        order = session.merge(order)
        order.status, order.refunded_amount = "refunded", order.amount
        session.flush()
        tiers.recompute(session=session, customer_ids=[cid])
    outcome = run_day(db, DAY + timedelta(days=2))
    assert outcome.created == 1
    [revived] = todos(db, customer_id=cid)
    assert (revived.status, revived.skip_reason, revived.listed, revived.generated_on) == (
        TODO_PENDING, None, True, DAY + timedelta(days=2))
    assert _listed(db, "wangfang", DAY + timedelta(days=2)) == ["钱芳"]
