"""The weekly digest: each store manager gets last week's guide leaderboard as a WeCom template card."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select

from bot.rules.leaderboard import METRICS, format_value
from bot.services.leaderboard import Board, guide_board
from models import Guide, Store

log = logging.getLogger(__name__)

DIGEST_METRIC = "order_amount"
MAX_ROWS = 6                       # horizontal_content_list
KEY_TTL = 14 * 86400


def last_week(today: date) -> date:
    """The Monday of the week before the one containing `today`."""
    return today - timedelta(days=today.weekday() + 7)


def digest_card(board: Board, url: str) -> dict:
    """A text_notice card: the week's champion emphasised, the top rows listed, a link to the full board."""
    rows = board.rows[:MAX_ROWS]
    top = rows[0] if rows else None
    kind = METRICS[board.metric].kind
    return {
        "card_type": "text_notice",
        "source": {"desc": "导购助手 · 周报", "desc_color": 0},
        "main_title": {"title": f"上周导购排行 · {board.store.name}",
                       "desc": f"{board.start.month}月{board.start.day}日-{board.end.month}月{board.end.day}日"},
        "emphasis_content": {"title": format_value(top["value"], kind) if top else "—",
                             "desc": f"冠军 {top['name']}" if top else "上周暂无数据"},
        "horizontal_content_list": [
            {"keyname": f"{r['rank']}. {r['name']}",
             "value": f"{format_value(r['value'], kind)} · 点击{r['metrics']['clicks']} · 完成率"
                      f"{format_value(r['metrics']['completion_rate'], 'rate')}"} for r in rows],
        "jump_list": [{"type": 1, "title": "查看完整排行榜", "url": url}],
        "card_action": {"type": 1, "url": url},
    }


def managers(*, session) -> list[tuple[Guide, Store]]:
    """Active store managers with their store."""
    return list(session.execute(select(Guide, Store).join(Store, Store.id == Guide.store_id)
                                .where(Guide.role == "manager", Guide.active.is_(True)).order_by(Guide.id)).all())


def send_digests(*, db, client, connection, agent_id: int, today: date, public_base: str) -> int:
    """Send each manager last week's board once (a Redis key per manager and week); return how many now."""
    week = last_week(today)
    with db.transaction() as session:
        jobs = []
        for manager, store in managers(session=session):
            board = guide_board(session=session, store=store, period="week", day=week, metric=DIGEST_METRIC)
            jobs.append((manager.id, manager.userid, board))
    sent, failures = 0, []
    for manager_id, userid, board in jobs:
        key = f"digest:{manager_id}:{week.isoformat()}"
        if connection.exists(key):
            continue
        url = f"{public_base.rstrip('/')}/manager/leaderboard?period=week&date={week.isoformat()}"
        try:
            client.message.send(agent_id, [userid], msg={"msgtype": "template_card",
                                                         "template_card": digest_card(board, url)})
        except Exception as exc:  # noqa: BLE001 - the other managers still get theirs; re-raised below
            log.warning("weekly digest for %s failed: %s", userid, exc)
            failures.append(userid)
            continue
        connection.set(key, "1", ex=KEY_TTL)
        sent += 1
    if failures:
        raise RuntimeError(f"weekly digest not sent to {failures} ({sent} sent)")
    return sent
