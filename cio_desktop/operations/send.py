"""Sending with the Track API (the event panel and ``cio-desktop send``): call types, checks, send, verify.

Plain Python: the panel shows these specs; ``send`` / ``send_draft`` await the API client and
``verify_arrival`` watches the person's activities. A draft whose ``api`` is ``"pipelines"`` is checked,
sent and verified with ``operations.pipelines_send`` (the functions taking a draft dispatch on it). Not
responsible for templates on disk (``operations.templates``) or for the JSON syntax check
(``cio_desktop.json_check``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cio_desktop.json_check import JsonCheck, JsonProblem, check_json
from cio_desktop.lookup_query import build_query
from cio_desktop.operations import pipelines_send as P
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
    customer_label: str = "Customer ID or email"

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


def form_spec(draft: EventDraft) -> CallSpec | P.PipelinesSpec:
    """The spec the form shows for ``draft`` (its API and call type)."""
    return P.pipelines_spec(draft.call_type) if is_pipelines(draft) else spec_for(draft.call_type)


def is_pipelines(draft: EventDraft) -> bool:
    """Whether ``draft`` is a Pipelines API call."""
    return draft.api == "pipelines"


def pipelines_fields(draft: EventDraft) -> P.PipelinesFields:
    """The typed Pipelines fields of ``draft`` (the customer field is the userId)."""
    return P.PipelinesFields(
        user_id=draft.customer_id,
        anonymous_id=draft.anonymous_id,
        name=draft.event_name,
        group_id=draft.group_id,
        previous_id=draft.previous_id,
    )


def pipelines_message(draft: EventDraft) -> dict[str, Any] | None:
    """The Pipelines message ``draft`` sends (typed fields over its JSON); None while the JSON is bad."""
    checked = P.check_body(P.pipelines_spec(draft.call_type).call, draft.body)
    if not checked.ok:
        return None
    return P.build_message(P.pipelines_spec(draft.call_type).call, pipelines_fields(draft), checked.value)


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
    if is_pipelines(draft):
        return P.check_body(P.pipelines_spec(draft.call_type).call, draft.body)
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
    if is_pipelines(draft):
        message = pipelines_message(draft)
        return [] if message is None else P.missing(P.pipelines_spec(draft.call_type).call, message)
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
    if is_pipelines(draft):
        call = P.pipelines_spec(draft.call_type).call
        return await P.send(client, call, P.build_message(call, pipelines_fields(draft), body))
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
    activity_type: str | None = None,
) -> dict[str, Any] | None:
    """Wait until the sent event shows in the person's activities (App API key needed): the activity,
    or None when it did not appear within ``timeout_s``. ``activity_type`` (a Pipelines call's, from
    ``pipelines_send.arrival_target``) or ``call_type`` (a Track call) narrows the activity type."""
    from cio_desktop.api.verify import wait_for_activity

    if activity_type:
        types: tuple[str, ...] = (activity_type,)
    elif call_type in ACTIVITY_TYPES:
        types = (ACTIVITY_TYPES[call_type],)
    else:
        types = ("event", "page", "screen")
    return await wait_for_activity(
        client, customer, name, since=since, timeout_s=timeout_s, id_type=id_type, types=types
    )


def verify_target(draft: EventDraft) -> tuple[str, str] | None:
    """(customer id, activity name) to watch for after sending ``draft``; None when it cannot be checked."""
    if is_pipelines(draft):
        found = arrival_of(draft)
        return (found.customer, found.name) if found is not None else None
    spec = spec_for(draft.call_type)
    if not spec.can_verify or not draft.customer_id.strip() or not draft.event_name.strip():
        return None
    return draft.customer_id.strip(), draft.event_name.strip()


def arrival_of(draft: EventDraft) -> P.ArrivalTarget | None:
    """What "verify arrival" watches after sending a Pipelines ``draft`` (None for a Track draft, or
    when the call lands on no person's activity log)."""
    message = pipelines_message(draft) if is_pipelines(draft) else None
    return P.arrival_target(P.pipelines_spec(draft.call_type).call, message) if message is not None else None


async def verify_sent(
    client: CioClient, draft: EventDraft, *, since: float, timeout_s: float
) -> dict[str, Any] | None:
    """Wait until the sent ``draft`` (Track or Pipelines) shows in the person's activities: the activity,
    or None when it did not appear in time. Raises ``ValueError`` for a draft that cannot be verified
    (see ``verify_target``) and ``ApiError`` when the App API refuses."""
    pipelines = arrival_of(draft)
    if pipelines is not None:  # a userId is an id, even when it looks like an email
        return await verify_arrival(
            client, pipelines.customer, pipelines.name, since=since, timeout_s=timeout_s,
            activity_type=pipelines.activity_type,
        )  # fmt: skip
    target = None if is_pipelines(draft) else verify_target(draft)
    if target is None:
        raise ValueError("this call lands on no person's activity log")
    value, id_type = person_ref(target[0])
    return await verify_arrival(
        client, value, target[1], since=since, timeout_s=timeout_s, id_type=id_type,
        call_type=spec_for(draft.call_type).call_type,
    )  # fmt: skip


def person_of(draft: EventDraft) -> tuple[str, IdType] | None:
    """The person ``draft`` is about, as (value, id_type), or None (anonymous, batch). A Pipelines userId
    is always an id, even when it looks like an email."""
    if not draft.customer_id.strip():
        return None
    return (draft.customer_id.strip(), "id") if is_pipelines(draft) else person_ref(draft.customer_id)
