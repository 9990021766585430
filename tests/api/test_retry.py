"""Retries: only 408/429/5xx and network failures, only for safe calls, never for transactional sends;
Retry-After honoured and the total wait capped. Real retries run against the sandbox's faults."""

from __future__ import annotations

import random
import time

import pytest

from cio_desktop.api import errors as E
from cio_desktop.api.client import CioClient
from cio_desktop.api.retry import RetryPolicy, never_retry
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient

FAST = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05, max_total_wait_s=5.0)
WHO = WELL_KNOWN["customer_id"]


# ---- the policy itself ----------------------------------------------------------------------------


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay_s=0.2, max_delay_s=1.0, jitter=False)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    jittered = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0)
    rng = random.Random(3)
    assert all(0.5 <= jittered.backoff(1, rng) <= 1.0 for _ in range(50))


def test_retry_after_is_used_as_given_and_the_total_is_capped() -> None:
    policy = RetryPolicy(max_attempts=5, max_total_wait_s=10.0)
    assert policy.next_delay(1, 0.0, 3.0) == 3.0  # the server's hint, not shortened
    assert policy.next_delay(2, 8.0, 3.0) is None  # would pass the 10 s cap: stop
    assert policy.next_delay(5, 0.0, None) is None  # attempts used up
    assert policy.next_delay(1, 0.0, 60.0) is None  # a long Retry-After ends retries at once


def test_which_statuses_and_paths() -> None:
    policy = RetryPolicy()
    assert all(policy.retryable_status(s) for s in (408, 429, 500, 502, 503, 504))
    assert not any(policy.retryable_status(s) for s in (400, 401, 403, 404, 409, 422))
    assert never_retry("/v1/send/email")
    assert never_retry("/v1/campaigns/7/triggers")
    assert not never_retry("/v1/customers/42/attributes")


# ---- real retries against the sandbox --------------------------------------------------------------


async def test_read_retried_after_429_honours_retry_after(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    client = make_client(sandbox, retry=FAST)
    sandbox.set_faults(["burst429=1"])
    started = time.monotonic()
    result = await client.app.attributes(WHO)
    assert result.status == 200
    assert time.monotonic() - started >= 0.95  # waited the server's Retry-After: 1
    attempts = [(r.status, r.attempt) for r in client.history.records()]  # type: ignore[union-attr]
    assert attempts == [(429, 1), (200, 2)]
    assert result.exchange.request_headers.get("x-retry-count") == "1"


async def test_5xx_retried_until_attempts_run_out(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, retry=FAST)
    sandbox.set_faults(["error=1@/v1/customers"])
    with pytest.raises(E.ServerError):
        await client.app.segments(WHO)
    statuses = [r.status for r in client.history.records()]  # type: ignore[union-attr]
    assert statuses == [500, 502, 503, 500]


async def test_network_drop_retried_for_reads(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    async def heal(delay: float) -> None:
        sandbox.set_faults([])  # the network comes back while we wait

    client = make_client(sandbox, retry=FAST, sleep=heal)
    sandbox.set_faults(["drop=1"])
    result = await client.app.attributes(WHO)
    assert result.status == 200
    assert [r.status for r in client.history.records()] == [None, 200]  # type: ignore[union-attr]


async def test_event_retried_after_a_lost_reply_is_not_duplicated(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    async def heal(delay: float) -> None:
        sandbox.set_faults([])

    client = make_client(sandbox, retry=FAST, sleep=heal)
    sandbox.set_faults(["truncate=1"])  # processed, then the reply is cut off
    await client.track.event("retry-person", "paid invoice")
    events = sandbox.inspect(lambda ws: [a for a in ws.activities if a.get("name") == "paid invoice"])
    assert len(events) == 1
    records = client.history.records()  # type: ignore[union-attr]
    assert [r.attempt for r in records] == [1, 2]
    assert records[0].request_body == records[1].request_body  # same ULID both times


async def test_transactional_send_is_never_retried(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, retry=FAST)
    sandbox.set_faults(["status=503@/v1/send"])
    with pytest.raises(E.ServerError):
        await client.app.send_email({"to": "x@example.com", "identifiers": {"id": WHO}})
    assert len(client.history.records()) == 1  # type: ignore[union-attr]

    before = sandbox.inspect(lambda ws: len(ws.messages))
    sandbox.set_faults(["truncate=1@/v1/send"])  # delivered, reply lost: a retry would send it twice
    with pytest.raises(E.ConnectionFailedError):
        await client.app.send_email({"to": "x@example.com", "identifiers": {"id": WHO}})
    assert len(client.history.records()) == 2  # type: ignore[union-attr]
    assert sandbox.inspect(lambda ws: len(ws.messages)) == before + 1


async def test_merge_and_4xx_are_not_retried(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, retry=FAST)
    sandbox.set_faults(["status=500@/api/v1/merge_customers"])
    with pytest.raises(E.ServerError):
        await client.track.merge({"id": "a"}, {"id": "b"})
    sandbox.set_faults([])
    with pytest.raises(E.NotFoundError):
        await client.app.attributes(WELL_KNOWN["missing_customer_id"])
    assert len(client.history.records()) == 2  # type: ignore[union-attr]


async def test_total_wait_is_capped(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    policy = RetryPolicy(
        max_attempts=10, base_delay_s=0.4, max_delay_s=0.4, max_total_wait_s=1.0, jitter=False
    )
    client: CioClient = make_client(sandbox, retry=policy, sleep=record)
    sandbox.set_faults(["status=503"])
    with pytest.raises(E.ServerError):
        await client.app.attributes(WHO)
    assert waits == [0.4, 0.4]  # a third wait would pass the 1 s cap
