"""Sending with the Track API (the event panel and ``cio-desktop send``): call types, checks, send, verify.

Plain Python: the panel shows these specs; ``send`` / ``send_draft`` await the API client and
``verify_arrival`` watches the person's activities. Not responsible for
templates on disk (``operations.templates``) or for the JSON syntax check (``cio_desktop.json_check``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cio_desktop.json_check import JsonCheck, JsonProblem, check_json
from cio_desktop.lookup_query import build_query
from cio_desktop.operations.templates import EventDraft

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.models import ApiResult
    from cio_desktop.api.paths import IdType


class CallType(StrEnum):
    """The Track API calls the event panel can make."""

    IDENTIFY = "identify"
    PERSON_EVENT = "person_event"
    ANONYMOUS_EVENT = "anonymous_event"
    PAGE_VIEW = "page_view"
    SCREEN_VIEW = "screen_view"
    BATCH = "v2_batch"


@dataclass(frozen=True, slots=True)
class CallSpec:
    """How one call type is presented and checked."""

    call_type: CallType
    title: str
    help: str
    needs_customer: bool
    name_label: str | None
    needs_anonymous: bool
    body_label: str
    default_body: str
    default_name: str = ""

    @property
    def can_verify(self) -> bool:
        """Whether "Verify arrival" makes sense: the call lands on one known person's activity log."""
        return self.needs_customer and self.call_type is not CallType.IDENTIFY


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2)


_ALL_SPECS = (
    CallSpec(
        CallType.IDENTIFY,
        "Identify a person (create or update)",
        "Creates the person if they are new, otherwise updates their attributes.",
        needs_customer=True,
        name_label=None,
        needs_anonymous=False,
        body_label="Attributes to set",
        default_body=_dump({"email": "ana@example.com", "first_name": "Ana", "plan": "trial"}),
    ),
    CallSpec(
        CallType.PERSON_EVENT,
        "Event for a person",
        "Records something a known person did, such as signing up or buying.",
        needs_customer=True,
        name_label="Event name",
        needs_anonymous=False,
        body_label="Event data (optional details)",
        default_body=_dump({"plan": "pro", "price": 49}),
        default_name="purchased",
    ),
    CallSpec(
        CallType.ANONYMOUS_EVENT,
        "Event for an anonymous visitor",
        "Records something a visitor did before you know who they are (linked later by the anonymous ID).",
        needs_customer=False,
        name_label="Event name",
        needs_anonymous=True,
        body_label="Event data (optional details)",
        default_body=_dump({"source": "landing page"}),
        default_name="viewed_pricing",
    ),
    CallSpec(
        CallType.PAGE_VIEW,
        "Page view",
        "Records that a person looked at a web page.",
        needs_customer=True,
        name_label="Page address (URL)",
        needs_anonymous=False,
        body_label="Page details (optional)",
        default_body=_dump({"title": "Pricing", "referrer": "https://www.example.com/"}),
        default_name="https://www.example.com/pricing",
    ),
    CallSpec(
        CallType.SCREEN_VIEW,
        "Mobile screen view",
        "Records that a person opened a screen in your mobile app.",
        needs_customer=True,
        name_label="Screen name",
        needs_anonymous=False,
        body_label="Screen details (optional)",
        default_body=_dump({"app_version": "1.4.0"}),
        default_name="Settings",
    ),
    CallSpec(
        CallType.BATCH,
        "Several calls at once (v2 batch)",
        "Sends a list of operations in one request. Each item says its type, action and identifiers.",
        needs_customer=False,
        name_label=None,
        needs_anonymous=False,
        body_label='Batch (JSON with a "batch" list)',
        default_body=_dump(
            {
                "batch": [
                    {
                        "type": "person",
                        "action": "identify",
                        "identifiers": {"id": "ana-001"},
                        "attributes": {"plan": "pro"},
                    },
                    {
                        "type": "person",
                        "action": "event",
                        "identifiers": {"id": "ana-001"},
                        "name": "upgraded",
                    },
                ]
            }
        ),
    ),
)

SPECS: dict[CallType, CallSpec] = {spec.call_type: spec for spec in _ALL_SPECS}


def spec_for(call_type: str) -> CallSpec:
    """The spec of ``call_type`` (a ``CallType`` value); unknown values fall back to a person event."""
    try:
        return SPECS[CallType(call_type)]
    except ValueError:
        return SPECS[CallType.PERSON_EVENT]


