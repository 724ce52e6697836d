"""The birthday greeting on the day is never pushed off a guide's list: not by the cap, not by a recent contact,
not by the holdout (both backends); the ritual's other touches keep the holdout."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.services import todos_actions as actions
from bot.services.todos import Policy
from content_library.catalogue import record_send, save_material
from content_library.forms import MaterialForm
from models import CadenceRule, HoldoutAssignment
from tests.todos.helpers import at, befriend, buy, customer, guide_id, only, run_day, todos

DAY = date(2026, 3, 3)


def _listed(db, guide: str, on: date) -> list[tuple[str, str]]:
    with db.transaction() as session:
        return [(v.customer.name, v.rule.code)
                for v in actions.todays_list(session=session, guide_id=guide_id(session, guide), on=on)]


def test_a_full_list_still_takes_the_birthday_greeting_first_even_after_a_recent_contact(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))           # seeds the rules
        only(session, "first_care", "birthday_day")
        for name in ("王女士", "李女士", "张女士"):     # first buyers: first_care ranks before everything else
            cid = customer(session, name)
            befriend(session, "wangfang", cid, DAY - timedelta(days=30))
            buy(session, cid, DAY - timedelta(days=1))
        born = customer(session, "林女士", birthday=date(1990, DAY.month, DAY.day))
        befriend(session, "wangfang", born, DAY - timedelta(days=60))
        material = save_material(session=session, form=MaterialForm(kind="copy", title="问候", body="{salutation}好"))
        record_send(session=session, material_id=material.id, customer_id=born,
                    guide_id=guide_id(session, "wangfang")).sent_at = at(DAY - timedelta(days=1))
    run_day(db, DAY, Policy(cap_per_guide=2))
    listed = _listed(db, "wangfang", DAY)
    assert listed[0] == ("林女士", "birthday_day") and len(listed) == 2, listed
    assert run_day(db, DAY, Policy(cap_per_guide=2)).created == 0 and _listed(db, "wangfang", DAY) == listed


def test_the_birthday_greeting_is_exempt_from_the_holdout_and_the_month_start_is_not(db, org):
    with db.transaction() as session:
        run_day(db, DAY - timedelta(days=1))
        only(session, "birthday_day", "birthday_month_start")
        today = customer(session, "林女士", birthday=date(1990, DAY.month, DAY.day))
        later = customer(session, "周女士", birthday=date(1985, DAY.month, 20))
        for cid in (today, later):
            befriend(session, "wangfang", cid, DAY - timedelta(days=60))
    run_day(db, DAY, Policy(holdout_percent=100))    # every customer held out of every rule that has a holdout
    assert [(t.customer.name, t.rule.code) for t in todos(db)] == [("林女士", "birthday_day")]
    with db.transaction() as session:
        arms = session.execute(select(CadenceRule.code, HoldoutAssignment.customer_id, HoldoutAssignment.arm)
                               .join(CadenceRule, CadenceRule.id == HoldoutAssignment.rule_id)).all()
    # Both are held out of the month start; the greeting has no arm at all.
    assert sorted(arms) == [("birthday_month_start", today, "holdout"), ("birthday_month_start", later, "holdout")]
