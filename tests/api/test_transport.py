"""The shared httpx client: TLS against the OS store plus a CA file, keep-alive reuse (visible in the
timings), the User-Agent, explicit timeouts and the proxy setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_desktop import __version__
from cio_desktop.api.client import CioClient
from cio_desktop.api.errors import TlsError
from cio_desktop.api.models import NetworkSettings
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient, credentials_for, workspace_for
from tests.fixtures.recorder import ConnectProxy

WHO = WELL_KNOWN["customer_id"]


async def test_tls_with_the_workspace_ca_file(sandbox_tls: ThreadedSandbox, make_client: MakeClient) -> None:
    assert sandbox_tls.info.app_url.startswith("https://")
    client = make_client(sandbox_tls)  # workspace_for() sets ca_file from the sandbox
    first = await client.app.attributes(WHO)
    second = await client.app.segments(WHO)
    assert first.status == second.status == 200
    t1, t2 = first.exchange.timings, second.exchange.timings
    assert t1["connect"] > 0
    assert t1["tls"] > 0
    assert t1["total"] >= t1["first_byte"] > 0
    assert t2["connect"] == t2["tls"] == 0  # the same kept-alive connection was reused


async def test_tls_with_the_global_ca_file(sandbox_tls: ThreadedSandbox, make_client: MakeClient) -> None:
    ws = workspace_for(sandbox_tls, ca_file=None)
    client = make_client(
        sandbox_tls, workspace=ws, settings=NetworkSettings(ca_file=sandbox_tls.info.ca_file)
    )
    assert (await client.track.region()).data["region"] == "us"


async def test_user_agent_and_json_accept(client: CioClient) -> None:
    result = await client.app.workspaces()
    assert result.exchange.request_headers["user-agent"] == f"cio-desktop/{__version__}"
    assert result.exchange.request_headers["accept"] == "application/json"


async def test_first_byte_includes_server_latency(sandbox: ThreadedSandbox, client: CioClient) -> None:
    sandbox.set_faults(["latency=0.3"])
    result = await client.app.workspaces()
    assert result.exchange.timings["first_byte"] >= 290


async def test_proxy_setting_is_used(sandbox_tls: ThreadedSandbox, make_client: MakeClient) -> None:
    # A real CONNECT proxy on another loopback address: https calls tunnel through it (encrypted).
    async with ConnectProxy() as proxy:
        client = make_client(sandbox_tls, settings=NetworkSettings(proxy=proxy.url))
        result = await client.app.workspaces()
    assert result.status == 200
    assert proxy.tunnels == [sandbox_tls.info.app_url.removeprefix("https://")]


async def test_one_http_client_per_cioclient(client: CioClient) -> None:
    await client.app.workspaces()
    await client.track.region()
    http = client._http  # type: ignore[attr-defined]
    transports = [http._transport, *(t for t in http._mounts.values() if t is not None)]
    connections = [c for t in transports for c in t._pool.connections]
    assert len(connections) == 1  # both APIs share the sandbox's host, so one connection serves all


async def test_an_unreadable_ca_file_is_explained(tmp_path: Path, sandbox: ThreadedSandbox) -> None:
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello")
    for path in (str(bad), str(tmp_path / "missing.pem")):
        with pytest.raises(TlsError) as caught:
            CioClient(workspace_for(sandbox, ca_file=path), credentials_for(sandbox))
        assert f"The CA certificate file '{path}' could not be used" in caught.value.message


async def test_total_includes_a_slow_body(sandbox: ThreadedSandbox, client: CioClient) -> None:
    sandbox.set_faults(["trickle=0.5"])  # headers at once, the body in pieces over half a second
    result = await client.app.workspaces()
    timings = result.exchange.timings
    assert timings["total"] - timings["first_byte"] >= 350
    assert result.data["workspaces"]
