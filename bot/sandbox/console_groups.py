"""The sandbox console's 客户群 page: play people joining a customer group, an outsider among them.

An outsider is another corporation's WeCom user (external_userid "wo…", type 2, corp_name): joining by an
invite link or the group's QR code, as WeCom does, delivers change_external_chat add_member. Nobody in the
corp has added them, so externalcontact/get answers 84061 for them unless `friend_of` names a member first.
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, jsonify, render_template_string, request

from .driver import CallbackDriver
from .state import SandboxCorp

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>沙箱：客户群</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;max-width:900px}td,th{border-bottom:1px solid #ddd;
padding:6px;text-align:left;font-size:14px}table{border-collapse:collapse;width:100%}button,input{padding:6px 10px;
margin:2px;font-size:15px}</style></head><body><p><a href="./">‹ 控制台</a></p><h1>客户群</h1>
<p>模拟有人入群：顾客（微信用户）或其他企业的员工（企业微信用户）通过邀请链接进群，企业微信推送入群事件。</p>
{% for g in groups %}<h2>{{ g.name }} <small>群主 {{ names.get(g.owner, g.owner) }}</small></h2>
<table><tr><th>成员</th><th>类型</th></tr>{% for m in g.members.values() %}<tr><td>{{ names.get(m.userid, m.userid) }}</td>
<td>{{ '员工' if m.type == 1 else ('企业微信用户 · ' ~ (corps.get(m.userid) or '') if m.userid.startswith('wo') else '微信用户') }}</td>
</tr>{% endfor %}</table>
<p><input id="name-{{ loop.index }}" placeholder="昵称" value="李经理"><input id="corp-{{ loop.index }}" placeholder="企业名称" value="竞品服饰">
<button onclick="join('{{ g.chat_id }}', {{ loop.index }}, true)">其他企业员工进群</button>
<button onclick="join('{{ g.chat_id }}', {{ loop.index }}, false)">顾客进群</button></p>
{% else %}<p>还没有客户群：在控制台用成员的客户建一个。</p>{% endfor %}
<pre id="out"></pre><script>
async function join(chat, i, outsider){
  const body = {chat_id: chat, name: document.getElementById('name-'+i).value};
  if (outsider) body.corp_name = document.getElementById('corp-'+i).value;
  const r = await fetch('act/' + (outsider ? 'outsider_joins_group' : 'customer_joins_group'),
    {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify(body)});
  document.getElementById('out').textContent = JSON.stringify(await r.json(), null, 2);
  setTimeout(() => location.reload(), 1200);
}</script></body></html>"""


def groups_blueprint(corp: SandboxCorp, driver: CallbackDriver,
                     after_action: Callable[[], None] | None = None) -> Blueprint:
    """/_sandbox/groups (the page), /_sandbox/act/outsider_joins_group and /act/customer_joins_group."""
    bp = Blueprint("sandbox_groups", __name__, url_prefix="/_sandbox")

    def names() -> dict[str, str]:
        return {**{u: m.name for u, m in corp.members.items()}, **{e: c.name for e, c in corp.customers.items()}}

    @bp.get("/groups")
    def page():
        with corp.lock:
            return render_template_string(PAGE, groups=sorted(corp.groups.values(), key=lambda g: -g.create_time),
                                          names=names(), corps={e: c.corp_name for e, c in corp.customers.items()})

    def join(*, wecom_user: bool):
        given = request.get_json(silent=True)
        given = given if isinstance(given, dict) else {}
        name, chat_id = str(given.get("name") or "").strip()[:30], str(given.get("chat_id") or "")
        corp_name = str(given.get("corp_name") or "").strip()[:30]
        friend_of = given.get("friend_of")
        if not name or not chat_id or (wecom_user and not corp_name):
            return jsonify(error="give chat_id, name" + (" and corp_name" if wecom_user else "")), 422
        try:
            corp.chat(chat_id)
            eid = corp.new_customer(name, type=2 if wecom_user else 1, corp_name=corp_name or None)
            deliveries = [driver.deliver(corp.customer_adds_member(eid, str(friend_of)))] if friend_of else []
            deliveries.append(driver.deliver(corp.join_group(chat_id, [eid], join_scene_api=2)))
        except ValueError as exc:
            return jsonify(error=str(exc)), 422
        if after_action:
            after_action()
        return jsonify(delivered=[d.ok for d in deliveries], external_userid=eid,
                       event=deliveries[-1].plaintext)

    @bp.post("/act/outsider_joins_group")
    def outsider_joins_group():
        return join(wecom_user=True)

    @bp.post("/act/customer_joins_group")
    def customer_joins_group():
        return join(wecom_user=False)

    return bp
