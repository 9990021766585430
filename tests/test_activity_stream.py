"""The live activity stream against the sandbox: new activities arrive once, oldest first; the pace stays
inside the App API's limit (requests counted); a 429 slows it down; pause stops all traffic."""

from __future__ import annotations

from typing import Any

from cio_desktop.activity_stream import ActivityStream, StreamStatus
from cio_desktop.api import CioClient
from cio_desktop.sandbox import ThreadedSandbox


def _events(items: list[dict[str, Any]]) -> list[str]:
    """The names of the event activities (the first event to an unknown person also creates them)."""
    return [str(a.get("name")) for a in items if a.get("type") == "event"]


async def test_new_activities_arrive_once_and_in_order(sandbox_client: CioClient) -> None:
    got: list[list[dict[str, Any]]] = []
    stream = ActivityStream(sandbox_client.app, got.append, page_size=10)
    first = await stream.poll_once()
    assert first  # the practice data has history: the newest page fills the list
    assert len(first) <= 10
    assert await stream.poll_once() == []  # nothing new: nothing handed over again

    for n in range(3):
        await sandbox_client.track.event("stream-person-1", f"stream_event_{n}", {"n": n})
    fresh = await stream.poll_once()
    assert _events(fresh) == ["stream_event_0", "stream_event_1", "stream_event_2"]
    assert stream.requests == 3


async def test_a_burst_of_new_activity_is_caught_up_over_a_few_pages(sandbox_client: CioClient) -> None:
    stream = ActivityStream(sandbox_client.app, lambda _items: None, page_size=5, max_catch_up_pages=3)
    await stream.poll_once()
    for n in range(12):
        await sandbox_client.track.event("stream-person-2", f"burst_{n}")
    before = stream.requests
    fresh = await stream.poll_once()
    assert _events(fresh) == [f"burst_{n}" for n in range(12)]
    assert stream.requests - before == 3  # 12 events (and the new person), 5 a page: three requests


async def test_a_429_doubles_the_interval_and_says_so(
    sandbox: ThreadedSandbox, sandbox_client: CioClient
) -> None:
    statuses: list[StreamStatus] = []
    stream = ActivityStream(sandbox_client.app, lambda _i: None, statuses.append, interval_s=5)
    sandbox.set_faults(["status=429@/v1/activities"])
    assert await stream.poll_once() == []
    assert stream.interval_s >= 10
    assert statuses[-1].error is not None
    assert "slow down" in statuses[-1].error
    sandbox.set_faults([])
    await stream.poll_once()
    assert stream.error is None
    assert stream.interval_s < 10  # drifting back to the normal pace


def test_the_pace_is_said_in_words() -> None:
    status = StreamStatus(running=True, interval_s=5, requests=0)
    assert "every 5 s" in status.pace_text
    assert "10 a second" in status.pace_text
    assert StreamStatus(running=False, interval_s=5, requests=0).pace_text == "Paused"


async def test_pause_stops_all_requests(sandbox_client: CioClient) -> None:
    stream = ActivityStream(sandbox_client.app, lambda _i: None, interval_s=0.05)
    stream.resume()
    assert stream.running
    await stream.pause()
    assert not stream.running
    count = stream.requests
    await stream.poll_once()  # only an explicit poll sends anything while paused
    assert stream.requests == count + 1
