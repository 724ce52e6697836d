"""Leaderboards: the API's order, the manager's page and its XLSX export, HQ's store ranking, the weekly digest."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import select

from bot.rules.leaderboard import METRICS, format_value
from models import Guide, PerformanceDay
from tests.tracking.helpers import AUTH
from tests.web.helpers import make_hq_user, sign_in_hq, sign_in_member

MONDAY = date(2026, 3, 2)


def seed_performance(db) -> dict[str, int]:
    """A week of records: 王芳 sells most, 李晓 clicks most, 张丽 (the manager) completes most; 陈静 in Hangzhou."""
    with db.transaction() as session:
        guides = {g.userid: g for g in session.scalars(select(Guide))}
        plan = {"wangfang": dict(order_amount=129900, orders=2, clicks=5, todos_assigned=10, todos_done=6),
                "lixiao": dict(order_amount=59900, orders=1, clicks=9, todos_assigned=8, todos_done=4),
                "zhangli": dict(order_amount=0, orders=0, clicks=1, todos_assigned=2, todos_done=2),
                "chenjing": dict(order_amount=500000, orders=4, clicks=20, todos_assigned=5, todos_done=1)}
        for userid, figures in plan.items():
            for offset in (0, 3):                                  # Monday and Thursday: the week sums both
                session.add(PerformanceDay(store_id=guides[userid].store_id, guide_id=guides[userid].id,
                                           day=MONDAY + timedelta(days=offset), **figures))
        session.add(PerformanceDay(store_id=guides["lixiao"].store_id, guide_id=guides["lixiao"].id,
                                   day=MONDAY - timedelta(days=1), order_amount=10**7, orders=9))  # last week
        return {u: g.id for u, g in guides.items()}


def board(client, **params):
    response = client.get("/api/v1/leaderboard", query_string=params, headers=AUTH)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_api_ranks_guides_on_the_metric_asked(client, db, org):
    seed_performance(db)
    week = board(client, store="SH001", period="week", date="2026-03-05", metric="order_amount")
    assert (week["start"], week["end"]) == ("2026-03-02", "2026-03-08")
    assert [(r["rank"], r["userid"], r["value"]) for r in week["rows"]] == [
        (1, "wangfang", 259800), (2, "lixiao", 119800), (3, "zhangli", 0)]
    by_clicks = board(client, store="SH001", period="week", date="2026-03-05", metric="clicks")
    assert [r["userid"] for r in by_clicks["rows"]] == ["lixiao", "wangfang", "zhangli"]
    rate = board(client, store="SH001", period="month", date="2026-03-31", metric="completion_rate")
    assert [(r["userid"], r["value"]) for r in rate["rows"]] == [("zhangli", 1.0), ("wangfang", 0.6),
                                                                  ("lixiao", 0.5)]
    day = board(client, store="SH001", period="day", date="2026-03-01", metric="orders")
    assert [(r["userid"], r["value"]) for r in day["rows"]][0] == ("lixiao", 9)
    stores = board(client, period="week", date="2026-03-05", metric="order_amount")
    assert [(r["code"], r["value"]) for r in stores["rows"]] == [("HZ001", 1000000), ("SH001", 379600)]
    assert client.get("/api/v1/leaderboard?store=SH001").status_code == 401
    assert client.get("/api/v1/leaderboard?store=XX9", headers=AUTH).status_code == 404
    assert client.get("/api/v1/leaderboard?metric=loudness", headers=AUTH).status_code == 422


def _page_rows(html: str) -> list[list[str]]:
    rows = re.findall(r'<tr data-testid="lb-row"[^>]*>(.*?)</tr>', html, re.S)
    return [[re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_a_manager_sees_their_store_only_and_the_export_matches_the_page(client, db, org, sandbox):
    seed_performance(db)
    sign_in_member(client, sandbox, "zhangli")
    query = "period=week&date=2026-03-05&metric=clicks"
    page = client.get(f"/manager/leaderboard?{query}&store={org['HZ001']}")   # another store: ignored
    assert page.status_code == 200
    rows = _page_rows(page.get_data(as_text=True))
    assert [r[1].split()[0] for r in rows] == ["李晓", "王芳", "张丽"] and "陈静" not in page.get_data(as_text=True)
    assert rows[0][0] == "1" and rows[0][2 + list(METRICS).index("clicks")] == "18"

    export = client.get(f"/manager/leaderboard.xlsx?{query}")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.data)).active
    header, *data = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert header[2:] == [m.label for m in METRICS.values()]
    as_shown = [[str(r[0]), r[1], *[format_value(None if v is None else (round(v * 100) if m.kind == "fen" else v),
                                                 m.kind) for v, m in zip(r[2:], METRICS.values())]]
                for r in data]
    assert as_shown == [[r[0], r[1].split()[0], *r[2:]] for r in rows]
    assert sign_in_member(client, sandbox, "wangfang") and client.get("/manager/leaderboard").status_code == 403


def test_hq_ranks_stores_and_opens_any_store(client, db, org):
    seed_performance(db)
    make_hq_user(db)
    sign_in_hq(client)
    html = client.get("/hq/leaderboard?period=week&date=2026-03-05&metric=order_amount").get_data(as_text=True)
    assert [r[1] for r in _page_rows(html)] == ["杭州湖滨店", "上海南京路店"]
    other = client.get(f"/manager/leaderboard?store={org['HZ001']}&period=week&date=2026-03-05")
    assert other.status_code == 200 and [r[1] for r in _page_rows(other.get_data(as_text=True))] == ["陈静"]
    assert client.get("/manager/leaderboard?store=99999").status_code == 404


def test_the_weekly_digest_card_reaches_each_manager_once(client, db, org, runtime, work, sandbox, settings):
    seed_performance(db)
    settings.PUBLIC_BASE_URL = "https://guide.example.com"
    for _ in range(2):
        runtime.queues.enqueue("reports", "tasks.digest.send_weekly_digests", "2026-03-09")   # a Monday
        work()
    cards = [m.body["template_card"] for m in sandbox.sent_messages("zhangli") if m.msgtype == "template_card"]
    assert len(cards) == 1
    card = cards[0]
    assert card["card_type"] == "text_notice" and card["main_title"]["title"] == "上周导购排行 · 上海南京路店"
    assert card["emphasis_content"] == {"title": "¥2,598.00", "desc": "冠军 王芳"}
    assert [row["keyname"] for row in card["horizontal_content_list"]] == ["1. 王芳", "2. 李晓", "3. 张丽"]
    assert card["card_action"]["url"] == "https://guide.example.com/manager/leaderboard?period=week&date=2026-03-02"
    assert sandbox.sent_messages("chenjing") == []                  # a guide, not a manager
