"""The app factory: a flat list of set-up calls, nothing at import time.

This module is the composition root: it is the one place that registers the
inbound adapters in `handlers` on the app.
"""
from __future__ import annotations

import logging

from flask import Flask

from bot import runtime as rt
from bot.wecom.callback import CallbackCrypto
from config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app (web, callback, API, CLI) and install the process runtime."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=settings.INSTANCE_PATH)
    from handlers.web.params import IdConverter

    app.url_map.converters["int"] = IdConverter   # before any route: an id past BIGINT is a 404, not a 500
    app.config.update(SETTINGS=settings, SECRET_KEY=settings.SECRET_KEY or "dev-only-not-secret")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_REQUEST_MB * 1024 * 1024   # any body, chunked ones too

    runtime = rt.install(rt.Runtime(settings))
    app.extensions["runtime"] = runtime
    app.extensions["callback_crypto"] = CallbackCrypto(
        settings.WECOM_TOKEN, settings.WECOM_ENCODING_AES_KEY, settings.WECOM_CORP_ID
    ) if settings.WECOM_ENCODING_AES_KEY else None

    from handlers import api, callback, health
    from handlers.api_input import answer_api_errors_as_json

    answer_api_errors_as_json(app)

    app.register_blueprint(callback.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    from handlers import customers_api, orders_api
    app.register_blueprint(orders_api.bp)
    app.register_blueprint(customers_api.bp)

    from handlers import web
    from handlers.web import auth as web_auth, guide as web_guide, hq as web_hq, manager as web_manager
    from handlers.web import handover as web_handover

    web.init_app(app)  # session cookie, CSRF on every form, template filters
    machine = (callback.bp, api.bp, health.bp, orders_api.bp, customers_api.bp)   # signature / token / HMAC
    for machine_bp in machine:   # no cookies
        web.csrf.exempt(machine_bp)
    for web_bp in (web.assets, web_auth.bp, web_guide.bp, web_manager.bp, web_hq.bp, web_handover.bp):
        app.register_blueprint(web_bp)
    from handlers.web import guide_content, hq_content, media as web_media

    for content_bp in (hq_content.bp, guide_content.bp, web_media.bp):  # the HQ content library (issue 5)
        app.register_blueprint(content_bp)

    from handlers.web import hq_cadences, sidebar as web_sidebar, todos as web_todos

    for todo_bp in (web_todos.bp, web_sidebar.bp, hq_cadences.bp):  # daily to-dos and cadences (issue 6)
        app.register_blueprint(todo_bp)
    from handlers.web import hq_customers

    app.register_blueprint(hq_customers.bp)   # the member system's birthdays

    from handlers import events_api, performance_api, tracking
    from handlers.web import effect as web_effect, leaderboard as web_leaderboard, radar as web_radar

    for tracking_bp in (tracking.bp, events_api.bp, performance_api.bp):  # tracking and performance (issue 7)
        app.register_blueprint(tracking_bp)
        web.csrf.exempt(tracking_bp)   # a signed token, the events HMAC, the API bearer token: no cookies
    for tracking_bp in (web_leaderboard.bp, web_effect.bp, web_radar.bp):
        app.register_blueprint(tracking_bp)
    from handlers.web import metrics as web_metrics

    app.register_blueprint(web_metrics.bp)   # repurchase, quadrants and the deletion rate on pages (issue 16)
    from handlers.web import groups as web_groups, service_groups as web_service_groups

    app.register_blueprint(web_groups.bp)    # customer-group guard: rules reminder, outsider alerts (issue 16)
    app.register_blueprint(web_service_groups.bp)   # 一客一群: a customer's own service group (issue 16)

    from bot import cli

    cli.register(app)
    return app
