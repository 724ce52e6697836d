"""HQ imports the member system's birthdays on a phone (Debian's chromium at 390x844)."""
from __future__ import annotations

from sqlalchemy import select

from models import BirthdayClaim
from tests.web.helpers import make_hq_user, sign_in_hq_in_browser


def test_hq_imports_a_birthday_file_on_the_phone(phone, web, db, org, tmp_path, screenshot):
    make_hq_user(db)
    upload = tmp_path / "会员生日.csv"
    upload.write_text("external_userid,unionid,mobile,birthday\nwm-new-1,,,1990-05-20\nwm-new-2,,,02-30\n,,,05-20\n",
                      encoding="utf-8")
    page = phone
    sign_in_hq_in_browser(page, web, "/hq/customers/birthdays")
    page.get_by_test_id("birthday-file").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    result = page.get_by_test_id("import-result")
    result.wait_for()
    assert "等待添加好友 1 位" in result.inner_text() and "失败 2 行" in result.inner_text()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "生日 02-30 不存在" in errors and "external_userid、unionid 或 mobile" in errors
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "64-hq-birthdays-import")
    with db.transaction() as session:   # the good row waits for the customer to add a guide
        assert [c.external_userid for c in session.scalars(select(BirthdayClaim))] == ["wm-new-1"]
