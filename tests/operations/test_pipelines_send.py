"""Pipelines sending in the layer: the message from typed fields and JSON, the checks, and a real send to
the sandbox's Pipelines face that shows up in the person's activities (verify arrival)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.api import Credentials
from cio_desktop.api.client import CioClient
from cio_desktop.models import Region, Workspace
from cio_desktop.operations import pipelines_send as P
from cio_desktop.operations.send import check_body, missing_fields, send_draft, verify_sent, verify_target
from cio_desktop.operations.templates import EventDraft, TemplateStore
from cio_desktop.sandbox import ThreadedSandbox


def _draft(call: str, body: str, **fields: str) -> EventDraft:
    return EventDraft(call_type=call, body=body, api="pipelines", **fields)


def test_typed_fields_are_written_over_the_json() -> None:
    fields = P.PipelinesFields(user_id=" u-1 ", anonymous_id="", name="Signed Up")
    message = P.build_message(P.PipelinesCall.TRACK, fields, {"properties": {"a": 1}, "userId": "old"})
    assert message == {"properties": {"a": 1}, "userId": "u-1", "event": "Signed Up"}
    page = P.build_message(P.PipelinesCall.PAGE, P.PipelinesFields(anonymous_id="v-1", name="Docs"), {})
    assert page == {"anonymousId": "v-1", "name": "Docs"}
    group = P.PipelinesFields(user_id="u", group_id="acme", previous_id="ignored")
    assert P.build_message(P.PipelinesCall.GROUP, group, None) == {"userId": "u", "groupId": "acme"}
    alias = P.PipelinesFields(user_id="u", anonymous_id="ignored", previous_id="v")
    assert P.build_message(P.PipelinesCall.ALIAS, alias, {}) == {"userId": "u", "previousId": "v"}


def test_what_each_call_still_needs_is_said_in_words() -> None:
    assert missing_fields(_draft("track", "{}")) == [
        "Enter a userId or an anonymousId.",
        "Enter the event name.",
    ]
    assert missing_fields(_draft("track", '{"userId": "in-the-json"}', event_name="E")) == []
    assert missing_fields(_draft("group", "{}", anonymous_id="v")) == ["Enter the groupId."]
    assert missing_fields(_draft("alias", "{}", customer_id="u")) == [
        "Enter the previousId (the id the person had before)."
    ]
    assert missing_fields(_draft("identify", "{}", anonymous_id="v")) == []


def test_the_json_check_knows_the_pipelines_shapes() -> None:
    assert check_body(_draft("identify", '{"traits": {"plan": "pro"}}')).ok
    assert "must be a JSON object" in str(check_body(_draft("identify", '{"traits": [1]}')).problem)
    assert "batch" in str(check_body(_draft("batch", '{"batch": []}')).problem)
    bad_item = check_body(_draft("batch", '{"batch": [{"type": "event"}]}'))
    assert 'item 1 of the batch needs a "type"' in str(bad_item.problem)
    assert check_body(_draft("batch", '{"batch": [{"type": "track"}]}')).ok


def test_flags_become_traits_or_properties() -> None:
    assert P.body_from_parts(P.PipelinesCall.IDENTIFY, {"plan": "pro"}) == {"traits": {"plan": "pro"}}
    assert P.body_from_parts(P.PipelinesCall.SCREEN, {"v": 1}, {"ip": "203.0.113.7"}) == {
        "properties": {"v": 1},
        "context": {"ip": "203.0.113.7"},
    }
    assert P.body_from_parts(P.PipelinesCall.BATCH, {"batch": [{"type": "track"}]}) == {
        "batch": [{"type": "track"}]
    }


def test_what_verify_watches() -> None:
    page = {"userId": "u", "name": "Docs", "properties": {"url": "https://example.com/docs"}}
    assert P.arrival_target(P.PipelinesCall.PAGE, page) == P.ArrivalTarget(
        "u", "https://example.com/docs", "page"
    )
    assert P.arrival_target(P.PipelinesCall.SCREEN, {"userId": "u", "name": "Home"}) == P.ArrivalTarget(
        "u", "Home", "screen"
    )
    assert P.arrival_target(P.PipelinesCall.TRACK, {"anonymousId": "v", "event": "E"}) is None
    assert P.arrival_target(P.PipelinesCall.IDENTIFY, {"userId": "u"}) is None
    assert verify_target(_draft("track", "{}", customer_id="u", event_name="E")) == ("u", "E")


@pytest.fixture
async def client(sandbox: ThreadedSandbox) -> AsyncIterator[CioClient]:
    info = sandbox.info
    workspace = Workspace(
        name="cdp", region=Region.US, app_url=info.app_url, pipelines_url=info.pipelines_url
    )
    credentials = Credentials(app_api_key=info.app_api_key, pipelines_key=info.pipelines_write_key)
    async with CioClient(workspace, credentials) as c:
        yield c


async def test_a_track_draft_reaches_the_sandbox_and_is_verified(client: CioClient) -> None:
    started = time.time()
    identify = _draft("identify", '{"traits": {"plan": "pro"}}', customer_id="layer-cdp-1")
    result = await send_draft(client, identify, {"traits": {"plan": "pro"}})
    assert result.status == 200
    assert result.exchange.url.endswith("/cdp/v1/identify")
    track = _draft("track", '{"properties": {"size": 2}}', customer_id="layer-cdp-1", event_name="Ordered")
    await send_draft(client, track, {"properties": {"size": 2}})
    found: Any = await verify_sent(client, track, since=started, timeout_s=10)
    assert found is not None
    assert (found["type"], found["name"], found["data"]) == ("event", "Ordered", {"size": 2})
    customer: Any = (await client.app.attributes("layer-cdp-1")).data["customer"]
    assert customer["attributes"]["plan"] == "pro"


async def test_verify_says_not_seen_for_an_event_that_never_came(client: CioClient) -> None:
    await client.pipelines.identify(user_id="layer-cdp-2")
    never = _draft("track", "{}", customer_id="layer-cdp-2", event_name="Never Sent")
    assert await verify_sent(client, never, since=time.time(), timeout_s=0.5) is None
    with pytest.raises(ValueError, match="no person's activity log"):
        await verify_sent(
            client, _draft("alias", "{}", customer_id="a", previous_id="b"), since=0, timeout_s=1
        )


def test_saved_drafts_keep_their_api(tmp_path: Path) -> None:
    """A template saved with the Pipelines API comes back as one; older entries without ``api`` are Track."""
    store = TemplateStore(tmp_path / "templates.json")
    draft = _draft("group", '{"traits": {}}', customer_id="u", group_id="acme")
    state = store.save_template("ws", "Join Acme", draft)
    assert store.load("ws").templates[0].draft == draft
    assert state.templates[0].draft.group_id == "acme"
    sent = store.record_sent("ws", draft).sent[0]
    assert "pipelines group" in sent.label()
    assert EventDraft.from_dict({"call_type": "identify", "body": "{}"}).api == "track"
