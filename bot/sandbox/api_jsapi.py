"""JS-SDK tickets (protocol doc §4.15): get_jsapi_ticket (wx.config) and ticket/get (wx.agentConfig)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .apitypes import ApiRequest, route
from .errors import ApiError, invalid
from .models import JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp


@route("get_jsapi_ticket")
def get_jsapi_ticket(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    """The corp's jsapi_ticket, for wx.config / getConfigSignature."""
    ticket, expires_in = corp.issue_jsapi_ticket(req.app.secret, "corp")
    return {"ticket": ticket, "expires_in": expires_in}


@route("ticket/get")
def get_agent_ticket(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    """The app's ticket (type=agent_config), for wx.agentConfig / getAgentConfigSignature."""
    if req.args.get("type") != "agent_config":
        raise invalid("type must be agent_config")
    if req.app.is_contact_secret:
        raise ApiError(48002)  # the 客户联系 secret is not an app: it has no agent ticket
    ticket, expires_in = corp.issue_jsapi_ticket(req.app.secret, "agent_config")
    return {"ticket": ticket, "expires_in": expires_in}
