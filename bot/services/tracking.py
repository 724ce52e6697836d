"""Tracked links and clicks: tokens for the to-dos' links, the click record, the live counters in Redis.

A click is one INSERT on an autocommit connection plus one Redis script call (the 30-minute dedupe
and today's live counters, atomically), so the redirect stays cheap. The live counters are what the
guide's radar shows for today; the performance record itself is the rollup (bot/services/performance).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.rules.tracking import LinkRef, is_redirectable, link_expired, link_key, sign_link, visitor_of
from models import Click, Guide, Store

log = logging.getLogger(__name__)

LIVE_TTL_SECONDS = 3 * 86400
LIVE_FIELDS = ("clicks", "raw_clicks", "coupon_claims", "add_to_carts", "page_views", "orders", "order_amount")
ZONE_CACHE_SECONDS = 600

# KEYS: dedupe key, live counters hash, live visitors set, radar notice key.
# ARGV: now, window, visitor, ttl, has_guide. Returns 1 if the click counts, plus 2 if the radar may notify.
_CLICK_SCRIPT = """
local counted = 1
local last = redis.call('GET', KEYS[1])
if last and tonumber(ARGV[1]) - tonumber(last) < tonumber(ARGV[2]) then
  counted = 0
else
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
if ARGV[5] == '1' then
  redis.call('HINCRBY', KEYS[2], 'raw_clicks', 1)
  if counted == 1 then
    redis.call('HINCRBY', KEYS[2], 'clicks', 1)
  end
  redis.call('SADD', KEYS[3], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
if counted == 1 and redis.call('EXISTS', KEYS[4]) == 0 then
  return 3
end
return counted
"""
_scripts: dict[int, object] = {}


def tracked_path(token: str) -> str:
    return f"/t/{token}"


def guide_link(secret: str, public_base: str, *, guide_id: int, target: str | None,
               material_id: int | None = None) -> str | None:
    """A guide's tracked URL for a link shared by hand (no to-do, no customer); None for a target that may not
    be redirected to."""
    if not is_redirectable(target):
        return None
    token = sign_link(secret, LinkRef(target, guide_id=guide_id, material_id=material_id))
    return public_base.rstrip("/") + tracked_path(token)


def signed_links(secret: str, links: list[dict], *, todo_id: int, guide_id: int, customer_id: int) -> list[dict]:
    """A to-do's material links, each with the token of its `/t/` URL (None without a secret, or for a
    target that may not be redirected to)."""
    return [dict(link, token=_token_for(secret, link, todo_id, guide_id, customer_id) if secret else None)
            for link in links]


def _token_for(secret: str, link: dict, todo_id: int, guide_id: int, customer_id: int) -> str | None:
    target = link.get("target")
    if not is_redirectable(target):
        return None
    return sign_link(secret, LinkRef(target=target, guide_id=guide_id, customer_id=customer_id, todo_id=todo_id,
                                     material_id=link.get("material_id")))


class GuideZones:
    """Each guide's store time zone, cached in the process (a click must not read the database for it)."""

    def __init__(self, default_tz: str):
        self.default_tz = default_tz
        self._zones: dict[int, str] = {}
        self._loaded = 0.0

    def zone(self, db, guide_id: int | None) -> str:
        if guide_id is None:
            return self.default_tz
        if guide_id not in self._zones or time.monotonic() - self._loaded > ZONE_CACHE_SECONDS:
            with db.transaction() as session:
                self._zones = guide_zones(session=session, default_tz=self.default_tz)
            self._loaded = time.monotonic()
        return self._zones.get(guide_id, self.default_tz)


def guide_zones(*, session: Session, default_tz: str) -> dict[int, str]:
    """Every guide's store time zone (the business time zone for guides without a store)."""
    rows = session.execute(select(Guide.id, Store.timezone).outerjoin(Store, Store.id == Guide.store_id))
    return {guide_id: tz or default_tz for guide_id, tz in rows}


@dataclass(frozen=True)
class ClickSeen:
    """What the request of a click carried."""

    user_agent: str = ""
    openid: str | None = None
    unionid: str | None = None
    remote: str = ""


def live_key(guide_id: int, day: date) -> str:
    return f"live:{guide_id}:{day.isoformat()}"


