"""The event registry: (event, change type) -> handler, instead of an if/elif chain."""
from __future__ import annotations

from typing import Callable, Protocol

from sqlalchemy.orm import Session

from bot.wecom.callback import WeComEvent


class EventHandler(Protocol):
    def __call__(self, event: WeComEvent, *, session: Session, client) -> None: ...


_HANDLERS: dict[tuple[str, str], EventHandler] = {}


def on(event: str, *change_types: str) -> Callable[[EventHandler], EventHandler]:
    """Register a handler for event and each change type ('*' matches any)."""
    def register(func: EventHandler) -> EventHandler:
        for change_type in change_types or ("*",):
            key = (event, change_type)
            if key in _HANDLERS:
                raise ValueError(f"two handlers for {key}")
            _HANDLERS[key] = func
        return func
    return register


def route_key(event: WeComEvent) -> tuple[str, str]:
    """The (event, change type) of an event; group updates route on their UpdateDetail."""
    change = event.change_type
    if event.event == "change_external_chat" and change == "update":
        change = f"update:{event.get('UpdateDetail')}"
    return event.event, change


def handler_for(event: WeComEvent) -> EventHandler | None:
    """Return the handler for this event, or None if the app does not handle it."""
    name, change = route_key(event)
    return _HANDLERS.get((name, change)) or _HANDLERS.get((name, "*"))


def registered() -> dict[tuple[str, str], EventHandler]:
    """A copy of the table (for tests and docs)."""
    return dict(_HANDLERS)
