"""Track API v1 routes (``/api/v1/...``): region, identify, delete, devices, suppress, events, merge,
manual segments, forms and delivery metrics."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cio_desktop.sandbox import activity, people_ops
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.limits import MAX_SEGMENT_IDS, MAX_V1_BODY_BYTES, check_attributes, check_identifier
from cio_desktop.sandbox.replies import BodyError, meta_error, read_json, reply, track_errors, track_ok

routes = web.RouteTableDef()
MERGE_KEYS = ("id", "email", "cio_id")


async def _body(request: web.Request) -> Any:
    return await read_json(request, max_bytes=MAX_V1_BODY_BYTES)


def _ident(request: web.Request) -> tuple[str, str]:
    return people_ops.classify_v1(request.match_info["identifier"])


@routes.get("/api/v1/accounts/region")
async def region(request: web.Request) -> web.Response:
    c = ctx(request)
    return reply({"url": c.region_url(), "region": c.options.region, "environment_id": c.ws.workspace_id})


@routes.put("/api/v1/customers/{identifier}")
async def identify(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    if not isinstance(body, dict):
        return track_errors(["request body must be a JSON object"])
    kind, value = _ident(request)
    errors = check_identifier(value) + check_attributes(body)
    if errors:
        return track_errors(errors)
    c = ctx(request)
    people_ops.identify(c.ws, kind, value, body)
    c.changed()
    return track_ok()


@routes.delete("/api/v1/customers/{identifier}")
async def delete(request: web.Request) -> web.Response:
    c = ctx(request)
    person = people_ops.find(c.ws, *_ident(request))
    if person is not None:
        people_ops.delete(c.ws, person)
        c.changed()
    return track_ok()


@routes.put("/api/v1/customers/{identifier}/devices")
async def add_device(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    device = body.get("device") if isinstance(body, dict) else None
    if not isinstance(device, dict):
        return track_errors(["device is required"])
    errors = []
    if not device.get("id"):
        errors.append("device id is required")
    if device.get("platform") not in ("ios", "android"):
        errors.append("device platform must be ios or android")
    if errors:
        return track_errors(errors)
    c = ctx(request)
    person = people_ops.get_or_create(c.ws, *_ident(request))
    if person is not None:
        people_ops.add_device(c.ws, person, device)
        c.changed()
    return track_ok()


@routes.delete("/api/v1/customers/{identifier}/devices/{device_id}")
async def delete_device(request: web.Request) -> web.Response:
    c = ctx(request)
    person = people_ops.find(c.ws, *_ident(request))
    if person is not None:
        people_ops.delete_device(c.ws, person, request.match_info["device_id"])
        c.changed()
    return track_ok()


@routes.post("/api/v1/customers/{identifier}/suppress")
async def suppress(request: web.Request) -> web.Response:
    c = ctx(request)
    people_ops.suppress(c.ws, *_ident(request))
    c.changed()
    return track_ok()


@routes.post("/api/v1/customers/{identifier}/unsuppress")
async def unsuppress(request: web.Request) -> web.Response:
    c = ctx(request)
    people_ops.unsuppress(c.ws, *_ident(request))
    c.changed()
    return track_ok()


@routes.post("/api/v1/customers/{identifier}/events")
async def person_event(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    errors = activity.validate_event(body)
    if errors:
        return track_errors(errors)
    c = ctx(request)
    person = people_ops.get_or_create(c.ws, *_ident(request))
    if person is not None:
        activity.track_person_event(c.ws, person, body)
        c.changed()
    return track_ok()


@routes.post("/api/v1/events")
async def anonymous_event(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    errors = activity.validate_event(body, anonymous=True)
    if errors:
        return track_errors(errors)
    c = ctx(request)
    activity.track_anonymous_event(c.ws, body)
    c.changed()
    return track_ok()


def merge_side(value: Any, label: str) -> tuple[str, str] | str:
    """``(kind, value)`` of a merge side, or an error text."""
    if not isinstance(value, dict) or len(value) != 1:
        return f"{label} must have exactly one of id, email or cio_id"
    kind, raw = next(iter(value.items()))
    if kind not in MERGE_KEYS or raw in (None, ""):
        return f"{label} must have exactly one of id, email or cio_id"
    return kind, str(raw)


@routes.post("/api/v1/merge_customers")
async def merge_customers(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return meta_error(str(exc))
    if not isinstance(body, dict):
        return meta_error("request body must be a JSON object")
    sides = [merge_side(body.get("primary"), "primary"), merge_side(body.get("secondary"), "secondary")]
    for side in sides:
        if isinstance(side, str):
            return meta_error(side)
    c = ctx(request)
    primary, secondary = (people_ops.find(c.ws, *side) for side in sides if not isinstance(side, str))
    if primary is not None and secondary is not None:
        people_ops.merge(c.ws, primary, secondary)
        c.changed()
    else:
        activity.record(c.ws, primary, "failed_profile_merge", data={"reason": "person not found"})
    return track_ok()


async def _segment_change(request: web.Request, add: bool) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_SEGMENT_IDS:
        return track_errors([f"ids must be a list of 1 to {MAX_SEGMENT_IDS} identifiers"])
    id_type = request.query.get("id_type", "id")
    if id_type not in MERGE_KEYS:
        return track_errors(["id_type must be id, email or cio_id"])
    c = ctx(request)
    try:
        segment_id = int(request.match_info["segment_id"])
    except ValueError:
        segment_id = -1
    segment = c.ws.segments.get(segment_id)
    if segment is None or segment.get("type") != "manual":
        return track_errors(["segment not found or not a manual segment"])
    people_ops.segment_members(c.ws, segment_id, id_type, ids, add)
    c.changed()
    return track_ok()


@routes.post("/api/v1/segments/{segment_id}/add_customers")
async def add_customers(request: web.Request) -> web.Response:
    return await _segment_change(request, True)


@routes.post("/api/v1/segments/{segment_id}/remove_customers")
async def remove_customers(request: web.Request) -> web.Response:
    return await _segment_change(request, False)


@routes.post("/api/v1/forms/{form_id}/submit")
async def form_submit(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not (data.get("email") or data.get("id")):
        return track_errors(["data must include email or id"])
    c = ctx(request)
    kind = "email" if data.get("email") else "id"
    person = people_ops.get_or_create(c.ws, kind, str(data[kind]))
    activity.record(c.ws, person, "form_submit", name=request.match_info["form_id"], data=data)
    c.changed()
    return web.Response(status=204)


@routes.post("/api/v1/metrics")
async def metrics(request: web.Request) -> web.Response:
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    if not isinstance(body, dict) or not body.get("delivery_id") or not body.get("metric"):
        return track_errors(["delivery_id and metric are required"])
    c = ctx(request)
    activity.record(
        c.ws,
        None,
        "delivery_metric",
        name=str(body["metric"]),
        data=body,
        delivery_id=str(body["delivery_id"]),
    )
    c.changed()
    return track_ok()


@routes.post("/api/v1/push/events")
@routes.post("/push/events")
async def push_events(request: web.Request) -> web.Response:
    """Deprecated push metrics (no auth); Ruby and iOS post to the root path."""
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    event = body.get("event") if isinstance(body, dict) else None
    if event not in ("opened", "converted", "delivered") or not body.get("delivery_id"):
        return track_errors(["delivery_id and event (opened, converted or delivered) are required"])
    c = ctx(request)
    activity.record(
        c.ws, None, f"{event}_push", data=body, delivery_id=str(body["delivery_id"]), delivery_type="ios"
    )
    c.changed()
    return track_ok()


@routes.post("/unsubscribe/{delivery_id}")
async def unsubscribe(request: web.Request) -> web.Response:
    """Custom unsubscribe link handling (no auth; the JSON content type is required)."""
    if request.content_type != "application/json":
        return track_errors(["Content-Type must be application/json"])
    try:
        body = await _body(request)
    except BodyError as exc:
        return track_errors([str(exc)])
    c = ctx(request)
    delivery_id = request.match_info["delivery_id"]
    message = next((m for m in c.ws.messages if m["id"] == delivery_id), None)
    if message is None:
        return track_errors(["delivery_id is not valid"])
    person = c.ws.people.get(message.get("_cio") or "")
    if isinstance(body, dict) and body.get("unsubscribe") is True and person is not None:
        person.unsubscribed = True
        person.attributes["unsubscribed"] = True
        activity.record(c.ws, person, "unsubscribed_email", delivery_id=delivery_id, delivery_type="email")
        c.changed()
    return track_ok()
