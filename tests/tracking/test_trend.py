"""The leaderboard's daily trend: the line stops at the store's today (days still to come have no value)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from models import Guide
from tests.tracking.test_leaderboard import MONDAY, seed_performance
from tests.web.helpers import sign_in_member


def test_the_trend_stops_at_today_instead_of_plotting_future_days_as_zero(client, db, org, sandbox):
    from bot.services.leaderboard import trends
    from handlers.web.charts import trend_svg

    ids = seed_performance(db)
    thursday = MONDAY + timedelta(days=3)
    with db.transaction() as session:
        store_id = session.get(Guide, ids["wangfang"]).store_id
        [series] = trends(session=session, store_id=store_id, guide_ids=[ids["wangfang"]], start=MONDAY,
                          end=MONDAY + timedelta(days=6), metric="clicks", today=thursday).values()
    assert [v for _d, v in series] == [5, 0, 0, 5, None, None, None]       # Friday to Sunday: not yet
    [line] = re.findall(r'<polyline points="([^"]+)"', str(trend_svg(series, "点击")))
    assert len(line.split()) == 4                                         # Monday to Thursday

    sign_in_member(client, sandbox, "zhangli")                           # a month still to come: no line at all
    future = date.today().replace(day=1) + timedelta(days=40)
    page = client.get(f"/manager/leaderboard?period=month&date={future.isoformat()}").get_data(as_text=True)
    assert page.count('class="trend"') == 3 and "trend-line" not in page and "暂无" in page
