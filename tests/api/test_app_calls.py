"""App API calls against the sandbox: Bearer auth, paths, id_type handling, paging and the answers."""

from __future__ import annotations

import pytest

from cio_desktop.api.app_api import next_cursor
from cio_desktop.api.client import CioClient
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN


async def test_find_by_email_uses_bearer_and_encodes_the_query(
    client: CioClient, sandbox: ThreadedSandbox
) -> None:
    result = await client.app.find_by_email(WELL_KNOWN["email"])
    assert await client._engine.strategy("app").authorization() == f"Bearer {sandbox.info.app_api_key}"
    assert result.exchange.request_headers["authorization"] == "Bearer [REDACTED]"
    assert result.exchange.url == f"{sandbox.info.app_url}/v1/customers?email=ada.lovelace%40example.com"
    assert [r["cio_id"] for r in result.data["results"]] == [WELL_KNOWN["cio_id"]]
    assert (await client.app.find_by_email(WELL_KNOWN["missing_email"])).data == {"results": []}


async def test_a_plus_in_an_email_is_not_sent_as_a_space(client: CioClient) -> None:
    await client.track.identify("plus-person", {"email": "a+b@example.com"})
    result = await client.app.find_by_email("a+b@example.com")
    assert "email=a%2Bb%40example.com" in result.exchange.url
    assert [r["id"] for r in result.data["results"]] == ["plus-person"]


@pytest.mark.parametrize(
    ("value", "id_type", "query"),
    [
        (WELL_KNOWN["customer_id"], "id", ""),
        (WELL_KNOWN["email"], "email", "?id_type=email"),
        (WELL_KNOWN["cio_id"], "cio_id", "?id_type=cio_id"),
        ("cio_" + WELL_KNOWN["cio_id"], "cio_id", "?id_type=cio_id"),
    ],
)
async def test_attributes_by_each_id_type(client: CioClient, value: str, id_type: str, query: str) -> None:
    result = await client.app.attributes(value, id_type=id_type)  # type: ignore[arg-type]
    customer = result.data["customer"]
    assert customer["identifiers"]["cio_id"] == WELL_KNOWN["cio_id"]
    assert customer["attributes"]["first_name"] == WELL_KNOWN["first_name"]
    assert result.exchange.url.split("/v1/customers/")[1].endswith(f"/attributes{query}")
    assert result.exchange.method == "GET"


async def test_segments_messages_and_preferences(client: CioClient) -> None:
    who = WELL_KNOWN["customer_id"]
    segments = await client.app.segments(who)
    assert isinstance(segments.data["segments"], list)
    assert segments.exchange.url.endswith(f"/v1/customers/{who}/segments")
    messages = await client.app.messages(who, limit=5)
    assert "messages" in messages.data
    assert "limit=5" in messages.exchange.url
    prefs = await client.app.subscription_preferences(who)
    assert prefs.data["customer"]["identifiers"]["id"] == who
    assert isinstance(prefs.data["customer"]["topics"], list)


async def test_activities_follow_the_next_cursor(client: CioClient) -> None:
    who = WELL_KNOWN["customer_id"]
    pages = [p async for p in client.app.pages(client.app.activities, who, limit=2, max_pages=3)]
    assert len(pages) >= 2
    assert "start=" not in pages[0].exchange.url
    assert f"start={next_cursor(pages[0])}" in pages[1].exchange.url
    ids = [a["id"] for p in pages for a in p.data["activities"]]
    assert len(ids) == len(set(ids))  # no page repeats another


async def test_workspaces_and_segment_list(client: CioClient, sandbox: ThreadedSandbox) -> None:
    spaces = await client.app.workspaces()
    assert [w["id"] for w in spaces.data["workspaces"]] == [sandbox.info.workspace_id]
    segments = await client.app.list_segments()
    assert segments.data["segments"]


async def test_send_email_delivers_once(client: CioClient, sandbox: ThreadedSandbox) -> None:
    result = await client.app.send_email(
        {
            "transactional_message_id": 3,
            "to": "ada@example.com",
            "identifiers": {"id": WELL_KNOWN["customer_id"]},
        }
    )
    assert result.exchange.url.endswith("/v1/send/email")
    assert result.data["delivery_id"]
    assert sandbox.inspect(lambda ws: [m["id"] for m in ws.messages if m["id"] == result.data["delivery_id"]])
