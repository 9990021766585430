"""The client-side limiter keeps App API calls at ≤ 10 per second per key, so the app never trips the
server's limit itself."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from cio_desktop.api.limiter import RateLimiter, limiter_for_key
from cio_desktop.api.retry import NO_RETRY
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient


def test_a_place_frees_one_period_after_the_answer() -> None:
    now = [100.0]
    limiter = RateLimiter(10, 1.0, clock=lambda: now[0])
    assert [limiter.try_acquire() for _ in range(10)] == [0.0] * 10  # the first ten go at once
    assert limiter.try_acquire() > 0  # all ten still in flight: wait
    now[0] = 100.2
    limiter.release()  # one answer arrives at 100.2
    assert limiter.try_acquire() == pytest.approx(1.0)  # its place frees at 101.2
    now[0] = 101.2
    assert limiter.try_acquire() == 0.0


async def test_server_window_never_sees_more_than_ten() -> None:
    """Simulated calls with random durations: call n starts ≥ 1 s after call n-10 finished, so any
    1-second window of arrivals (between start and finish) holds at most ten."""
    now = [0.0]
    rng = random.Random(7)

    async def fake_sleep(delay: float) -> None:
        now[0] += delay

    limiter = RateLimiter(10, 1.0, clock=lambda: now[0], sleep=fake_sleep)
    spans: list[tuple[float, float]] = []
    for _ in range(60):
        await limiter.acquire()
        start = now[0]
        end = start + rng.uniform(0.0, 0.3)
        spans.append((start, end))
        if len(spans) >= 3:  # keep a few in flight: finish the oldest unfinished one
            now[0] = max(now[0], spans[-3][1])
            limiter.release()
    for n in range(10, len(spans)):
        assert spans[n][0] >= spans[n - 10][1] + 1.0 - 1e-9


def test_one_limiter_per_key() -> None:
    assert limiter_for_key("key-a-123") is limiter_for_key("key-a-123")
    assert limiter_for_key("key-a-123") is not limiter_for_key("key-b-123")


async def test_sandbox_enforces_the_limit_without_the_limiter(sandbox: ThreadedSandbox) -> None:
    headers = {"Authorization": f"Bearer {sandbox.info.app_api_key}"}
    async with httpx.AsyncClient(base_url=sandbox.info.app_url, headers=headers) as raw:
        answers = await asyncio.gather(*(raw.get("/v1/workspaces") for _ in range(15)))
    assert 429 in [a.status_code for a in answers]


async def test_a_burst_of_lookups_never_gets_429(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, retry=NO_RETRY)  # a 429 would raise, not be retried away
    results = await asyncio.gather(*(client.app.segments(WELL_KNOWN["customer_id"]) for _ in range(25)))
    assert {r.status for r in results} == {200}
    starts = sorted(r.exchange.started_at.timestamp() for r in results)
    assert starts[-1] - starts[0] >= 1.0  # spread over more than one second
