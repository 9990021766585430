"""Many calls at once never pile up inside httpx: at most one request per pooled connection is handed
to it (httpcore scans every queued request against every connection on each event, so 800 queued
lookups once cost the UI thread seconds)."""

from __future__ import annotations

import asyncio

import httpx

from cio_desktop.api.transport import MAX_CONNECTIONS
from tests.api.conftest import MakeClient
from tests.fixtures.sandbox import MakeSandbox


class CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, counting how many requests are inside it at once (a test probe, not a mock)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
        self.inside = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.inside -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_concurrent_calls_wait_outside_httpx(
    make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sandbox = make_sandbox(faults=("latency=0.05",), rate_limit=None)
    transport = CountingTransport()
    client = make_client(sandbox, http=httpx.AsyncClient(transport=transport))
    results = await asyncio.gather(
        *(client.track.identify(f"crowd-{n}", {"n": n}) for n in range(3 * MAX_CONNECTIONS))
    )
    assert all(r.status == 200 for r in results)
    assert transport.most == MAX_CONNECTIONS  # busy, but never more than the pool holds
