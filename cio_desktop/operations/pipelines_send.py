"""Sending with the Pipelines API (the event panel's "Pipelines API" choice and ``send --api pipelines``).

Plain Python, like ``operations.send`` for Track: the call types and how the panel presents them, the
message built from the typed fields (userId, anonymousId, event or page/screen name, groupId,
previousId) merged over the JSON (traits, properties, context, anything else), the checks before
sending, the send itself, and what "verify arrival" watches. The wire rules (messageId, timestamp,
strict mode, sizes) are ``api.pipelines``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cio_desktop.json_check import JsonCheck, JsonProblem, check_json

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.models import ApiResult


class PipelinesCall(StrEnum):
    """The Pipelines calls (the path ``/v1/<value>``)."""

    IDENTIFY = "identify"
    TRACK = "track"
    PAGE = "page"
    SCREEN = "screen"
    GROUP = "group"
    ALIAS = "alias"
    BATCH = "batch"


@dataclass(frozen=True, slots=True)
class PipelinesFields:
    """The typed fields of one call; empty strings are "not given"."""

    user_id: str = ""
    anonymous_id: str = ""
    name: str = ""  # the event (track) or the page/screen name
    group_id: str = ""
    previous_id: str = ""


@dataclass(frozen=True, slots=True)
class PipelinesSpec:
    """How one Pipelines call is presented: which typed fields it shows and what the JSON holds.

    The attribute names match ``operations.send.CallSpec`` where they mean the same thing, so the form
    shows either. ``needs_customer`` shows the userId field; ``needs_anonymous`` the anonymousId field.
    """

    call: PipelinesCall
    title: str
    help: str
    needs_customer: bool
    needs_anonymous: bool
    name_label: str | None
    body_label: str
    default_body: str
    default_name: str = ""
    shows_group: bool = False
    shows_previous: bool = False
    activity_type: str | None = None  # what the call shows up as in the person's activities
    customer_label: str = "User ID (userId)"

    @property
    def call_type(self) -> PipelinesCall:
        return self.call

    @property
    def can_verify(self) -> bool:
        """Whether "Verify arrival" makes sense: a person's activity log shows the call."""
        return self.activity_type is not None


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2)


_ALL = (
    PipelinesSpec(
        PipelinesCall.IDENTIFY,
        "Identify (who a person is)",
        "Creates or updates a person with the userId, and sets their traits.",
        needs_customer=True,
        needs_anonymous=True,
        name_label=None,
        body_label="Traits and context",
        default_body=_dump({"traits": {"email": "ana@example.com", "first_name": "Ana", "plan": "trial"}}),
    ),
    PipelinesSpec(
        PipelinesCall.TRACK,
        "Track (something a person did)",
        "Records an event with its properties for the userId (or an anonymousId).",
        needs_customer=True,
        needs_anonymous=True,
        name_label="Event name",
        body_label="Properties and context",
        default_body=_dump({"properties": {"plan": "pro", "price": 49}}),
        default_name="Order Completed",
        activity_type="event",
    ),
    PipelinesSpec(
        PipelinesCall.PAGE,
        "Page (a web page view)",
        "Records that a person viewed a page; properties.url is the address.",
        needs_customer=True,
        needs_anonymous=True,
        name_label="Page name",
        body_label="Properties and context",
        default_body=_dump({"properties": {"url": "https://www.example.com/pricing", "title": "Pricing"}}),
        default_name="Pricing",
        activity_type="page",
    ),
    PipelinesSpec(
        PipelinesCall.SCREEN,
        "Screen (a mobile screen view)",
        "Records that a person opened a screen in your app.",
        needs_customer=True,
        needs_anonymous=True,
        name_label="Screen name",
        body_label="Properties and context",
        default_body=_dump({"properties": {"app_version": "1.4.0"}}),
        default_name="Settings",
        activity_type="screen",
    ),
    PipelinesSpec(
        PipelinesCall.GROUP,
        "Group (put a person in a group)",
        "Relates the person to a group, such as a company, and sets the group's traits.",
        needs_customer=True,
        needs_anonymous=True,
        name_label=None,
        body_label="Group traits and context",
        default_body=_dump({"traits": {"name": "Acme Inc.", "plan": "enterprise"}}),
        shows_group=True,
    ),
    PipelinesSpec(
        PipelinesCall.ALIAS,
        "Alias (merge two identities)",
        "The person known as previousId is the userId from now on.",
        needs_customer=True,
        needs_anonymous=False,
        name_label=None,
        body_label="Context (optional)",
        default_body=_dump({}),
        shows_previous=True,
    ),
    PipelinesSpec(
        PipelinesCall.BATCH,
        "Several calls at once (batch)",
        'Sends a list of calls in one request; each item names its "type".',
        needs_customer=False,
        needs_anonymous=False,
        name_label=None,
        body_label='Batch (JSON with a "batch" list)',
        default_body=_dump(
            {
                "batch": [
                    {"type": "identify", "userId": "ana-001", "traits": {"plan": "pro"}},
                    {"type": "track", "userId": "ana-001", "event": "Upgraded"},
                ]
            }
        ),
    ),
)

PIPELINES_SPECS: dict[PipelinesCall, PipelinesSpec] = {spec.call: spec for spec in _ALL}
CALL_NAMES = tuple(call.value for call in PipelinesCall)


def pipelines_spec(call: str) -> PipelinesSpec:
    """The spec of ``call`` (a ``PipelinesCall`` value); unknown values fall back to track."""
    try:
        return PIPELINES_SPECS[PipelinesCall(call)]
    except ValueError:
        return PIPELINES_SPECS[PipelinesCall.TRACK]


