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
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from cio_desktop.sandbox.auth import basic_credentials, bearer_token
from cio_desktop.sandbox.oauth_state import (
    CODE_TTL_S,
    CONSENT_TTL_S,
    SCOPES,
    Client,
    DeviceRequest,
    Grant,
    OAuthState,
)
from cio_desktop.sandbox.replies import reply

OAUTH = web.AppKey("cio_sandbox_oauth", OAuthState)
BASE: web.AppKey[Callable[[], str]] = web.AppKey("cio_sandbox_base")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
routes = web.RouteTableDef()


def install(app: web.Application, state: OAuthState, base: Callable[[], str]) -> None:
    """Serve the authorization server on ``app``; ``base()`` is the sandbox's address (the issuer)."""
    app[OAUTH] = state
    app[BASE] = base
    app.add_routes(routes)


def state_of(request: web.Request) -> OAuthState:
    """The authorization server's state, its issuer set from the running sandbox's address."""
    state = request.app[OAUTH]
    state.issuer = request.app[BASE]()
    return state


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
        return _error("invalid_client_metadata", "the body must be a JSON object")
    uris = body.get("redirect_uris")
    if (
        not isinstance(uris, list)
        or not uris
        or not all(isinstance(u, str) and _is_loopback_uri(u) for u in uris)
    ):
        return _error("invalid_redirect_uri", "redirect_uris must be http://127.0.0.1 loopback addresses")
    if body.get("token_endpoint_auth_method", "none") != "none":
        return _error("invalid_client_metadata", "only public clients may register here")
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


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(
        text=text, status=status, content_type="text/html", headers={"Referrer-Policy": "no-referrer"}
    )


def _redirect(uri: str, params: dict[str, str]) -> web.Response:
    """A 302 to the client's redirect URI (returned, not raised: the guard turns exceptions into errors)."""
    location = f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"
    return web.Response(status=302, headers={"Location": location, "Referrer-Policy": "no-referrer"})


@routes.get("/oauth2/authorize")
async def authorize(request: web.Request) -> web.Response:
    """Validate the request, then show the consent page (Approve / Deny)."""
    state = state_of(request)
    q = request.query
    client = state.clients.get(q.get("client_id", ""))
    if client is None:
        return _page("Unknown app", "<p>invalid_client: this app is not registered here.</p>", 400)
    redirect_uri = q.get("redirect_uri", "")
    if not _redirect_ok(client, redirect_uri):
        return _page("Wrong return address", "<p>invalid_request: redirect_uri is not registered.</p>", 400)
    err = {"state": q.get("state", ""), "iss": state.issuer}
    if q.get("response_type") != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", **err})
    if not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
        return _redirect(
            redirect_uri, {"error": "invalid_request", "error_description": "PKCE S256 required", **err}
        )
    scope = q.get("scope") or "read"
    if any(s not in SCOPES for s in scope.split()):
        return _redirect(redirect_uri, {"error": "invalid_scope", **err})
    resource = q.get("resource") or None
    if resource is not None and resource not in (f"{state.issuer}/mcp", state.issuer):
        return _redirect(redirect_uri, {"error": "invalid_target", **err})
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
    form = (
        f"<p>The app <b>{html.escape(client.client_id)}</b> asks for: {html.escape(scope)}.</p>"
        '<form method="post" action="/oauth2/authorize/decision">'
        f'<input type="hidden" name="request" value="{html.escape(request_id)}">'
        '<button type="submit" name="decision" value="approve" id="approve">Approve</button> '
        '<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>'
    )
    return _page("Sign in to the cio-desktop sandbox", form)


