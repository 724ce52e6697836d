"""The chat sidebar (聊天工具栏, /guide/sidebar): the current customer's to-dos, sent with the JS-SDK.

The page asks WeCom for the customer in the chat (getCurExternalContact), lists the guide's pending
to-dos for them and sends one with sendChatMessage; on success it reports back and the to-do is done.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from bot.flows.group_send import tracked_urls
from bot.flows.jssdk import sidebar_config
from bot.services import todos_actions as actions
from bot.services.todos_render import prepare_texts
from bot.wecom.errors import WeComError
from handlers.web.access import install_error_pages, require_guide_id, role_required, store_today

bp = Blueprint("guide_sidebar", __name__, url_prefix="/guide/sidebar", template_folder="templates")
install_error_pages(bp)


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@role_required("guide", "manager")
def page():
    return render_template("todos/sidebar.html")


@bp.get("/config")
@role_required("guide", "manager")
def config():
    url = request.args.get("url", "")
    if not url.startswith(current_app.config["SETTINGS"].PUBLIC_BASE_URL.rstrip("/") + "/"):
        return jsonify(error="invalid", message="url 必须是本应用的页面地址"), 400
    runtime = _runtime()
    try:
        answer = sidebar_config(client=runtime.wecom_agent, connection=runtime.redis,
                                corp_id=runtime.settings.WECOM_CORP_ID, agent_id=runtime.settings.WECOM_AGENT_ID,
                                url=url)
    except WeComError as exc:
        current_app.logger.warning("JS-SDK ticket unavailable: %s", exc)
        return jsonify(error="unavailable", message="企业微信暂时不可用，请稍后重试"), 503
    return jsonify(answer)


def _as_json(view: actions.TodoView, public_base: str) -> dict:
    """A to-do for the page; a material's link is the to-do's tracked /t/ link (its target only when unsigned)."""
    urls = tracked_urls(view.todo, public_base)
    return {"id": view.todo.id, "rule": view.rule.name, "text": view.todo.text or "", "group": view.group,
            "due_on": view.todo.due_on.isoformat(),
            "materials": [{"id": m.id, "kind": m.kind, "title": m.title, "url": urls.get(m.id, m.link_url)}
                          for m in view.materials]}


@bp.get("/todos")
@role_required("guide", "manager")
def customer_todos():
    external_userid = request.args.get("external_userid", "").strip()[:64]
    if not external_userid:
        return jsonify(error="invalid", message="缺少 external_userid"), 400
    runtime = _runtime()
    with runtime.db.transaction() as session:
        guide_id = require_guide_id()
        prepare_texts(session=session, guide_id=guide_id, on=store_today(session),
                      link_secret=runtime.settings.SECRET_KEY)
        views = actions.for_customer(session=session, guide_id=guide_id, external_userid=external_userid)
        return jsonify(todos=[_as_json(v, runtime.settings.PUBLIC_BASE_URL) for v in views])


@bp.post("/todos/<int:todo_id>/sent")
@role_required("guide", "manager")
def sent(todo_id: int):
    try:
        with _runtime().db.transaction() as session:
            todo = actions.sent_in_chat(session=session, guide_id=require_guide_id(), todo_id=todo_id)
            return jsonify(id=todo.id, status=todo.status, sent_at=todo.sent_at.isoformat())
    except actions.TodoActionRefused as exc:
        return jsonify(error="refused", message=str(exc)), 409
