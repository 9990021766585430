"""The sandbox's authorization server: RFC 8414 and OpenID discovery, RFC 9728 metadata for its MCP
resource, dynamic registration (RFC 7591), an HTML consent page (Approve / Deny), authorization code with
PKCE S256 only, refresh with rotation, revocation (RFC 7009) and device authorization (RFC 8628).

``install(app, info_getter)`` adds the routes; ``app_token_ok`` lets the App API accept its access tokens.
Dynamically registered clients must use their exact redirect URI (as many real servers insist); the
pre-registered client accepts any loopback port (RFC 8252 §7.3).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from cio_desktop.sandbox import oauth_device
from cio_desktop.sandbox.auth import bearer_token
from cio_desktop.sandbox.oauth_device import DEVICE_GRANT, device_grant
from cio_desktop.sandbox.oauth_replies import (
    BASE,
    OAUTH,
    client_endpoint,
    decision_form,
    no_store,
    oauth_error,
    page,
    redirect,
    state_of,
)
from cio_desktop.sandbox.oauth_state import (
    CODE_TTL_S,
    CONSENT_TTL_S,
    SCOPES,
    Client,
    Grant,
    OAuthState,
)
from cio_desktop.sandbox.replies import reply

routes = web.RouteTableDef()


def install(app: web.Application, state: OAuthState, base: Callable[[], str]) -> None:
    """Serve the authorization server on ``app``; ``base()`` is the sandbox's address (the issuer)."""
    app[OAUTH] = state
    app[BASE] = base
    app.add_routes(routes)
    app.add_routes(oauth_device.routes)


def app_token_ok(request: web.Request, header: str | None) -> bool:
    """True when ``header`` carries a live access token for the App API (no resource, or this server)."""
    if OAUTH not in request.app:
        return False
    state = state_of(request)
    grant = state.token_grant(bearer_token(header))
    return grant is not None and grant.resource in (None, state.issuer, state.issuer + "/v1")


def metadata(state: OAuthState) -> dict[str, Any]:
    base = state.issuer
    doc: dict[str, Any] = {
        "issuer": state.issuer_override or base,
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "token_endpoint": f"{base}/oauth2/token",
        "registration_endpoint": f"{base}/oauth2/register",
        "revocation_endpoint": f"{base}/oauth2/revoke",
        "device_authorization_endpoint": f"{base}/oauth2/device_authorization",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "authorization_response_iss_parameter_supported": True,
    }
    if state.s256:
        doc["code_challenge_methods_supported"] = ["S256"]
    return doc


@routes.get("/.well-known/oauth-authorization-server")
@routes.get("/.well-known/openid-configuration")
async def as_metadata(request: web.Request) -> web.Response:
    return reply(metadata(state_of(request)))


@routes.get("/.well-known/oauth-protected-resource/mcp")
async def resource_metadata(request: web.Request) -> web.Response:
    state = state_of(request)
    return reply(
        {
            "resource": f"{state.issuer}/mcp",
            "authorization_servers": [state.issuer],
            "scopes_supported": list(SCOPES),
            "bearer_methods_supported": ["header"],
        }
    )


def _is_loopback_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1") and not parts.fragment


@routes.post("/oauth2/register")
async def register(request: web.Request) -> web.Response:
    state = state_of(request)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return oauth_error("invalid_client_metadata", "the body must be a JSON object")
    uris = body.get("redirect_uris")
    if (
        not isinstance(uris, list)
        or not uris
        or not all(isinstance(u, str) and _is_loopback_uri(u) for u in uris)
    ):
        return oauth_error(
            "invalid_redirect_uri", "redirect_uris must be http://127.0.0.1 loopback addresses"
        )
    if body.get("token_endpoint_auth_method", "none") != "none":
        return oauth_error("invalid_client_metadata", "only public clients may register here")
    client_id = "dyn_" + secrets.token_urlsafe(12)
    state.clients[client_id] = Client(client_id, tuple(uris))
    state.registrations += 1
    return reply(
        {
            "client_id": client_id,
            "client_id_issued_at": int(time.time()),
            "redirect_uris": uris,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": "native",
        },
        201,
    )


def _redirect_ok(client: Client, uri: str) -> bool:
    if uri in client.redirect_uris:
        return True
    if client.any_loopback_port and _is_loopback_uri(uri):
        p = urlsplit(uri)
        return any(
            urlsplit(r).path == p.path and urlsplit(r).hostname == p.hostname for r in client.redirect_uris
        )
    return False