def _click_script(connection: redis.Redis):
    script = _scripts.get(id(connection))
    if script is None:
        script = _scripts[id(connection)] = connection.register_script(_CLICK_SCRIPT)
    return script


def radar_key(customer_id: int | None, day: date) -> str:
    """Taken when the radar notified a guide about this customer today (bot.flows.radar)."""
    return f"radar:{customer_id or 0}:{day.isoformat()}"


def dedupe_click(connection: redis.Redis, *, key: str, visitor: str, guide_id: int | None, customer_id: int | None,
                 day: date, now: float, window: timedelta) -> tuple[bool, bool]:
    """(counts, may notify): no counted click of this visitor on this link within the window; no notice today."""
    live = live_key(guide_id or 0, day)
    result = int(_click_script(connection)(
        keys=[f"click:{key}:{visitor}", live, live + ":v", radar_key(customer_id, day)],
        args=[repr(now), int(window.total_seconds()), visitor, LIVE_TTL_SECONDS, "1" if guide_id else "0"]))
    return bool(result & 1), bool(result & 2)


def record_click(*, db, connection: redis.Redis, zones: GuideZones, token: str, ref: LinkRef, seen: ClickSeen,
                 now: datetime, window: timedelta, link_days: int) -> tuple[int, bool, bool]:
    """Store one click (all clicks are kept); return (click id, counted, whether the radar may notify).

    A click on a link issued more than `link_days` ago is kept as a raw click only (no count, no unique
    clicker, no radar notice).
    """
    day = now.astimezone(ZoneInfo(zones.zone(db, ref.guide_id))).date()
    key = link_key(token)
    visitor = visitor_of(ref.customer_id, seen.remote)
    expired = link_expired(ref, now, link_days)
    if expired:
        counted, notify = False, False
        if ref.guide_id:
            bump_live(connection, [(ref.guide_id, day, "raw_clicks", 1)])
    else:
        counted, notify = _dedupe_or_count(connection, key=key, visitor=visitor, ref=ref, day=day, now=now,
                                           window=window)
    values = {"link_key": key, "visitor": visitor, "todo_id": ref.todo_id, "guide_id": ref.guide_id,
              "customer_id": ref.customer_id, "material_id": ref.material_id, "target": ref.target,
              "counted": counted, "link_expired": expired, "clicked_at": now, "clicked_on": day,
              "user_agent": seen.user_agent[:400] or None,
              "openid": (seen.openid or "")[:64] or None, "unionid": (seen.unionid or "")[:64] or None}
    click_id = db.autocommit(lambda connection_db: connection_db.execute(insert(Click).returning(Click.id),
                                                                         values).scalar_one())
    return click_id, counted, notify and ref.todo_id is not None


def _dedupe_or_count(connection: redis.Redis, *, key: str, visitor: str, ref: LinkRef, day: date, now: datetime,
                     window: timedelta) -> tuple[bool, bool]:
    try:
        return dedupe_click(connection, key=key, visitor=visitor, guide_id=ref.guide_id,
                            customer_id=ref.customer_id, day=day, now=now.timestamp(), window=window)
    except redis.RedisError as exc:   # keep the click; it counts (the dedupe needs Redis)
        log.warning("click dedupe unavailable: %s", exc)
        return True, False


def bump_live(connection: redis.Redis, increments: list[tuple[int, date, str, int]]) -> None:
    """Add to today's live counters: (guide id, day, field, amount) each; a Redis failure only logs."""
    if not increments:
        return
    try:
        with connection.pipeline(transaction=False) as pipe:
            for guide_id, day, name, amount in increments:
                pipe.hincrby(live_key(guide_id, day), name, amount)
                pipe.expire(live_key(guide_id, day), LIVE_TTL_SECONDS)
            pipe.execute()
    except redis.RedisError as exc:
        log.warning("live counters not updated: %s", exc)


def live_counters(connection: redis.Redis, guide_id: int, day: date) -> dict[str, int]:
    """The guide's live counters for a day (zeros when none), unique clickers included."""
    with connection.pipeline(transaction=False) as pipe:
        pipe.hgetall(live_key(guide_id, day))
        pipe.scard(live_key(guide_id, day) + ":v")
        raw, visitors = pipe.execute()
    counters = {name: 0 for name in LIVE_FIELDS}
    counters.update({k.decode(): int(v) for k, v in raw.items()})
    counters["unique_clickers"] = int(visitors)
    return counters
