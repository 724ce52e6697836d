"""template_card_event: a guide tapped a button of their daily card (the event has no ChangeType)."""
from __future__ import annotations

import hashlib

from bot import runtime as rt
from bot.flows.cards import SEND_KEY
from bot.queues import URGENT
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on

EVENT = "template_card_event"
CLICK_JOB = "tasks.todos.send_from_card"


@on(EVENT, "*")
def card_clicked(event: WeComEvent, *, session, client) -> None:
    """Hand a one-tap click to its own job: it calls WeCom and commits once per group-send task."""
    key = event.get("EventKey")
    if not key.startswith(SEND_KEY):
        return
    code = event.get("ResponseCode")
    job_id = "card-click-" + hashlib.sha256(f"{event.get('TaskId')}:{key}:{code}".encode()).hexdigest()[:24]
    rt.current().queues.enqueue(URGENT, CLICK_JOB, event.get("TaskId"), key, event.get("FromUserName"), code,
                                job_id=job_id, skip_if_live=True)
