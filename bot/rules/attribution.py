"""Who brought a customer in: channel states and group-join attribution."""
from __future__ import annotations

import secrets
import string

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
