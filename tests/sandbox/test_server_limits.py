"""The sandbox as a server (issue 14 item 6 and the attacker findings): bounded requests, slow clients
cut off, bad credentials refused with 401 (never 500), 1,000 concurrent connections survived."""

from __future__ import annotations

import asyncio
import base64
import socket
import time

import httpx
import pytest

from cio_desktop.sandbox import ThreadedSandbox, hardening
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api


def _address(sb: ThreadedSandbox) -> tuple[str, int]:
    host, port = sb.info.track_url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> tuple[bool, bytes]:
    """Keep sending ``trickle`` one byte every 0.2 s; (True, what was received) once the server closes."""
    received = b""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    for i in range(10**6):
        if time.monotonic() > deadline:
            return False, received
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            chunk = None
        except ConnectionResetError:
            return True, received
        if chunk == b"":
            return True, received
        if chunk:
            received += chunk
        if trickle:
            try:
                sock.sendall(trickle[i % len(trickle) : i % len(trickle) + 1])
            except (BrokenPipeError, ConnectionResetError):
                return True, received
    return False, received


def test_slowloris_head_is_cut_off(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attacker finding: a client trickling its request head held a connection forever."""
    monkeypatch.setattr(hardening, "IDLE_TIMEOUT_S", 1.0)
    sb = make_sandbox(rate_limit=None, people=0)
    with socket.create_connection(_address(sb), timeout=5) as sock:
        sock.sendall(b"GET /v1/segments HTTP/1.1\r\nHost: x\r\n")
        closed, _ = _closed_within(sock, 8.0, trickle=b"X-Slow: abcdefghijklmnop")
    assert closed
    with socket.create_connection(_address(sb), timeout=5) as sock:  # a silent connection too
        assert _closed_within(sock, 8.0)[0]


def test_slow_body_gets_408_and_is_closed(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hardening, "BODY_TIMEOUT_S", 1.0)
    sb = make_sandbox(rate_limit=None, people=0)
    auth = base64.b64encode(f"{sb.info.site_id}:{sb.info.track_api_key}".encode()).decode()
    head = (
        "POST /api/v1/customers/slow/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Basic {auth}\r\nContent-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(_address(sb), timeout=5) as sock:
        sock.sendall(head.encode() + b'{"name":')
        closed, received = _closed_within(sock, 8.0, trickle=b" ")
    assert closed
    assert received.startswith(b"HTTP/1.1 408")
    assert b'{"meta":{"error":' in received


def test_header_count_and_size_are_bounded(sb: ThreadedSandbox, api: Api) -> None:
    many = {f"X-H{i}": "v" for i in range(hardening.MAX_HEADERS + 10)}
    assert api.app("GET", "/v1/segments", headers=many).status_code == 400
    assert api.app("GET", "/v1/segments", headers={"X-Big": "v" * 9000}).status_code == 400
    assert api.app("GET", "/v1/segments", headers={f"X-H{i}": "v" for i in range(40)}).status_code == 200
    r = api.track("POST", "/api/v1/events", content=b"{" + b" " * (hardening.MAX_BODY_BYTES + 10) + b"}")
    assert r.status_code == 413


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def test_non_ascii_credentials_get_401_not_500(sb: ThreadedSandbox, api: Api) -> None:
    """Attacker finding: a non-ASCII key crashed the comparison (500)."""
    info = sb.info
    url = f"{info.track_url}/api/v1/accounts/region"
    cases = [
        (url, _basic(f"{info.site_id}:schlüssel")),
        (url, _basic("sité:ключ")),
        (url, "Basic " + "ü".encode().decode("latin-1")),
        (f"{info.app_url}/v1/segments", "Bearer schlüssel".encode().decode("latin-1")),
        (f"{info.pipelines_url}/v1/identify", _basic("ключ:")),
    ]
    for target, header in cases:
        r = (
            api.client.post(
                target,
                json={"userId": "x"},
                headers={"Authorization": header.encode("latin-1"), "X-Strict-Mode": "1"},
            )
            if "/cdp/" in target
            else api.client.get(target, headers={"Authorization": header.encode("latin-1")})
        )
        assert r.status_code == 401, (target, r.status_code, r.text)


def test_junk_after_base64_credentials_is_refused(sb: ThreadedSandbox, api: Api) -> None:
    """Attacker finding: ``Basic <valid>!!junk`` was accepted (the decoder skipped what it could not read)."""
    info = sb.info
    good = _basic(f"{info.site_id}:{info.track_api_key}")
    url = f"{info.track_url}/api/v1/accounts/region"
    assert api.client.get(url, headers={"Authorization": good}).status_code == 200
    urlsafe = "Basic " + base64.urlsafe_b64encode(f"{info.site_id}:{info.track_api_key}".encode()).decode()
    assert api.client.get(url, headers={"Authorization": urlsafe.rstrip("=")}).status_code == 200
    for junk in ("!!junk", " junk", "*", "\tx", "==x"):
        assert api.client.get(url, headers={"Authorization": good + junk}).status_code == 401, junk


async def _hit(host: str, port: int, auth: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"GET /api/v1/accounts/region HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        await reader.read()
        return int(status.split()[1])
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.slow
def test_a_thousand_concurrent_connections(sb: ThreadedSandbox) -> None:
    """Open 1,000 loopback connections at once, each asking once; every one is answered and the server
    still serves afterwards (the listen backlog takes the burst)."""
    host, port = _address(sb)
    auth = _basic(f"{sb.info.site_id}:{sb.info.track_api_key}")

    async def burst() -> list[int | BaseException]:
        async with asyncio.timeout(150):
            return await asyncio.gather(
                *(_hit(host, port, auth) for _ in range(1000)), return_exceptions=True
            )

    results = asyncio.run(burst())
    failures = [r for r in results if r != 200]
    print(f"1000 concurrent connections: {1000 - len(failures)} answered 200")
    assert failures == []
    with httpx.Client(timeout=10) as client:
        assert (
            client.get(
                f"{sb.info.track_url}/api/v1/accounts/region", headers={"Authorization": auth}
            ).status_code
            == 200
        )
