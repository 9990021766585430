"""Transport security (issue 14, Deliver item 5, and the attacker finding "credentials go in clear text
to an HTTP proxy"): keys leave only over https, except to this computer; plain http never passes through a
proxy (the setting, HTTP_PROXY or ALL_PROXY); certificate checks are always on; a redirect never carries
the credentials to another host. Real loopback servers on 127.0.0.1 and 127.0.0.2 stand in for proxies
and second hosts (tests/fixtures/recorder.py)."""

from __future__ import annotations

import base64

import pytest

from cio_desktop.api.errors import ApiError, TlsError, WrongRegionError
from cio_desktop.api.models import NetworkSettings
from cio_desktop.models import Region
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.conftest import MakeClient, workspace_for
from tests.fixtures.recorder import ConnectProxy, Recorder

PROXY_ENV = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy")


def _key_forms(sb: ThreadedSandbox) -> list[bytes]:
    info = sb.info
    basic = base64.b64encode(f"{info.site_id}:{info.track_api_key}".encode())
    return [info.track_api_key.encode(), info.app_api_key.encode(), basic]


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*PROXY_ENV, "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("how", ["setting", "HTTP_PROXY", "ALL_PROXY", "http_proxy"])
async def test_plain_http_never_goes_through_a_proxy(
    sandbox: ThreadedSandbox, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch, how: str
) -> None:
    async with Recorder("127.0.0.2") as proxy:
        settings = NetworkSettings(proxy=proxy.url) if how == "setting" else NetworkSettings()
        if how != "setting":
            no_proxy_env.setenv(how, proxy.url)
        client = make_client(sandbox, settings=settings)
        assert (await client.track.identify("p-1", {"a": 1})).status == 200
        assert (await client.app.attributes("p-1")).status == 200
    assert proxy.connections == 0
    assert not any(form in proxy.received for form in _key_forms(sandbox))


async def test_https_through_a_proxy_stays_encrypted(
    sandbox_tls: ThreadedSandbox, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
) -> None:
    async with ConnectProxy("127.0.0.2") as proxy:
        no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
        client = make_client(sandbox_tls)
        assert (await client.track.identify("p-2", {"a": 1})).status == 200
    assert proxy.tunnels
    assert proxy.relayed
    assert not any(form in proxy.relayed for form in _key_forms(sandbox_tls))


async def test_plain_http_to_another_computer_is_refused(
    sandbox: ThreadedSandbox, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
) -> None:
    """An address that skipped the workspace checks (http, not loopback) is refused before sending. A
    proxy setting on 127.0.0.2 would receive the request if it were sent (no traffic leaves loopback)."""
    async with Recorder("127.0.0.2") as proxy:
        ws = workspace_for(sandbox, region=Region.US, track_url="http://cio-test.invalid",
                           app_url="http://cio-test.invalid")  # fmt: skip
        client = make_client(sandbox, workspace=ws, settings=NetworkSettings(proxy=proxy.url))
        with pytest.raises(ApiError, match=r"only sends keys over https://") as caught:
            await client.app.attributes("x")
        assert "cio-test.invalid" in caught.value.message
    assert proxy.connections == 0


async def test_certificate_verification_is_always_on(
    sandbox_tls: ThreadedSandbox, make_client: MakeClient
) -> None:
    client = make_client(sandbox_tls, workspace=workspace_for(sandbox_tls, ca_file=None))
    with pytest.raises(TlsError):
        await client.track.region()


async def test_a_redirect_never_carries_credentials_to_another_host(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    async with Recorder("127.0.0.2") as other:
        moved = (
            f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {other.url}/v1/customers/x/attributes\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n"
        ).encode()
        async with Recorder("127.0.0.1", reply=moved) as first:
            ws = workspace_for(sandbox, region=Region.US, track_url=first.url, app_url=first.url)
            client = make_client(sandbox, workspace=ws)
            with pytest.raises(WrongRegionError):
                await client.app.attributes("x")
    assert first.connections >= 1
    assert b"authorization: Bearer" in first.received.lower().replace(b"bearer", b"Bearer")
    assert other.connections == 0
