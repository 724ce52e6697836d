"""The RQ job that processes one inbox row through the registry (enqueued by dotted path)."""
from __future__ import annotations

import logging

from handlers.events import chat, contact, tag  # noqa: F401  (registers the handlers)
from handlers.events import card  # noqa: F401  (registers the card-click handler)
from handlers.events import directory  # noqa: F401  (registers the directory handlers)
from handlers.events.registry import handler_for
from bot.services.inbox import record_failure
from bot.wecom.callback import event_from_xml
from models import CallbackEvent, utcnow
from models.inbox import STATUS_IGNORED, STATUS_PROCESSED
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)

JOB_PATH = "handlers.events.job.process_event"


def process_event(event_id: int) -> str:
    """Process inbox row event_id once; on failure record it and re-raise so RQ retries."""
    runtime = job_runtime()
    try:
        with runtime.db.transaction() as session:
            row = session.get(CallbackEvent, event_id, with_for_update=True)
            if row is None or row.status in (STATUS_PROCESSED, STATUS_IGNORED):
                return "skipped"
            event = event_from_xml(row.raw_xml, received_at=row.received_at)
            handler = handler_for(event)
            if handler is not None:
                handler(event, session=session, client=runtime.wecom)
            row.status = STATUS_PROCESSED if handler else STATUS_IGNORED
            row.attempts += 1
            row.processed_at = utcnow()
            row.error = None
            return row.status
    except Exception as exc:
        log.exception("event %s failed", event_id)
        with runtime.db.transaction() as session:
            record_failure(session=session, event_id=event_id, error=f"{exc.__class__.__name__}: {exc}")
        raise
