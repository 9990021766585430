"""The event panel's call types: checks, defaults and sending each type to a real sandbox."""

from __future__ import annotations

import json
import time

import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.verify import wait_for_activity
from cio_desktop.operations.send import (
    SPECS,
    CallType,
    check_body,
    default_draft,
    missing_fields,
    person_ref,
    send_draft,
    verify_target,
)
from cio_desktop.operations.templates import EventDraft
from cio_desktop.sandbox.demo import WELL_KNOWN


def test_every_default_draft_is_ready_to_send() -> None:
    for call_type in CallType:
        draft = default_draft(call_type, customer_id="demo-ada")
        assert check_body(draft).ok, call_type
        assert missing_fields(draft) == [], call_type


def test_missing_fields_and_batch_shape_are_explained() -> None:
    draft = EventDraft(call_type="person_event", body="{}")
    assert missing_fields(draft) == ["Enter the person's customer ID or email.", "Enter the event name."]
    page = EventDraft(call_type="page_view", body="{}", customer_id="a")
    assert missing_fields(page) == ["Enter the page address (url)."]
    batch = check_body(EventDraft(call_type="v2_batch", body='{"batch": []}'))
    assert batch.problem is not None
    assert "batch" in batch.problem.message
    assert SPECS[CallType.PERSON_EVENT].can_verify
    assert not SPECS[CallType.ANONYMOUS_EVENT].can_verify
    assert not SPECS[CallType.IDENTIFY].can_verify


def test_customer_field_accepts_email_and_cio_id() -> None:
    assert person_ref("demo-ada") == ("demo-ada", "id")
    assert person_ref("ada@example.com") == ("ada@example.com", "email")
    assert person_ref("cio_a3000001") == ("a3000001", "cio_id")


@pytest.mark.parametrize("call_type", list(CallType))
async def test_each_call_type_is_accepted_by_the_sandbox(
    sandbox_client: CioClient, call_type: CallType
) -> None:
    draft = default_draft(call_type, customer_id=WELL_KNOWN["customer_id"])
    result = await send_draft(sandbox_client, draft, json.loads(draft.body))
    assert result.status == 200
    assert result.exchange.method in ("PUT", "POST")


async def test_a_sent_person_event_can_be_verified(sandbox_client: CioClient) -> None:
    since = time.time()
    draft = EventDraft(
        call_type="person_event",
        body='{"plan": "pro"}',
        customer_id=WELL_KNOWN["customer_id"],
        event_name="tested",
    )
    await send_draft(sandbox_client, draft, {"plan": "pro"})
    target = verify_target(draft)
    assert target == (WELL_KNOWN["customer_id"], "tested")
    arrived = await wait_for_activity(sandbox_client, target[0], target[1], since=since, timeout_s=5)
    assert arrived is not None
    assert arrived["name"] == "tested"
