"""Verify arrival and event ids."""

from __future__ import annotations

import time

from cio_desktop.api.client import CioClient
from cio_desktop.api.ulid import new_ulid, ulid_time_ms
from cio_desktop.api.verify import wait_for_activity


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


def test_ulids_are_26_chars_sortable_and_timed() -> None:
    ids = [new_ulid() for _ in range(200)]
    assert all(len(i) == 26 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 200
    assert abs(ulid_time_ms(ids[0]) - time.time() * 1000) < 5000
