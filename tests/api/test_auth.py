"""Auth strategies and API descriptors: keys, a self-renewing token, descriptors instead of name checks."""

from __future__ import annotations

import asyncio

import pytest

from cio_desktop.api import AuthError, CioClient, Credentials, MissingCredentialsError
from cio_desktop.api.apis import API_SPECS, APP, TRACK, spec_for
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.regions import DEFAULT_HOSTS, endpoints_for
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.conftest import MakeClient


class RenewingToken:
    """A stand-in for an OAuth token source (the real one needs an authorization server; the OAuth tests
    use it): it starts with a token the server refuses and renews to one it accepts, counting renewals."""

    def __init__(self, first: str, renewed: str | None) -> None:
        self.token = first
        self._renewed = renewed
        self.renewals = 0
        self._lock = asyncio.Lock()

    async def access_token(self) -> str:
        return self.token

    async def after_unauthorized(self, rejected: str) -> str | None:
        async with self._lock:
            if rejected != self.token:
                return self.token  # another caller renewed it already
            if self._renewed is None:
                return None
            self.renewals += 1
            self.token = self._renewed
            return self.token

    def secret_values(self) -> list[str]:
        return [self.token]


def test_every_api_is_described_once() -> None:
    assert spec_for("track") is TRACK
    assert spec_for("app") is APP
    assert set(API_SPECS) >= {"track", "app"}
    assert DEFAULT_HOSTS[Region.EU].app == "https://api-eu.customer.io"
    assert DEFAULT_HOSTS[Region.US].track == "https://track.customer.io"
    pinned = Workspace(name="w", region=Region.EU, app_url="https://gw.example.com/cio/")
    assert endpoints_for(pinned).app == "https://gw.example.com/cio"
    assert endpoints_for(pinned).track == "https://track-eu.customer.io"
    assert APP.has_override(pinned)
    assert not TRACK.has_override(pinned)


async def test_a_token_renews_once_after_a_401_and_the_call_succeeds(
    sandbox: ThreadedSandbox, make_client: MakeClient, history: RequestHistory
) -> None:
    token = RenewingToken("expired-token-0001", sandbox.info.app_api_key)
    client = make_client(sandbox, credentials=Credentials(token=token))
    results = await asyncio.gather(*(client.app.workspaces() for _ in range(5)))
    assert all(r.status == 200 for r in results)
    assert token.renewals == 1  # five callers saw the 401; one renewal served them all
    statuses = [e.status for e in history.records()]
    assert 401 in statuses
    assert statuses.count(200) == 5
    assert not any("expired-token-0001" in repr(e) for e in history.records())


async def test_a_token_that_cannot_renew_ends_in_the_401(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    token = RenewingToken("revoked-token-0001", None)
    client = make_client(sandbox, credentials=Credentials(token=token))
    with pytest.raises(AuthError) as caught:
        await client.app.workspaces()
    assert caught.value.status == 401
    assert "revoked-token-0001" not in str(caught.value)


async def test_missing_keys_fail_before_sending(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, credentials=Credentials(track_api_key="tk-123456"))
    assert client.can_call("track")
    assert not client.can_call("app")
    with pytest.raises(MissingCredentialsError, match="App API key"):
        await client.app.workspaces()


async def test_insufficient_scope_names_the_scope_and_how_to_sign_in_again() -> None:
    """A 403 ``insufficient_scope`` (RFC 6750) from an App API gateway: the sign-in works but lacks a
    scope. The peer is a small aiohttp server on 127.0.0.1 (the sandbox grants every scope it knows)."""
    from aiohttp import web

    async def refuse(_request: web.Request) -> web.Response:
        challenge = 'Bearer error="insufficient_scope", scope="customers:read"'
        return web.json_response({"errors": [{"detail": "forbidden", "status": "403"}]}, status=403,
                                 headers={"WWW-Authenticate": challenge})  # fmt: skip

    app = web.Application()
    app.router.add_get("/v1/workspaces", refuse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        ws = Workspace(name="gw", region=Region.US, app_url=f"http://127.0.0.1:{port}")
        token = RenewingToken("token-with-few-scopes", None)
        async with CioClient(ws, Credentials(token=token)) as client:
            with pytest.raises(AuthError) as caught:
                await client.app.workspaces()
    finally:
        await runner.cleanup()
    assert caught.value.status == 403
    assert caught.value.needed_scope == "customers:read"
    assert "customers:read" in caught.value.message
    assert "--scope customers:read" in caught.value.message
    assert token.renewals == 0  # a 403 is not an expired token: no renewal
