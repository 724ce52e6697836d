"""Callback benchmark: the full WeCom callback path beside a no-op endpoint, same run.

Real gunicorn, PostgreSQL and Redis. Each callback is a distinct signed, encrypted
customer-contact event (so none is deduplicated away); the no-op endpoint gets bodies of
the same size. Prints events/s and p99 for both, their ratio, and the inbox count.

    make bench            # or: .venv/bin/python -m bench.callback_bench --events 4000
"""
from __future__ import annotations

import argparse
import secrets
import time
from urllib.parse import urlencode

import psycopg
import redis
from wechatpy.work.crypto import WeChatCrypto

from bench.common import REDIS_URL, fresh_postgres, gunicorn, post_all

CORP, TOKEN, KEY = "wwbench0000000001", "benchtoken", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def signed_events(count: int) -> list[tuple[str, bytes]]:
    """`count` distinct add_external_contact callbacks, encrypted and signed as WeCom does."""
    crypto = WeChatCrypto(TOKEN, KEY, CORP)
    now = int(time.time())
    out = []
    for i in range(count):
        xml = (f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
               f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
               "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]>"
               f"</ChangeType><UserID><![CDATA[guide{i % 50:03d}]]></UserID><ExternalUserID><![CDATA[wmbench{i:08d}"
               f"{secrets.token_hex(4)}]]></ExternalUserID><State><![CDATA[ct.bench.x]]></State></xml>")
        nonce, ts = secrets.token_hex(5), str(now)
        reply = crypto.encrypt_message(xml, nonce, ts)
        encrypt = reply.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        signature = reply.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        body = (f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                "<AgentID><![CDATA[1000002]]></AgentID></xml>").encode()
        query = urlencode({"msg_signature": signature, "timestamp": ts, "nonce": nonce})
        out.append((f"/wecom/callback?{query}", body))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    redis.Redis.from_url(REDIS_URL).flushdb()
    with fresh_postgres("guide_bench") as db_url:
        env = {"APP_ENV": "development", "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL,
               "WECOM_CORP_ID": CORP, "WECOM_TOKEN": TOKEN, "WECOM_ENCODING_AES_KEY": KEY,
               "WECOM_API_BASE": "http://127.0.0.1:9/cgi-bin/", "API_TOKEN": "bench", "SECRET_KEY": "b" * 40}
        with gunicorn(env, args.workers, args.threads) as port:
            accepted = 0
            best_noop = best_cb = None
            for round_no in range(args.rounds):
                events = signed_events(args.events)
                noop = post_all(port, [("/noop", body) for _, body in events], args.concurrency)
                callback = post_all(port, events, args.concurrency)
                accepted += callback.ok
                print(f"round {round_no + 1}: " + noop.line("no-op"))
                print(f"round {round_no + 1}: " + callback.line("callback"))
                if best_noop is None or noop.per_second > best_noop.per_second:
                    best_noop = noop
                if best_cb is None or callback.per_second > best_cb.per_second:
                    best_cb = callback
        with psycopg.connect(db_url) as conn:
            stored = conn.execute("SELECT count(*) FROM callback_event").fetchone()[0]
    queued = redis.Redis.from_url(REDIS_URL).llen("rq:queue:urgent")
    ratio = best_cb.per_second / best_noop.per_second
    print(f"\nworkers={args.workers} threads={args.threads} concurrency={args.concurrency} events/round={args.events}")
    print(f"callback {best_cb.per_second:.1f} ev/s (p99 {best_cb.percentile(99):.1f} ms) vs "
          f"no-op {best_noop.per_second:.1f} req/s (p99 {best_noop.percentile(99):.1f} ms): "
          f"ratio {ratio:.2f} (target >= 0.35)")
    print(f"answered 200: {accepted}; inbox rows: {stored}; jobs queued: {queued}; "
          f"lost: {accepted - stored}")


if __name__ == "__main__":
    main()
