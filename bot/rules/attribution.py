"""Who brought a customer in (channel states, group joins) and who gets the credit for what they buy."""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

STATE_MAX_LENGTH = 30  # WeCom's limit for a 联系我 / 加入群聊 state
_ALPHABET = string.ascii_lowercase + string.digits

STATE_PREFIX = {"contact": "ct", "group": "gj"}

# The callback's JoinScene codes differ from groupchat/get's join_scene codes.
EVENT_JOIN_SCENE_TO_API = {"0": 1, "3": 3}


def new_state(kind: str, store_code: str | None = None) -> str:
    """Return a fresh typed state like 'ct.sh01.k3j9x2m1q0', at most 30 characters."""
    prefix = STATE_PREFIX[kind]
    store = "".join(c for c in (store_code or "").lower() if c in _ALPHABET)[:10]
    token = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    state = f"{prefix}.{store}.{token}" if store else f"{prefix}.{token}"
    assert len(state) <= STATE_MAX_LENGTH
    return state


def state_kind(state: str | None) -> str | None:
    """Return 'contact' or 'group' for a state this app issued, else None."""
    if not state:
        return None
    prefix = state.split(".", 1)[0]
    return {v: k for k, v in STATE_PREFIX.items()}.get(prefix)


def attribute_group_join(*, channel_guide: str | None, invitor: str | None, owner: str | None,
                         known_guides: set[str]) -> str | None:
    """The state's guide, else the inviting guide, else the group owner (if a known guide)."""
    for candidate in (channel_guide, invitor, owner):
        if candidate and candidate in known_guides:
            return candidate
    return None


# ----- Orders, coupon claims and carts: which guide gets the credit (issue 7) -------------------------
#
# The rule is a list of steps tried in order (setting ATTRIBUTION_RULE); the first that names an active
# guide wins:
#   last_click        the guide whose tracked link the customer clicked last, within ATTRIBUTION_CLICK_DAYS
#                     before the event (a link carried by the event itself counts as a click at its time);
#   exclusive_friend  the one guide the customer was a friend of at the time, if there was exactly one;
#   channel           the guide who brought the customer in: the guide of the channel code of their
#                     earliest friendship (or that friendship's guide when it came without a code).

ATTRIBUTION_STEPS = ("last_click", "exclusive_friend", "channel")
DEFAULT_ATTRIBUTION_RULE = ATTRIBUTION_STEPS
CLICK_GRACE = timedelta(minutes=2)   # the shop's clock may run a little behind ours


@dataclass(frozen=True)
class ClickTouch:
    """A tracked-link click (or a link the event carries) by the customer."""

    guide_id: int
    at: datetime
    click_id: int | None = None
    todo_id: int | None = None
    material_id: int | None = None


@dataclass(frozen=True)
class FriendTie:
    """One friendship of the customer, with the guide of the channel code that made it (if any)."""

    guide_id: int
    first_added_at: datetime | None
    added_at: datetime | None
    deleted_by_guide_at: datetime | None = None
    deleted_by_customer_at: datetime | None = None
    channel_guide_id: int | None = None
    friendship_id: int = 0


@dataclass(frozen=True)
class Credit:
    """The guide an event counts for, the step that decided it, and the click behind it (last_click)."""

    guide_id: int
    reason: str
    touch: ClickTouch | None = None


def parse_attribution_rule(text: str) -> tuple[str, ...]:
    """The steps of a rule like 'last_click,exclusive_friend,channel'; ValueError on unknown steps."""
    steps = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in steps if s not in ATTRIBUTION_STEPS]
    if not steps or unknown or len(set(steps)) != len(steps):
        raise ValueError(f"attribution rule {text!r}: use distinct steps among {', '.join(ATTRIBUTION_STEPS)}")
    return steps


def friend_at(tie: FriendTie, at: datetime) -> bool:
    """Was the friendship on at `at`? (Only the latest add and deletions are kept: the best reading of them.)"""
    ends = [e for e in (tie.deleted_by_guide_at, tie.deleted_by_customer_at) if e is not None]
    if tie.added_at is not None and tie.added_at <= at:
        return all(end < tie.added_at or end > at for end in ends)   # a tie is an end (membership.is_active)
    began = tie.first_added_at
    return began is not None and began <= at and any(end > at for end in ends)


def _last_click(at: datetime, clicks: list[ClickTouch], window: timedelta, ok) -> Credit | None:
    recent = [c for c in clicks if at - window <= c.at <= at + CLICK_GRACE and ok(c.guide_id)]
    if not recent:
        return None
    touch = max(recent, key=lambda c: (c.at, c.click_id or 0))
    return Credit(touch.guide_id, "last_click", touch)


def _exclusive_friend(at: datetime, ties: list[FriendTie], ok) -> Credit | None:
    guides = {t.guide_id for t in ties if ok(t.guide_id) and friend_at(t, at)}
    return Credit(guides.pop(), "exclusive_friend") if len(guides) == 1 else None


def _channel(ties: list[FriendTie], ok) -> Credit | None:
    dated = [t for t in ties if (t.first_added_at or t.added_at) is not None]
    if not dated:
        return None
    first = min(dated, key=lambda t: (t.first_added_at or t.added_at, t.friendship_id))
    guide = first.channel_guide_id or first.guide_id
    return Credit(guide, "channel") if ok(guide) else None


def attribute_event(*, at: datetime, clicks: list[ClickTouch], ties: list[FriendTie],
                    steps: tuple[str, ...] = DEFAULT_ATTRIBUTION_RULE, click_days: int = 7,
                    active_guides: set[int] | None = None) -> Credit | None:
    """The guide an order / coupon claim / cart at `at` counts for, by the rule's steps in order."""
    def ok(guide_id: int | None) -> bool:
        return guide_id is not None and (active_guides is None or guide_id in active_guides)

    for step in steps:
        if step == "last_click":
            credit = _last_click(at, clicks, timedelta(days=click_days), ok)
        elif step == "exclusive_friend":
            credit = _exclusive_friend(at, ties, ok)
        else:
            credit = _channel(ties, ok)
        if credit is not None:
            return credit
    return None
