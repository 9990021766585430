"""ClientCache: one shared client per workspace, rebuilt only when the workspace, keys or network change."""

from __future__ import annotations

from cio_desktop.api import NetworkSettings, RequestHistory
from cio_desktop.client_cache import ClientCache
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.conftest import credentials_for, workspace_for

NETWORK = NetworkSettings()


def _cache(detected: list[Workspace] | None = None) -> ClientCache:
    sink = detected if detected is not None else []
    return ClientCache(hosts=lambda: None, on_region_detected=sink.append)


async def test_reuses_and_rebuilds(sandbox: ThreadedSandbox) -> None:
    cache, history = _cache(), RequestHistory(persist=False)
    ws, creds = workspace_for(sandbox), credentials_for(sandbox)
    first = await cache.get(ws, creds, NETWORK, history)
    assert await cache.get(ws, creds, NETWORK, history) is first
    await first.app.workspaces()

    rotated_keys = credentials_for(sandbox, app_api_key="rotated-key-1")
    rotated = await cache.get(ws, rotated_keys, NETWORK, history)
    assert rotated is not first
    assert first._http.is_closed  # the old client's connections were closed
    moved = await cache.get(ws.replace(region=Region.EU), rotated_keys, NETWORK, history)
    assert moved is not rotated

    await cache.aclose()
    assert moved._http.is_closed


async def test_keeps_a_client_whose_region_it_detected(sandbox: ThreadedSandbox) -> None:
    detected: list[Workspace] = []
    cache, history = _cache(detected), RequestHistory(persist=False)
    auto = workspace_for(sandbox, region=Region.AUTO)
    client = await cache.get(auto, credentials_for(sandbox), NETWORK, history)
    await client.app.workspaces()
    assert [w.region for w in detected] == [Region.US]
    assert await cache.get(detected[0], credentials_for(sandbox), NETWORK, history) is client
    await cache.aclose()


async def test_network_change_and_drop(sandbox: ThreadedSandbox) -> None:
    cache, history = _cache(), RequestHistory(persist=False)
    ws = workspace_for(sandbox)
    first = await cache.get(ws, credentials_for(sandbox), NETWORK, history)
    second = await cache.get(ws, credentials_for(sandbox), NetworkSettings(timeout_s=5), history)
    assert first._http.is_closed
    assert second.settings.timeout_s == 5
    await cache.drop(ws.id)
    assert second._http.is_closed
    assert await cache.get(ws, credentials_for(sandbox), NETWORK, history) is not second
    await cache.aclose()
