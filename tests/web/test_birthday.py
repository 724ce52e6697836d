"""A guide records a customer's birthday on the customer page; the birthday ritual follows from the next run."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.rules.birthdays import NO_YEAR
from models import Customer, Todo
from tests.todos.helpers import run_day
from tests.web.helpers import csrf_token, sign_in_member


def _birthday(db, external_userid: str):
    with db.transaction() as session:
        return session.scalars(select(Customer.birthday).where(Customer.external_userid == external_userid)).one()


def _post(client, external_userid: str, value: str, token: str | None = None):
    token = token or csrf_token(client, f"/guide/customers/{external_userid}")
    return client.post(f"/guide/customers/{external_userid}/birthday", data={"birthday": value, "csrf_token": token})


def test_a_guide_records_a_birthday_and_the_month_start_touch_follows(client, sandbox, shop, db):
    lin = shop.customers["lin"]
    assert sign_in_member(client, sandbox, "wangfang").status_code == 302
    response = _post(client, lin, "1988-12-14")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/guide/customers/{lin}")
    page = client.get(f"/guide/customers/{lin}").get_data(as_text=True)
    assert "已保存生日。" in page and 'value="1988-12-14"' in page
    assert "已记录：1988年12月14日 · 来源：导购录入" in page
    assert _birthday(db, lin) == date(1988, 12, 14)
    run_day(db, date(2026, 12, 1))   # December begins: the birthday month's first touch
    with db.transaction() as session:
        codes = {t.rule.code for t in session.scalars(select(Todo).join(Todo.customer).where(
            Customer.external_userid == lin))}
    assert "birthday_month_start" in codes, codes
    cleared = _post(client, lin, "")                  # a wrong date is cleared by saving an empty field
    assert cleared.status_code == 302 and "已清除生日。" in client.get(cleared.headers["Location"]).get_data(as_text=True)
    assert _birthday(db, lin) is None


def test_a_bad_or_foreign_birthday_is_refused_and_nothing_is_stored(client, sandbox, shop, db):
    lin, wu = shop.customers["lin"], shop.customers["wu"]
    assert sign_in_member(client, sandbox, "wangfang").status_code == 302
    future = _post(client, lin, "2999-01-01")
    assert future.status_code == 422 and "生日不能晚于今天" in future.get_data(as_text=True)
    garbled = _post(client, lin, "14/12/1988")
    assert garbled.status_code == 422 and "生日格式应为" in garbled.get_data(as_text=True)
    token = csrf_token(client, f"/guide/customers/{lin}")
    assert _post(client, wu, "1990-01-01", token).status_code == 404          # another store's customer
    assert client.post(f"/guide/customers/{lin}/birthday", data={"birthday": "1990-01-01"}).status_code == 400
    assert _birthday(db, lin) is None and _birthday(db, wu) is None


def test_a_birthday_known_without_its_year_reads_so_on_the_page(client, sandbox, shop, db):
    lin = shop.customers["lin"]
    with db.transaction() as session:
        customer = session.scalars(select(Customer).where(Customer.external_userid == lin)).one()
        customer.birthday, customer.birthday_source = date(NO_YEAR, 3, 8), "pos"
    assert sign_in_member(client, sandbox, "wangfang").status_code == 302
    page = client.get(f"/guide/customers/{lin}").get_data(as_text=True)
    assert "已记录：3月8日（年份未知） · 来源：订单" in page and 'value="1904' not in page
