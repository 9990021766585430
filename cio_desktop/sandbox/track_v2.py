"""Track API v2 routes: ``POST /api/v2/entity`` (one operation) and ``POST /api/v2/batch``.

Every operation is validated first; invalid ones are reported (400 for ``/entity``, 207 with
``batch_index`` for ``/batch``) and valid ones are applied. Phone is not an identifier in the sandbox.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cio_desktop.sandbox import activity, people_ops
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.limits import (
    MAX_BATCH_BYTES,
    MAX_ENTITY_BYTES,
    check_attributes,
    check_event,
    nbytes,
)
from cio_desktop.sandbox.replies import BodyError, read_json, reply, track_ok
from cio_desktop.sandbox.state import JsonDict, Workspace

routes = web.RouteTableDef()
PERSON_ACTIONS = (
    "identify",
    "delete",
    "event",
    "screen",
    "page",
    "add_device",
    "delete_device",
    "merge",
    "suppress",
    "unsuppress",
    "add_relationships",
    "delete_relationships",
)
OBJECT_ACTIONS = ("identify", "identify_anonymous", "delete", "add_relationships", "delete_relationships")
PERSON_KEYS = ("id", "email", "phone", "cio_id")
DELIVERY_EVENTS = ("opened", "converted", "delivered")


def _err(field: str, message: str, reason: str = "invalid") -> JsonDict:
    return {"reason": reason, "field": field, "message": message}


def _body_error(exc: BodyError) -> web.Response:
    """The 400 answer to a body that could not be read: too large, or not JSON."""
    reason = "too_large" if "larger" in str(exc) else "invalid"
    return reply({"errors": [_err("", str(exc), reason)]}, 400)


def _person_ident(op: JsonDict) -> tuple[str, str] | JsonDict:
    idents = op.get("identifiers")
    if not isinstance(idents, dict) or len(idents) != 1:
        return _err(
            "identifiers", "identifiers must have exactly one of id, email, phone or cio_id", "required"
        )
    kind, value = next(iter(idents.items()))
    if kind not in PERSON_KEYS or value in (None, ""):
        return _err("identifiers", "identifiers must have exactly one of id, email, phone or cio_id")
    if kind == "phone":
        return _err("identifiers.phone", "phone is not an identifier in this workspace")
    if nbytes(str(value)) > 150:
        return _err(f"identifiers.{kind}", "identifier is longer than 150 bytes")
    return kind, str(value)


def validate(op: Any) -> JsonDict | None:
    """The first problem with one operation, or None."""
    if not isinstance(op, dict):
        return _err("", "operation must be a JSON object")
    if nbytes(op) > MAX_ENTITY_BYTES:
        return _err("", f"operation is larger than {MAX_ENTITY_BYTES} bytes", "too_large")
    kind, action = op.get("type"), op.get("action")
    if kind == "person":
        if action not in PERSON_ACTIONS:
            return _err("action", f"unsupported person action {action!r}")
        if action == "merge":
            for side in ("primary", "secondary"):
                value = op.get(side)
                if (
                    not isinstance(value, dict)
                    or len(value) != 1
                    or next(iter(value)) not in ("id", "email", "cio_id")
                ):
                    return _err(side, f"{side} must have exactly one of id, email or cio_id", "required")
            return None
        ident = _person_ident(op)
        if isinstance(ident, dict):
            return ident
        attrs = op.get("attributes")
        if attrs is not None and not isinstance(attrs, dict):
            return _err("attributes", "attributes must be an object")
        if action == "identify" and attrs:
            problems = check_attributes(attrs)
            if problems:
                return _err("attributes", problems[0])
        if action in ("event", "screen", "page"):
            problems = check_event(
                {"name": op.get("name"), "id": op.get("id"), "timestamp": op.get("timestamp"), "data": attrs}
            )
            if problems:
                return _err("name" if "name" in problems[0] else "", problems[0])
        if action in ("add_device", "delete_device"):
            device = op.get("device")
            if not isinstance(device, dict) or not device.get("token"):
                return _err("device.token", "device.token is required", "required")
            if action == "add_device" and device.get("platform") not in (None, "ios", "android"):
                return _err("device.platform", "platform must be ios or android")
        return None
    if kind == "object":
        if action not in OBJECT_ACTIONS:
            return _err("action", f"unsupported object action {action!r}")
        idents = op.get("identifiers")
        ok = isinstance(idents, dict) and (
            (idents.get("object_type_id") and idents.get("object_id")) or idents.get("cio_object_id")
        )
        return (
            None
            if ok
            else _err(
                "identifiers", "object_type_id and object_id (or cio_object_id) are required", "required"
            )
        )
    if kind == "delivery":
        if action != "event" or op.get("name") not in DELIVERY_EVENTS:
            return _err("name", "delivery events must be opened, converted or delivered")
        if not isinstance(op.get("identifiers"), dict) or not op["identifiers"].get("id"):
            return _err("identifiers.id", "the delivery id is required", "required")
        if not (op.get("attributes") or {}).get("device_token"):
            return _err("attributes.device_token", "device_token is required", "required")
        return None
    return _err("type", "type must be person, object or delivery")


def apply(ws: Workspace, op: JsonDict) -> None:
    """Carry out one valid operation."""
    kind, action = op["type"], op["action"]
    if kind == "object":
        idents = op["identifiers"]
        key = str(idents.get("cio_object_id") or f"{idents['object_type_id']}:{idents['object_id']}")
        if action == "delete":
            ws.objects.pop(key, None)
        else:
            obj = ws.objects.setdefault(key, {**idents, "attributes": {}})
            obj["attributes"].update(op.get("attributes") or {})
        activity.record(ws, None, f"object_{action}", data={"object": key})
        return
    if kind == "delivery":
        activity.record(
            ws,
            None,
            f"delivery_{op['name']}",
            name=op["name"],
            data=op.get("attributes") or {},
            delivery_id=str(op["identifiers"]["id"]),
            timestamp=op.get("timestamp"),
        )
        return
    if action == "merge":
        primary = people_ops.find(ws, *map(str, next(iter(op["primary"].items()))))
        secondary = people_ops.find(ws, *map(str, next(iter(op["secondary"].items()))))
        if primary is not None and secondary is not None:
            people_ops.merge(ws, primary, secondary)
        return
    ident = _person_ident(op)
    assert isinstance(ident, tuple)
    id_kind, value = ident
    if action == "identify":
        people_ops.identify(ws, id_kind, value, op.get("attributes") or {})
    elif action == "delete":
        person = people_ops.find(ws, id_kind, value)
        if person is not None:
            people_ops.delete(ws, person)
    elif action in ("event", "screen", "page"):
        person = people_ops.get_or_create(ws, id_kind, value)
        if person is not None:
            body = {
                "name": op["name"],
                "id": op.get("id"),
                "timestamp": op.get("timestamp"),
                "data": op.get("attributes") or {},
                "type": "event" if action == "event" else action,
            }
            activity.track_person_event(ws, person, body)
    elif action == "add_device":
        person = people_ops.get_or_create(ws, id_kind, value)
        if person is not None:
            device = dict(op["device"])
            device["id"] = device.pop("token")
            people_ops.add_device(ws, person, device)
    elif action == "delete_device":
        person = people_ops.find(ws, id_kind, value)
        if person is not None:
            people_ops.delete_device(ws, person, str(op["device"]["token"]))
    elif action == "suppress":
        people_ops.suppress(ws, id_kind, value)
    elif action == "unsuppress":
        people_ops.unsuppress(ws, id_kind, value)
    else:
        activity.record(
            ws, people_ops.find(ws, id_kind, value), action, data=op.get("cio_relationships") or {}
        )


@routes.post("/api/v2/entity")
async def entity(request: web.Request) -> web.Response:
    try:
        op = await read_json(request, allow_empty=False, max_bytes=MAX_ENTITY_BYTES)
    except BodyError as exc:
        return _body_error(exc)
    problem = validate(op)
    if problem is not None:
        return reply({"errors": [problem]}, 400)
    c = ctx(request)
    apply(c.ws, op)
    c.changed()
    return track_ok()


@routes.post("/api/v2/batch")
async def batch(request: web.Request) -> web.Response:
    try:
        body = await read_json(request, allow_empty=False, max_bytes=MAX_BATCH_BYTES)
    except BodyError as exc:
        return _body_error(exc)
    ops = body.get("batch") if isinstance(body, dict) else None
    if not isinstance(ops, list) or not ops:
        return reply(
            {"errors": [_err("batch", "batch must be a non-empty list of operations", "required")]}, 400
        )
    c = ctx(request)
    errors = []
    for index, op in enumerate(ops):
        problem = validate(op)
        if problem is not None:
            errors.append({"batch_index": index, **problem})
        else:
            apply(c.ws, op)
    c.changed()
    return reply({"errors": errors}, 207) if errors else track_ok()