@routes.post("/oauth2/authorize/decision")
async def decision(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    grant = state.pending.pop(str(form.get("request", "")), None)
    if grant is None or grant.expires < time.monotonic() or grant.redirect_uri is None:
        return _page("Expired", "<p>This sign-in request is unknown or expired.</p>", 400)
    base = {"state": grant.state or "", "iss": state.issuer}
    if form.get("decision") != "approve":
        return _redirect(grant.redirect_uri, {"error": "access_denied", **base})
    code = secrets.token_urlsafe(32)
    grant.expires = time.monotonic() + CODE_TTL_S
    state.codes[code] = grant
    return _redirect(grant.redirect_uri, {"code": code, **base})


def _error(code: str, description: str = "", status: int = 400) -> web.Response:
    body = {"error": code}
    if description:
        body["error_description"] = description
    return reply(body, status, {"Cache-Control": "no-store"})


def _client(state: OAuthState, request: web.Request, form: Any) -> Client | None:
    """The authenticated client: Basic / client_secret_post for confidential ones, client_id for public."""
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


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@routes.post("/oauth2/token")
async def token(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    client = _client(state, request, form)
    if client is None:
        return _error("invalid_client", "unknown client or wrong secret", 401)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _code_grant(state, client, form)
    if grant_type == "refresh_token":
        return _refresh_grant(state, client, form)
    if grant_type == DEVICE_GRANT:
        return _device_grant(state, client, form)
    return _error("unsupported_grant_type")


def _code_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    code = str(form.get("code", ""))
    grant = state.codes.pop(code, None)
    if grant is None:
        if code in state.used_codes:  # a replayed code: revoke what it produced (RFC 6749 §4.1.2)
            for g, _ in state.access.values():
                if g.client_id == client.client_id:
                    g.revoked = True
        return _error("invalid_grant", "unknown, used or expired code")
    state.used_codes.add(code)
    if grant.client_id != client.client_id or grant.expires < time.monotonic():
        return _error("invalid_grant", "the code belongs to another client or expired")
    if form.get("redirect_uri") != grant.redirect_uri:
        return _error("invalid_grant", "redirect_uri differs from the authorization request")
    verifier = str(form.get("code_verifier", ""))
    if not verifier or not hmac.compare_digest(_s256(verifier), grant.challenge or ""):
        return _error("invalid_grant", "PKCE verification failed")
    if (form.get("resource") or None) != grant.resource:
        return _error("invalid_target", "resource differs from the authorization request")
    return reply(state.issue(grant), headers={"Cache-Control": "no-store"})


def _refresh_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    state.refresh_calls += 1
    refresh = str(form.get("refresh_token", ""))
    grant = state.refresh.get(refresh)
    if grant is None or grant.revoked or grant.client_id != client.client_id:
        return _error("invalid_grant", "unknown, revoked or rotated refresh token")
    if (form.get("resource") or None) not in (None, grant.resource):
        return _error("invalid_target")
    answer = state.issue(grant)
    if state.rotate_refresh:
        del state.refresh[refresh]  # rotation: the old refresh token is spent
    else:
        state.refresh.pop(str(answer.pop("refresh_token")), None)
    return reply(answer, headers={"Cache-Control": "no-store"})


def _device_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    req = state.devices.get(str(form.get("device_code", "")))
    if req is None or req.grant.client_id != client.client_id:
        return _error("invalid_grant", "unknown device code")
    if req.expires < time.monotonic():
        return _error("expired_token")
    if req.decision is None:
        return _error("authorization_pending")
    del state.devices[str(form.get("device_code", ""))]
    if req.decision != "approve":
        return _error("access_denied")
    return reply(state.issue(req.grant), headers={"Cache-Control": "no-store"})


@routes.post("/oauth2/revoke")
async def revoke(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    if _client(state, request, form) is None:
        return _error("invalid_client", status=401)
    state.revoke(str(form.get("token", "")))
    return web.Response(status=200)


@routes.post("/oauth2/device_authorization")
async def device_authorization(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    client = _client(state, request, form)
    if client is None:
        return _error("invalid_client", status=401)
    scope = str(form.get("scope") or "read")
    if any(s not in SCOPES for s in scope.split()):
        return _error("invalid_scope")
    device_code = secrets.token_urlsafe(32)
    letters = "BCDFGHJKLMNPQRSTVWXZ"
    user_code = "".join(secrets.choice(letters) for _ in range(8))
    user_code = f"{user_code[:4]}-{user_code[4:]}"
    resource = str(form.get("resource") or "") or None
    state.devices[device_code] = DeviceRequest(
        Grant(client.client_id, scope, resource), user_code, time.monotonic() + 600
    )
    verify = f"{state.issuer}/oauth2/device"
    return reply(
        {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verify,
            "verification_uri_complete": f"{verify}?{urlencode({'user_code': user_code})}",
            "expires_in": 600,
            "interval": state.device_interval,
        }
    )


@routes.get("/oauth2/device")
async def device_page(request: web.Request) -> web.Response:
    code = request.query.get("user_code", "")
    form = (
        '<form method="post" action="/oauth2/device">'
        f'<label>Code <input name="user_code" id="user_code" value="{html.escape(code)}"></label> '
        '<button type="submit" name="decision" value="approve" id="approve">Approve</button> '
        '<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>'
    )
    return _page("Connect a device to the cio-desktop sandbox", form)


@routes.post("/oauth2/device")
async def device_decision(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    code = str(form.get("user_code", "")).strip().upper()
    for req in state.devices.values():
        if hmac.compare_digest(req.user_code, code) and req.decision is None:
            req.decision = "approve" if form.get("decision") == "approve" else "deny"
            return _page("Done", "<p>You can return to cio-desktop.</p>")
    return _page("Unknown code", "<p>That code is unknown or already used.</p>", 400)
