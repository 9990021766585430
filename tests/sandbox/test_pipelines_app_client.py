"""The app's own Pipelines client (``CioClient.pipelines``) against the sandbox's Pipelines face: both
sides meet on the wire, and what it sends shows up in the App API like Track calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cio_desktop.api import AuthError, Credentials, ValidationError
from cio_desktop.api.client import CioClient
from cio_desktop.api.verify import wait_for_activity
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox


def _client(sb: ThreadedSandbox, key: str | None = None) -> CioClient:
    info = sb.info
    ws = Workspace(
        name="cdp",
        region=Region.US,
        app_url=info.app_url,
        track_url=info.track_url,
        pipelines_url=info.pipelines_url,
    )
    creds = Credentials(app_api_key=info.app_api_key, pipelines_key=key or info.pipelines_write_key)
    return CioClient(ws, creds)


@pytest.fixture
async def client(sb: ThreadedSandbox) -> AsyncIterator[CioClient]:
    async with _client(sb) as c:
        yield c


async def test_identify_and_track_arrive_and_verify(client: CioClient) -> None:
    started = 0.0
    await client.pipelines.identify(user_id="app-cdp-1", traits={"email": "a1@example.com", "plan": "pro"})
    client.pipelines.gzip = True
    await client.pipelines.track("Course Started", user_id="app-cdp-1", properties={"title": "Intro"})
    customer: Any = (await client.app.attributes("app-cdp-1")).data["customer"]
    assert customer["attributes"]["plan"] == "pro"
    found = await wait_for_activity(client, "app-cdp-1", "Course Started", since=started, timeout_s=5)
    assert found is not None
    assert found["data"] == {"title": "Intro"}


async def test_every_call_and_batch(client: CioClient) -> None:
    p = client.pipelines
    await p.page("Docs", user_id="app-cdp-2", properties={"url": "https://example.com/docs"})
    await p.screen("Settings", user_id="app-cdp-2")
    await p.group("acme", user_id="app-cdp-2", traits={"name": "Acme"})
    await p.track("Browsed", anonymous_id="anon-app-cdp")
    await p.alias(user_id="app-cdp-2", previous_id="anon-app-cdp")
    await p.batch([{"type": "track", "userId": "app-cdp-2", "event": "Batched"}])
    data: Any = (await client.app.activities("app-cdp-2", limit=100)).data
    kinds = {(a["type"], a.get("name")) for a in data["activities"]}
    assert {
        ("page", "https://example.com/docs"),
        ("screen", "Settings"),
        ("event", "Browsed"),
        ("event", "Batched"),
    } <= kinds


async def test_region_key_as_bearer(sb: ThreadedSandbox) -> None:
    async with _client(sb, key=f"sk_us_{sb.info.pipelines_write_key}") as client:
        await client.pipelines.identify(user_id="app-cdp-3")
        assert (await client.app.attributes("app-cdp-3")).status == 200


async def test_wrong_key_is_an_auth_error(sb: ThreadedSandbox) -> None:
    async with _client(sb, key="not-the-write-key") as client:
        with pytest.raises(AuthError):
            await client.pipelines.identify(user_id="app-cdp-4")


async def test_strict_mode_refusal_shows_the_servers_words(client: CioClient) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.pipelines.identify(user_id="u" * 200)  # the sandbox's 150-byte id limit
    assert "longer than 150 bytes" in (caught.value.server_message or "")
