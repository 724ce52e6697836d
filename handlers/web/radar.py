"""互动雷达 (/guide/radar): what the guide's customers did after each send, and one customer's reactions."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template
from redis.exceptions import RedisError
from sqlalchemy import select

from bot.flows.radar import customer_moments, sent_todos, todo_reactions
from bot.services.tracking import live_counters
from handlers.web.access import install_error_pages, require_guide_id, role_required, store_today
from models import Customer, Friendship
from models.todo import Todo

bp = Blueprint("radar", __name__, url_prefix="/guide/radar", template_folder="templates")
install_error_pages(bp)

DAYS = 14


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@role_required("guide", "manager")
def sends():
    guide_id = require_guide_id()
    runtime = _runtime()
    with runtime.db.transaction() as session:
        today = store_today(session)
        todos = sent_todos(session=session, guide_id=guide_id, since=today - timedelta(days=DAYS))
        reactions = todo_reactions(session=session, todos=todos)
        names = {t.id: (t.customer.name or "顾客", t.customer.external_userid, t.rule.name) for t in todos}
    try:
        live = live_counters(runtime.redis, guide_id, today)
    except RedisError:  # the sends below come from the database; only today's live counters are missing
        current_app.logger.warning("live counters unavailable", exc_info=True)
        live = None
    return render_template("radar/sends.html", todos=todos, reactions=reactions, names=names, live=live,
                           days=DAYS)


@bp.get("/todos/<int:todo_id>")
@role_required("guide", "manager")
def todo(todo_id: int):
    with _runtime().db.transaction() as session:
        found = session.get(Todo, todo_id)
        if found is None or found.guide_id != require_guide_id():
            abort(404)
        reaction = todo_reactions(session=session, todos=[found])[found.id]
        return render_template("radar/todo.html", todo=found, r=reaction)


@bp.get("/customers/<external_userid>")
@role_required("guide", "manager")
def customer(external_userid: str):
    guide_id = require_guide_id()
    with _runtime().db.transaction() as session:
        found = session.scalars(select(Customer).join(Friendship, Friendship.customer_id == Customer.id)
                                .where(Customer.external_userid == external_userid,
                                       Friendship.guide_id == guide_id)).first()
        if found is None:
            abort(404)
        moments = customer_moments(session=session, guide_id=guide_id, customer_id=found.id)
        return render_template("radar/customer.html", customer=found, moments=moments)
