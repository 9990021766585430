"""Documented size limits (Track v1/v2) and the App API's per-key rate limiter.

Sizes are UTF-8 bytes. What Customer.io does past a limit is not documented for Track; the sandbox
answers 400 with the error texts below (``{"meta":{"errors":[...]}}`` on v1).
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from typing import Any

MAX_ID_BYTES = 150
MAX_ATTR_NAME_BYTES = 150
MAX_ATTR_VALUE_BYTES = 1000
MAX_ATTRIBUTES = 300
MAX_EVENT_NAME_BYTES = 100
MAX_EVENT_DATA_BYTES = 100_000
MAX_ENTITY_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_SEGMENT_IDS = 1000
MAX_V1_BODY_BYTES = 1024 * 1024
SPECIAL_ATTRIBUTES = ("cio_subscription_preferences", "cio_relationships")


def nbytes(value: Any) -> int:
    """Size of a value as sent: strings as UTF-8, anything else as compact JSON."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def check_identifier(value: str) -> list[str]:
    if nbytes(value) > MAX_ID_BYTES:
        return [f"identifier is longer than {MAX_ID_BYTES} bytes"]
    return []


def check_attributes(attrs: dict[str, Any]) -> list[str]:
    """Errors for an identify attribute map (names, values, count)."""
    errors: list[str] = []
    if len(attrs) > MAX_ATTRIBUTES:
        errors.append(f"too many attributes: {len(attrs)} (limit {MAX_ATTRIBUTES})")
    for name, value in attrs.items():
        if nbytes(name) > MAX_ATTR_NAME_BYTES:
            errors.append(f"attribute name {name[:40]!r}... is longer than {MAX_ATTR_NAME_BYTES} bytes")
        elif name not in SPECIAL_ATTRIBUTES and nbytes(value) > MAX_ATTR_VALUE_BYTES:
            errors.append(f"attribute {name!r} is longer than {MAX_ATTR_VALUE_BYTES} bytes")
    if isinstance(attrs.get("id"), str | int) and nbytes(str(attrs["id"])) > MAX_ID_BYTES:
        errors.append(f"id is longer than {MAX_ID_BYTES} bytes")
    return errors


def check_event(body: dict[str, Any]) -> list[str]:
    """Errors for an event body: name required (≤ 100 bytes), data ≤ 100,000 bytes, types."""
    errors: list[str] = []
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append("name is required")
    elif nbytes(name.strip()) > MAX_EVENT_NAME_BYTES:
        errors.append(f"event name is longer than {MAX_EVENT_NAME_BYTES} bytes")
    kind = body.get("type")
    if kind is not None and kind not in ("event", "page", "screen"):
        errors.append("type must be one of event, page, screen")
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        errors.append("data must be an object")
    elif data is not None and nbytes(data) > MAX_EVENT_DATA_BYTES:
        errors.append(f"event data is larger than {MAX_EVENT_DATA_BYTES} bytes")
    ts = body.get("timestamp")
    if ts is not None and (isinstance(ts, bool) or not isinstance(ts, int | float)):
        errors.append("timestamp must be a unix timestamp in seconds")
    event_id = body.get("id")
    if event_id is not None and (not isinstance(event_id, str) or nbytes(event_id) > MAX_ID_BYTES):
        errors.append(f"id must be a string of at most {MAX_ID_BYTES} bytes")
    return errors


class RateLimiter:
    """Sliding one-second window per key: at most ``rate`` requests in any second."""

    def __init__(self, rate: float | None, window_s: float = 1.0) -> None:
        self.rate = rate
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str, now: float | None = None) -> int | None:
        """Count one request for ``key``; None if allowed, else the Retry-After seconds (≥ 1)."""
        if self.rate is None:
            return None
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.rate:
            return max(1, math.ceil(hits[0] + self.window_s - now))
        hits.append(now)
        return None
