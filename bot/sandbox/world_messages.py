"""App messages (message/send), template-card clicks, media and OAuth codes."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from . import events, ids
from .errors import ApiError
from .models import JsonDict, Media, OAuthCode, ResponseCode, SentMessage
from .world_groups import GroupsMixin

RESPONSE_CODE_TTL = 72 * 3600.0
MEDIA_TTL = 3 * 86400.0
OAUTH_CODE_TTL = 300.0
PER_MEMBER_MINUTE, PER_MEMBER_HOUR = 30, 1000
INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})


class MessagesMixin(GroupsMixin):
    """What the app sends to members, and what members do with it."""

    def _init_messages(self) -> None:
        self.messages: list[SentMessage] = []
        self.response_codes: dict[str, ResponseCode] = {}
        self.media: dict[str, Media] = {}
        self.images: dict[str, bytes] = {}  # uploadimg URL -> bytes
        self.strict_media_types = True  # media/upload type=image must really be JPG/PNG
        self.oauth_codes: dict[str, OAuthCode] = {}
        self._member_deliveries: dict[tuple[int, str], deque[float]] = {}
        self._next_text_msgid = 1_000_000_000

    # ----- message/send --------------------------------------------------------------------
    def record_app_message(self, agentid: int, body: JsonDict, recipients: Sequence[str]) -> SentMessage:
        """Store a sent message; recipients over 30/min or 1000/h are silently dropped."""
        with self.lock:
            delivered = [u for u in recipients if self._delivery_allowed(agentid, u)]
            dropped = [u for u in recipients if u not in delivered]
            msg = SentMessage(ids.msgid(), agentid, str(body.get("msgtype", "")), body, delivered,
                              dropped, self.now())
            card_type = (body.get("template_card") or {}).get("card_type")
            if body.get("msgtype") == "template_card" and card_type in INTERACTIVE_CARDS:
                msg.response_code = self._issue_response_code(msg.msgid, None)
            self.messages.append(msg)
            return msg

    def task_id_used(self, agentid: int, task_id: str) -> bool:
        with self.lock:
            return any(m.agentid == agentid and m.task_id == task_id for m in self.messages)

    def sent_messages(self, userid: str | None = None) -> list[SentMessage]:
        """Messages delivered (not dropped), optionally only those that reached ``userid``."""
        with self.lock:
            return [m for m in self.messages if userid is None or userid in m.delivered]

    def messages_by_response_code(self, code: str) -> SentMessage | None:
        with self.lock:
            rc = self.response_codes.get(code)
            return next((m for m in self.messages if rc and m.msgid == rc.msgid), None)

    def use_response_code(self, code: str) -> SentMessage:
        """update_template_card: response codes are single use and valid 72 h."""
        with self.lock:
            rc = self.response_codes.get(code)
            if rc is None or rc.used_at is not None or self.now() - rc.issued_at > RESPONSE_CODE_TTL:
                # the doc gives no errcode for a bad/used/expired response_code
                raise ApiError(40058, "invalid response_code")
            rc.used_at = self.now()
            return next(m for m in self.messages if m.msgid == rc.msgid)

    # ----- world actions -------------------------------------------------------------------
    def member_clicks_card(self, userid: str, task_id: str, key: str, *,
                           selected: Sequence[tuple[str, Sequence[str]]] | None = None,
                           menu: bool = False) -> str:
        """A member clicks a card button (or a menu item): template_card_event with a fresh ResponseCode."""
        with self.lock:
            msg = next((m for m in reversed(self.messages)
                        if m.task_id == task_id and userid in m.delivered), None)
            if msg is None:
                raise ValueError(f"{userid!r} never received a card with task_id {task_id!r}")
            card = msg.body["template_card"]
            if key not in _card_keys(card):
                raise ValueError(f"card {task_id!r} has no key {key!r}")
            code = self._issue_response_code(msg.msgid, userid)
            return events.template_card_event(
                self.corp_id, self.event_time(), userid, event_key=key, task_id=task_id,
                card_type=card["card_type"], response_code=code, agent_id=msg.agentid,
                selected=None if menu else selected,
                event="template_card_menu_event" if menu else "template_card_event")

    def member_messages_app(self, userid: str, content: str, agentid: int | None = None) -> str:
        """A member types text to the app."""
        with self.lock:
            self.member(userid)
            if agentid is None:
                agentid = next((a.agentid for a in self.apps.values() if a.agentid is not None), 0)
            self._next_text_msgid += 1
            return events.text_message(self.corp_id, self.event_time(), userid, content,
                                       self._next_text_msgid, agentid)

    # ----- media ---------------------------------------------------------------------------
    def add_media(self, type: str, filename: str, content_type: str, data: bytes) -> Media:
        with self.lock:
            media = Media(ids.media_id(), type, filename, content_type, data, self.now())
            self.media[media.media_id] = media
            return media

    def get_media(self, media_id: str) -> Media:
        """40007 for unknown or expired (3 days) media ids."""
        with self.lock:
            media = self.media.get(media_id)
            if media is None or self.now() - media.created_at > MEDIA_TTL:
                raise ApiError(40007)
            return media

    def add_image(self, data: bytes) -> str:
        with self.lock:
            url = ids.image_url()
            self.images[url] = data
            return url

    # ----- OAuth ---------------------------------------------------------------------------
    def issue_oauth_code(self, userid: str | None = None, *, openid: str | None = None,
                         external_userid: str | None = None, scope: str = "snsapi_base") -> str:
        """The code WeCom appends to the redirect_uri after the member (or a visitor) opened the page."""
        with self.lock:
            if userid is not None:
                self.member(userid)
            elif openid is None:
                raise ValueError("give a member userid or a visitor openid")
            code = ids.oauth_code()
            self.oauth_codes[code] = OAuthCode(code, userid, openid, external_userid, scope, self.now())
            return code

    def consume_oauth_code(self, code: str) -> OAuthCode:
        """Codes are single use and valid 5 minutes; 40029 otherwise."""
        with self.lock:
            entry = self.oauth_codes.get(code)
            if entry is None or entry.used or self.now() - entry.issued_at > OAUTH_CODE_TTL:
                raise ApiError(40029)
            entry.used = True
            return entry

    # ----- internals -----------------------------------------------------------------------
    def _issue_response_code(self, msgid: str, userid: str | None) -> str:
        code = ids.response_code()
        self.response_codes[code] = ResponseCode(code, msgid, userid, self.now())
        return code

    def _delivery_allowed(self, agentid: int, userid: str) -> bool:
        now = self.now()
        window = self._member_deliveries.setdefault((agentid, userid), deque())
        while window and window[0] <= now - 3600.0:
            window.popleft()
        last_minute = sum(1 for t in window if t > now - 60.0)
        if last_minute >= PER_MEMBER_MINUTE or len(window) >= PER_MEMBER_HOUR:
            return False
        window.append(now)
        return True


def _card_keys(card: dict[str, Any]) -> set[str]:
    """Every callback key a click on this card can carry."""
    keys = {b.get("key") for b in card.get("button_list", []) if not b.get("type")}
    keys |= {a.get("key") for a in (card.get("action_menu") or {}).get("action_list", [])}
    keys.add((card.get("submit_button") or {}).get("key"))
    return {k for k in keys if k}
