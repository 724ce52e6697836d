"""JS-SDK tickets (protocol doc §4.15): the corp's jsapi_ticket and each app's agent_config ticket.

Both live 7200 s and the same ticket is handed out while it is valid; fetches are limited to 400 an
hour per corp and 100 an hour per app (D 90454 / 96909), over which WeCom answers 45009.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from . import ids
from .core import CorpCore
from .errors import ApiError

TICKET_TTL = 7200
PER_CORP_HOUR, PER_APP_HOUR = 400, 100


@dataclass
class Ticket:
    ticket: str
    kind: str          # "corp" | "agent_config"
    issued_at: float


class JsapiMixin(CorpCore):
    def _init_jsapi(self) -> None:
        self.jsapi_tickets: dict[tuple[str, str], Ticket] = {}   # (app secret, kind) -> ticket
        self._ticket_fetches: dict[str, deque[float]] = {}

    def issue_jsapi_ticket(self, secret: str, kind: str) -> tuple[str, int]:
        """(ticket, expires_in) for the app holding `secret`; the valid one is reused."""
        with self.lock:
            now = self.now()
            self._count_fetch("corp", PER_CORP_HOUR, now)
            self._count_fetch(f"app:{secret}", PER_APP_HOUR, now)
            current = self.jsapi_tickets.get((secret, kind))
            if current is None or now - current.issued_at >= TICKET_TTL:
                current = Ticket(ids.rand_chars(86, ids.ALNUM + "-_"), kind, now)
                self.jsapi_tickets[(secret, kind)] = current
            return current.ticket, int(TICKET_TTL - (now - current.issued_at))

    def ticket_fetch_count(self, kind: str | None = None) -> int:
        """How many ticket fetches were answered (all kinds, or one)."""
        with self.lock:
            return sum(1 for c in self.call_log if c.path in ("get_jsapi_ticket", "ticket/get")
                       and (kind is None or (c.path == "ticket/get") == (kind == "agent_config"))
                       and c.errcode in (0, None))

    def _count_fetch(self, key: str, per_hour: int, now: float) -> None:
        window = self._ticket_fetches.setdefault(key, deque())
        while window and window[0] <= now - 3600.0:
            window.popleft()
        if len(window) >= per_hour:
            raise ApiError(45009)
        window.append(now)
