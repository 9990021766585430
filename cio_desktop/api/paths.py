"""Building request paths: identifiers percent-encoded as one path segment, ``cio_`` addressing."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

IdType = Literal["id", "email", "cio_id"]
ID_TYPES: tuple[IdType, ...] = ("id", "email", "cio_id")


def segment(value: str | int) -> str:
    """``value`` as exactly one path segment (``/`` → ``%2F``, ``@`` → ``%40``, space → ``%20``).

    ``.`` and ``..`` are encoded as ``%2E`` / ``%2E%2E``: left bare, URL normalisation (httpx, proxies,
    servers) would remove them as dot segments, so ``customers/../events`` would silently become an
    anonymous ``/events`` call and ``devices/..`` the person itself.
    """
    text = str(value)
    if not text.strip():
        from cio_desktop.api.errors import ApiError

        raise ApiError("An identifier is required (it was empty).", detail="empty path identifier")
    if text in (".", ".."):
        return "%2E" * len(text)
    return quote(text, safe="")


def track_identifier(value: str | int, id_type: IdType = "id") -> str:
    """The Track v1 ``{identifier}`` segment: ids and emails as given, cio ids as ``cio_<value>``."""
    text = str(value)
    if id_type == "cio_id" and not text.startswith("cio_"):
        text = f"cio_{text}"
    return segment(text)


def bare_cio_id(value: str) -> str:
    """A cio id without the ``cio_`` prefix (App API paths with ``id_type=cio_id``, v2 identifiers)."""
    return value[4:] if value.startswith("cio_") else value
