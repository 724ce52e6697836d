"""Text from WeCom's answers made storable: no NUL, no lone surrogate, no longer than where it goes.

PostgreSQL refuses a NUL in text and a value longer than its varchar; a lone UTF-16 surrogate (JSON
allows "\\ud800") cannot be encoded at all. Each of them would fail the event's job on every retry.
"""
from __future__ import annotations

from typing import Any, Mapping


def clean_text(value: str, limit: int | None = None) -> str:
    """Drop NUL characters, replace lone surrogates with '?', and cut to `limit` characters."""
    cleaned = value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:limit] if limit is not None else cleaned


def clean_profile(data: Any, limits: Mapping[str, int]) -> Any:
    """A copy of a JSON answer with every string cleaned; a string under a key of `limits` is cut to it."""
    if isinstance(data, dict):
        return {key: clean_text(value, limits.get(key)) if isinstance(value, str) else clean_profile(value, limits)
                for key, value in data.items()}
    if isinstance(data, list):
        return [clean_profile(item, limits) for item in data]
    return clean_text(data) if isinstance(data, str) else data
