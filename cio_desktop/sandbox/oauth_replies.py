"""What the sandbox's authorization server endpoints share: its state on the app, the client check, and
replies (static HTML pages with Approve/Deny forms, redirects to the client, RFC 6749 JSON errors)."""

from __future__ import annotations

import hmac
import html
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from cio_desktop.sandbox.auth import basic_credentials
from cio_desktop.sandbox.oauth_state import Client, OAuthState
from cio_desktop.sandbox.replies import reply

OAUTH = web.AppKey("cio_sandbox_oauth", OAuthState)
BASE: web.AppKey[Callable[[], str]] = web.AppKey("cio_sandbox_base")


def state_of(request: web.Request) -> OAuthState:
    """The authorization server's state, its issuer set from the running sandbox's address."""
    state = request.app[OAUTH]
    state.issuer = request.app[BASE]()
    return state


def authenticated_client(state: OAuthState, request: web.Request, form: Any) -> Client | None:
    """The calling client: Basic or ``client_secret`` for confidential ones, ``client_id`` for public ones."""
    creds = basic_credentials(request.headers.get("Authorization"))
    client_id = creds[0] if creds else str(form.get("client_id", ""))
    secret = creds[1] if creds else form.get("client_secret")
    client = state.clients.get(client_id)
    if client is None:
        return None
    if client.secret is not None and (
        not isinstance(secret, str) or not hmac.compare_digest(secret, client.secret)
    ):
        return None
    return client


ClientHandler = Callable[[OAuthState, Any, Client], Awaitable[web.Response]]


def client_endpoint(handler: ClientHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A form-posting endpoint only an authenticated client may call (else 401 ``invalid_client``)."""

    async def endpoint(request: web.Request) -> web.Response:
        state = state_of(request)
        form = await request.post()
        client = authenticated_client(state, request, form)
        if client is None:
            return oauth_error("invalid_client", "unknown client or wrong secret", 401)
        return await handler(state, form, client)

    endpoint.__name__ = handler.__name__
    return endpoint


def page(title: str, body: str, status: int = 200) -> web.Response:
    """A static HTML page (``body`` is already escaped markup)."""
    text = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(
        text=text, status=status, content_type="text/html", headers={"Referrer-Policy": "no-referrer"}
    )


def decision_form(action: str, fields: str) -> str:
    """A form posting ``fields`` (escaped markup) to ``action`` with Approve and Deny buttons."""
    return (
        f'<form method="post" action="{html.escape(action)}">{fields}'
        '<button type="submit" name="decision" value="approve" id="approve">Approve</button> '
        '<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>'
    )


def redirect(uri: str, params: dict[str, str]) -> web.Response:
    """A 302 to the client's redirect URI (returned, not raised: the guard turns exceptions into errors)."""
    location = f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"
    return web.Response(status=302, headers={"Location": location, "Referrer-Policy": "no-referrer"})


def oauth_error(code: str, description: str = "", status: int = 400) -> web.Response:
    body = {"error": code}
    if description:
        body["error_description"] = description
    return reply(body, status, {"Cache-Control": "no-store"})


def no_store(data: Any) -> web.Response:
    """A token response (never cached)."""
    return reply(data, headers={"Cache-Control": "no-store"})
