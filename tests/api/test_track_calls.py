"""Track API calls against the sandbox over real sockets: method, path, auth and body of each call,
checked in the recorded exchange and in the sandbox's state."""

from __future__ import annotations

import base64
import json

import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.errors import ValidationError
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.ulid import ulid_time_ms
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN


def _basic(sb: ThreadedSandbox) -> str:
    raw = f"{sb.info.site_id}:{sb.info.track_api_key}".encode()
    return "Basic " + base64.b64encode(raw).decode()


async def test_identify_puts_attributes_with_basic_auth(
    client: CioClient, sandbox: ThreadedSandbox, history: RequestHistory
) -> None:
    result = await client.track.identify("user/1 z", {"first_name": "Zoe", "plan": "pro"})

    assert result.status == 200
    assert result.data == {}
    ex = result.exchange
    assert ex.method == "PUT"
    assert ex.url == f"{sandbox.info.track_url}/api/v1/customers/user%2F1%20z"  # one path segment
    assert ex.request_headers["authorization"] == "Basic [REDACTED]"
    assert json.loads(ex.request_body or "") == {"first_name": "Zoe", "plan": "pro"}
    assert ex.operation == "Identify"
    assert history.records()[-1] == ex
    person = sandbox.inspect(lambda ws: ws.by_id("user/1 z"))
    assert person is not None
    assert person.attributes["first_name"] == "Zoe"


async def test_basic_auth_header_is_site_id_and_track_key(
    client: CioClient, sandbox: ThreadedSandbox
) -> None:
    # The recorded header is redacted, so check what the engine builds (and that the server accepted it).
    assert await client._engine.strategy("track").authorization() == _basic(sandbox)
    assert (await client.track.region()).data["region"] == sandbox.info.region


async def test_identify_by_cio_id_and_email(client: CioClient, sandbox: ThreadedSandbox) -> None:
    cio = WELL_KNOWN["cio_id"]
    result = await client.track.identify(cio, {"nickname": "Countess"}, id_type="cio_id")
    assert result.exchange.url.endswith(f"/api/v1/customers/cio_{cio}")
    result = await client.track.identify(WELL_KNOWN["email"], {"city": "London"}, id_type="email")
    assert result.exchange.url.endswith("/api/v1/customers/ada.lovelace%40example.com")
    ada = sandbox.inspect(lambda ws: ws.by_cio_id(cio))
    assert ada.attributes["nickname"] == "Countess"
    assert ada.attributes["city"] == "London"


async def test_delete_removes_the_person(client: CioClient, sandbox: ThreadedSandbox) -> None:
    await client.track.identify("to-delete", {"a": 1})
    result = await client.track.delete("to-delete")
    assert result.exchange.method == "DELETE"
    assert result.exchange.request_body is None
    assert sandbox.inspect(lambda ws: ws.by_id("to-delete")) is None


async def test_devices_add_and_delete(client: CioClient, sandbox: ThreadedSandbox) -> None:
    result = await client.track.add_device(
        "dev-person", "tok/en 1", "ios", last_used=1_700_000_000, attributes={"app_version": "1.2"}
    )
    body = json.loads(result.exchange.request_body or "")
    assert body == {
        "device": {
            "id": "tok/en 1",
            "platform": "ios",
            "last_used": 1_700_000_000,
            "attributes": {"app_version": "1.2"},
        }
    }
    assert result.exchange.url.endswith("/api/v1/customers/dev-person/devices")
    person = sandbox.inspect(lambda ws: ws.by_id("dev-person"))
    assert "tok/en 1" in person.devices

    result = await client.track.delete_device("dev-person", "tok/en 1")
    assert result.exchange.url.endswith("/api/v1/customers/dev-person/devices/tok%2Fen%201")
    assert sandbox.inspect(lambda ws: "tok/en 1" in ws.by_id("dev-person").devices) is False


async def test_suppress_and_unsuppress(client: CioClient, sandbox: ThreadedSandbox) -> None:
    await client.track.identify("quiet", {"a": 1})
    result = await client.track.suppress("quiet")
    assert (result.exchange.method, result.exchange.url.rsplit("/", 1)[1]) == ("POST", "suppress")
    assert sandbox.inspect(lambda ws: "quiet" in ws.suppressed or ws.by_id("quiet") is None)
    result = await client.track.unsuppress("quiet")
    assert result.exchange.url.endswith("/api/v1/customers/quiet/unsuppress")
    assert sandbox.inspect(lambda ws: "quiet" not in ws.suppressed)


