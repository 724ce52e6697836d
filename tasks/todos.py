"""Daily to-do jobs: dispatch each store's day at its local time, generate, send cards, one-tap sends, polls.

Every job takes plain values, reloads rows, is idempotent and re-raises so RQ retries. Dates are
ISO strings ("today" is injectable: the scheduler passes none, tests and operators pass one).
"""
from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.flows import cards, group_send
from bot.queues import DEFAULT
from bot.services.todos import Outcome, Policy, generate, stores_by_timezone, tidy
from content_library.storage import storage_for
from models import Guide, GroupSend, Store, TodoRun
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)

GENERATE_LOCK = "todos-generate"   # one generation at a time for the whole corp (each takes seconds)


def due_groups(*, session, now: datetime, local_time: time) -> dict[tuple[str, date], list[int]]:
    """Stores whose local clock has passed local_time today and whose day has no finished run yet."""
    done = set(session.execute(select(TodoRun.store_id, TodoRun.day).where(TodoRun.finished_at.is_not(None))).all())
    out: dict[tuple[str, date], list[int]] = {}
    for tz, store_ids in stores_by_timezone(session=session).items():
        local = now.astimezone(ZoneInfo(tz))
        if local.time() < local_time:
            continue
        missing = [sid for sid in store_ids if (sid, local.date()) not in done]
        if missing:
            out[(tz, local.date())] = missing
    return out


def dispatch_daily(now_iso: str | None = None) -> int:
    """Enqueue the generation of every store whose day is due (run by the scheduler every 15 minutes)."""
    runtime = job_runtime()
    now = datetime.fromisoformat(now_iso) if now_iso else datetime.now(timezone.utc)
    local_time = time.fromisoformat(runtime.settings.TODO_LOCAL_TIME)
    with runtime.db.transaction() as session:
        groups = due_groups(session=session, now=now, local_time=local_time)
    for (tz, day), store_ids in groups.items():
        digest = hashlib.sha1(",".join(map(str, store_ids)).encode()).hexdigest()[:12]
        runtime.queues.enqueue(DEFAULT, "tasks.todos.generate_day", day.isoformat(), store_ids, tz,
                               job_id=f"todos-{day.isoformat()}-{digest}", skip_if_live=True)
    return len(groups)


def run_generation(runtime, *, on: date, store_ids: list[int], tz: str, full: bool = False,
                   progress=None) -> Outcome:
    """Generate a day for stores of one time zone under the corp-wide lock (shared by the job and the CLI)."""
    with runtime.redis.lock(GENERATE_LOCK, timeout=3600, blocking_timeout=900):
        with runtime.db.transaction() as session:
            return generate(session=session, on=on, store_ids=store_ids, tz=tz,
                            policy=Policy.from_settings(runtime.settings), full=full, progress=progress)


def generate_day(day_iso: str, store_ids: list[int], tz: str) -> dict:
    """Generate a day's to-dos for these stores, then enqueue their guides' cards and the tidy of the tables
    the run churned (a job of its own: the cards do not wait for it, and its failure re-runs only itself)."""
    runtime = job_runtime()
    outcome = run_generation(runtime, on=date.fromisoformat(day_iso), store_ids=store_ids, tz=tz)
    runtime.queues.enqueue(DEFAULT, "tasks.todos.send_day_cards", day_iso, store_ids)
    runtime.queues.enqueue(DEFAULT, "tasks.todos.tidy_tables", job_id="todos-tidy", skip_if_live=True)
    log.info("to-dos %s for stores %s: %s created, %s carried, %s withdrawn", day_iso, store_ids, outcome.created,
             outcome.carried, outcome.withdrawn)
    return {"created": outcome.created, "carried": outcome.carried, "expired": outcome.expired,
            "withdrawn": outcome.withdrawn}


def tidy_tables() -> None:
    """Vacuum and analyze the tables the day's runs churned (bot.services.todos.tidy); one queued at a time."""
    tidy(job_runtime().db)


def send_day_cards(day_iso: str, store_ids: list[int]) -> int:
    """Send each guide of these stores their card for the day (once)."""
    runtime = job_runtime()
    settings = runtime.settings
    return cards.send_cards(db=runtime.db, client=runtime.wecom_agent, agent_id=settings.WECOM_AGENT_ID,
                            store_ids=store_ids, day=date.fromisoformat(day_iso),
                            public_base=settings.PUBLIC_BASE_URL)


def send_from_card(task_id: str, key: str, userid: str, response_code: str) -> dict:
    """A one-tap card button: create the group sends and update the button."""
    runtime = job_runtime()
    settings = runtime.settings
    outcome = cards.handle_click(
        db=runtime.db, contacts_client=runtime.wecom, agent_client=runtime.wecom_agent,
        agent_id=settings.WECOM_AGENT_ID, storage=storage_for(settings), public_base=settings.PUBLIC_BASE_URL,
        link_secret=settings.SECRET_KEY,
        click=cards.CardClick(task_id=task_id, key=key, userid=userid, response_code=response_code),
        lock=lambda guide_id: group_send.sending_lock(runtime.redis, guide_id))
    if outcome is None:
        return {"handled": False}
    if outcome.errors and not outcome.tasks:
        raise RuntimeError("; ".join(outcome.errors))
    return {"handled": True, "tasks": outcome.tasks, "customers": outcome.customers}


def _send_days(session, send_ids: list[int], default_tz: str) -> dict[int, date]:
    """Today in the time zone of each group send's guide's store (a to-do's window ends by the store's day)."""
    now = datetime.now(timezone.utc)
    rows = session.execute(select(GroupSend.id, Store.timezone).join(Guide, Guide.id == GroupSend.guide_id)
                           .outerjoin(Store, Store.id == Guide.store_id).where(GroupSend.id.in_(send_ids)))
    return {send_id: now.astimezone(ZoneInfo(tz or default_tz)).date() for send_id, tz in rows}


def poll_group_sends(on_iso: str | None = None) -> int:
    """Settle the open group sends from WeCom's results; return how many became final."""
    runtime = job_runtime()
    with runtime.db.transaction() as session:
        ids = group_send.open_sends(session=session)
        today = _send_days(session, ids, runtime.settings.TIMEZONE) if ids else {}
    final, failures = 0, []
    for send_id in ids:
        on = date.fromisoformat(on_iso) if on_iso else today[send_id]
        try:
            final += group_send.poll_send(db=runtime.db, client=runtime.wecom, send_id=send_id, on=on) == "final"
        except Exception as exc:  # noqa: BLE001 - the others are still polled; re-raised below
            log.warning("polling group send %s failed: %s", send_id, exc)
            failures.append(send_id)
    if failures:
        raise RuntimeError(f"group sends {failures} not polled ({final} final)")
    return final
