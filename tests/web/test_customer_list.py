"""A guide's customer list is paged: every customer is reachable, the count is the whole list's."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.todos.helpers import befriend, customer, guide_id
from tests.web.helpers import sign_in_member

FIRST_DAY = date(2026, 1, 1)


def _customers(db, guide: str, count: int, *, lost: int = 0) -> None:
    """`count` friends of the guide, the n-th added n days after FIRST_DAY (named 顾客NNN), and `lost` more
    who deleted the guide."""
    with db.transaction() as session:
        for n in range(count):
            befriend(session, guide, customer(session, f"顾客{n:03d}"), FIRST_DAY + timedelta(days=n))
        for n in range(lost):
            befriend(session, guide, customer(session, f"流失{n:03d}"), FIRST_DAY,
                     deleted_by_customer=FIRST_DAY + timedelta(days=1))


def _names(page: str) -> list[str]:
    return re.findall(r'<span class="name">([^<]+)</span>', page)


def _count(page: str) -> int:
    return int(re.search(r'data-testid="customer-count">(\d+)<', page).group(1))


def test_every_customer_is_reachable_page_by_page_newest_first(client, sandbox, db, org):
    _customers(db, "wangfang", 120, lost=3)
    sign_in_member(client, sandbox, "wangfang")
    seen, url = [], "/guide/"
    while url:
        page = client.get(url).get_data(as_text=True)
        assert _count(page) == 120   # the friends, not the page
        seen += _names(page)
        following = re.search(r'href="([^"]+)" data-testid="next-page"', page)
        url = "/guide/" + following.group(1).replace("&amp;", "&") if following else None
    assert seen == [f"顾客{n:03d}" for n in reversed(range(120))]   # each once, newest first
    assert "第 3 / 3 页" in page

    lost = client.get("/guide/?status=lost").get_data(as_text=True)
    assert _count(lost) == 3 and "next-page" not in lost and "page-position" not in lost   # one page: no pager


def test_the_search_is_paged_too_and_a_page_out_of_range_is_the_nearest(client, sandbox, db, org):
    _customers(db, "wangfang", 120)
    sign_in_member(client, sandbox, "wangfang")
    searched = client.get("/guide/?q=顾客0&page=2").get_data(as_text=True)   # 顾客000-顾客099
    assert _count(searched) == 100 and "第 2 / 2 页" in searched
    assert _names(searched) == [f"顾客{n:03d}" for n in reversed(range(50))]
    previous = re.search(r'href="([^"]+)" data-testid="previous-page"', searched).group(1).replace("&amp;", "&")
    first = client.get("/guide/" + previous).get_data(as_text=True)   # the search and the filter are kept
    assert _names(first) == [f"顾客{n:03d}" for n in reversed(range(50, 100))] and 'value="顾客0"' in first
    for odd in ("999", "0", "-3", "abc", "9" * 5000, "١٢"):   # the last two: huge, and non-ASCII digits
        page = client.get(f"/guide/?page={odd}").get_data(as_text=True)
        expected = "第 3 / 3 页" if odd == "999" else "第 1 / 3 页"
        assert expected in page and len(_names(page)) == (20 if odd == "999" else 50), odd


def test_a_manager_pages_through_a_guide_of_the_store(client, sandbox, db, org):
    _customers(db, "wangfang", 60)
    with db.transaction() as session:
        wangfang = guide_id(session, "wangfang")
    sign_in_member(client, sandbox, "zhangli")
    base = f"/manager/stores/{org['SH001']}/guides/{wangfang}"
    second = client.get(f"{base}?page=2").get_data(as_text=True)
    assert _count(second) == 60 and _names(second) == [f"顾客{n:03d}" for n in reversed(range(10))]
    assert "data-testid=\"previous-page\"" in second and "next-page" not in second
