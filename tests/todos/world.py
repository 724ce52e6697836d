"""A store's days played end to end: WeCom (the sandbox and its callbacks), orders, the scheduler's jobs."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.todos_commerce import CommerceInput, record_events
from models import Customer
from tasks.todos import dispatch_daily, poll_group_sends
from tests.purchases.helpers import order, post_orders
from tests.spine.helpers import deliver

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Store:
    client: object
    sandbox: object
    driver: object
    work: object
    db: object
    clock: object

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """Move WeCom's clock (the sandbox and the callback driver) to a Shanghai wall-clock time."""
        moment = datetime.combine(day, clock_time(hour, minute), tzinfo=SHANGHAI)
        self.clock.offset = moment.timestamp() - time.time()
        return moment

    def customer_adds(self, name: str, guide: str, gender: int) -> str:
        eid = self.sandbox.new_customer(name, gender=gender)
        deliver(self.driver, self.sandbox.customer_adds_member(eid, guide))
        self.work()
        return eid

    def customer_deletes(self, eid: str, guide: str) -> None:
        deliver(self.driver, self.sandbox.customer_deletes_member(eid, guide))
        self.work()

    def buys(self, eid: str, day: date, number: str, items: list[tuple[str, str, int]]) -> None:
        lines = [{"sku": sku, "name": name, "category": name, "quantity": qty, "unit_price": 29900}
                 for sku, name, qty in items]
        paid_at = datetime.combine(day, clock_time(8, 0), tzinfo=SHANGHAI).isoformat()
        response = post_orders(self.client, [order(number, customer=eid, paid_at=paid_at, amount=29900 * sum(
            q for _s, _n, q in items), items=lines)])
        assert response.status_code in (200, 201), response.get_json()
        self.work()

    def adds_to_cart(self, eid: str, moment: datetime, event_id: str) -> None:
        """What issue 7's commerce webhook will record: the customer filled a cart in the mall."""
        with self.db.transaction() as session:
            customer_id = session.scalars(select(Customer.id).where(Customer.external_userid == eid)).one()
            record_events(session=session, timezone="Asia/Shanghai", events=[CommerceInput(
                event_id=event_id, kind="add_to_cart", customer_id=customer_id, occurred_at=moment, sku="SKU-DRESS")])

    def morning(self, day: date) -> None:
        """The scheduler's dispatcher fires at 09:05 local time; the worker generates and sends the cards."""
        self.at(day, 9, 5)
        dispatch_daily(now_iso=datetime.combine(day, clock_time(9, 5), tzinfo=SHANGHAI).isoformat())
        self.work()

    def card(self, userid: str, day: date):
        """The card the member got for a day, or None."""
        for message in reversed(self.sandbox.sent_messages(userid)):
            if message.msgtype == "template_card" and f"-{day:%Y%m%d}-" in message.body["template_card"]["task_id"]:
                return message
        return None

    def taps_every_send_button(self, userid: str, card) -> list[str]:
        keys = [b["key"] for b in card.body["template_card"]["button_list"] if b.get("key")]
        for key in keys:
            deliver(self.driver, self.sandbox.member_clicks_card(userid, card.body["template_card"]["task_id"], key))
            self.work()
        return keys

    def confirms_every_group_send(self, userid: str) -> int:
        confirmed = 0
        for msgid, send in list(self.sandbox.group_sends.items()):
            task = send.tasks.get(userid)
            if task is not None and task.status != 2:
                self.sandbox.member_confirms_group_send(msgid, userid)
                confirmed += 1
        return confirmed

    def evening(self, day: date) -> None:
        """The poller reads the group-send results at 21:00."""
        self.at(day, 21, 0)
        poll_group_sends(on_iso=day.isoformat())
