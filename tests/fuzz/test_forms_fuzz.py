"""Fuzz every web page and form: no hostile value may make a page answer 5xx.

The app's URL map is enumerated (the JSON API, the webhooks and the WeCom callback have fuzz tests of their
own). Each page and form is called signed in with every role its access rule allows, with hostile values
(NUL, huge and negative numbers, non-ASCII digits, 5,000-character strings, dates 0001 / 9999, empty, odd
Unicode) in every query parameter, form field, path parameter and uploaded file the view reads: first a sweep
of each hostile value through each input one at a time, then Hypothesis mixes them (derandomized, so CI
repeats the same examples).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from flask import got_request_exception
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import select

from bot.rules.tracking import LinkRef, sign_link
from bot.services.todos_cadences import save_cycle, seed_defaults
from content_library.catalogue import save_material
from content_library.forms import MaterialForm
from models import CadenceRule, Customer
from tests.content.helpers import image_bytes
from tests.web.conftest import settings  # noqa: F401  (OAuth through the sandbox, orders enabled)
from tests.web.helpers import build_shop, csrf_token, make_hq_user, sign_in_hq, sign_in_member

# Swept through every input one by one; Hypothesis also mixes in MORE_HOSTILE, random text and numbers.
HOSTILE = ("\x00", "9" * 30, str(2**63), "-1", "²", "١٢", "x" * 5000, "0001-01-01", "9999-12-31", "")
MORE_HOSTILE = ("a\x00b", str(2**31), "0", " ", "2026-02-30", "1e309", "NaN", "😀\u202e\ufeff", "%", "../..")
# Whole uploaded files: broken encodings, NUL, oversized cells, prices of 20 digits, GBK.
ORG_CSV = "store_code,store_name,userid,name,role\n"
ARRIVALS_CSV = "SKU,名称,品类,价格,季节,风格,上市日期,图片\n"
BIRTHDAYS_CSV = "external_userid,unionid,mobile,birthday\n"
HOSTILE_FILES = (
    b"", b"\x00" * 10, b"\xff\xfe\x00\x00garbage", b"PK\x03\x04broken zip",
    (ORG_CSV + "SH009," + "店" * 300 + ",u1,张三,guide\nSH001,上海南京路店,u2,李四,guide\n").encode(),
    (ORG_CSV + "SH001,上海南京路店,u\x003,王五,guide\n").encode(),
    (ORG_CSV + "SH001,上海南京路店,u4,赵六,导购\n").encode("gbk"),
    (ORG_CSV + "SH001,上海南京路店,u5," + "x" * 200_000 + ",guide\n").encode(),
    (ARRIVALS_CSV + "SKU-1,外套,服装," + "9" * 20 + ",秋,通勤,2026-09-01,\n").encode(),
    (ARRIVALS_CSV + "SKU-2,外套\x00,服装,1e309,秋,通勤,0001-01-01,\n").encode(),
    (ARRIVALS_CSV + "SKU-3,外套,服装,NaN,秋,通勤,9999-12-31,\n").encode(),
    (BIRTHDAYS_CSV + "wm\x001,,,02-30\nwm2,,1" + "3" * 40 + ",0001-01-01\nwm3,,,9999-12-31\n,,,²-١\n").encode(),
)
EXAMPLES_PER_ROUTE = 8
PREFIXES_NOT_FUZZED_HERE = ("/api/", "/wecom/", "/static/", "/healthz", "/noop")


@dataclass(frozen=True)
class Inputs:
    """What a view reads: query parameters and form fields with a few good values each, uploaded files."""

    args: dict[str, tuple[str, ...]] = field(default_factory=dict)
    form: dict[str, tuple[str, ...]] = field(default_factory=dict)
    files: tuple[str, ...] = ()


_LIST = {"q": ("林", "林姐"), "status": ("active", "lost", "all"), "page": ("1", "2")}
_BOARD = {"period": ("day", "week", "month"), "date": ("2026-03-05",), "metric": ("orders", "completion_rate"),
          "store": ("@store_id",)}
_MATERIAL = {
    "kind": ("copy", "image", "link", "miniprogram", "outfit"), "title": ("秋季新品",), "body": ("{salutation}好",),
    "link_url": ("https://example.com/a",), "link_desc": ("说明",), "mini_appid": ("wx0123456789abcdef",),
    "mini_page": ("pages/a",), "tag_category": ("外套",), "tag_scene": ("通勤",), "tag_style": ("简约",),
    "tag_season": ("autumn",), "tag_tier": ("first",), "tag_occasion": ("birthday",),
    "scope": ("all", "region", "stores"), "regions": ("华东",), "store_ids": ("@store_id",),
    "valid_from": ("2026-01-01",), "valid_to": ("2026-12-31",), "enabled": ("1",), "file_ids": ("1",),
    "product_ids": ("1",),
}
_CADENCE = {
    "name": ("首购关怀",), "window_start": ("0",), "window_end": ("5",), "priority": ("50",), "tiers": ("first",),
    "offsets": ("3, 21",), "templates": ("{salutation}好",), "occasion": ("birthday",), "material_kinds": ("copy",),
    "limit": ("1",), "coupon": ("满减券",), "enabled": ("1",),
}
# Every page and form of the app, by endpoint. test_every_page_and_form_is_listed keeps this complete.
ENDPOINTS: dict[str, Inputs] = {
    "auth.index": Inputs(),
    "auth.login": Inputs(args={"next": ("/guide/",)}),
    "auth.password_login": Inputs(form={"username": ("zongbu",), "password": ("wrong",), "next": ("/hq/",)}),
    "auth.logout": Inputs(),
    "auth.wecom_start": Inputs(args={"next": ("/guide/",)}),
    "auth.wecom_callback": Inputs(args={"code": ("abc",), "state": ("xyz",)}),
    "guide.customers": Inputs(args=_LIST),
    "guide.customer": Inputs(),
    "guide.birthday": Inputs(form={"birthday": ("1990-05-20", "")}),
    "guide_content.materials": Inputs(),
    "guide_content.material": Inputs(),
    "radar.sends": Inputs(),
    "radar.customer": Inputs(),
    "radar.todo": Inputs(),
    "guide_sidebar.page": Inputs(),
    "guide_sidebar.config": Inputs(args={"url": ("http://localhost/guide/sidebar/",)}),
    "guide_sidebar.customer_todos": Inputs(args={"external_userid": ("@external_userid",)}),
    "guide_sidebar.sent": Inputs(),
    "guide_todos.workbench": Inputs(),
    "guide_todos.send": Inputs(),
    "guide_todos.skip": Inputs(form={"reason": ("其他", "信息有误")}),
    "guide_todos.snooze": Inputs(form={"days": ("3", "7")}),
    "guide_todos.send_group": Inputs(form={"group": ("first", "birthday")}),
    "hq.home": Inputs(),
    "hq.store": Inputs(),
    "hq.org_import_form": Inputs(),
    "hq.org_import": Inputs(files=("file",)),
    "hq.org_sync": Inputs(),
    "hq_cadences.index": Inputs(),
    "hq_cadences.edit": Inputs(form=_CADENCE),
    "hq_cadences.new": Inputs(form={"name": ("回访",), "kind": ("lifecycle",), "trigger": ("first_purchase",)}),
    "hq_cadences.seed": Inputs(),
    "hq_cadences.save_cycle": Inputs(form={"sku": ("SKU-9",), "cycle_days": ("30",), "name": ("洗发水",)}),
    "hq_cadences.delete_cycle": Inputs(),
    "hq_content.index": Inputs(args={"kind": ("copy", "image"), "q": ("新品",)}),
    "hq_content.new": Inputs(args={"kind": ("copy",)}, form=_MATERIAL),
    "hq_content.edit": Inputs(form=_MATERIAL),
    "hq_content.toggle": Inputs(form={"enabled": ("1", "0"), "back": ("edit",)}),
    "hq_content.upload_page": Inputs(),
    "hq_content.upload_file": Inputs(form={"create_material": ("1",)}, files=("file",)),
    "hq_content.products": Inputs(),
    "hq_content.import_products": Inputs(files=("file",)),
    "effect.report": Inputs(args={"from": ("2026-01-01",), "to": ("2026-03-31",)}),
    "leaderboard.guides": Inputs(args=_BOARD),
    "leaderboard.guides_xlsx": Inputs(args=_BOARD),
    "leaderboard.stores": Inputs(args={k: v for k, v in _BOARD.items() if k != "store"}),
    "manager.home": Inputs(),
    "manager.store": Inputs(args={"period": ("today", "7d", "30d")}),
    "manager.guide": Inputs(args=_LIST),
    "manager.customer": Inputs(),
    "manager.new_channel": Inputs(form={"guide_userid": ("wangfang",), "campaign": ("双11",)}),
    "manager.channel_qr": Inputs(args={"download": ("1",)}),
    "media.file": Inputs(),
    "hq_customers.birthdays_form": Inputs(),
    "hq_customers.birthdays_import": Inputs(files=("file",)),
    "handover.index": Inputs(),
    "handover.member": Inputs(),
    "handover.hand_over": Inputs(form={"to_guide_id": ("@guide_id",), "scope": ("all", "chosen"),
                                       "customer_id": ("1",)}),
    "handover.hand_over_chats": Inputs(form={"to_guide_id": ("@guide_id",)}),
    "groups.store": Inputs(),
    "groups.alert": Inputs(form={"status": ("handled", "ignored", "open")}),
    "groups.store_settings": Inputs(form={"one_customer_group": ("1", ""), "rules_text": ("请勿私加群成员",)}),
    "groups.brand": Inputs(),
    "groups.save_brand": Inputs(form={"rules_text": ("请勿私加群成员",), "keywords": ("代购\n加微信",),
                                      "own_corp_names": ("南京路服饰",)}),
    "service_groups.page": Inputs(),
    "service_groups.create": Inputs(form={"group_id": ("1",)}),
    "metrics.store": Inputs(args={"period": ("month", "30d", "custom"), "from": ("2026-01-01",),
                                  "to": ("2026-01-31",)}),
    "metrics.brand": Inputs(args={"scope": ("all", "@store_scope", "region:华东"), "period": ("month", "custom"),
                                  "from": ("2026-01-01",), "to": ("2026-01-31",)}),
    "tracking.follow": Inputs(args={"openid": ("o-1",), "unionid": ("u-1",)}),
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    roles: tuple[str, ...]          # "anonymous" for public routes
    params: tuple[str, ...]         # path parameters
    inputs: Inputs


def web_routes(app) -> list[Route]:
    """Every page and form of the URL map, with who may call it."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods))):
        if rule.rule.startswith(PREFIXES_NOT_FUZZED_HERE):
            continue
        access = getattr(app.view_functions[rule.endpoint], "access_rule", "public")
        roles = tuple(access.removeprefix("roles:").split(",")) if access.startswith("roles:") else \
            ("guide",) if access == "login" else ("anonymous",)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.endpoint, rule.rule, method, roles, tuple(rule.arguments),
                                ENDPOINTS.get(rule.endpoint, Inputs())))
    return routes