async def test_event_carries_a_ulid_and_is_recorded_once(client: CioClient, sandbox: ThreadedSandbox) -> None:
    result = await client.track.event("buyer", "purchased", {"total": 12.5}, timestamp=1_700_000_100)
    body = json.loads(result.exchange.request_body or "")
    assert body["name"] == "purchased"
    assert body["data"] == {"total": 12.5}
    assert body["timestamp"] == 1_700_000_100
    assert ulid_time_ms(body["id"]) > 0
    assert result.exchange.url.endswith("/api/v1/customers/buyer/events")
    # Same id again: de-duplicated by the server, so a retry can never double-count.
    await client.track.event("buyer", "purchased", {"total": 12.5}, event_id=body["id"])
    events = sandbox.inspect(
        lambda ws: [a for a in ws.activities if a.get("type") == "event" and a.get("name") == "purchased"]
    )
    assert len(events) == 1
    assert body["id"] in sandbox.inspect(lambda ws: set(ws.event_ids))


async def test_page_and_screen_views(client: CioClient, sandbox: ThreadedSandbox) -> None:
    page = await client.track.page_view("viewer", "https://example.com/pricing-zz9", {"title": "Pricing"})
    screen = await client.track.screen_view("viewer", "Settings ZZ9")
    assert json.loads(page.exchange.request_body or "")["type"] == "page"
    assert json.loads(screen.exchange.request_body or "")["type"] == "screen"
    names = ("https://example.com/pricing-zz9", "Settings ZZ9")
    kinds = sandbox.inspect(
        lambda ws: sorted((a["type"], a["name"]) for a in ws.activities if a.get("name") in names)
    )
    assert kinds == [("page", "https://example.com/pricing-zz9"), ("screen", "Settings ZZ9")]


async def test_anonymous_event(client: CioClient, sandbox: ThreadedSandbox) -> None:
    result = await client.track.anonymous_event("visited", {"ref": "ad"}, anonymous_id="anon-42")
    assert result.exchange.url == f"{sandbox.info.track_url}/api/v1/events"
    body = json.loads(result.exchange.request_body or "")
    assert body["anonymous_id"] == "anon-42"
    assert body["name"] == "visited"
    found = sandbox.inspect(lambda ws: [a for a in ws.activities if a.get("_anon") == "anon-42"])
    assert len(found) == 1


async def test_merge_people(client: CioClient, sandbox: ThreadedSandbox) -> None:
    await client.track.identify("keep-me", {"a": 1})
    await client.track.identify("merge-me", {"b": 2})
    result = await client.track.merge({"id": "keep-me"}, {"id": "merge-me"})
    assert json.loads(result.exchange.request_body or "") == {
        "primary": {"id": "keep-me"},
        "secondary": {"id": "merge-me"},
    }
    assert result.exchange.url.endswith("/api/v1/merge_customers")
    assert sandbox.inspect(lambda ws: ws.by_id("merge-me")) is None
    assert sandbox.inspect(lambda ws: ws.by_id("keep-me").attributes.get("b")) == 2


async def test_v2_entity_and_batch(client: CioClient, sandbox: ThreadedSandbox) -> None:
    result = await client.track.entity(
        {
            "type": "person",
            "action": "identify",
            "identifiers": {"id": "v2-person"},
            "attributes": {"tier": "gold"},
        }
    )
    assert result.exchange.url.endswith("/api/v2/entity")
    assert sandbox.inspect(lambda ws: ws.by_id("v2-person").attributes["tier"]) == "gold"

    ops = [
        {"type": "person", "action": "event", "identifiers": {"id": "v2-person"}, "name": "v2 thing"},
        {"type": "person", "action": "identify", "identifiers": {"id": "v2-other"}, "attributes": {"x": "y"}},
    ]
    result = await client.track.batch(ops)
    sent = json.loads(result.exchange.request_body or "")["batch"]
    assert ulid_time_ms(sent[0]["id"]) > 0  # event operations get an id, so retries cannot duplicate
    assert "id" not in sent[1]
    assert sandbox.inspect(lambda ws: ws.by_id("v2-other") is not None)


async def test_v2_batch_partial_failure_names_the_bad_item(
    client: CioClient, sandbox: ThreadedSandbox
) -> None:
    ops = [
        {"type": "person", "action": "identify", "identifiers": {"id": "ok-one"}, "attributes": {"x": "1"}},
        {"type": "person", "action": "identify", "identifiers": {}, "attributes": {"x": "2"}},
    ]
    with pytest.raises(ValidationError) as caught:
        await client.track.batch(ops)
    err = caught.value
    assert err.partial
    assert err.status == 207
    assert [f.batch_index for f in err.field_errors] == [1]
    assert "others were accepted" in err.message
    assert sandbox.inspect(lambda ws: ws.by_id("ok-one") is not None)
