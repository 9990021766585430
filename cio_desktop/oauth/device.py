"""The device authorization grant (RFC 8628): a code to type in on any browser, polled until approved."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cio_desktop.oauth.endpoints import TokenSet, token_request
from cio_desktop.oauth.errors import OAuthError, SignInCancelled, SignInTimedOut, clean
from cio_desktop.oauth.httpjson import post_form, raise_for_oauth_error
from cio_desktop.oauth.metadata import ServerMetadata, check_url
from cio_desktop.oauth.registration import ClientIdentity

if TYPE_CHECKING:
    import httpx

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
MAX_WAIT_S = 900.0


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """What to show the user: open ``verification_uri`` and type ``user_code`` (or open the complete one)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float


async def start(
    http: httpx.AsyncClient,
    meta: ServerMetadata,
    client: ClientIdentity,
    scope: str | None,
    resource: str | None,
) -> DeviceCode:
    """Ask for a device code (the server must advertise ``device_authorization_endpoint``)."""
    if not meta.device_authorization_endpoint:
        raise OAuthError("The authorization server does not offer sign-in with a device code.")
    form = dict(client.form())
    if scope:
        form["scope"] = scope
    if resource:
        form["resource"] = resource
    status, data = await post_form(
        http,
        meta.device_authorization_endpoint,
        form,
        "device authorization endpoint",
        auth=client.token_auth(),
    )
    doc = raise_for_oauth_error(status, data, "device authorization endpoint")
    device_code, user_code = doc.get("device_code"), doc.get("user_code")
    if not isinstance(device_code, str) or not isinstance(user_code, str) or not device_code:
        raise OAuthError("The authorization server's device code answer is incomplete.")
    verification = str(check_url(doc.get("verification_uri"), "verification address"))
    complete = check_url(doc.get("verification_uri_complete"), "verification address", required=False)
    expires_in = doc.get("expires_in")
    interval = doc.get("interval")
    return DeviceCode(
        device_code,
        clean(user_code),
        verification,
        complete,
        float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 600.0,
        float(interval) if isinstance(interval, (int, float)) and interval > 0 else 5.0,
    )


async def poll(
    http: httpx.AsyncClient,
    meta: ServerMetadata,
    client: ClientIdentity,
    code: DeviceCode,
    resource: str | None,
    *,
    cancelled: asyncio.Event | None = None,
) -> TokenSet:
    """Poll the token endpoint at the server's interval (``slow_down`` adds 5 s) until an answer."""
    cancelled = cancelled or asyncio.Event()
    interval = code.interval
    form = {"grant_type": DEVICE_GRANT, "device_code": code.device_code}
    if resource:
        form["resource"] = resource
    try:
        async with asyncio.timeout(min(code.expires_in, MAX_WAIT_S)):
            while True:
                # Wait one interval, or less if the user cancels (an event, not a sleep loop).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(cancelled.wait(), interval)
                if cancelled.is_set():
                    raise SignInCancelled("Sign-in was cancelled.")
                try:
                    return await token_request(http, meta.token_endpoint, client, form)
                except OAuthError as exc:
                    if exc.code == "authorization_pending":
                        continue
                    if exc.code == "slow_down":
                        interval += 5.0
                        continue
                    raise
    except TimeoutError:
        raise SignInTimedOut("The device code expired before the sign-in was approved.") from None
