"""App API workspace routes: segments, workspaces, the activity log, exports, transactional sends,
broadcast triggers."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from aiohttp import web

from cio_desktop.sandbox.activity import public_activity, record
from cio_desktop.sandbox.app_shapes import people_page
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.paging import PagingError, offset_page, page, parse_limit
from cio_desktop.sandbox.replies import (
    BodyError,
    app_bad_request,
    app_error,
    app_not_found,
    meta_error,
    read_json,
    reply,
)
from cio_desktop.sandbox.state import JsonDict

routes = web.RouteTableDef()
SEND_KINDS = ("email", "push", "sms", "in_app", "inbox_message", "whatsapp")
MAX_RECIPIENTS = 15
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_SEND_BYTES = 1024 * 1024 + 4 * MAX_ATTACHMENT_BYTES // 3
TRIGGER_INTERVAL_S = 10.0


def _segment(request: web.Request) -> JsonDict | None:
    try:
        return ctx(request).ws.segments.get(int(request.match_info["segment_id"]))
    except ValueError:
        return None


@routes.get("/v1/segments")
async def list_segments(request: web.Request) -> web.Response:
    return reply({"segments": list(ctx(request).ws.segments.values())})


@routes.get("/v1/segments/{segment_id}")
async def get_segment(request: web.Request) -> web.Response:
    segment = _segment(request)
    return reply({"segment": segment}) if segment else app_not_found("segment not found")


@routes.get("/v1/segments/{segment_id}/customer_count")
async def segment_count(request: web.Request) -> web.Response:
    segment = _segment(request)
    if segment is None:
        return app_not_found("segment not found")
    ws = ctx(request).ws
    return reply({"count": sum(1 for p in ws.people.values() if segment["id"] in p.segments)})


@routes.get("/v1/segments/{segment_id}/membership")
async def segment_membership(request: web.Request) -> web.Response:
    segment = _segment(request)
    if segment is None:
        return app_not_found("segment not found")
    ws = ctx(request).ws
    try:
        limit = parse_limit(request.query.get("limit"), 30, 1000, clamp=True)
        members = sorted(
            (p for p in ws.people.values() if segment["id"] in p.segments), key=lambda p: p.cio_id
        )
        chunk, nxt = offset_page(members, request.query.get("start"), limit)
    except PagingError as exc:
        return app_bad_request([str(exc)])
    return reply(people_page(chunk, nxt))


@routes.get("/v1/workspaces")
async def workspaces(request: web.Request) -> web.Response:
    ws = ctx(request).ws
    sent = len(ws.messages)
    item = {
        "id": ws.workspace_id,
        "name": ws.name,
        "messages_sent": sent,
        "billable_messages_sent": sent,
        "people": len(ws.people),
        "object_types": len({o.get("object_type_id") for o in ws.objects.values()}),
        "objects": len(ws.objects),
    }
    return reply({"workspaces": [item]})


@routes.get("/v1/exports")
async def exports(request: web.Request) -> web.Response:
    return reply({"exports": None})


@routes.get("/v1/activities")
async def workspace_activities(request: web.Request) -> web.Response:
    ws = ctx(request).ws
    q = request.query
    try:
        limit = parse_limit(q.get("limit"), 10, 100, clamp=False)
        entries = [a for a in ws.activities if q.get("deleted") == "true" or not a.get("_deleted")]
        if q.get("customer_id"):
            id_type = q.get("id_type", "id")
            value = q["customer_id"]
            if id_type == "cio_id" and not value.startswith("cio_"):
                return app_bad_request(["customer_id must start with cio_ when id_type is cio_id"])
            entries = [a for a in entries if _belongs(a, id_type, value)]
        if q.get("type"):
            entries = [a for a in entries if a["type"] == q["type"]]
        if q.get("name"):
            entries = [a for a in entries if a.get("name") == q["name"]]
        items, nxt = page(entries, q.get("start"), limit, render=lambda a: public_activity(ws, a))
    except PagingError as exc:
        return app_bad_request([str(exc)])
    return reply({"activities": items, "next": nxt})


def _belongs(entry: JsonDict, id_type: str, value: str) -> bool:
    idents = entry.get("customer_identifiers") or {}
    if id_type == "cio_id":
        return entry.get("_cio") == value.removeprefix("cio_")
    if id_type == "email":
        return str(idents.get("email") or "").lower() == value.lower()
    return idents.get("id") == value


def _recipients(body: JsonDict) -> int:
    total = 0
    for key in ("to", "cc", "bcc"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            total += len([p for p in value.split(",") if p.strip()])
    return total


def _check_send(kind: str, body: Any) -> tuple[str, int] | None:
    """An error ``(message, status)`` for a transactional send body, or None."""
    if not isinstance(body, dict):
        return "request body must be a JSON object", 400
    idents = body.get("identifiers")
    if (
        not isinstance(idents, dict)
        or len(idents) != 1
        or next(iter(idents)) not in ("id", "email", "cio_id")
    ):
        return "identifiers must contain exactly one of id, email or cio_id", 400
    if kind == "email":
        if not isinstance(body.get("to"), str) or not body["to"].strip():
            return "to is required", 400
        if _recipients(body) > MAX_RECIPIENTS:
            return f"too many recipients: at most {MAX_RECIPIENTS} across to, cc and bcc", 400
    attachments = body.get("attachments") or {}
    if not isinstance(attachments, dict):
        return "attachments must be an object of filename to base64 content", 400
    size = 0
    for name, content in attachments.items():
        try:
            size += len(base64.b64decode(str(content), validate=True))
        except (binascii.Error, ValueError):
            return f"attachment {name} is not valid base64", 400
    if size > MAX_ATTACHMENT_BYTES:
        return "Total attachment size exceeds the limit", 413
    return None


@routes.post("/v1/send/{kind}")
async def send(request: web.Request) -> web.Response:
    kind = request.match_info["kind"]
    if kind not in SEND_KINDS:
        return app_not_found()
    try:
        body = await read_json(request, allow_empty=False, max_bytes=MAX_SEND_BYTES)
    except BodyError as exc:
        return meta_error(str(exc))
    problem = _check_send(kind, body)
    if problem is not None:
        return meta_error(*problem)
    c = ctx(request)
    ws = c.ws
    ((id_type, value),) = body["identifiers"].items()
    from cio_desktop.sandbox.people_ops import find

    person = find(ws, id_type, str(value))
    now = int(time.time())
    delivery_id = ws.new_delivery_id()
    message = {
        "id": delivery_id,
        "deduplicate_id": f"{delivery_id}:{now}",
        "msg_template_id": None,
        "customer_id": person.id if person else None,
        "customer_identifiers": person.identifiers() if person else None,
        "campaign_id": None,
        "action_id": None,
        "transactional_message_id": body.get("transactional_message_id", 1),
        "recipient": body.get("to") or (person.email if person else None),
        "subject": body.get("subject") or f"Transactional message {body.get('transactional_message_id', 1)}",
        "metrics": {"sent": now},
        "created": now,
        "failure_message": None,
        "newsletter_id": None,
        "content_id": None,
        "broadcast_id": None,
        "type": "email" if kind == "email" else kind,
        "forgotten": False,
        "_cio": person.cio_id if person else None,
    }
    ws.messages.append(message)
    record(
        ws,
        person,
        f"sent_{kind}",
        delivery_id=delivery_id,
        delivery_type="email" if kind == "email" else None,
        data={"delivery_id": delivery_id, "delivered": None, "opened": None},
    )
    c.changed()
    out: JsonDict = {"delivery_id": delivery_id, "queued_at": now}
    if isinstance(body.get("send_at"), int) and body["send_at"] > now:
        out["send_at"] = body["send_at"]
    return reply(out)


@routes.post("/v1/campaigns/{broadcast_id}/triggers")
async def trigger_broadcast(request: web.Request) -> web.Response:
    c = ctx(request)
    key = request.match_info["broadcast_id"]
    now = time.monotonic()
    last = c.triggers.get(key)
    if last is not None and now - last < TRIGGER_INTERVAL_S:
        wait = max(1, int(TRIGGER_INTERVAL_S - (now - last)) + 1)
        return app_error(
            429, "rate limited to 1 requests per 10s (reference sandbox)", {"Retry-After": str(wait)}
        )
    try:
        body = await read_json(request)
    except BodyError as exc:
        return meta_error(str(exc))
    if isinstance(body, dict) and body.get("recipients") == {}:
        return app_error(422, "empty recipients filter is not valid")
    c.triggers[key] = now
    c.ws.next_delivery += 1
    c.changed()
    return reply({"id": c.ws.next_delivery})
