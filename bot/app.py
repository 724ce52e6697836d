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
    app.config.update(SETTINGS=settings, SECRET_KEY=settings.SECRET_KEY or "dev-only-not-secret")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    runtime = rt.install(rt.Runtime(settings))
    app.extensions["runtime"] = runtime
    app.extensions["callback_crypto"] = CallbackCrypto(
        settings.WECOM_TOKEN, settings.WECOM_ENCODING_AES_KEY, settings.WECOM_CORP_ID
    ) if settings.WECOM_ENCODING_AES_KEY else None

    from handlers import api, callback, health

    app.register_blueprint(callback.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)

    from bot import cli

    cli.register(app)
    return app
