"""How a call proves who it is: small auth strategies that each build one ``Authorization`` header.

``BasicAuth`` (Track's ``site_id:key``, a Pipelines write key with an empty password), ``BearerKey`` (the App
API key, Pipelines' region-prefixed keys) and ``BearerToken`` (an OAuth access token that renews itself
through a ``TokenSource``). The engine awaits ``authorization()`` before each attempt and, after a 401, asks
``after_unauthorized`` once whether a fresh value exists; keys cannot renew, tokens can.
"""

from __future__ import annotations

import base64
from typing import Protocol, runtime_checkable

from cio_desktop.api import errors as E


@runtime_checkable
class TokenSource(Protocol):
    """An access token that can renew itself (implemented by ``cio_desktop.oauth``).

    ``access_token`` returns a token valid now (refreshing shortly before it expires);
    ``after_unauthorized`` runs at most one refresh for every caller that saw ``rejected`` refused and
    returns the new token, or None when it cannot (signed out, the refresh token refused);
    ``secret_values`` lists the token values held now, for redaction.
    """

    async def access_token(self) -> str: ...

    async def after_unauthorized(self, rejected: str) -> str | None: ...

    def secret_values(self) -> list[str]: ...


class AuthStrategy(Protocol):
    """Builds the ``Authorization`` header of one API's calls."""

    async def authorization(self) -> str:
        """The header value for the next attempt."""
        ...

    async def after_unauthorized(self, rejected: str) -> bool:
        """Called once after a 401 answered ``rejected``: True if a fresh value is worth one more try."""
        ...

    def secret_values(self) -> list[str]:
        """Every value to redact wherever it appears (keys, tokens, the Basic ``user:password`` pair)."""
        ...


def check_key_text(value: str, label: str) -> None:
    """Refuse a key that cannot be one (spaces, typographic quotes, control characters) before sending;
    the message never quotes it."""
    if not value.isascii() or not value.isprintable() or any(c.isspace() for c in value):
        raise E.MissingCredentialsError(
            f"The {label} contains characters a key never has (spaces, curly quotes or line breaks). "
            "Copy it again from Customer.io and paste it into the workspace's settings.",
            detail=f"{label}: unusable characters",
        )


class BasicAuth:
    """HTTP Basic with ``user:password`` (Track: site ID and key; Pipelines: the write key and nothing)."""

    def __init__(self, user: str, password: str) -> None:
        self._pair = f"{user}:{password}"
        self._header = "Basic " + base64.b64encode(self._pair.encode()).decode("ascii")
        self._values = [v for v in (user if not password else "", password, self._pair) if v]

    async def authorization(self) -> str:
        return self._header

    async def after_unauthorized(self, rejected: str) -> bool:
        return False  # a key does not change by itself

    def secret_values(self) -> list[str]:
        return list(self._values)


class BearerKey:
    """``Authorization: Bearer <key>`` with a fixed key."""

    def __init__(self, key: str) -> None:
        self._key = key

    async def authorization(self) -> str:
        return f"Bearer {self._key}"

    async def after_unauthorized(self, rejected: str) -> bool:
        return False

    def secret_values(self) -> list[str]:
        return [self._key]


class BearerToken:
    """``Authorization: Bearer <access token>`` from a ``TokenSource``; a 401 triggers one shared refresh."""

    def __init__(self, source: TokenSource) -> None:
        self._source = source

    async def authorization(self) -> str:
        return f"Bearer {await self._source.access_token()}"

    async def after_unauthorized(self, rejected: str) -> bool:
        token = rejected.removeprefix("Bearer ").strip()
        return await self._source.after_unauthorized(token) is not None

    def secret_values(self) -> list[str]:
        return self._source.secret_values()
