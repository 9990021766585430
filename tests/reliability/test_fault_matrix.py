"""Fault matrix (issue 14, Deliver item 2): every fault the sandbox can inject, plus an unknown-CA TLS
server, a DNS failure, a refused connection and a refusing proxy, for a lookup and for a send. Each case
ends in an ``ApiError`` with plain words within the configured timeout (plus a little slack for a loaded
CI box); a send that failed stays in the history marked failed, and resending it
(``cio_desktop.operations.resend``) uses the same event id, so the person gets the event once."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from cio_desktop.api import errors as E
from cio_desktop.api.client import CioClient
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import NetworkSettings
from cio_desktop.lookup_query import build_query
from cio_desktop.models import Region
from cio_desktop.operations.lookup import look_up
from cio_desktop.operations.resend import resend
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import credentials_for, workspace_for
from tests.fixtures.recorder import Recorder
from tests.fixtures.sandbox import MakeSandbox
from tests.reliability.conftest import Tally

TIMEOUT_S = 1.5
SLACK_S = 3.0
DNS_FAILS = "cio-dns-failure.test"


@dataclass(frozen=True)
class Case:
    name: str
    expected: type[E.ApiError]
    faults: tuple[str, ...] = ()
    tls: bool = False
    trust: bool = True
    processed: bool = False  # the sandbox did the work before the answer was lost (a send landed)


CASES = [
    Case("latency beyond the timeout", E.ApiTimeoutError, ("latency=4",)),
    Case("500", E.ServerError, ("status=500",)),
    Case("502", E.ServerError, ("status=502",)),
    Case("503", E.ServerError, ("status=503",)),
    Case("5xx mix", E.ServerError, ("error=1",)),
    Case("429 burst", E.RateLimitedError, ("burst429=50",)),
    Case("dropped connection", E.ConnectionFailedError, ("drop=1",)),
    Case("malformed JSON", E.InvalidResponseError, ("malformed=1",), processed=True),
    Case("truncated JSON", E.ConnectionFailedError, ("truncate=1",), processed=True),
    Case("slow body", E.ApiTimeoutError, ("trickle=8",), processed=True),
    Case("TLS with an unknown CA", E.TlsError, tls=True, trust=False),
    Case("DNS failure", E.ConnectionFailedError),
    Case("connection refused", E.ConnectionFailedError),
    Case("proxy refusing", E.ConnectionFailedError, tls=True),
]


@asynccontextmanager
async def _client_for(
    case: Case, make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch, history: RequestHistory
) -> AsyncIterator[tuple[CioClient, ThreadedSandbox]]:
    sb = make_sandbox(tls=case.tls, faults=case.faults)
    ws = workspace_for(sb, region=Region.US)
    settings = NetworkSettings(timeout_s=TIMEOUT_S, connect_timeout_s=TIMEOUT_S)
    async with AsyncExitStack() as stack:
        if not case.trust:
            ws = ws.replace(ca_file=None)
        if case.name == "DNS failure":
            # Stand-in (a real DNS failure needs a resolver outside loopback): this one name fails to
            # resolve exactly as getaddrinfo reports an unknown host.
            real = socket.getaddrinfo

            def fake(host: Any, *args: Any, **kw: Any) -> Any:
                if host == DNS_FAILS:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                return real(host, *args, **kw)

            monkeypatch.setattr(socket, "getaddrinfo", fake)
            port = sb.info.app_url.rsplit(":", 1)[1]
            url = f"http://{DNS_FAILS}:{port}"
            ws = ws.replace(
                track_url=url.replace("http://", "https://"), app_url=url.replace("http", "https")
            )
        if case.name == "connection refused":
            with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
                probe.bind(("127.0.0.1", 0))
                free = probe.getsockname()[1]
            ws = ws.replace(track_url=f"http://127.0.0.1:{free}", app_url=f"http://127.0.0.1:{free}")
        if case.name == "proxy refusing":
            proxy = await stack.enter_async_context(Recorder("127.0.0.2"))  # answers 502 to CONNECT
            settings = NetworkSettings(timeout_s=TIMEOUT_S, connect_timeout_s=TIMEOUT_S, proxy=proxy.url)
        client = CioClient(ws, credentials_for(sb), history=history, settings=settings)
        stack.push_async_callback(client.aclose)
        yield client, sb


def _assert_clear(error: E.ApiError, case: Case, elapsed: float, sb: ThreadedSandbox) -> None:
    assert isinstance(error, case.expected), (case.name, type(error), error.message)
    assert elapsed < TIMEOUT_S + SLACK_S, (case.name, elapsed)
    message = error.message
    assert message.endswith((".", ")")), message
    assert len(message) > 30
    for secret in (sb.info.track_api_key, sb.info.app_api_key):
        assert secret not in message + error.detail
    assert "Traceback" not in message


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_lookup_under_fault(
    case: Case, make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch, tally: Tally
) -> None:
    async with _client_for(case, make_sandbox, monkeypatch, RequestHistory(persist=False)) as (client, sb):
        query = build_query(WELL_KNOWN["customer_id"])  # a person who exists
        assert query is not None
        started = time.monotonic()
        with pytest.raises(E.ApiError) as caught:
            await look_up(client, query)
        _assert_clear(caught.value, case, time.monotonic() - started, sb)
    tally("fault matrix: lookups", "clear message within the timeout")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_send_under_fault_then_resend(
    case: Case, make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch, tally: Tally
) -> None:
    history = RequestHistory(persist=False)
    name = f"fault {case.name}"
    async with _client_for(case, make_sandbox, monkeypatch, history) as (client, sb):
        started = time.monotonic()
        with pytest.raises(E.ApiError) as caught:
            await client.track.event("fault-person", name, {"case": case.name})
        _assert_clear(caught.value, case, time.monotonic() - started, sb)
        failed = [r for r in history.records() if r.operation == "Event"]
        assert failed
        assert all(r.error for r in failed)  # marked failed in the history (a 200 with a broken body too)
        assert len({r.request_body for r in failed}) == 1  # every attempt carried the same event id
        tally("fault matrix: sends", "clear message within the timeout, kept as failed")
        if case.tls is False and case.name not in ("DNS failure", "connection refused"):
            sb.set_faults([])
            again = await resend(client, failed[-1])
            assert again.exchange.ok
            assert again.exchange.request_body == failed[-1].request_body
            landed = sb.inspect(lambda ws: [a for a in ws.activities if a.get("name") == name])
            assert len(landed) == 1, (case.name, len(landed))  # never a duplicate
            tally("fault matrix: resends", "same event id, one event")


def test_cases_cover_every_sandbox_fault_kind() -> None:
    from cio_desktop.sandbox.faults import KINDS

    assert {f.split("=", 1)[0] for c in CASES for f in c.faults} == set(KINDS)
