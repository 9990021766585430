"""The Pipelines call group on the wire: auth per key kind, strict mode, messageId/timestamp, gzip, sizes
and the region a prefixed key names. The peer is a small aiohttp server on 127.0.0.1 that records what
arrived (the sandbox's own Pipelines face is tested in tests/sandbox)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from cio_desktop.api import Credentials, ServerError, ValidationError, WrongRegionError, to_curl
from cio_desktop.api.client import CioClient
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.pipelines import MAX_MESSAGE_BYTES
from cio_desktop.api.retry import RetryPolicy
from cio_desktop.models import Region, Workspace

WRITE_KEY = "wk-canary-0123456789"


class Peer:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.status = 200
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()  # aiohttp undoes Content-Encoding: gzip itself
        self.seen.append(
            {"path": request.path, "headers": dict(request.headers), "body": json.loads(raw or b"null")}
        )
        if self.status != 200:
            return web.json_response({"code": "invalid", "message": "userId is too long"}, status=self.status)
        return web.json_response({})


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    found = Peer()
    app = web.Application()
    app.router.add_post("/v1/{call}", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    found.url = f"http://127.0.0.1:{port}"
    yield found
    await runner.cleanup()


def _client(peer: Peer, key: str = WRITE_KEY, **changes: Any) -> CioClient:
    ws = Workspace(name="P", region=Region.US, pipelines_url=peer.url).replace(**changes)
    return CioClient(ws, Credentials(pipelines_key=key), history=RequestHistory(persist=False))


async def test_write_key_is_basic_with_empty_password_and_strict_mode_is_on(peer: Peer) -> None:
    async with _client(peer) as client:
        result = await client.pipelines.identify(user_id="u-1", traits={"email": "u1@example.com"})
    curl = to_curl(result.exchange)
    assert '-u "$CIO_PIPELINES_KEY:"' in curl
    assert WRITE_KEY not in curl
    assert WRITE_KEY in to_curl(result.exchange, secrets=Credentials(pipelines_key=WRITE_KEY))
    (call,) = peer.seen
    assert call["path"] == "/v1/identify"
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(f"{WRITE_KEY}:".encode()).decode()
    assert call["headers"]["X-Strict-Mode"] == "1"
    body = call["body"]
    assert body["userId"] == "u-1"
    assert body["traits"] == {"email": "u1@example.com"}
    assert body["messageId"]
    assert body["timestamp"].endswith("Z")


async def test_prefixed_key_is_bearer_and_gzip_bodies_arrive_whole(peer: Peer) -> None:
    async with _client(peer, key="sk_us_abcdef0123456789") as client:
        client.pipelines.gzip = True
        await client.pipelines.track("Signed Up", user_id=7, properties={"plan": "pro"})
        exchange = client.history.records()[0] if client.history else None
    (call,) = peer.seen
    assert call["headers"]["Authorization"] == "Bearer sk_us_abcdef0123456789"
    assert call["headers"]["Content-Encoding"] == "gzip"
    assert call["body"]["event"] == "Signed Up"
    assert call["body"]["userId"] == "7"
    assert exchange is not None
    assert '"Signed Up"' in (exchange.request_body or "")
    assert exchange.request_size != len((exchange.request_body or "").encode())  # the gzipped size was sent
    assert "sk_us_abcdef0123456789" not in repr(exchange)


async def test_a_retry_keeps_the_message_id(peer: Peer) -> None:
    peer.status = 503
    ws = Workspace(name="P", region=Region.US, pipelines_url=peer.url)
    retry = RetryPolicy(max_attempts=2, base_delay_s=0.0, max_delay_s=0.0, jitter=False)
    async with CioClient(ws, Credentials(pipelines_key=WRITE_KEY), retry=retry) as client:
        with pytest.raises(ServerError):
            await client.pipelines.identify(user_id="u-2")
    ids = {call["body"]["messageId"] for call in peer.seen}
    assert len(peer.seen) == 2
    assert len(ids) == 1


async def test_an_error_answer_shows_the_servers_words(peer: Peer) -> None:
    peer.status = 400
    async with _client(peer) as client:
        with pytest.raises(ValidationError) as caught:
            await client.pipelines.identify(user_id="u-3")
    assert "userId is too long" in (caught.value.server_message or "")


async def test_oversize_and_incomplete_messages_are_refused_before_sending(peer: Peer) -> None:
    async with _client(peer) as client:
        with pytest.raises(ValidationError, match=r"KB.*32 KB"):
            await client.pipelines.identify(user_id="u", traits={"blob": "x" * MAX_MESSAGE_BYTES})
        with pytest.raises(ValidationError, match="500 KB"):
            await client.pipelines.batch(
                [{"type": "track", "userId": "u", "event": "e", "properties": {"p": "y" * 30_000}}] * 20
            )
        with pytest.raises(ValidationError, match="userId or an anonymousId"):
            await client.pipelines.track("Clicked")
        with pytest.raises(ValidationError, match="previousId"):
            await client.pipelines.send("alias", {"userId": "new"})
    assert peer.seen == []


async def test_a_prefixed_key_is_never_sent_to_the_other_regions_host() -> None:
    ws = Workspace(name="EU one", region=Region.EU)
    async with CioClient(ws, Credentials(pipelines_key="pk_us_0123456789abcdef")) as client:
        with pytest.raises(WrongRegionError, match="US region") as caught:
            await client.pipelines.identify(user_id="u-4")
    assert "Nothing was sent" in str(caught.value)
    assert caught.value.exchange_id is None


async def test_an_automatic_region_follows_the_keys_prefix() -> None:
    ws = Workspace(name="auto", region=Region.AUTO)
    async with CioClient(ws, Credentials(pipelines_key="pk_eu_0123456789abcdef")) as client:
        assert client.endpoints(Region.EU).pipelines == "https://cdp-eu.customer.io"
        assert client.can_call("pipelines")


async def test_batch_sends_typed_messages(peer: Peer) -> None:
    async with _client(peer) as client:
        await client.pipelines.batch(
            [
                {"type": "identify", "userId": "b1", "traits": {"name": "B"}},
                {"type": "group", "userId": "b1", "groupId": "acme"},
                {"type": "page", "anonymousId": "anon-1", "name": "Home"},
            ]
        )
    (call,) = peer.seen
    assert call["path"] == "/v1/batch"
    assert [m["type"] for m in call["body"]["batch"]] == ["identify", "group", "page"]
    assert len({m["messageId"] for m in call["body"]["batch"]}) == 3
    assert "sentAt" in call["body"]


def test_credentials_know_the_pipelines_key() -> None:
    creds = Credentials(pipelines_key=WRITE_KEY)
    assert creds.pipelines_key == WRITE_KEY
    assert "pipelines_key=<set>" in repr(creds)
    assert "sk_" not in repr(Credentials(pipelines_key="sk_us_0123456789abcdef"))
    assert WRITE_KEY not in repr(creds)
