"""Cursor paging for the App API: newest first, ``start``/``next`` cursors, ``next: ""`` at the end.

A cursor names the last item returned (its timestamp and id), so items added meanwhile never shift
a page. Limits are checked by ``parse_limit``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from cio_desktop.sandbox.state import JsonDict


class PagingError(ValueError):
    """A bad ``start`` or ``limit`` parameter."""


def encode_cursor(ts: int, item_id: str) -> str:
    return base64.urlsafe_b64encode(f"{ts}:{item_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ts, _, item_id = text.partition(":")
        return int(ts), item_id
    except (ValueError, UnicodeError):
        raise PagingError("start is not a valid cursor") from None


def parse_limit(raw: str | None, default: int, maximum: int, *, clamp: bool) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PagingError("limit must be a whole number") from None
    if value < 1 or value > maximum:
        if clamp:
            return min(max(value, 1), maximum)
        raise PagingError(f"limit must be between 1 and {maximum}")
    return value


def page(
    items: Sequence[JsonDict],
    start: str | None,
    limit: int,
    ts_key: str = "timestamp",
    render: Callable[[JsonDict], Any] = lambda x: x,
) -> tuple[list[Any], str]:
    """One page of ``items`` (any order), newest first, and the ``next`` cursor ("" when done)."""
    ordered = sorted(items, key=lambda x: (int(x.get(ts_key) or 0), str(x["id"])), reverse=True)
    if start:
        key = decode_cursor(start)
        ordered = [x for x in ordered if (int(x.get(ts_key) or 0), str(x["id"])) < key]
    chunk = ordered[:limit]
    more = len(ordered) > limit
    nxt = encode_cursor(int(chunk[-1].get(ts_key) or 0), str(chunk[-1]["id"])) if more and chunk else ""
    return [render(x) for x in chunk], nxt


def offset_page(items: Sequence[Any], start: str | None, limit: int) -> tuple[list[Any], str]:
    """Paging over a stable list (people, segment members) by position."""
    offset = 0
    if start:
        try:
            offset = int(base64.urlsafe_b64decode(start + "=" * (-len(start) % 4)).decode())
        except (ValueError, UnicodeError):
            raise PagingError("start is not a valid cursor") from None
    chunk = list(items[offset : offset + limit])
    end = offset + len(chunk)
    nxt = base64.urlsafe_b64encode(str(end).encode()).decode().rstrip("=") if end < len(items) else ""
    return chunk, nxt
