"""The one WeCom client: wechatpy's work client pointed at WECOM_API_BASE.

Differences from plain wechatpy, each for a documented reason:
- every call, gettoken included, goes to WECOM_API_BASE (wechatpy hard-codes the gettoken host);
- the token lives in Redis, shared by all processes;
- on 40014/42001 the token is refreshed and the call retried once (wechatpy recurses without a cap);
- a Redis-backed limiter keeps us under the per-corp per-API limits;
- errcodes become the exceptions of bot.wecom.errors.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import redis
import requests
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage as TokenStorage
from wechatpy.work import WeChatClient

from bot.wecom.errors import RateLimited, TokenInvalid, WeComUnavailable, error_for
from config import Settings


class ApiLimiter:
    """Per-corp, per-API minute and hour limits shared by every process through Redis."""

    def __init__(self, connection: redis.Redis, corp_id: str, per_minute: int, per_hour: int):
        storage = RedisStorage("redis://", connection_pool=connection.connection_pool, key_prefix="wecom-limit")
        self._limiter = MovingWindowRateLimiter(storage)
        self._items = (RateLimitItemPerMinute(per_minute), RateLimitItemPerHour(per_hour))
        self._corp_id = corp_id

    def acquire(self, path: str) -> None:
        """Count one call to path, or raise RateLimited without calling WeCom."""
        for item in self._items:
            if not self._limiter.hit(item, self._corp_id, path):
                raise RateLimited(None, f"local limit {item} reached", path)


class WeComClient(WeChatClient):
    """wechatpy's work client with the behaviour described in the module docstring."""

    def __init__(self, settings: Settings, secret: str, connection: redis.Redis, agent_id: int | None = None):
        self.API_BASE_URL = settings.WECOM_API_BASE
        self.agent_id = agent_id
        super().__init__(
            settings.WECOM_CORP_ID, secret,
            session=TokenStorage(connection, prefix="wecom-token"),
            timeout=settings.WECOM_API_TIMEOUT, auto_retry=False,
        )
        self._limiter = ApiLimiter(
            connection, settings.WECOM_CORP_ID, settings.WECOM_RATE_PER_MINUTE, settings.WECOM_RATE_PER_HOUR
        )

    @classmethod
    def for_contacts(cls, settings: Settings, connection: redis.Redis) -> "WeComClient":
        """The client holding the 客户联系 secret (customer-contact APIs)."""
        return cls(settings, settings.WECOM_CONTACT_SECRET or settings.WECOM_AGENT_SECRET, connection)

    @classmethod
    def for_agent(cls, settings: Settings, connection: redis.Redis) -> "WeComClient":
        """The client of the self-built app (messages, OAuth, JS-SDK)."""
        return cls(settings, settings.WECOM_AGENT_SECRET, connection, agent_id=settings.WECOM_AGENT_ID)

    def fetch_access_token(self):
        """Fetch a token from WECOM_API_BASE (not wechatpy's hard-coded host)."""
        self._limiter.acquire("gettoken")
        try:
            return self._fetch_access_token(
                url=f"{self.API_BASE_URL}gettoken",
                params={"corpid": self.corp_id, "corpsecret": self.secret},
            )
        except WeChatClientException as exc:
            raise error_for(exc.errcode, str(exc.errmsg or ""), "gettoken") from exc
        except requests.RequestException as exc:
            raise WeComUnavailable(None, str(exc), "gettoken") from exc

    def _request(self, method, url_or_endpoint, **kwargs):
        path = self._path_of(url_or_endpoint)
        try:
            return self._request_once(method, url_or_endpoint, path, kwargs)
        except TokenInvalid:
            self.session.delete(self.access_token_key)
            self.session.delete(self.access_token_expires_at_key)
            return self._request_once(method, url_or_endpoint, path, kwargs)

    def _request_once(self, method, url_or_endpoint, path, kwargs):
        self._limiter.acquire(path)
        call = dict(kwargs)
        params = call.get("params")
        if isinstance(params, dict):
            call["params"] = {k: v for k, v in params.items() if k != "access_token"}
        try:
            return super()._request(method, url_or_endpoint, **call)
        except WeChatClientException as exc:
            raise error_for(exc.errcode, str(exc.errmsg or ""), path) from exc
        except requests.RequestException as exc:
            raise WeComUnavailable(None, str(exc), path) from exc

    def _handle_result(self, res, method=None, url=None, result_processor=None, **kwargs):
        result = self._decode_result(res) if not isinstance(res, dict) else res
        if isinstance(result, dict) and int(result.get("errcode", 0) or 0) != 0:
            raise error_for(int(result["errcode"]), str(result.get("errmsg", "")), self._path_of(url or ""))
        if not isinstance(result, dict):
            return result
        return result if not result_processor else result_processor(result)

    def _path_of(self, url_or_endpoint: str) -> str:
        if url_or_endpoint.startswith(("http://", "https://")):
            path = urlsplit(url_or_endpoint).path
            base = urlsplit(self.API_BASE_URL).path
            return path[len(base):] if path.startswith(base) else path.lstrip("/")
        return url_or_endpoint
