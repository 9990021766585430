"""The sandbox's device authorization grant (RFC 8628): the code request, the page where a person
approves a code, and the token endpoint's answer to polling."""

from __future__ import annotations

import hmac
import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from cio_desktop.sandbox.oauth_replies import (
    client_endpoint,
    decision_form,
    no_store,
    oauth_error,
    page,
    state_of,
)
from cio_desktop.sandbox.oauth_state import SCOPES, Client, DeviceRequest, Grant, OAuthState
from cio_desktop.sandbox.replies import reply

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
routes = web.RouteTableDef()


@routes.post("/oauth2/device_authorization")
@client_endpoint
async def device_authorization(state: OAuthState, form: Any, client: Client) -> web.Response:
    scope = str(form.get("scope") or "read")
    if any(s not in SCOPES for s in scope.split()):
        return oauth_error("invalid_scope")
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
    field = f'<label>Code <input name="user_code" id="user_code" value="{html.escape(code)}"></label> '
    return page("Connect a device to the cio-desktop sandbox", decision_form("/oauth2/device", field))


@routes.post("/oauth2/device")
async def device_decision(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    code = str(form.get("user_code", "")).strip().upper()
    for req in state.devices.values():
        if hmac.compare_digest(req.user_code, code) and req.decision is None:
            req.decision = "approve" if form.get("decision") == "approve" else "deny"
            return page("Done", "<p>You can return to cio-desktop.</p>")
    return page("Unknown code", "<p>That code is unknown or already used.</p>", 400)


def device_grant(state: OAuthState, client: Client, form: Any) -> web.Response:
    """The token endpoint's answer to a device-code poll: pending, denied, expired, or the tokens."""
    device_code = str(form.get("device_code", ""))
    req = state.devices.get(device_code)
    if req is None or req.grant.client_id != client.client_id:
        return oauth_error("invalid_grant", "unknown device code")
    if req.expires < time.monotonic():
        return oauth_error("expired_token")
    if req.decision is None:
        return oauth_error("authorization_pending")
    del state.devices[device_code]
    if req.decision != "approve":
        return oauth_error("access_denied")
    return no_store(state.issue(req.grant))
