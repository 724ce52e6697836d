"""Load from wrk, a C load generator, so the client never caps the server's figures.

A Python client spends as much CPU per request as a light endpoint does: on two cores it caps the no-op
baseline and the endpoint alike and flatters their ratio. wrk replays a file of distinct requests
(bench/wrk_replay.lua) over kept-alive connections for a fixed time.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk_replay.lua"
_SUMMARY = re.compile(r"^WRK (.*)$", re.MULTILINE)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    non2xx: int
    wrapped: int
    socket_errors: int

    @property
    def per_second(self) -> float:
        return (self.requests - self.non2xx) / self.seconds if self.seconds else 0.0

    def line(self, label: str) -> str:
        """One printable line of figures."""
        return (f"{label:<10} {self.requests:>7} sent {self.non2xx:>5} non-2xx {self.socket_errors:>4} socket errors"
                f"  {self.per_second:8.1f} ok/s  p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms"
                f"  mean {self.mean_ms:6.1f} ms")


def require_wrk() -> str:
    """The wrk binary, or exit with the line that installs it."""
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed for this benchmark: apt-get install -y wrk")
    return found


def _encode(path: str, headers: dict[str, str], body: bytes) -> bytes:
    if any(c in body for c in (b"\n", b"\t")) or "\t" in path:
        raise ValueError("a replayed request may hold no tab or newline")
    joined = "\x1f".join(f"{k}: {v}" for k, v in headers.items())
    return path.encode() + b"\t" + joined.encode() + b"\t" + body


def wrk_post(port: int, requests: list[tuple[str, dict[str, str], bytes]], *, seconds: int, connections: int,
             threads: int = 1) -> WrkResult:
    """POST the requests in turn (path, headers, body) for `seconds` with wrk; parse its summary line."""
    with tempfile.NamedTemporaryFile("wb", suffix=".reqs", delete=False) as handle:
        handle.write(b"\n".join(_encode(*r) for r in requests) + b"\n")
        listing = handle.name
    try:
        run = subprocess.run(
            [require_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", str(SCRIPT), f"http://127.0.0.1:{port}/", "--", listing, str(threads)],
            capture_output=True, text=True, check=True)
    finally:
        Path(listing).unlink(missing_ok=True)
    found = _SUMMARY.search(run.stdout)
    if not found:
        raise RuntimeError(f"wrk printed no summary:\n{run.stdout}\n{run.stderr}")
    values = dict(pair.split("=") for pair in found.group(1).split())
    return WrkResult(requests=int(values["requests"]), seconds=int(values["duration_us"]) / 1e6,
                     p50_ms=int(values["p50_us"]) / 1e3, p99_ms=int(values["p99_us"]) / 1e3,
                     mean_ms=float(values["mean_us"]) / 1e3, non2xx=int(values["non2xx"]),
                     wrapped=int(values["wrapped"]), socket_errors=int(values["socket_errors"]))
