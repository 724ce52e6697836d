"""Channel codes: the typed state that says which store / guide / campaign brought someone in."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.attribution import new_state
from models import Channel, Guide


def resolve_channel_state(*, session: Session, state: str | None) -> Channel | None:
    """Return the channel that issued this state, or None for a foreign or empty state."""
    if not state:
        return None
    return session.scalars(select(Channel).where(Channel.state == state)).one_or_none()


def new_channel(*, session: Session, kind: str, guide: Guide | None, campaign: str | None,
                chat_id: str | None = None, welcome_text: str | None = None) -> Channel:
    """Create (flush) a channel row with a fresh unique state; WeCom ids are filled by the flow."""
    store = guide.store if guide else None
    channel = Channel(
        kind=kind, state=new_state(kind, store.code if store else None),
        store_id=store.id if store else None, guide_id=guide.id if guide else None,
        campaign=campaign, chat_id=chat_id, welcome_text=welcome_text,
    )
    session.add(channel)
    session.flush()
    return channel
