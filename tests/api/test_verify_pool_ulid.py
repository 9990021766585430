"""Verify arrival, the client pool and event ids."""

from __future__ import annotations

import time

from cio_desktop.api.client import CioClient
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.pool import ClientPool
from cio_desktop.api.ulid import new_ulid, ulid_time_ms
from cio_desktop.api.verify import wait_for_activity
from cio_desktop.models import Region
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.conftest import credentials_for, workspace_for


async def test_wait_for_activity_finds_the_event(client: CioClient) -> None:
    since = time.time()
    await client.track.event("verify-me", "checked out", {"total": 3})
    found = await wait_for_activity(client, "verify-me", "checked out", since=since, timeout_s=5)
    assert found is not None
    assert found["type"] == "event"
    assert found["name"] == "checked out"


async def test_wait_for_activity_gives_up_at_the_timeout(client: CioClient) -> None:
    await client.track.identify("verify-none", {"a": 1})
    started = time.monotonic()
    found = await wait_for_activity(
        client, "verify-none", "never sent", since=time.time(), timeout_s=0.4, poll_s=0.1
    )
    assert found is None
    assert 0.4 <= time.monotonic() - started < 2.0


async def test_wait_for_activity_ignores_older_events(client: CioClient) -> None:
    await client.track.event("verify-old", "old one", timestamp=int(time.time()) - 3600)
    found = await wait_for_activity(
        client, "verify-old", "old one", since=time.time(), timeout_s=0.3, poll_s=0.1
    )
    assert found is None


async def test_pool_reuses_and_rebuilds(sandbox: ThreadedSandbox) -> None:
    pool = ClientPool(RequestHistory(persist=False))
    ws = workspace_for(sandbox)
    creds = credentials_for(sandbox)
    first = await pool.get(ws, creds)
    assert await pool.get(ws, creds) is first
    await first.app.workspaces()

    rotated = await pool.get(ws, credentials_for(sandbox, app_api_key="rotated-key-1"))
    assert rotated is not first
    assert first._http.is_closed  # the old client's connections were closed
    moved = await pool.get(
        ws.replace(region=Region.EU), credentials_for(sandbox, app_api_key="rotated-key-1")
    )
    assert moved is not rotated

    await pool.aclose_all()
    assert moved._http.is_closed


async def test_pool_keeps_a_client_whose_region_it_detected(sandbox: ThreadedSandbox) -> None:
    detected = []
    pool = ClientPool(on_workspace_changed=detected.append)
    ws = workspace_for(sandbox, region=Region.AUTO)
    client = await pool.get(ws, credentials_for(sandbox))
    await client.app.workspaces()
    assert [w.region for w in detected] == [Region.US]
    assert await pool.get(detected[0], credentials_for(sandbox)) is client
    await pool.aclose_all()


def test_ulids_are_26_chars_sortable_and_timed() -> None:
    ids = [new_ulid() for _ in range(200)]
    assert all(len(i) == 26 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 200
    assert abs(ulid_time_ms(ids[0]) - time.time() * 1000) < 5000


async def test_pool_settings_change_and_discard(sandbox: ThreadedSandbox) -> None:
    from cio_desktop.api.models import NetworkSettings

    pool = ClientPool()
    ws = workspace_for(sandbox)
    first = await pool.get(ws, credentials_for(sandbox))
    await pool.set_settings(NetworkSettings(timeout_s=5))
    assert first._http.is_closed
    second = await pool.get(ws, credentials_for(sandbox))
    assert second.settings.timeout_s == 5
    await pool.discard(ws.id)
    assert second._http.is_closed
    assert await pool.get(ws, credentials_for(sandbox)) is not second
    await pool.aclose_all()
