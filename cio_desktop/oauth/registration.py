"""Client identity: a pre-registered client id (and maybe a secret), or RFC 7591 dynamic registration.

Dynamic registrations are remembered per issuer in ``<config>/oauth-clients.json`` (no secret in it:
registered clients are public, ``token_endpoint_auth_method: none``) together with the loopback port, so
the next sign-in listens on the same port and the registered redirect URI still matches. When a server
refuses the redirect URI (or no longer knows the client), the flow registers again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cio_desktop.oauth.errors import DiscoveryError, OAuthError
from cio_desktop.oauth.httpjson import parse_json_object, raise_for_oauth_error
from cio_desktop.oauth.metadata import ServerMetadata

if TYPE_CHECKING:
    import httpx

FILE_NAME = "oauth-clients.json"
FILE_VERSION = 1
CLIENT_NAME = "cio-desktop"


@dataclass(frozen=True, slots=True)
class ClientIdentity:
    """Who the app is at one authorization server. ``secret`` only for a pre-registered confidential
    client (kept in the keyring, never in a file); ``registered`` marks a dynamic registration."""

    client_id: str
    secret: str | None = None
    registered: bool = False
    redirect_uri: str | None = None

    def __repr__(self) -> str:
        return f"ClientIdentity(client_id={self.client_id!r}, secret={'<set>' if self.secret else None})"

    def token_auth(self) -> tuple[str, str] | None:
        """HTTP Basic credentials for the token endpoint (RFC 6749 §2.3.1), or None for a public client."""
        if not self.secret:
            return None
        from urllib.parse import quote

        return quote(self.client_id, safe=""), quote(self.secret, safe="")

    def form(self) -> dict[str, str]:
        """The form fields naming the client (a public client sends its id in the body)."""
        return {} if self.secret else {"client_id": self.client_id}


def registry_key(meta: ServerMetadata) -> str:
    return meta.issuer or meta.token_endpoint


class ClientRegistry:
    """The remembered dynamic registrations, one per issuer. Sync file I/O: call through a thread."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from cio_desktop.paths import config_dir

            path = config_dir() / FILE_NAME
        self.path = path

    def _read(self) -> dict[str, Any]:
        from cio_desktop.jsonfile import read_json

        data = read_json(self.path).data or {}
        clients = data.get("clients")
        return clients if isinstance(clients, dict) else {}

    def _write(self, clients: dict[str, Any]) -> None:
        from cio_desktop.jsonfile import FileLock, write_json_atomic

        with FileLock(self.path).hold():
            write_json_atomic(self.path, {"version": FILE_VERSION, "clients": clients})

    def get(self, key: str) -> ClientIdentity | None:
        entry = self._read().get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("client_id"), str):
            return None
        redirect = entry.get("redirect_uri")
        return ClientIdentity(
            entry["client_id"], registered=True, redirect_uri=redirect if isinstance(redirect, str) else None
        )

    def put(self, key: str, client: ClientIdentity) -> None:
        clients = self._read()
        clients[key] = {"client_id": client.client_id, "redirect_uri": client.redirect_uri}
        self._write(clients)

    def drop(self, key: str) -> None:
        clients = self._read()
        if clients.pop(key, None) is not None:
            self._write(clients)


def remembered_port(client: ClientIdentity | None) -> int:
    """The loopback port of a remembered registration (0: any free port)."""
    if client is None or not client.redirect_uri:
        return 0
    from urllib.parse import urlsplit

    try:
        return urlsplit(client.redirect_uri).port or 0
    except ValueError:
        return 0


async def register(
    http: httpx.AsyncClient, meta: ServerMetadata, redirect_uri: str, scope: str | None
) -> ClientIdentity:
    """Register a native public client for ``redirect_uri`` (RFC 7591)."""
    import httpx

    if not meta.registration_endpoint:
        raise DiscoveryError(
            "The authorization server does not offer dynamic client registration; give a client id "
            "(--client-id) registered there for cio-desktop."
        )
    body: dict[str, Any] = {
        "client_name": CLIENT_NAME,
        "application_type": "native",
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "redirect_uris": [redirect_uri],
    }
    if scope:
        body["scope"] = scope
    try:
        response = await http.post(
            meta.registration_endpoint, json=body, headers={"Accept": "application/json"}
        )
    except httpx.HTTPError as exc:
        raise OAuthError(
            "Could not reach the client registration endpoint.", detail=type(exc).__name__
        ) from None
    data = raise_for_oauth_error(response.status_code, parse_json_object(response), "client registration")
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise OAuthError("The authorization server registered cio-desktop but sent no client id.")
    return ClientIdentity(client_id, registered=True, redirect_uri=redirect_uri)


async def load_registration(registry: ClientRegistry, meta: ServerMetadata) -> ClientIdentity | None:
    return await asyncio.to_thread(registry.get, registry_key(meta))


async def save_registration(registry: ClientRegistry, meta: ServerMetadata, client: ClientIdentity) -> None:
    await asyncio.to_thread(registry.put, registry_key(meta), client)


async def drop_registration(registry: ClientRegistry, meta: ServerMetadata) -> None:
    await asyncio.to_thread(registry.drop, registry_key(meta))
