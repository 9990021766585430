"""A cancelled call stops even when the transport turns the cancel into a timeout (as httpcore/anyio can).

Regression for "cancelling a lookup once took ~9 s": a cancel that surfaced as a ``ReadTimeout`` was
reported as a timeout and retried (another full wait) instead of ending the call.
"""

from __future__ import annotations

import asyncio

import httpx

from cio_desktop.api.client import CioClient
from cio_desktop.api.models import Credentials
from cio_desktop.models import Region, Workspace


class CancelToTimeoutTransport(httpx.AsyncBaseTransport):
    """Waits forever; the first cancel comes out as ``httpx.ReadTimeout`` (the swallowed-cancel bug)."""

    def __init__(self) -> None:
        self.calls = 0
        self.waiting = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.waiting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            if self.calls == 1:
                raise httpx.ReadTimeout("timed out", request=request) from None
            raise
        raise AssertionError("unreachable")


async def _no_sleep(_seconds: float) -> None:
    return None


async def test_a_cancel_the_transport_turns_into_a_timeout_still_cancels_without_a_retry() -> None:
    transport = CancelToTimeoutTransport()
    workspace = Workspace(name="Shop", region=Region.US, site_id="site", app_url="http://127.0.0.1:9")
    client = CioClient(
        workspace,
        Credentials(app_api_key="app-key-0123456789"),
        http=httpx.AsyncClient(transport=transport),
        sleep=_no_sleep,  # a retry would follow at once
    )
    try:
        call = asyncio.ensure_future(client.app.attributes("someone"))
        await asyncio.wait_for(transport.waiting.wait(), timeout=5)
        call.cancel()
        done, _ = await asyncio.wait({call}, timeout=2)
        assert call in done, "the cancelled call went on (retried after the disguised cancel)"
        assert call.cancelled()
        assert transport.calls == 1, "nothing is sent again after a cancel"
    finally:
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)
        await client.aclose()
