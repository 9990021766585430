"""ClientCache: one client per workspace; new keys swap in, a workspace or network change rebuilds it."""

from __future__ import annotations

import asyncio

import pytest

from cio_desktop.api import ApiResult, AuthError, CioClient, NetworkSettings, RequestHistory
from cio_desktop.models import Region, Workspace
from cio_desktop.operations.client_cache import ClientCache
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
    assert rotated is first  # same connection pool, new keys
    assert rotated.credentials == rotated_keys
    assert not first._http.is_closed
    moved = await cache.get(ws.replace(region=Region.EU), rotated_keys, NETWORK, history)
    assert moved is not rotated
    await cache.retired()
    assert rotated._http.is_closed

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
    await cache.retired()
    assert first._http.is_closed
    assert second.settings.timeout_s == 5
    await cache.drop(ws.id)
    assert second._http.is_closed
    assert await cache.get(ws, credentials_for(sandbox), NETWORK, history) is not second
    await cache.aclose()


async def _slow_call_started(client: CioClient, sandbox: ThreadedSandbox) -> asyncio.Future[ApiResult]:
    """A one-second App call, started: one loop turn runs the task up to its HTTP send, and it counts
    itself as in flight before that."""
    sandbox.set_faults(["latency=1@/v1/workspaces"])
    slow = asyncio.ensure_future(client.app.workspaces())
    await asyncio.sleep(0)
    assert client._in_flight == 1
    return slow


async def test_new_keys_do_not_break_a_call_in_flight(sandbox: ThreadedSandbox) -> None:
    """Another panel's slow lookup finishes, and the next call uses the new key."""
    cache, history = _cache(), RequestHistory(persist=False)
    ws = workspace_for(sandbox)
    client = await cache.get(ws, credentials_for(sandbox), NETWORK, history)
    slow = await _slow_call_started(client, sandbox)
    wrong = credentials_for(sandbox, app_api_key="rotated-key-2")
    assert await cache.get(ws, wrong, NETWORK, history) is client
    assert (await slow).status == 200  # began with the old key, not cut off
    sandbox.set_faults([])
    with pytest.raises(AuthError):
        await client.app.list_segments()
    await cache.aclose()


async def test_rebuild_waits_for_the_call_in_flight(sandbox: ThreadedSandbox) -> None:
    cache, history = _cache(), RequestHistory(persist=False)
    ws = workspace_for(sandbox)
    first = await cache.get(ws, credentials_for(sandbox), NETWORK, history)
    slow = await _slow_call_started(first, sandbox)
    second = await cache.get(ws, credentials_for(sandbox), NetworkSettings(timeout_s=7), history)
    assert second is not first
    assert not first._http.is_closed
    assert (await slow).status == 200
    await cache.retired()
    assert first._http.is_closed
    await cache.aclose()
