"""The guide's workbench (今日待办, /guide/todos): today's to-dos with their text and materials; send, skip, snooze."""
from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from redis.exceptions import LockError, RedisError

from bot.flows.group_send import send_todos, sending_lock
from bot.rules.cadence import CARD_GROUPS
from bot.rules.form_input import parse_int
from bot.services import todos_actions as actions
from bot.services.todos_render import prepare_texts
from content_library.storage import storage_for
from handlers.web.access import error_page, install_error_pages, require_guide_id, role_required, store_today
from models import Guide

bp = Blueprint("guide_todos", __name__, url_prefix="/guide/todos", template_folder="templates")
install_error_pages(bp)


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@role_required("guide", "manager")
def workbench():
    guide_id = require_guide_id()
    with _runtime().db.transaction() as session:
        today = store_today(session)
        prepare_texts(session=session, guide_id=guide_id, on=today, link_secret=_runtime().settings.SECRET_KEY)
        rows = actions.todays_list(session=session, guide_id=guide_id, on=today)
        handled = actions.handled_recently(session=session, guide_id=guide_id, since=today - timedelta(days=1))
        return render_template("todos/workbench.html", rows=rows, handled=handled, today=today,
                               counts=actions.summary(rows), groups=CARD_GROUPS, reasons=actions.SKIP_REASONS,
                               status_labels=actions.STATUS_LABELS, failure_labels=actions.FAILURE_LABELS)


def _send(todo_ids: list[int]):
    """Send the to-dos and flash the outcome; an error page when nothing could be tried."""
    runtime = _runtime()
    with runtime.db.transaction() as session:
        guide = session.get(Guide, require_guide_id())
        today = store_today(session)
        session.expunge(guide)
    lock = sending_lock(runtime.redis, guide.id)
    try:
        acquired = lock.acquire()
    except RedisError:  # nothing was sent: the to-dos stay pending for the next tap
        current_app.logger.warning("send lock unavailable", exc_info=True)
        return error_page(503, "系统繁忙，待办没有发出，请稍后重试。")
    if not acquired:
        flash("上一次发送还没有完成，请稍后刷新查看。", "error")
        return redirect(url_for("guide_todos.workbench"))
    try:
        outcome = send_todos(db=runtime.db, client=runtime.wecom, storage=storage_for(runtime.settings),
                             guide=guide, todo_ids=todo_ids, public_base=runtime.settings.PUBLIC_BASE_URL,
                             on=today, link_secret=runtime.settings.SECRET_KEY)
    finally:
        with suppress(RedisError, LockError):  # the lock's timeout frees it anyway
            lock.release()
    if outcome.errors and not outcome.tasks:
        flash("发送失败：企业微信暂时不可用，请稍后重试。", "error")
    elif outcome.customers:
        flash(f"已提交 {outcome.customers} 位顾客的消息，请在企业微信「群发助手」里确认发送。")
    else:
        flash("没有可发送的待办。", "error")
    return redirect(url_for("guide_todos.workbench"))


@bp.post("/<int:todo_id>/send")
@role_required("guide", "manager")
def send(todo_id: int):
    return _send([todo_id])   # only the signed-in guide's own pending to-dos are sent


@bp.post("/send-group")
@role_required("guide", "manager")
def send_group():
    group = request.form.get("group", "")
    with _runtime().db.transaction() as session:
        ids = actions.pending_in_group(session=session, guide_id=require_guide_id(), day=store_today(session),
                                       group=group) if group in CARD_GROUPS else []
    return _send(ids)


@bp.post("/<int:todo_id>/skip")
@role_required("guide", "manager")
def skip(todo_id: int):
    try:
        with _runtime().db.transaction() as session:
            actions.skip(session=session, guide_id=require_guide_id(), todo_id=todo_id,
                         reason=request.form.get("reason", ""))
        flash("已跳过。")
    except actions.TodoActionRefused as exc:
        flash(str(exc), "error")
    return redirect(url_for("guide_todos.workbench"))


@bp.post("/<int:todo_id>/snooze")
@role_required("guide", "manager")
def snooze(todo_id: int):
    days = parse_int(request.form.get("days"), low=1, high=actions.MAX_SNOOZE_DAYS) or 0   # 0: refused below
    try:
        with _runtime().db.transaction() as session:
            todo = actions.snooze(session=session, guide_id=require_guide_id(), todo_id=todo_id,
                                  on=store_today(session), days=days)
            flash(f"好的，{todo.snoozed_until.month}月{todo.snoozed_until.day}日再提醒你。")
    except actions.TodoActionRefused as exc:
        flash(str(exc), "error")
    return redirect(url_for("guide_todos.workbench"))
