"""What Track calls do to people: identify, delete, devices, suppress, merge, manual segments.

Shared by Track v1 and v2; HTTP details live in ``track_v1.py``/``track_v2.py``. Logical failures that
Customer.io reports asynchronously (e.g. ``_update`` on a missing person) are logged as activities and
the call still succeeds, as the reference notes describe.
"""

from __future__ import annotations

import json
import time
from typing import Any

from cio_desktop.sandbox.activity import merge_anonymous, record
from cio_desktop.sandbox.state import JsonDict, Person, Workspace

TRUE_VALUES = (True, 1, "1", "true", "TRUE", "True")


def classify_v1(identifier: str) -> tuple[str, str]:
    """Guess the kind of a v1 path identifier: ``cio_`` prefix, an email, else an id."""
    if identifier.startswith("cio_"):
        return "cio_id", identifier[4:]
    if "@" in identifier:
        return "email", identifier
    return "id", identifier


def find(ws: Workspace, kind: str, value: str) -> Person | None:
    if kind == "id":
        return ws.by_id(value)
    if kind == "email":
        found = ws.by_email(value)
        return found[0] if found else None
    if kind == "cio_id":
        return ws.by_cio_id(value)
    if kind == "phone":
        return ws.by_phone(value)
    return None


def as_string(value: Any) -> str:
    """An attribute value as the App API shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _suppressed(ws: Workspace, kind: str, value: str) -> bool:
    key = f"{kind}:{value.lower() if kind == 'email' else value}"
    return key in ws.suppressed


def get_or_create(ws: Workspace, kind: str, value: str, *, now: int | None = None) -> Person | None:
    """The person, created when missing (never for a cio_id or a suppressed identifier)."""
    person = find(ws, kind, value)
    if person is not None or kind in ("cio_id", "phone") or _suppressed(ws, kind, value):
        return person
    now = int(time.time()) if now is None else now
    person = Person(cio_id=ws.new_cio_id(), created=now)
    if kind == "id":
        person.id = value
    else:
        person.email = value
        person.attributes["email"] = value
    person.timestamps["cio_id"] = now
    ws.add_person(person)
    record(ws, person, "profile_create", data={}, timestamp=now)
    return person


def identify(ws: Workspace, kind: str, value: str, attrs: JsonDict) -> Person | None:
    """Create or update a person from an identify body; returns the person (None if dropped)."""
    now = int(time.time())
    attrs = dict(attrs)
    update_only = attrs.pop("_update", False) in TRUE_VALUES
    stamp = attrs.pop("_timestamp", None)
    stamp = int(stamp) if isinstance(stamp, int | float) and not isinstance(stamp, bool) else now
    anonymous_id = attrs.pop("anonymous_id", None)
    new_id = attrs.pop("id", None)
    new_email = attrs.pop("email", None)
    new_id = None if new_id in (None, "") else str(new_id)
    new_email = None if new_email in (None, "") else str(new_email)

    person = find(ws, kind, value)
    if person is None:
        if kind == "id" and new_email:
            person = next((p for p in ws.by_email(new_email) if p.id is None), None)
            if person is not None:
                ws.set_identity(person, id=value, email=person.email)
        elif kind == "email" and new_id:
            person = ws.by_id(new_id)
            if person is not None:
                ws.set_identity(person, id=person.id, email=value)
                person.attributes["email"] = value
    if person is None:
        if kind == "cio_id" or update_only or _suppressed(ws, kind, value):
            reason = "person not found" if not _suppressed(ws, kind, value) else "identifier is suppressed"
            record(ws, None, "failed_attribute_change", data={"identifier": value, "reason": reason})
            return None
        person = get_or_create(ws, kind, value, now=now)
        assert person is not None

    changes: JsonDict = {}
    if new_id is not None and new_id != person.id:
        other = ws.by_id(new_id)
        if other is not None and other is not person:
            record(
                ws, person, "failed_attribute_change", data={"id": {"reason": "id belongs to another person"}}
            )
        else:
            changes["id"] = {"from": person.id, "to": new_id}
            ws.set_identity(person, id=new_id, email=person.email)
    if new_email is not None and new_email != person.email:
        changes["email"] = {"from": person.email, "to": new_email}
        ws.set_identity(person, id=person.id, email=new_email)
        person.attributes["email"] = new_email
        person.timestamps["email"] = stamp
    for name, raw in attrs.items():
        apply_attribute(person, name, raw, stamp, changes)
    record(ws, person, "attribute_change", data=changes, timestamp=now)
    if isinstance(anonymous_id, str) and anonymous_id:
        merge_anonymous(ws, person, anonymous_id, now)
    return person


def apply_attribute(person: Person, name: str, raw: Any, stamp: int, changes: JsonDict) -> None:
    """Set, or remove (null or ""), one attribute; special keys update flags and topics."""
    if name == "unsubscribed":
        flag = raw in TRUE_VALUES
        if flag != person.unsubscribed:
            changes["unsubscribed"] = {"from": person.unsubscribed, "to": flag}
        person.unsubscribed = flag
        person.attributes["unsubscribed"] = flag
        person.timestamps["unsubscribed"] = stamp
        return
    if name == "cio_subscription_preferences" and isinstance(raw, dict):
        for topic, flag in (raw.get("topics") or {}).items():
            person.topics[str(topic)] = bool(flag)
        changes[name] = {"from": None, "to": person.topics}
        return
    if name.startswith("cio_subscription_preferences.topics."):
        person.topics[name.rsplit(".", 1)[1]] = raw in TRUE_VALUES
        changes[name] = {"from": None, "to": raw}
        return
    if name == "cio_relationships":
        changes[name] = {"from": None, "to": raw}
        return
    old = person.attributes.get(name)
    if raw is None or raw == "":
        if name in person.attributes:
            del person.attributes[name]
            person.timestamps.pop(name, None)
            changes[name] = {"from": as_string(old), "to": None}
        return
    if old != raw:
        changes[name] = {"from": None if old is None else as_string(old), "to": as_string(raw)}
    person.attributes[name] = raw
    person.timestamps[name] = stamp


def delete(ws: Workspace, person: Person, *, type_: str = "profile_delete", data: Any = None) -> None:
    """Remove a profile; its activities stay in the workspace log, flagged as deleted."""
    for entry in ws.activities:
        if entry.get("_cio") == person.cio_id:
            entry["_deleted"] = True
    record(ws, person, type_, data=data or {})["_deleted"] = True
    ws.remove_person(person)


def add_device(ws: Workspace, person: Person, device: JsonDict) -> None:
    token = str(device.get("id") or device.get("token"))
    attrs = dict(device.get("attributes") or {})
    for key, val in device.items():
        if key not in ("id", "token", "platform", "last_used", "attributes", "_last_status"):
            attrs[key] = val
    entry: JsonDict = {"id": token, "platform": device.get("platform"), "last_used": device.get("last_used")}
    if entry["last_used"] is None:
        entry["last_used"] = int(time.time())
    entry["attributes"] = {k: as_string(v) for k, v in attrs.items()}
    person.devices[token] = entry
    record(
        ws, person, "device_change", data={"device_id": token, "platform": entry["platform"], "action": "add"}
    )


def delete_device(ws: Workspace, person: Person, token: str) -> None:
    existed = person.devices.pop(token, None) is not None
    record(ws, person, "device_change", data={"device_id": token, "action": "delete", "existed": existed})


def suppress(ws: Workspace, kind: str, value: str) -> None:
    """Delete the profile and block its identifiers from being added again."""
    person = find(ws, kind, value)
    keys = {f"{kind}:{value.lower() if kind == 'email' else value}"}
    if person is not None:
        if person.id is not None:
            keys.add(f"id:{person.id}")
        if person.email:
            keys.add(f"email:{person.email.lower()}")
        delete(ws, person, type_="profile_suppress", data={"suppressed": True})
    else:
        record(ws, None, "profile_suppress", data={"identifier": value})
    ws.suppressed.update(k for k in keys if not k.startswith("cio_id:"))


def unsuppress(ws: Workspace, kind: str, value: str) -> None:
    """Allow the identifier again (the deleted profile is not restored)."""
    ws.suppressed.discard(f"{kind}:{value.lower() if kind == 'email' else value}")
    record(ws, find(ws, kind, value), "profile_unsuppress", data={"identifier": value})


def merge(ws: Workspace, primary: Person, secondary: Person) -> None:
    """Fold ``secondary`` into ``primary``: primary's values win, activities and devices move over."""
    if primary is secondary:
        return
    for name, value in secondary.attributes.items():
        if name not in primary.attributes and name != "email":
            primary.attributes[name] = value
            primary.timestamps[name] = secondary.timestamps.get(name, 0)
    for token, device in secondary.devices.items():
        primary.devices.setdefault(token, device)
    primary.segments |= secondary.segments
    for entry in ws.activities:
        if entry.get("_cio") == secondary.cio_id:
            entry["_cio"] = primary.cio_id
    for message in ws.messages:
        if message.get("_cio") == secondary.cio_id:
            message["_cio"] = primary.cio_id
    ws.remove_person(secondary)
    if primary.email is None and secondary.email:
        ws.set_identity(primary, id=primary.id, email=secondary.email)
        primary.attributes["email"] = secondary.email
    if primary.id is None and secondary.id:
        ws.set_identity(primary, id=secondary.id, email=primary.email)
    record(ws, primary, "profile_merge", data={"merged": secondary.identifiers()})


def segment_members(ws: Workspace, segment_id: int, kind: str, values: list[Any], add: bool) -> None:
    """Add or remove people to/from a manual segment; unknown people are created on add (by id/email)."""
    for raw in values:
        value = str(raw)
        person = get_or_create(ws, kind, value) if add else find(ws, kind, value)
        if person is None:
            continue
        if add:
            person.segments.add(segment_id)
        else:
            person.segments.discard(segment_id)
        record(
            ws,
            person,
            "segment_change",
            data={"segment_id": segment_id, "action": "add" if add else "remove"},
        )
