"""Save and load a sandbox world (the demo keeps WeCom's side across restarts)."""
from __future__ import annotations

import os
import pickle
from pathlib import Path

from .state import SandboxCorp

_TRANSIENT = ("lock", "clock", "server")


def save(corp: SandboxCorp, path: str | os.PathLike) -> None:
    """Write the world to path atomically."""
    with corp.lock:
        state = {k: v for k, v in corp.__dict__.items() if k not in _TRANSIENT}
        data = pickle.dumps(state)
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def load(corp: SandboxCorp, path: str | os.PathLike) -> bool:
    """Restore the world saved at path into corp; False when there is none."""
    file = Path(path)
    if not file.exists():
        return False
    state = pickle.loads(file.read_bytes())  # our own file, written by save()
    with corp.lock:
        corp.__dict__.update(state)
    return True
