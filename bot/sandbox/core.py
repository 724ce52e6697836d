"""Corp-level plumbing: clock, lock, apps and tokens, call log, faults, rate limits, directory."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from . import ids
from .errors import ApiError
from .models import AppInfo, CallRecord, Department, Fault, Member, TokenInfo

TOKEN_TTL = 7200
DEFAULT_PER_MINUTE = 10_000  # D 90454: per corp, per API
BLOCK_SECONDS = 60.0  # a minute-limit block lasts 60 s
UNLIMITED_PATHS = frozenset({"message/send"})  # app messages are not counted in the base limits


def normalize_path(path: str) -> str:
    """``/cgi-bin/externalcontact/get`` -> ``externalcontact/get``."""
    path = path.strip("/")
    if path.startswith("cgi-bin/"):
        path = path[len("cgi-bin/"):]
    return path


class CorpCore:
    """Shared state and cross-cutting behaviour; world mixins build on it."""

    def __init__(self, corp_id: str, secrets: dict[str, int | None],
                 clock: Callable[[], float] = time.time) -> None:
        self.corp_id = corp_id
        self.clock = clock
        self.lock = threading.RLock()
        self.apps: dict[str, AppInfo] = {s: AppInfo(s, a) for s, a in secrets.items()}
        self.contact_api_agents: set[int] | None = None  # None: every app may call 客户联系 APIs
        self.tokens: dict[str, TokenInfo] = {}
        self.members: dict[str, Member] = {}
        self.departments: dict[int, Department] = {1: Department(1, corp_id, 0)}
        self.call_log: list[CallRecord] = []
        self.default_rate_limit = DEFAULT_PER_MINUTE
        self._faults: dict[str, deque[Fault]] = {}
        self._rate_limits: dict[str, int] = {}
        self._rate_windows: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    # ----- clock ---------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def event_time(self) -> int:
        return int(self.clock())

    # ----- apps and tokens -----------------------------------------------------------------
    def app_for_agent(self, agentid: int) -> AppInfo | None:
        return next((a for a in self.apps.values() if a.agentid == agentid), None)

    def issue_token(self, corpid: str | None, secret: str | None) -> TokenInfo:
        """gettoken: the same token is re-issued while it is valid (older doc text)."""
        with self.lock:
            if not corpid:
                raise ApiError(41002)
            if corpid != self.corp_id:
                raise ApiError(40013)
            if not secret:
                raise ApiError(41004)
            if secret not in self.apps:
                raise ApiError(40001)
            now = self.now()
            for info in self.tokens.values():
                if info.secret == secret and not info.revoked and info.expires_at > now:
                    return info
            info = TokenInfo(ids.access_token(), secret, now, now + TOKEN_TTL)
            self.tokens[info.token] = info
            return info

    def check_token(self, token: str | None) -> AppInfo:
        """41001 missing, 40014 unknown, 42001 expired."""
        with self.lock:
            if not token:
                raise ApiError(41001)
            info = self.tokens.get(token)
            if info is None:
                raise ApiError(40014)
            if info.revoked or info.expires_at <= self.now():
                raise ApiError(42001)
            return self.apps[info.secret]

    def expire_tokens(self) -> None:
        """Every issued token answers 42001 from now on; a fresh gettoken gets a new one."""
        with self.lock:
            for info in self.tokens.values():
                info.revoked = True

    def invalidate_tokens(self) -> None:
        """Forget every token: the next call with an old token answers 40014."""
        with self.lock:
            self.tokens.clear()

    # ----- call log ------------------------------------------------------------------------
    def log_call(self, record: CallRecord) -> None:
        with self.lock:
            self.call_log.append(record)

    def calls(self, path: str | None = None) -> list[CallRecord]:
        """Recorded API calls, optionally only those to ``path``."""
        with self.lock:
            if path is None:
                return list(self.call_log)
            wanted = normalize_path(path)
            return [c for c in self.call_log if c.path == wanted]

    # ----- faults and limits ---------------------------------------------------------------
    def inject_fault(self, path: str, errcode: int | None = None, delay: float = 0.0, times: int = 1) -> None:
        """The next ``times`` calls to ``path`` sleep ``delay`` s and/or answer ``errcode``."""
        with self.lock:
            queue = self._faults.setdefault(normalize_path(path), deque())
            queue.extend(Fault(errcode, delay) for _ in range(times))

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            queue = self._faults.get(normalize_path(path))
            return queue.popleft() if queue else None

    def set_rate_limit(self, path: str, per_minute: int) -> None:
        with self.lock:
            self._rate_limits[normalize_path(path)] = per_minute

    def check_rate(self, path: str) -> None:
        """Count one call to ``path``; 45009 once over the per-minute limit (then blocked 60 s)."""
        path = normalize_path(path)
        if path in UNLIMITED_PATHS:
            return
        with self.lock:
            now = self.now()
            if self._blocked_until.get(path, 0.0) > now:
                raise ApiError(45009)
            window = self._rate_windows.setdefault(path, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self._rate_limits.get(path, self.default_rate_limit):
                self._blocked_until[path] = now + BLOCK_SECONDS
                raise ApiError(45009)
            window.append(now)

    # ----- directory -----------------------------------------------------------------------
    def add_department(self, id: int, name: str, parentid: int = 1, order: int = 0) -> Department:
        with self.lock:
            if parentid not in self.departments and id != 1:
                raise ValueError(f"unknown parent department {parentid}")
            dept = Department(id, name, parentid, order)
            self.departments[id] = dept
            return dept

    def add_member(self, userid: str, name: str, department: Iterable[int] = (1,), mobile: str = "",
                   position: str = "", **extra: Any) -> Member:
        with self.lock:
            depts = list(department)
            for d in depts:
                if d not in self.departments:
                    raise ValueError(f"unknown department {d}")
            member = Member(userid, name, depts, mobile=mobile, position=position, **extra)
            self.members[userid] = member
            return member

    def member(self, userid: str) -> Member:
        with self.lock:
            if userid not in self.members:
                raise ValueError(f"unknown member {userid!r}")
            return self.members[userid]

    def department_tree(self, root: int) -> list[int]:
        """``root`` and every department below it."""
        with self.lock:
            out, todo = [], [root]
            while todo:
                current = todo.pop()
                out.append(current)
                todo += [d.id for d in self.departments.values() if d.parentid == current and d.id != current]
            return out
