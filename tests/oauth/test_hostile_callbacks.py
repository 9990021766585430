"""Hostile requests to the loopback listener: none may complete or crash the sign-in.

Each is sent over a raw socket while a real flow waits; afterwards the genuine redirect still completes
it (and only then). Also: a request before the browser was opened, and two genuine callbacks at once.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from cio_desktop.oauth.discovery import discover_issuer
from cio_desktop.oauth.flow import SignInFlow
from cio_desktop.oauth.loopback import LoopbackListener
from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.sandbox import ThreadedSandbox
from tests.oauth.conftest import consent


async def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` as is; the status code and the whole answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        writer.write_eof()  # a client that stops sending (half a request must not hold the flow)
        answer = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    return int(answer.split(b" ", 2)[1]), answer


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


async def test_hostile_callbacks_neither_complete_nor_crash_the_flow(
    http: httpx.AsyncClient, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    seen: dict[str, int] = {}
    holder: list[SignInFlow] = []

    async def attacker_then_user(url: str) -> bool:
        query = parse_qs(urlsplit(url).query)
        redirect = urlsplit(query["redirect_uri"][0])
        port, path, state = redirect.port or 0, redirect.path, query["state"][0]
        location = await consent(http, url, "approve")  # the genuine answer, held back for now
        code = parse_qs(urlsplit(location).query)["code"][0]
        hostile = {
            "wrong state": get(f"{path}?{urlencode({'code': code, 'state': 'x' * 43})}"),
            "no state": get(f"{path}?{urlencode({'code': code})}"),
            "missing code": get(f"{path}?{urlencode({'state': state})}"),
            "repeated state": get(
                f"{path}?{urlencode([('code', code), ('state', state), ('state', state)])}"
            ),
            "repeated code": get(f"{path}?{urlencode([('code', 'a'), ('code', code), ('state', state)])}"),
            "error, wrong state": get(f"{path}?{urlencode({'error': 'access_denied', 'state': 'nope'})}"),
            "wrong iss": get(f"{path}?{urlencode({'code': code, 'state': state, 'iss': 'https://evil'})}"),
            "other path": get(f"/favicon.ico?{urlencode({'code': code, 'state': state})}"),
            "path prefix": get(f"{path}/x?{urlencode({'code': code, 'state': state})}"),
            "POST": f"POST {path}?{urlencode({'code': code, 'state': state})} HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".encode(),
            "100 kB query": get(f"{path}?state={state}&code={code}&pad={'A' * 100_000}"),
            "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
            "half a request": b"GET /oauth",
        }
        for name, request in hostile.items():
            seen[name], body = await raw(port, request)
            if seen[name] != 431:
                assert b"Referrer-Policy: no-referrer" in body, name
            assert not holder[0].done, f"{name} ended the flow"
        # Two genuine callbacks at once: exactly one is accepted, the other is told it is over.
        results = await asyncio.gather(
            *(raw(port, get(location[len(f"http://127.0.0.1:{port}") :])) for _ in range(2))
        )
        seen["twice"] = sorted(status for status, _ in results)  # type: ignore[assignment]
        return True

    meta = await discover_issuer(http, oauth_sandbox.info.issuer_url)
    flow = SignInFlow(http, meta, registry=registry, opener=attacker_then_user)
    holder.append(flow)
    tokens = await flow.run()
    assert tokens.access_token
    assert seen.pop("twice") == [200, 409]  # type: ignore[comparison-overlap]
    assert seen == {
        "wrong state": 400,
        "no state": 400,
        "missing code": 400,
        "repeated state": 400,
        "repeated code": 400,
        "error, wrong state": 400,
        "wrong iss": 400,
        "other path": 404,
        "path prefix": 404,
        "POST": 405,
        "100 kB query": 431,
        "garbage": 400,
        "half a request": 400,
    }


async def test_a_callback_before_the_browser_opened_is_ignored() -> None:
    judged: list[dict[str, str]] = []

    def judge(params: dict[str, str]) -> str:
        judged.append(params)
        return "accepted"

    listener: LoopbackListener[str] = LoopbackListener(judge)
    await listener.start()
    try:
        status, _ = await raw(listener.port, get("/oauth/callback?code=c&state=s"))
        assert status == 404
        assert not judged
        assert not listener.result.done()
        listener.arm()
        status, body = await raw(listener.port, get("/oauth/callback?code=c&state=s"))
        assert status == 200
        assert b"return to cio-desktop" in body
        assert await listener.result == "accepted"
    finally:
        await listener.close()


async def test_the_result_page_escapes_what_the_server_said() -> None:
    from cio_desktop.oauth.errors import error_for

    def judge(params: dict[str, str]) -> str:
        raise error_for(params["error"], params.get("error_description"))

    listener: LoopbackListener[str] = LoopbackListener(judge)
    await listener.start()
    listener.arm()
    try:
        query = urlencode({"error": "server_error", "error_description": "<script>alert(1)</script>"})
        status, body = await raw(listener.port, get(f"/oauth/callback?{query}"))
        assert status == 200
        assert b"<script>" not in body
        assert b"&lt;script&gt;" in body
        assert b"Content-Security-Policy: default-src 'none'" in body
        with pytest.raises(Exception, match="failed while signing you in"):
            await listener.result
    finally:
        await listener.close()
