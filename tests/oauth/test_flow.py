"""The browser sign-in flow against the sandbox's authorization server, with a scripted user agent:
success, deny, timeout, cancel, paste fallback, port reuse and re-registration, issuer mismatch and a
server without S256."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cio_desktop.oauth.discovery import discover_issuer, discover_resource
from cio_desktop.oauth.errors import DiscoveryError, OAuthError, SignInCancelled, SignInTimedOut
from cio_desktop.oauth.flow import SignInFlow
from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.sandbox import ThreadedSandbox
from tests.oauth.conftest import consent, scripted_user


async def _flow(
    http: httpx.AsyncClient, sandbox: ThreadedSandbox, registry: ClientRegistry, **kwargs: object
) -> SignInFlow:
    meta = await discover_issuer(http, sandbox.info.issuer_url)
    return SignInFlow(http, meta, registry=registry, **kwargs)  # type: ignore[arg-type]


async def test_discovery_follows_the_resource_challenge(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox
) -> None:
    info = oauth_sandbox.info
    res = await discover_resource(http, info.mcp_url)
    assert res.authorization_servers == (info.issuer_url,)
    assert res.challenge_scope == "read"
    meta = await discover_issuer(http, res.authorization_servers[0])
    assert meta.issuer == info.issuer_url
    assert "S256" in meta.code_challenge_methods
    assert meta.revocation_endpoint
    assert meta.device_authorization_endpoint


async def test_sign_in_approve_gives_tokens_that_the_app_api_accepts(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    flow = await _flow(http, oauth_sandbox, registry, opener=scripted_user("approve"))
    tokens = await flow.run()
    assert tokens.access_token
    assert tokens.refresh_token
    assert tokens.expires_at
    answer = await http.get(
        f"{oauth_sandbox.info.app_url}/v1/customers?email=nobody@example.com",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    )
    assert answer.status_code != 401
    url = urlsplit(flow.authorization_url or "")
    query = parse_qs(url.query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 22  # >= 128 bits, base64url
    assert urlsplit(query["redirect_uri"][0]).hostname == "127.0.0.1"


async def test_deny_in_the_browser_is_a_cancelled_sign_in_in_plain_words(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    flow = await _flow(http, oauth_sandbox, registry, opener=scripted_user("deny"))
    with pytest.raises(SignInCancelled, match="Sign-in was cancelled in the browser"):
        await flow.run()


async def test_timeout_ends_the_sign_in_and_closes_the_listener(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    async def nobody(url: str) -> bool:
        return True

    flow = await _flow(http, oauth_sandbox, registry, opener=nobody, timeout=1.0)
    with pytest.raises(SignInTimedOut, match="Nobody finished signing in"):
        await flow.run()
    port = urlsplit(parse_qs(urlsplit(flow.authorization_url or "").query)["redirect_uri"][0]).port
    with pytest.raises(ConnectionRefusedError):  # nothing listens any more
        await asyncio.open_connection("127.0.0.1", port)


async def test_cancel_ends_the_sign_in(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    holder: list[SignInFlow] = []

    async def cancel_instead(url: str) -> bool:
        holder[0].cancel()
        return True

    flow = await _flow(http, oauth_sandbox, registry, opener=cancel_instead)
    holder.append(flow)
    with pytest.raises(SignInCancelled):
        await flow.run()


async def test_paste_the_address_the_browser_ended_on(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    """Remote desktop / WSL: the browser cannot reach the loopback listener; the user pastes the address."""
    holder: list[SignInFlow] = []

    async def remote_browser(url: str) -> bool:
        location = await consent(http, url, "approve")
        flow = holder[0]
        with pytest.raises(OAuthError, match="nothing after"):
            flow.submit_pasted("http://127.0.0.1/oauth/callback")
        with pytest.raises(OAuthError, match="state differs"):
            flow.submit_pasted(location.replace("state=", "state=x"))
        flow.submit_pasted(f"  {location}\n")
        return False

    flow = await _flow(http, oauth_sandbox, registry, opener=remote_browser)
    holder.append(flow)
    tokens = await flow.run()
    assert tokens.access_token


async def test_registration_is_kept_per_issuer_with_its_port(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    first = await _flow(http, oauth_sandbox, registry, opener=scripted_user())
    await first.run()
    second = await _flow(http, oauth_sandbox, registry, opener=scripted_user())
    await second.run()
    redirect = [
        parse_qs(urlsplit(f.authorization_url or "").query)["redirect_uri"][0] for f in (first, second)
    ]
    assert redirect[0] == redirect[1]  # the remembered port was reused
    assert oauth_sandbox.oauth(lambda s: s.registrations) == 1


async def test_rejected_redirect_uri_registers_again(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    await (await _flow(http, oauth_sandbox, registry, opener=scripted_user())).run()
    oauth_sandbox.oauth(lambda s: s.forget_clients())  # the server no longer knows the registration
    again = await _flow(http, oauth_sandbox, registry, opener=scripted_user())
    tokens = await again.run()
    assert tokens.access_token
    assert oauth_sandbox.oauth(lambda s: s.registrations) == 2


async def test_remembered_port_taken_listens_elsewhere_and_registers_again(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    first = await _flow(http, oauth_sandbox, registry, opener=scripted_user())
    await first.run()
    port = urlsplit(parse_qs(urlsplit(first.authorization_url or "").query)["redirect_uri"][0]).port
    squatter = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", port)
    try:
        second = await _flow(http, oauth_sandbox, registry, opener=scripted_user())
        assert (await second.run()).access_token
    finally:
        squatter.close()
        await squatter.wait_closed()
    assert oauth_sandbox.oauth(lambda s: s.registrations) == 2


async def test_issuer_mismatch_is_refused(http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "issuer_override", "https://attacker.example"))
    with pytest.raises(DiscoveryError, match="different issuer"):
        await discover_issuer(http, oauth_sandbox.info.issuer_url)


async def test_a_server_without_s256_is_refused(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox
) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "s256", False))
    with pytest.raises(DiscoveryError, match="S256"):
        await discover_issuer(http, oauth_sandbox.info.issuer_url)