def default_draft(call_type: CallType, customer_id: str = "") -> EventDraft:
    """A ready-to-send starting point for ``call_type``."""
    spec = SPECS[call_type]
    return EventDraft(
        call_type=call_type.value,
        body=spec.default_body,
        customer_id=customer_id if spec.needs_customer else "",
        event_name=spec.default_name,
        anonymous_id="visitor-1234" if spec.needs_anonymous else "",
    )


def check_body(draft: EventDraft) -> JsonCheck:
    """The JSON check for the draft's body, with the batch shape checked too."""
    result = check_json(draft.body)
    if not result.ok or spec_for(draft.call_type).call_type is not CallType.BATCH:
        return result
    batch = result.value.get("batch")
    if not isinstance(batch, list) or not batch:
        problem = JsonProblem(1, 1, 0, 'the body needs a "batch" list with at least one operation')
        return JsonCheck(problem=problem)
    return result


def missing_fields(draft: EventDraft) -> list[str]:
    """Plain sentences naming each required field that is empty (nothing when ready to send)."""
    spec = spec_for(draft.call_type)
    missing = []
    if spec.needs_customer and not draft.customer_id.strip():
        missing.append("Enter the person's customer ID or email.")
    if spec.name_label and not draft.event_name.strip():
        missing.append(f"Enter the {spec.name_label.lower()}.")
    if spec.needs_anonymous and not draft.anonymous_id.strip():
        missing.append("Enter the anonymous ID.")
    return missing


def person_ref(customer_id: str) -> tuple[str, IdType]:
    """The customer field as (value, id_type): an email or a ``cio_`` value is addressed as such."""
    query = build_query(customer_id)
    if query is None:
        return customer_id.strip(), "id"
    return query.value, query.kind.id_type


# The activity type each call type shows up as in the person's activity log (what ``verify`` watches).
ACTIVITY_TYPES = {CallType.PERSON_EVENT: "event", CallType.PAGE_VIEW: "page", CallType.SCREEN_VIEW: "screen"}


async def send(
    client: CioClient,
    call_type: CallType,
    data: dict[str, Any] | list[dict[str, Any]] | None,
    *,
    customer: str = "",
    id_type: IdType = "id",
    name: str = "",
    anonymous_id: str | None = None,
) -> ApiResult:
    """Make one Track API call (both doors): ``data`` holds the attributes, the event data or, for a
    batch, the list of operations. Raises ``ApiError``."""
    track = client.track
    if call_type is CallType.BATCH:
        return await track.batch(list(data) if isinstance(data, list) else [])
    body = data if isinstance(data, dict) else None
    if call_type is CallType.ANONYMOUS_EVENT:
        return await track.anonymous_event(name, body or None, anonymous_id=anonymous_id or None)
    if call_type is CallType.IDENTIFY:
        return await track.identify(customer, body or {}, id_type=id_type)
    return await track.event(customer, name, body or None, type=ACTIVITY_TYPES[call_type], id_type=id_type)


async def send_draft(client: CioClient, draft: EventDraft, body: dict[str, Any]) -> ApiResult:
    """Send the event panel's ``draft`` (its JSON already parsed into ``body``); raises ``ApiError``."""
    call_type = spec_for(draft.call_type).call_type
    value, id_type = person_ref(draft.customer_id)
    return await send(
        client,
        call_type,
        list(body.get("batch", [])) if call_type is CallType.BATCH else body,
        customer=value,
        id_type=id_type,
        name=draft.event_name.strip(),
        anonymous_id=draft.anonymous_id.strip() or None,
    )


async def verify_arrival(
    client: CioClient,
    customer: str,
    name: str,
    *,
    since: float,
    timeout_s: float,
    id_type: IdType = "id",
    call_type: CallType | None = None,
) -> dict[str, Any] | None:
    """Wait until the sent event shows in the person's activities (App API key needed): the activity,
    or None when it did not appear within ``timeout_s``."""
    from cio_desktop.api.verify import wait_for_activity

    types = (ACTIVITY_TYPES[call_type],) if call_type in ACTIVITY_TYPES else ("event", "page", "screen")
    return await wait_for_activity(
        client, customer, name, since=since, timeout_s=timeout_s, id_type=id_type, types=types
    )


def verify_target(draft: EventDraft) -> tuple[str, str] | None:
    """(customer id, activity name) to watch for after sending ``draft``; None when it cannot be checked."""
    spec = spec_for(draft.call_type)
    if not spec.can_verify or not draft.customer_id.strip() or not draft.event_name.strip():
        return None
    return draft.customer_id.strip(), draft.event_name.strip()
