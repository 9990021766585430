"""The client-side limiter keeps App API calls at ≤ 10 per second per key, so the app never trips the
server's limit itself."""

from __future__ import annotations

import asyncio

import httpx

from cio_desktop.api.limiter import RateLimiter, limiter_for_key
from cio_desktop.api.retry import NO_RETRY
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient


def test_no_window_of_one_second_holds_more_than_ten() -> None:
    now = [100.0]
    limiter = RateLimiter(10, 1.0, margin_s=0.0, clock=lambda: now[0])
    slots = []
    for i in range(35):
        now[0] = 100.0 + i * 0.01  # a burst: 35 calls within 0.35 s
        slots.append(now[0] + limiter.reserve())
    assert slots[:10] == [100.0 + i * 0.01 for i in range(10)]  # the first ten go at once
    for start in slots:
        assert sum(1 for s in slots if start <= s < start + 1.0) <= 10
    assert slots == sorted(slots)


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
