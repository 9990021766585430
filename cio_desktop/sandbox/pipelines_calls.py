"""What Pipelines calls (identify, track, page, screen, group, alias) check and do to the workspace.

HTTP details (auth, strict mode, sizes, gzip) live in ``pipelines.py``. A call lands where the same
Track call would: people get their traits as attributes, events/pages/screens become activities, so a
client proves arrival through the App API. Required fields follow Customer.io's ``pipelines.json``.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from cio_desktop.sandbox import activity, people_ops
from cio_desktop.sandbox.limits import check_attributes, check_identifier, nbytes
from cio_desktop.sandbox.state import JsonDict, Person, Workspace

CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
MAX_CALL_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
DEFAULT_OBJECT_TYPE = "1"


def _text(call: JsonDict, key: str) -> str | None:
    value = call.get(key)
    return value if isinstance(value, str) and value != "" else None


def unix_time(value: Any) -> int | None:
    """An ISO-8601 ``timestamp`` as unix seconds; None when missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except (ValueError, OverflowError, OSError):
        return None


def check_call(call: Any, kind: str) -> list[str]:
    """Error texts for one call of type ``kind`` (empty when it is acceptable)."""
    if not isinstance(call, dict):
        return [f"{kind}: the call must be a JSON object"]
    errors: list[str] = []
    if nbytes(call) > MAX_CALL_BYTES:
        errors.append(f"{kind}: the call is {nbytes(call)} bytes, over the {MAX_CALL_BYTES}-byte limit")
    for key in ("userId", "anonymousId", "previousId", "groupId", "event", "name", "messageId"):
        if key in call and call[key] is not None and not isinstance(call[key], str):
            errors.append(f"{kind}: {key} must be a string")
    for key in ("traits", "properties", "context", "integrations"):
        if call.get(key) is not None and not isinstance(call[key], dict):
            errors.append(f"{kind}: {key} must be an object")
    if call.get("timestamp") not in (None, "") and unix_time(call["timestamp"]) is None:
        errors.append(f"{kind}: timestamp must be an ISO-8601 date and time")
    if errors:
        return errors
    user, anon = _text(call, "userId"), _text(call, "anonymousId")
    if kind == "alias":
        if not (user and _text(call, "previousId")):
            errors.append("alias: userId and previousId are required")
    elif kind == "identify":
        email = (call.get("traits") or {}).get("email")
        if not (user or anon or (isinstance(email, str) and email)):
            errors.append("identify: userId, anonymousId or traits.email is required")
    elif not (user or anon):
        errors.append(f"{kind}: userId or anonymousId is required")
    if kind == "track" and not _text(call, "event"):
        errors.append("track: event is required")
    if kind == "group" and not _text(call, "groupId"):
        errors.append("group: groupId is required")
    if user:
        errors += [f"{kind}: userId: {e}" for e in check_identifier(user)]
    if kind == "identify":
        errors += [f"identify: traits: {e}" for e in check_attributes(call.get("traits") or {})]
    return errors


def check_batch(body: Any) -> list[str]:
    """Error texts for a ``/v1/batch`` body (each item needs a known ``type``)."""
    if not isinstance(body, dict) or not isinstance(body.get("batch"), list):
        return ["batch: the body must be an object with a batch array"]
    errors: list[str] = []
    for index, call in enumerate(body["batch"]):
        kind = call.get("type") if isinstance(call, dict) else None
        if kind not in CALL_TYPES:
            errors.append(f"batch[{index}]: type must be one of {', '.join(CALL_TYPES)}")
            continue
        errors += [f"batch[{index}]: {e}" for e in check_call(call, kind)]
    return errors


def _person(ws: Workspace, call: JsonDict) -> Person | None:
    user = _text(call, "userId")
    return people_ops.get_or_create(ws, "id", user) if user else None


def _event(ws: Workspace, call: JsonDict, kind: str, name: str, data: JsonDict) -> None:
    """Record a track/page/screen for the person, or anonymously under its ``anonymousId``."""
    when = unix_time(call.get("timestamp"))
    person = _person(ws, call)
    anon = None if person else _text(call, "anonymousId")
    activity.record(ws, person, kind, name=name, data=data, timestamp=when, anonymous_id=anon)


def apply_call(ws: Workspace, call: JsonDict, kind: str) -> None:
    """Do what an accepted call of type ``kind`` does (a repeated ``messageId`` is ignored)."""
    message_id = _text(call, "messageId")
    if message_id and activity.seen(ws, f"cdp:{message_id}"):
        return
    if kind == "identify":
        _identify(ws, call)
    elif kind == "track":
        _event(ws, call, "event", str(call["event"]).strip(), dict(call.get("properties") or {}))
    elif kind in ("page", "screen"):
        properties = dict(call.get("properties") or {})
        name = _text(call, "name") or ""
        url = properties.get("url") if kind == "page" else None
        _event(ws, call, kind, str(url) if isinstance(url, str) and url else name, properties)
    elif kind == "group":
        _group(ws, call)
    elif kind == "alias":
        _alias(ws, str(call["userId"]), str(call["previousId"]))


def _identify(ws: Workspace, call: JsonDict) -> None:
    traits = dict(call.get("traits") or {})
    user, anon = _text(call, "userId"), _text(call, "anonymousId")
    if anon:
        traits["anonymous_id"] = anon
    if user:
        people_ops.identify(ws, "id", user, traits)
    elif isinstance(traits.get("email"), str) and traits["email"]:
        people_ops.identify(ws, "email", traits["email"], traits)
    else:  # traits for an anonymous visitor: kept in the workspace log only
        activity.record(ws, None, "identify", data=traits, anonymous_id=anon)


def _group(ws: Workspace, call: JsonDict) -> None:
    traits = dict(call.get("traits") or {})
    type_id = str(traits.pop("object_type_id", None) or call.get("objectTypeId") or DEFAULT_OBJECT_TYPE)
    relationship = traits.pop("relationshipAttributes", None)
    object_id = str(call["groupId"])
    key = f"{type_id}:{object_id}"
    obj = ws.objects.setdefault(key, {"object_type_id": type_id, "object_id": object_id, "attributes": {}})
    obj["attributes"].update({k: people_ops.as_string(v) for k, v in traits.items() if v is not None})
    person = _person(ws, call)
    data = {"object_type_id": type_id, "object_id": object_id, "relationship_attributes": relationship or {}}
    activity.record(ws, person, "add_relationship", data=data, anonymous_id=_text(call, "anonymousId"))


def _alias(ws: Workspace, user_id: str, previous_id: str) -> None:
    """Merge ``previous_id`` (a person's id, else an anonymous id) into the person ``user_id``."""
    previous = ws.by_id(previous_id)
    current = ws.by_id(user_id)
    if previous is not None and current is not None:
        people_ops.merge(ws, current, previous)
    elif previous is not None:
        ws.set_identity(previous, id=user_id, email=previous.email)
        activity.record(ws, previous, "attribute_change", data={"id": {"from": previous_id, "to": user_id}})
    else:
        person = people_ops.get_or_create(ws, "id", user_id)
        if person is not None:
            activity.merge_anonymous(ws, person, previous_id, int(time.time()))
