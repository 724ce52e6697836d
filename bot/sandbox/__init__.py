"""Protocol-faithful WeCom (企业微信) emulator for tests: server APIs + callback driver.

See /work/shared/wecom-protocol.md for the behaviour it reproduces.
"""

from .api import create_sandbox_app
from .clock import ManualClock
from .driver import Attempt, CallbackDriver, Delivery
from .errors import ApiError
from .server import SandboxServer, serve
from .state import SandboxCorp

__all__ = ["ApiError", "Attempt", "CallbackDriver", "Delivery", "ManualClock", "SandboxCorp", "SandboxServer",
           "create_sandbox_app", "serve"]