@routes.get("/oauth2/authorize")
async def authorize(request: web.Request) -> web.Response:
    """Validate the request, then show the consent page (Approve / Deny)."""
    state = state_of(request)
    q = request.query
    client = state.clients.get(q.get("client_id", ""))
    if client is None:
        return page("Unknown app", "<p>invalid_client: this app is not registered here.</p>", 400)
    redirect_uri = q.get("redirect_uri", "")
    if not _redirect_ok(client, redirect_uri):
        return page("Wrong return address", "<p>invalid_request: redirect_uri is not registered.</p>", 400)
    err = {"state": q.get("state", ""), "iss": state.issuer}
    if q.get("response_type") != "code":
        return redirect(redirect_uri, {"error": "unsupported_response_type", **err})
    if not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
        return redirect(
            redirect_uri, {"error": "invalid_request", "error_description": "PKCE S256 required", **err}
        )
    scope = q.get("scope") or "read"
    if any(s not in SCOPES for s in scope.split()):
        return redirect(redirect_uri, {"error": "invalid_scope", **err})
    resource = q.get("resource") or None
    if resource is not None and resource not in (f"{state.issuer}/mcp", state.issuer):
        return redirect(redirect_uri, {"error": "invalid_target", **err})
    request_id = secrets.token_urlsafe(24)
    state.pending[request_id] = Grant(
        client.client_id,
        scope,
        resource,
        redirect_uri=redirect_uri,
        challenge=q["code_challenge"],
        state=q.get("state"),
        expires=time.monotonic() + CONSENT_TTL_S,
    )
    asks = f"<p>The app <b>{html.escape(client.client_id)}</b> asks for: {html.escape(scope)}.</p>"
    field = f'<input type="hidden" name="request" value="{html.escape(request_id)}">'
    return page(
        "Sign in to the cio-desktop sandbox", asks + decision_form("/oauth2/authorize/decision", field)
    )


@routes.post("/oauth2/authorize/decision")
async def decision(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    grant = state.pending.pop(str(form.get("request", "")), None)
    if grant is None or grant.expires < time.monotonic() or grant.redirect_uri is None:
        return page("Expired", "<p>This sign-in request is unknown or expired.</p>", 400)
    base = {"state": grant.state or "", "iss": state.issuer}
    if form.get("decision") != "approve":
        return redirect(grant.redirect_uri, {"error": "access_denied", **base})
    code = secrets.token_urlsafe(32)
    grant.expires = time.monotonic() + CODE_TTL_S
    state.codes[code] = grant
    return redirect(grant.redirect_uri, {"code": code, **base})


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@routes.post("/oauth2/token")
@client_endpoint
async def token(state: OAuthState, form: Any, client: Client) -> web.Response:
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _code_grant(state, client, form)
    if grant_type == "refresh_token":
        return _refresh_grant(state, client, form)
    if grant_type == DEVICE_GRANT:
        return device_grant(state, client, form)
    return oauth_error("unsupported_grant_type")


def _code_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    code = str(form.get("code", ""))
    grant = state.codes.pop(code, None)
    if grant is None:
        if code in state.used_codes:  # a replayed code: revoke what it produced (RFC 6749 §4.1.2)
            for g, _ in state.access.values():
                if g.client_id == client.client_id:
                    g.revoked = True
        return oauth_error("invalid_grant", "unknown, used or expired code")
    state.used_codes.add(code)
    if grant.client_id != client.client_id or grant.expires < time.monotonic():
        return oauth_error("invalid_grant", "the code belongs to another client or expired")
    if form.get("redirect_uri") != grant.redirect_uri:
        return oauth_error("invalid_grant", "redirect_uri differs from the authorization request")
    verifier = str(form.get("code_verifier", ""))
    if not verifier or not hmac.compare_digest(_s256(verifier), grant.challenge or ""):
        return oauth_error("invalid_grant", "PKCE verification failed")
    if (form.get("resource") or None) != grant.resource:
        return oauth_error("invalid_target", "resource differs from the authorization request")
    return no_store(state.issue(grant))


def _refresh_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    state.refresh_calls += 1
    refresh = str(form.get("refresh_token", ""))
    grant = state.refresh.get(refresh)
    if grant is None or grant.revoked or grant.client_id != client.client_id:
        return oauth_error("invalid_grant", "unknown, revoked or rotated refresh token")
    if (form.get("resource") or None) not in (None, grant.resource):
        return oauth_error("invalid_target")
    answer = state.issue(grant)
    if state.rotate_refresh:
        del state.refresh[refresh]  # rotation: the old refresh token is spent
    else:
        state.refresh.pop(str(answer.pop("refresh_token")), None)
    return no_store(answer)


@routes.post("/oauth2/revoke")
@client_endpoint
async def revoke(state: OAuthState, form: Any, client: Client) -> web.Response:
    state.revoke(str(form.get("token", "")))
    return web.Response(status=200)
