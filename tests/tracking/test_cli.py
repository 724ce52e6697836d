"""Operator commands: a guide's tracked link for a material shared by hand, the rollup backfill."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import PerformanceDay
from tests.tracking.helpers import clicks, ids


def test_a_printed_link_is_tracked_and_a_backfill_rolls_it_up(app, client, db, org, settings):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tracking", "link", "--guide", "lixiao", "--url", "https://shop.example.com/sale",
                                 "--material", "3"])
    assert result.exit_code == 0, result.output
    path = result.output.strip().removeprefix(settings.PUBLIC_BASE_URL)
    assert path.startswith("/t/") and client.get(path).headers["Location"] == "https://shop.example.com/sale"
    [click] = clicks(db)
    assert (click.guide_id, click.material_id, click.customer_id) == (*ids(db, "lixiao"), 3, None)

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    week_ago = (today - timedelta(days=7)).isoformat()
    result = runner.invoke(args=["performance", "rollup", "--from", week_ago, "--to", today.isoformat()])
    assert result.exit_code == 0 and "1 performance rows written" in result.output, result.output
    with db.transaction() as session:
        row = session.scalars(select(PerformanceDay)).one()
    assert (row.guide_id, row.day, row.clicks, row.unique_clickers) == (click.guide_id, today, 1, 1)
    assert runner.invoke(args=["tracking", "link", "--guide", "lixiao", "--url", "ftp://x"]).exit_code != 0
    assert runner.invoke(args=["performance", "rollup", "--from", "2026-13-01"]).exit_code != 0