@pytest.fixture
def world(app, client, sandbox, driver, work, db, org, runtime):
    """The shop of the web tests, cadences, a material, a usage cycle, and a client per role."""
    shop = build_shop(client, sandbox, driver, work, db, org)
    make_hq_user(db)
    with db.transaction() as session:
        seed_defaults(session=session)
        save_cycle(session=session, sku="SKU-1", cycle_days=30, name="洗发水")
        material = save_material(session=session, form=MaterialForm(kind="copy", title="秋季", body="{salutation}好"))
        rule_id = session.scalars(select(CadenceRule.id).order_by(CadenceRule.id)).first()
        lin = session.scalars(select(Customer.id).where(Customer.external_userid == shop.customers["lin"])).one()
        good = {"store_id": str(org["SH001"]), "guide_id": str(shop.guides["wangfang"]),
                "material_id": str(material.id), "external_userid": shop.customers["lin"],
                "channel_id": str(shop.channels["wangfang"]), "rule_id": str(rule_id), "todo_id": "1", "sku": "SKU-1", "key": "ab/cd.jpg",
                "store_scope": f"store:{org['SH001']}",
                "token": sign_link(runtime.settings.SECRET_KEY, LinkRef(
                    "https://shop.example.com/p/1", guide_id=shop.guides["wangfang"], customer_id=lin))}
    clients = {"anonymous": app.test_client(), "guide": app.test_client(), "manager": app.test_client(),
               "hq": app.test_client()}
    sign_in_member(clients["guide"], sandbox, "wangfang")
    sign_in_member(clients["manager"], sandbox, "zhangli")
    sign_in_hq(clients["hq"])
    form_pages = {"anonymous": "/auth/login", "guide": f"/guide/customers/{shop.customers['lin']}",
                  "manager": f"/manager/stores/{org['SH001']}", "hq": "/hq/org/import"}
    tokens = {role: csrf_token(c, form_pages[role]) for role, c in clients.items()}
    return {"clients": clients, "tokens": tokens, "good": good}


