"""Token endpoint calls (code exchange, refresh, device polling) and revocation (RFC 7009).

``resource`` is sent on every token request when signing in to a resource (RFC 8707).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cio_desktop.oauth.errors import OAuthError
from cio_desktop.oauth.httpjson import post_form, raise_for_oauth_error
from cio_desktop.oauth.registration import ClientIdentity

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Tokens from one token response. ``refresh_token`` None: the server sent none (keep the old one)."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None  # unix time
    scope: str | None = None

    def secret_values(self) -> list[str]:
        return [v for v in (self.access_token, self.refresh_token) if v]


def token_set(data: dict[str, Any], now: float | None = None) -> TokenSet:
    """Validate a token response (RFC 6749 §5.1)."""
    access = data.get("access_token")
    if not isinstance(access, str) or not access or not access.isprintable():
        raise OAuthError("The authorization server's answer holds no usable access token.")
    token_type = data.get("token_type")
    if not isinstance(token_type, str) or token_type.lower() not in ("bearer", "dpop"):
        raise OAuthError("The authorization server issued a token type cio-desktop cannot use.")
    refresh = data.get("refresh_token")
    expires_in = data.get("expires_in")
    expires_at = None
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = (now if now is not None else time.time()) + float(expires_in)
    scope = data.get("scope")
    return TokenSet(
        access,
        refresh if isinstance(refresh, str) and refresh else None,
        expires_at,
        scope if isinstance(scope, str) else None,
    )


async def token_request(
    http: httpx.AsyncClient, token_endpoint: str, client: ClientIdentity, form: dict[str, str]
) -> TokenSet:
    """POST ``form`` (plus the client's fields) to the token endpoint; the tokens or an ``OAuthError``."""
    status, data = await post_form(
        http, token_endpoint, {**form, **client.form()}, "token endpoint", auth=client.token_auth()
    )
    return token_set(raise_for_oauth_error(status, data, "token endpoint"))


async def exchange_code(
    http: httpx.AsyncClient,
    token_endpoint: str,
    client: ClientIdentity,
    *,
    code: str,
    redirect_uri: str,
    verifier: str,
    resource: str | None,
) -> TokenSet:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    if resource:
        form["resource"] = resource
    return await token_request(http, token_endpoint, client, form)


async def refresh(
    http: httpx.AsyncClient,
    token_endpoint: str,
    client: ClientIdentity,
    refresh_token: str,
    resource: str | None,
) -> TokenSet:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if resource:
        form["resource"] = resource
    return await token_request(http, token_endpoint, client, form)


async def revoke(
    http: httpx.AsyncClient, revocation_endpoint: str, client: ClientIdentity, token: str, hint: str
) -> bool:
    """Revoke one token (RFC 7009). True when the server confirmed (200)."""
    try:
        status, _ = await post_form(
            http,
            revocation_endpoint,
            {"token": token, "token_type_hint": hint, **client.form()},
            "revocation endpoint",
            auth=client.token_auth(),
        )
    except OAuthError:
        return False
    return status == 200
