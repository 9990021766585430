"""Activity log entries: recording them, events (person and anonymous), de-duplication, anonymous merge.

Every accepted Track call ends up here, so a client can prove arrival through the App API.
Stored entries carry private keys starting with ``_`` (owner cio_id, anonymous id, deleted flag);
``public_activity`` strips them.
"""

from __future__ import annotations

import time
from typing import Any

from cio_desktop.sandbox.state import JsonDict, Person, Workspace

ANON_MERGE_WINDOW_S = 30 * 24 * 3600


def record(
    ws: Workspace,
    person: Person | None,
    type_: str,
    *,
    name: str | None = None,
    data: Any = None,
    timestamp: int | None = None,
    anonymous_id: str | None = None,
    delivery_id: str | None = None,
    delivery_type: str | None = None,
) -> JsonDict:
    """Append one activity and return it."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    entry: JsonDict = {
        "id": ws.ulid(ts),
        "type": type_,
        "timestamp": ts,
        "customer_id": person.id if person else None,
        "customer_identifiers": person.identifiers() if person else None,
        "delivery_id": delivery_id,
        "delivery_type": delivery_type,
        "name": name,
        "data": data if data is not None else {},
        "_cio": person.cio_id if person else None,
        "_anon": anonymous_id,
        "_deleted": False,
    }
    if type_ == "page":
        entry["url"] = name
    ws.activities.append(entry)
    return entry


def public_activity(ws: Workspace, entry: JsonDict) -> JsonDict:
    """The App API view of a stored activity (current identifiers if the person still exists)."""
    from cio_desktop.sandbox.app_shapes import shape_activity  # app_shapes imports people_ops → here

    out = {k: v for k, v in entry.items() if not k.startswith("_")}
    person = ws.people.get(entry["_cio"]) if entry.get("_cio") else None
    if person is not None:
        out["customer_id"] = person.id
        out["customer_identifiers"] = person.identifiers()
    if entry.get("_anon"):
        out["anonymous_id"] = entry["_anon"]
    return shape_activity(out)


def validate_event(body: Any, *, anonymous: bool = False) -> list[str]:
    """Error messages for an event body (Track v1 person or anonymous event); empty when valid."""
    from cio_desktop.sandbox.limits import check_event

    if not isinstance(body, dict):
        return ["request body must be a JSON object"]
    errors = check_event(body)
    if anonymous and body.get("anonymous_id") not in (None, "") and not isinstance(body["anonymous_id"], str):
        errors.append("anonymous_id must be a string")
    return errors


def seen(ws: Workspace, event_id: Any) -> bool:
    """True if this event id was accepted before (then the event is ignored); remembers new ids."""
    if not event_id:
        return False
    key = str(event_id)
    if key in ws.event_ids:
        return True
    ws.event_ids.add(key)
    return False


def event_type(body: JsonDict) -> str:
    kind = body.get("type") or "event"
    return str(kind)


def track_person_event(ws: Workspace, person: Person, body: JsonDict) -> JsonDict | None:
    """Record an event/page/screen for ``person``; None when it is a duplicate ``id``."""
    if seen(ws, body.get("id")):
        return None
    return record(
        ws,
        person,
        event_type(body),
        name=str(body["name"]).strip(),
        data=body.get("data") or {},
        timestamp=body.get("timestamp"),
    )


def track_anonymous_event(ws: Workspace, body: JsonDict) -> JsonDict | None:
    """Record an anonymous (or "invite") event; None when it is a duplicate ``id``."""
    if seen(ws, body.get("id")):
        return None
    anon = body.get("anonymous_id") or None
    return record(
        ws,
        None,
        event_type(body),
        name=str(body["name"]).strip(),
        data=body.get("data") or {},
        timestamp=body.get("timestamp"),
        anonymous_id=anon,
    )


def merge_anonymous(ws: Workspace, person: Person, anonymous_id: str, now: int) -> int:
    """Attach earlier anonymous events with ``anonymous_id`` (≤ 30 days old) to ``person``."""
    moved = 0
    for entry in ws.activities:
        if (
            entry.get("_anon") == anonymous_id
            and entry.get("_cio") is None
            and entry["timestamp"] >= now - ANON_MERGE_WINDOW_S
        ):
            entry["_cio"] = person.cio_id
            moved += 1
    if moved:
        record(ws, person, "anon_merge", data={"anonymous_id": anonymous_id, "events": moved}, timestamp=now)
    return moved


def person_activities(ws: Workspace, person: Person) -> list[JsonDict]:
    return [a for a in ws.activities if a.get("_cio") == person.cio_id and not a.get("_deleted")]