class Caller:
    """Sends one request to a route and remembers what answered 5xx (with the exception behind it)."""

    def __init__(self, world):
        self.world, self.failures, self._last_exception = world, [], None

    def record(self, _sender, exception, **_extra):
        """got_request_exception: the exception behind a 500, for the report."""
        self._last_exception = exception

    def good(self, value: str) -> str:
        return self.world["good"][value[1:]] if value.startswith("@") else value

    def call(self, route: Route, role: str, path: dict[str, str], args: dict[str, str],
             form: dict[str, str], files: dict[str, tuple[bytes, str]]) -> int:
        client = self.world["clients"][role]
        url = route.rule
        for name in route.params:
            url = url.replace(f"<{name}>", quote(path[name], safe="")) \
                .replace(f"<int:{name}>", quote(path[name], safe="")).replace(f"<path:{name}>", quote(path[name]))
        self._last_exception = None
        if route.method == "GET":
            response = client.get(url, query_string=args)
        else:
            data = {**form, **{name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}}
            response = client.post(url, query_string=args, data=data, content_type="multipart/form-data",
                                   headers={"X-CSRFToken": self.world["tokens"][role]})
        if response.status_code >= 500:
            self.failures.append((route.method, route.rule, role, path, args, form, list(files),
                                  response.status_code, repr(self._last_exception)[:300]))
        return response.status_code


