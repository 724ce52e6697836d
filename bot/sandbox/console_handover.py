"""The sandbox console's 离职 / 交接 page: play a member leaving, a customer refusing, 24 h passing.

Its member and customer actions go through the console's /act/<name>; this page adds the one action that
delivers several callbacks: the transfers whose time has come complete (add / del / transfer_fail events).
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, jsonify, render_template_string

from .driver import CallbackDriver
from .state import SandboxCorp
from .world_transfers import WAITING

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>沙箱：离职与交接</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;max-width:900px}td,th{border-bottom:1px solid #ddd;
padding:6px;text-align:left;font-size:14px}table{border-collapse:collapse;width:100%}button{padding:6px 10px;margin:2px}
</style></head><body><p><a href="./">‹ 控制台</a></p><h1>离职与交接</h1>
<p>交接在企业微信里等待 {{ delay }} 秒后完成（真实企业微信为 24 小时）。</p>
<h2>成员</h2><table><tr><th>成员</th><th>部门</th><th>操作</th></tr>
{% for m in members %}<tr><td>{{ m.name }} <code>{{ m.userid }}</code></td><td>{{ m.department|join(",") }}</td><td>
<button onclick="act('act/member_leaves',{userid:'{{ m.userid }}'})">离职（删除成员）</button>
<button onclick="act('act/member_disabled',{userid:'{{ m.userid }}'})">禁用</button></td></tr>{% endfor %}</table>
<h2>交接中的客户</h2><table><tr><th>客户</th><th>原成员 → 接替</th><th>类型</th><th>操作</th></tr>
{% for t in waiting %}<tr><td><code>{{ t.external_userid }}</code></td><td>{{ t.handover }} → {{ t.takeover }}</td>
<td>{{ '在职继承' if t.kind == 'onjob' else '离职继承' }}</td><td>{% if t.kind == 'onjob' %}
<button onclick="act('act/customer_refuses_transfer',{external_userid:'{{ t.external_userid }}'})">客户拒绝</button>
{% endif %}</td></tr>{% else %}<tr><td colspan="4">没有等待中的交接。</td></tr>{% endfor %}</table>
<p><button onclick="act('act/settle_transfers',{})">完成已到时间的交接并推送事件</button></p>
<pre id="out"></pre><script>
async function act(path, body){
  const r = await fetch(path, {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify(body)});
  document.getElementById('out').textContent = JSON.stringify(await r.json(), null, 2);
  setTimeout(() => location.reload(), 1200);
}</script></body></html>"""


def handover_blueprint(corp: SandboxCorp, driver: CallbackDriver,
                       after_action: Callable[[], None] | None = None) -> Blueprint:
    """/_sandbox/handover (the page) and /_sandbox/act/settle_transfers."""
    bp = Blueprint("sandbox_handover", __name__, url_prefix="/_sandbox")

    @bp.get("/handover")
    def page():
        with corp.lock:
            return render_template_string(PAGE, delay=int(corp.transfer_delay), members=list(corp.members.values()),
                                          waiting=[t for t in corp.transfers if t.status == WAITING])

    @bp.post("/act/settle_transfers")
    def settle_transfers():
        deliveries = [driver.deliver(xml) for xml in corp.settle_transfers()]
        if after_action:
            after_action()
        return jsonify(delivered=[d.ok for d in deliveries], events=[d.plaintext for d in deliveries])

    return bp
