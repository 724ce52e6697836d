"""Every route of the app declares who may call it; a route without a rule fails the suite."""
from __future__ import annotations

from flask import Blueprint

from bot.app import create_app
from handlers.web.access import role_required, unruled_endpoints


def test_every_endpoint_declares_an_access_rule(app):
    assert unruled_endpoints(app) == []


def test_a_route_added_without_a_rule_is_reported(settings):
    fresh = create_app(settings)
    throwaway = Blueprint("throwaway", __name__, url_prefix="/throwaway")

    @throwaway.get("/<int:store_id>")
    def leaky(store_id: int):
        return {"store": store_id}

    @throwaway.get("/checked")
    @role_required("hq")
    def checked():
        return {}

    fresh.register_blueprint(throwaway)
    assert unruled_endpoints(fresh) == ["throwaway.leaky"]
    fresh.extensions["runtime"].db.dispose()


def test_web_views_declare_their_roles(app):
    rules = {endpoint: getattr(view, "access_rule", None) for endpoint, view in app.view_functions.items()}
    assert rules["guide.customer"] == "roles:guide,manager"
    assert rules["manager.channel_qr"] == "roles:manager,hq"
    assert rules["hq.org_import"] == "roles:hq"
    assert rules["metrics.store"] == "roles:manager,hq" and rules["metrics.brand"] == "roles:hq"
    assert rules["groups.store"] == "roles:manager,hq" and rules["groups.alert"] == "roles:manager,hq"
    assert rules["groups.brand"] == "roles:hq" and rules["groups.save_brand"] == "roles:hq"
    assert rules["auth.wecom_callback"] == "public"
    assert all(rule.startswith("roles:") for endpoint, rule in rules.items()
               if endpoint.split(".")[0] in ("guide", "manager", "hq", "metrics"))