def _baseline(caller: Caller, route: Route) -> tuple[dict, dict, dict]:
    good = caller.good
    path = {name: caller.world["good"].get(name, "1") for name in route.params}
    args = {name: good(values[0]) for name, values in route.inputs.args.items()}
    form = {name: good(values[0]) for name, values in route.inputs.form.items()}
    return path, args, form


def _sweep(caller: Caller, route: Route) -> None:
    """Each hostile value through each input of the route, one at a time, the others good."""
    path, args, form = _baseline(caller, route)
    files = {name: (b"sku\n", "a.csv") for name in route.inputs.files}
    for role in route.roles:
        caller.call(route, role, path, args, form, files)
        for value in HOSTILE:
            for name in route.params:
                caller.call(route, role, {**path, name: value or "0"}, args, form, files)
            for name in route.inputs.args:
                caller.call(route, role, path, {**args, name: value}, form, files)
            for name in route.inputs.form:
                caller.call(route, role, path, args, {**form, name: value}, files)
        for content in HOSTILE_FILES:
            for name in route.inputs.files:
                caller.call(route, role, path, args, form, {name: (content, "导入.csv")})


def _odd_multipart(caller: Caller, route: Route) -> None:
    """Odd multipart field names: NUL, empty, very long, a file under an unexpected name, many files."""
    path, args, form = _baseline(caller, route)
    image = image_bytes()   # a real image: a refused name must be refused before anything is stored
    png = (image, "a.png")
    for files in ({"fi\x00le": png}, {"": png}, {"f" * 5000: png}, {"photo": png},
                  {f"file{i}": png for i in range(50)}, {"file": (image, "\x00.png")},
                  {"file": (image, "x" * 5000 + ".png")}, {"file": (image, "")}):
        for role in route.roles:
            caller.call(route, role, path, args, {**form, "fi\x00eld": "1", "": "2"}, files)


def _mixed(values: tuple[str, ...]):
    return st.one_of(st.sampled_from(HOSTILE + MORE_HOSTILE), st.sampled_from(values), st.text(max_size=30),
                     st.integers().map(str), st.dates().map(str))


def _fuzz(caller: Caller, route: Route, examples: int) -> None:
    """Hypothesis mixes hostile and good values in every input of the route at once."""
    path0, _args0, _form0 = _baseline(caller, route)
    ins = route.inputs

    @hypothesis_settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(role=st.sampled_from(route.roles),
           path=st.fixed_dictionaries({n: st.one_of(st.just(path0[n]), _mixed((path0[n],)).filter(bool))
                                       for n in route.params}),
           args=st.fixed_dictionaries({}, optional={n: _mixed(tuple(map(caller.good, v)))
                                                    for n, v in ins.args.items()}),
           form=st.fixed_dictionaries({}, optional={n: _mixed(tuple(map(caller.good, v)))
                                                    for n, v in ins.form.items()}),
           content=st.sampled_from(HOSTILE_FILES))
    def run(role, path, args, form, content):
        status = caller.call(route, role, path, args, form, {n: (content, "导入.csv") for n in ins.files})
        assert status < 500, caller.failures[-1]

    run()


def test_every_page_and_form_is_listed(app):
    """A page or form added without its inputs in ENDPOINTS fails here, so the fuzz keeps covering it."""
    endpoints = {r.endpoint for r in web_routes(app)}
    assert (sorted(endpoints - set(ENDPOINTS)), sorted(set(ENDPOINTS) - endpoints)) == ([], [])


def test_no_page_or_form_answers_5xx(app, world):
    caller = Caller(world)
    routes = web_routes(app)
    with got_request_exception.connected_to(caller.record, app):
        for route in routes:
            _sweep(caller, route)
            if route.inputs.files:
                _odd_multipart(caller, route)
        assert caller.failures == [], "\n".join(map(repr, caller.failures))
        for route in routes:
            _fuzz(caller, route, examples=EXAMPLES_PER_ROUTE)
