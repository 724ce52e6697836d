"""Run the sandbox over real HTTP on 127.0.0.1 (background thread) or standalone."""

from __future__ import annotations

import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, make_server

from .api import create_sandbox_app
from .state import SandboxCorp


class SandboxServer:
    """``create_sandbox_app(corp)`` on an ephemeral port in a daemon thread."""

    def __init__(self, corp: SandboxCorp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.corp = corp
        self.host = host
        self.port = port
        self.app = create_sandbox_app(corp)  # extra blueprints (the demo console) may be registered before start()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """e.g. ``http://127.0.0.1:54321/cgi-bin/``."""
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self._server.server_port}/cgi-bin/"

    def start(self) -> SandboxServer:
        if self._server is not None:
            return self
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="wecom-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(host: str, port: int, corp: SandboxCorp) -> None:
    """Serve in the foreground until interrupted."""
    server = make_server(host, port, create_sandbox_app(corp), threaded=True)
    print(f"WeCom sandbox for {corp.corp_id} on http://{host}:{server.server_port}/cgi-bin/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