def build_message(
    call: PipelinesCall, fields: PipelinesFields, body: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The message: the JSON ``body`` with each typed field that is filled in written over it."""
    message = dict(body or {})
    if call is PipelinesCall.BATCH:
        return message
    typed = {
        "userId": fields.user_id,
        "anonymousId": fields.anonymous_id if PIPELINES_SPECS[call].needs_anonymous else "",
        "groupId": fields.group_id if call is PipelinesCall.GROUP else "",
        "previousId": fields.previous_id if call is PipelinesCall.ALIAS else "",
    }
    if call is PipelinesCall.TRACK:
        typed["event"] = fields.name
    elif call in (PipelinesCall.PAGE, PipelinesCall.SCREEN):
        typed["name"] = fields.name
    for key, value in typed.items():
        if value.strip():
            message[key] = value.strip()
    return message


def body_from_parts(
    call: PipelinesCall, data: Any, context: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON part of a message from ``send``'s flags: ``data`` is the traits (identify, group), the
    properties (track, page, screen) or the batch's list; ``context`` is the message's context."""
    if call is PipelinesCall.BATCH:
        items = data.get("batch") if isinstance(data, Mapping) else data
        return {"batch": list(items) if isinstance(items, list) else []}
    body: dict[str, Any] = {}
    if isinstance(data, Mapping) and data:
        body["traits" if call in (PipelinesCall.IDENTIFY, PipelinesCall.GROUP) else "properties"] = dict(data)
    if context:
        body["context"] = dict(context)
    return body


def _text(message: Mapping[str, Any], key: str) -> str:
    value = message.get(key)
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""


def missing(call: PipelinesCall, message: Mapping[str, Any]) -> list[str]:
    """Plain sentences naming what the message still needs (nothing when ready to send)."""
    if call is PipelinesCall.BATCH:
        return []
    found: list[str] = []
    if call is PipelinesCall.ALIAS:
        if not _text(message, "userId"):
            found.append("Enter the userId (the person's id from now on).")
        if not _text(message, "previousId"):
            found.append("Enter the previousId (the id the person had before).")
        return found
    if not (_text(message, "userId") or _text(message, "anonymousId")):
        found.append("Enter a userId or an anonymousId.")
    if call is PipelinesCall.TRACK and not _text(message, "event"):
        found.append("Enter the event name.")
    if call is PipelinesCall.GROUP and not _text(message, "groupId"):
        found.append("Enter the groupId.")
    return found


def check_body(call: PipelinesCall, text: str) -> JsonCheck:
    """The JSON check of the editor's text: an object; for a batch, a non-empty list of typed calls;
    ``traits``/``properties``/``context`` must be objects."""
    result = check_json(text)
    if not result.ok:
        return result
    value = result.value
    if call is PipelinesCall.BATCH:
        items = value.get("batch")
        if not isinstance(items, list) or not items:
            words = 'the body needs a "batch" list with at least one call'
            return JsonCheck(problem=JsonProblem(1, 1, 0, words))
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict) or item.get("type") not in CALL_NAMES[:-1]:
                words = f'item {n} of the batch needs a "type": one of {", ".join(CALL_NAMES[:-1])}'
                return JsonCheck(problem=JsonProblem(1, 1, 0, words))
        return result
    for key in ("traits", "properties", "context"):
        if key in value and not isinstance(value[key], dict):
            return JsonCheck(problem=JsonProblem(1, 1, 0, f'"{key}" must be a JSON object'))
    return result


async def send(client: CioClient, call: PipelinesCall, message: Mapping[str, Any]) -> ApiResult:
    """Make one Pipelines call (both doors). For a batch ``message`` is ``{"batch": [...]}`` or the list
    itself. Raises ``ApiError`` (a ``ValidationError`` before sending for what no call accepts)."""
    if call is PipelinesCall.BATCH:
        items = message.get("batch") if isinstance(message, Mapping) else message
        return await client.pipelines.batch(list(items) if isinstance(items, list) else [])
    return await client.pipelines.send(call.value, message)


@dataclass(frozen=True, slots=True)
class ArrivalTarget:
    """What "verify arrival" watches: the person (by id), the activity's name and its type."""

    customer: str
    name: str
    activity_type: str


def arrival_target(call: PipelinesCall, message: Mapping[str, Any]) -> ArrivalTarget | None:
    """The activity a sent message becomes in the person's log, or None when nothing can be watched
    (no userId: anonymous activity belongs to nobody yet; identify/group/alias/batch: no activity)."""
    spec = PIPELINES_SPECS[call]
    user = _text(message, "userId")
    if spec.activity_type is None or not user:
        return None
    if call is PipelinesCall.TRACK:
        name = _text(message, "event")
    else:
        # Customer.io names a page view by its URL when it has one (the Track API's page views do too).
        properties = message.get("properties")
        url = properties.get("url") if isinstance(properties, dict) else None
        name = url.strip() if call is PipelinesCall.PAGE and isinstance(url, str) and url.strip() else ""
        name = name or _text(message, "name")
    return ArrivalTarget(user, name, spec.activity_type) if name else None


def no_verify_reason(call: PipelinesCall) -> str:
    """Why "Verify arrival" is not offered after sending ``call``."""
    if call is PipelinesCall.IDENTIFY:
        return "Identify updates the profile: open Customer lookup to see the new traits."
    if call in (PipelinesCall.GROUP, PipelinesCall.ALIAS):
        return f"A {call.value} call changes relationships or identities: open Customer lookup to check."
    if call is PipelinesCall.BATCH:
        return "A batch can touch many people: open Customer lookup to check each one."
    return "Sent without a userId (or name), so there is no person's activity log to watch."
