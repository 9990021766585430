"""The live activity stream against the sandbox: new activities arrive once, oldest first; the pace stays
inside the App API's limit (requests counted); a 429 slows it down; pause stops all traffic."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from cio_desktop.api import CioClient, Credentials
from cio_desktop.api.history import RequestHistory
from cio_desktop.models import Region, Workspace
from cio_desktop.operations.activity_stream import (
    APP_LIMIT_PER_S,
    LIMIT_SHARE,
    ActivityStream,
    StreamStatus,
)
from cio_desktop.sandbox import ThreadedSandbox
from tests.fixtures.sandbox import MakeSandbox, client_for


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


class CountingReader:
    """The client's App API with every request's start time noted (the count the proof is about)."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self.starts: list[float] = []

    async def workspace_activities(self, *, start: str | None = None, limit: int | None = None) -> Any:
        self.starts.append(time.monotonic())
        return await self._app.workspace_activities(start=start, limit=limit)


def _busiest_second(starts: list[float]) -> int:
    """The most requests started within any one-second window."""
    return max((sum(1 for t in starts if s <= t < s + 1.0) for s in starts), default=0)


@pytest.mark.slow
async def test_the_stream_never_exceeds_the_rate_limit(make_sandbox: MakeSandbox) -> None:
    # A fire hose of new activity (every poll must catch up over all its pages) and a user pressing
    # "check now" every 10 ms: the worst case for the pace.
    sandbox = make_sandbox(trickle=0.005, rate_limit=APP_LIMIT_PER_S, people=20)
    info = sandbox.info
    workspace = Workspace(name="t", region=Region.US, site_id=info.site_id, app_url=info.app_url)
    async with CioClient(workspace, Credentials(info.track_api_key, info.app_api_key)) as client:
        reader = CountingReader(client.app)
        errors: list[str] = []
        stream = ActivityStream(
            reader, lambda _i: None, lambda s: errors.append(s.error or ""), interval_s=0.01, page_size=5
        )
        stream.resume()
        deadline = time.monotonic() + 4.0  # the length of the run, not a wait for something
        while time.monotonic() < deadline:
            stream.poll_now()
            await asyncio.sleep(0.01)
        await stream.pause()
    assert len(reader.starts) == stream.requests >= 6  # it did work hard
    # One poll is at most 1 + 2 catch-up pages; polls are min_interval_s (> 1 s) apart: so no second ever
    # holds more than one poll's requests, and the average stays within a quarter of the limit.
    assert _busiest_second(reader.starts) <= 3 < APP_LIMIT_PER_S
    span = reader.starts[-1] - reader.starts[0]
    assert (len(reader.starts) - 3) / span <= APP_LIMIT_PER_S * LIMIT_SHARE
    assert not any(errors), errors  # never a 429 from the sandbox's limiter either


async def test_quiet_polls_stay_out_of_the_history_but_failures_are_kept(sandbox: ThreadedSandbox) -> None:
    """Watching the stream for hours must not push the user's own calls out of the request history."""
    history = RequestHistory(persist=False)
    async with CioClient(client_for(sandbox).workspace, credentials_of(sandbox), history=history) as client:
        stream = ActivityStream(client.app, lambda _i: None)
        await stream.poll_once()
        await stream.poll_once()
        assert len(history) == 0
        sandbox.set_faults(["status=500@/v1/activities"])
        await stream.poll_once()
        assert len(history) > 0  # a failing poll is there to be inspected
        assert all(e.status == 500 for e in history.records())
        sandbox.set_faults([])
        await client.app.workspace_activities()  # the same call made by the user is recorded
        assert history.records()[-1].status == 200


def credentials_of(sandbox: ThreadedSandbox) -> Credentials:
    return Credentials(sandbox.info.track_api_key, sandbox.info.app_api_key)
