"""The sandbox console: play WeCom users' actions in a browser or with curl.

Each action changes the sandbox world as the WeCom client would, then the driver
delivers the resulting callback to the app (encrypted, signed, retried).
"""
from __future__ import annotations

import random
from typing import Callable

from flask import Blueprint, Response, jsonify, render_template_string, request

from .driver import CallbackDriver
from .state import SandboxCorp

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["女士", "先生", "小姐"]

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信沙箱控制台</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;max-width:900px}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left;font-size:14px}button{padding:6px 10px;margin:2px}
section{margin-bottom:24px}code{background:#f3f3f3;padding:1px 4px}</style></head><body>
<h1>企业微信沙箱控制台</h1>
<p>这里扮演企业微信和客户：操作会改变沙箱里的企业微信数据，并把加密签名后的回调事件推送到应用（{{ callback }}）。</p>
<section><h2>导购的渠道活码（联系我）</h2><table><tr><th>导购</th><th>state</th><th>操作</th></tr>
{% for way in ways %}<tr><td>{{ way.user|join(",") }}</td><td><code>{{ way.state }}</code></td><td>
<button onclick="act('new_customer_scans',{config_id:'{{ way.config_id }}'})">新客户扫码加好友</button></td></tr>{% endfor %}
</table></section>
<section><h2>客户</h2><table><tr><th>客户</th><th>external_userid</th><th>好友导购</th><th>操作</th></tr>
{% for c in customers %}<tr><td>{{ c.name }}</td><td><code>{{ c.external_userid }}</code></td>
<td>{{ follows.get(c.external_userid, {})|join(",") }}</td><td>
{% for userid in follows.get(c.external_userid, {}) %}
<button onclick="act('customer_deletes_member',{external_userid:'{{ c.external_userid }}',userid:'{{ userid }}'})">删除{{ userid }}</button>
{% endfor %}</td></tr>{% endfor %}</table></section>
<pre id="out"></pre>
<script>
async function act(name, body){
  const r = await fetch('act/' + name, {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify(body)});
  document.getElementById('out').textContent = JSON.stringify(await r.json(), null, 2);
  setTimeout(() => location.reload(), 1200);
}
</script></body></html>"""

# World actions the console may call by name (each returns the callback XML or None).
ALLOWED = {
    "customer_adds_member", "member_adds_customer", "customer_scans_contact_way", "member_edits_customer",
    "member_deletes_customer", "customer_deletes_member", "transfer_fail", "join_group",
    "customer_scans_join_way", "quit_group", "change_group_owner", "rename_group", "change_group_notice",
    "dismiss_group", "admin_creates_tag", "admin_deletes_tag", "admin_renames_tag",
    "member_leaves", "member_disabled", "member_moves", "customer_refuses_transfer",   # see console_handover.py
}


def random_name() -> str:
    """A plausible customer display name such as 王女士."""
    return random.choice(SURNAMES) + random.choice(GIVEN)


def console_blueprint(corp: SandboxCorp, driver: CallbackDriver,
                      after_action: Callable[[], None] | None = None) -> Blueprint:
    """The console pages and JSON actions under /_sandbox/."""
    bp = Blueprint("sandbox_console", __name__, url_prefix="/_sandbox")

    def deliver(xml: str | None) -> Response:
        if after_action:
            after_action()
        if xml is None:
            return jsonify(delivered=False, reason="WeCom sends no callback for this action")
        delivery = driver.deliver(xml)
        return jsonify(delivered=delivery.ok, attempts=[a.status for a in delivery.attempts], event=xml)

    @bp.get("/")
    def index():
        with corp.lock:
            return render_template_string(
                PAGE, callback=driver.url, ways=list(corp.contact_ways.values()),
                customers=list(corp.customers.values()), follows={k: list(v) for k, v in corp.follows.items()},
            )

    @bp.post("/act/new_customer_scans")
    def new_customer_scans():
        body = request.get_json(silent=True) or {}
        config_id = body.get("config_id")
        if not config_id and body.get("guide"):
            config_id = next((w.config_id for w in corp.contact_ways.values() if body["guide"] in w.user), None)
        if not config_id:
            return jsonify(error="give config_id, or guide with a contact way"), 422
        eid = corp.new_customer(body.get("name") or random_name(), unionid=body.get("unionid"))
        return deliver(corp.customer_scans_contact_way(config_id, eid))

    @bp.post("/act/<name>")
    def act(name: str):
        if name not in ALLOWED:
            return jsonify(error=f"unknown action {name}", allowed=sorted(ALLOWED)), 404
        try:
            xml = getattr(corp, name)(**(request.get_json(silent=True) or {}))
        except (TypeError, ValueError, KeyError) as exc:
            return jsonify(error=str(exc)), 422
        return deliver(xml)

    return bp
