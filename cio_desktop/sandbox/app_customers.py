"""App API customer routes (``/v1/customers...``): find by email, search, attributes, segments,
messages, activities, relationships and subscription preferences."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from cio_desktop.sandbox.activity import person_activities, public_activity
from cio_desktop.sandbox.app_shapes import people_page, shape_message
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.paging import PagingError, offset_page, page, parse_limit
from cio_desktop.sandbox.people_ops import as_string
from cio_desktop.sandbox.replies import BodyError, app_bad_request, app_not_found, read_json, reply
from cio_desktop.sandbox.state import JsonDict, Person, Workspace

routes = web.RouteTableDef()
SIX_MONTHS_S = 183 * 24 * 3600
ID_TYPES = ("id", "email", "cio_id", "phone")


class Refused(Exception):
    """A request this module answers with an error response."""

    def __init__(self, response: web.Response) -> None:
        super().__init__("refused")
        self.response = response


def _lookup(ws: Workspace, id_type: str, value: str) -> Person | None:
    if id_type == "email":
        found = ws.by_email(value)
        return found[0] if found else None
    if id_type == "cio_id":
        return ws.by_cio_id(value)
    return ws.by_id(value)


def _id_type(request: web.Request) -> str:
    id_type = request.query.get("id_type", "id") or "id"
    if id_type not in ID_TYPES:
        raise Refused(app_bad_request([f"id_type must be one of {', '.join(ID_TYPES)}"]))
    if id_type == "phone":
        raise Refused(app_bad_request(["phone is not an identifier in this workspace"]))
    return id_type


def _person(request: web.Request) -> Person:
    person = _lookup(ctx(request).ws, _id_type(request), request.match_info["customer_id"])
    if person is None:
        raise Refused(app_not_found("customer not found"))
    return person


def _topics(ws: Workspace, person: Person) -> list[JsonDict]:
    out = []
    for topic in ws.topics:
        key = f"topic_{topic['id']}"
        subscribed = person.topics.get(key, bool(topic.get("default", True)))
        out.append(
            {
                "id": topic["id"],
                "subscribed": subscribed,
                "name": topic["name"],
                "description": topic["description"],
            }
        )
    return out


def customer_view(ws: Workspace, person: Person) -> JsonDict:
    """The ``customer`` object of the attributes endpoint (all attribute values as strings)."""
    attributes = {name: as_string(value) for name, value in person.attributes.items()}
    attributes["cio_id"] = person.cio_id
    if person.id is not None:
        attributes["id"] = person.id
    if person.email:
        attributes["email"] = person.email
    computed = {"topics": {f"topic_{t['id']}": t["subscribed"] for t in _topics(ws, person)}}
    if person.topics:
        attributes["cio_subscription_preferences"] = json.dumps(
            {"topics": person.topics}, separators=(",", ":")
        )
    attributes["_cio_subscription_preferences_computed"] = json.dumps(computed, separators=(",", ":"))
    timestamps = dict(person.timestamps)
    timestamps.setdefault("cio_id", person.created)
    timestamps["_cio_subscription_preferences_computed"] = 0
    devices = [dict(d) for d in person.devices.values()]
    view: JsonDict = {"id": person.id} if person.id is not None else {}  # absent, never null
    return view | {
        "identifiers": person.identifiers(),
        "attributes": attributes,
        "timestamps": timestamps,
        "unsubscribed": person.unsubscribed,
        "devices": devices,
    }


def _guard(handler: Any) -> Any:
    """Answer a refused request, a bad paging cursor or an unreadable body with its error response."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except Refused as exc:
            return exc.response
        except (PagingError, BodyError) as exc:
            return app_bad_request([str(exc)])
        return response

    wrapped.__name__ = handler.__name__
    return wrapped


@routes.get("/v1/customers")
@_guard
async def find_by_email(request: web.Request) -> web.Response:
    email = request.query.get("email")
    if email is None or not email.strip():
        return app_bad_request(["email is required"])
    people = ctx(request).ws.by_email(email.strip())
    return reply({"results": [p.identifiers() for p in people]})


def _matches(ws: Workspace, person: Person, node: Any) -> bool:
    if not isinstance(node, dict) or len(node) != 1:
        raise Refused(
            app_bad_request(["filter must be an object with one of and, or, not, segment, attribute"])
        )
    key, value = next(iter(node.items()))
    if key == "and":
        return all(_matches(ws, person, n) for n in value)
    if key == "or":
        return any(_matches(ws, person, n) for n in value)
    if key == "not":
        return not _matches(ws, person, value)
    if key == "segment":
        return int(value.get("id", -1)) in person.segments
    if key == "attribute":
        field, op = str(value.get("field", "")), value.get("operator", "eq")
        have = customer_view(ws, person)["attributes"].get(field)
        if op == "exists":
            return have is not None
        if op == "eq":
            return have is not None and have == as_string(value.get("value"))
        raise Refused(app_bad_request([f"unsupported operator {op!r} (the sandbox knows eq and exists)"]))
    raise Refused(app_bad_request([f"unknown filter {key!r}"]))


@routes.post("/v1/customers")
@_guard
async def search(request: web.Request) -> web.Response:
    body = await read_json(request, allow_empty=False)
    if not isinstance(body, dict) or "filter" not in body:
        return app_bad_request(["filter is required"])
    ws = ctx(request).ws
    limit = parse_limit(request.query.get("limit"), 50, 1000, clamp=True)
    people = sorted(ws.people.values(), key=lambda p: (p.created, p.cio_id))
    matched = [p for p in people if _matches(ws, p, body["filter"])]
    chunk, nxt = offset_page(matched, request.query.get("start"), limit)
    return reply(people_page(chunk, nxt))


@routes.post("/v1/customers/attributes")
@_guard
async def bulk_attributes(request: web.Request) -> web.Response:
    body = await read_json(request, allow_empty=False)
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        return app_bad_request(["ids must be a list of 1 to 100 identifiers"])
    ws, id_type = ctx(request).ws, _id_type(request)
    found = [p for p in (_lookup(ws, id_type, str(v)) for v in ids) if p is not None]
    return reply({"customers": [{"customer": customer_view(ws, p)} for p in found]})


@routes.get("/v1/customers/{customer_id}/attributes")
@_guard
async def attributes(request: web.Request) -> web.Response:
    person = _person(request)
    return reply({"customer": customer_view(ctx(request).ws, person)})


@routes.get("/v1/customers/{customer_id}/segments")
@_guard
async def segments(request: web.Request) -> web.Response:
    person = _person(request)
    ws = ctx(request).ws
    found = [ws.segments[s] for s in sorted(person.segments) if s in ws.segments]
    return reply(
        {"segments": [{"id": s["id"], "name": s["name"], "description": s["description"]} for s in found]}
    )


@routes.get("/v1/customers/{customer_id}/messages")
@_guard
async def messages(request: web.Request) -> web.Response:
    person = _person(request)
    ws = ctx(request).ws
    limit = parse_limit(request.query.get("limit"), 50, 1000, clamp=True)
    try:
        start_ts = int(request.query["start_ts"]) if request.query.get("start_ts") else None
        end_ts = int(request.query["end_ts"]) if request.query.get("end_ts") else None
    except ValueError:
        return app_bad_request(["start_ts and end_ts must be unix timestamps"])
    mine = [m for m in ws.messages if m.get("_cio") == person.cio_id]
    if start_ts is None and end_ts is None:
        end_ts = int(time.time())
    newest = end_ts if end_ts is not None else max((m["created"] for m in mine), default=int(time.time()))
    oldest = max(start_ts or 0, newest - SIX_MONTHS_S)
    mine = [m for m in mine if oldest <= m["created"] <= newest]
    items, nxt = page(mine, request.query.get("start"), limit, ts_key="created", render=shape_message)
    return reply({"messages": items, "next": nxt})


def _activity_matches(entry: JsonDict, type_: str | None, name: str | None) -> bool:
    if type_ and entry["type"] != type_:
        return False
    if name:
        data = entry.get("data")
        in_data = entry["type"] == "attribute_change" and isinstance(data, dict) and name in data
        return entry.get("name") == name or in_data
    return True


@routes.get("/v1/customers/{customer_id}/activities")
@_guard
async def activities(request: web.Request) -> web.Response:
    person = _person(request)
    ws = ctx(request).ws
    limit = parse_limit(request.query.get("limit"), 10, 100, clamp=False)
    type_, name = request.query.get("type"), request.query.get("name")
    mine = [a for a in person_activities(ws, person) if _activity_matches(a, type_, name)]
    items, nxt = page(mine, request.query.get("start"), limit, render=lambda a: public_activity(ws, a))
    return reply({"activities": items, "next": nxt})


@routes.get("/v1/customers/{customer_id}/relationships")
@_guard
async def relationships(request: web.Request) -> web.Response:
    _person(request)
    return reply({"cio_relationships": [], "next": ""})


@routes.get("/v1/customers/{customer_id}/subscription_preferences")
@_guard
async def subscription_preferences(request: web.Request) -> web.Response:
    person = _person(request)
    ws = ctx(request).ws
    return reply(
        {
            "customer": ({"id": person.id} if person.id is not None else {})
            | {
                "identifiers": person.identifiers(),
                "topics": _topics(ws, person),
                "unsubscribed": person.unsubscribed,
                "header": {"title": "Email preferences", "subtitle": f"Choose what {ws.name} sends you"},
            }
        }
    )
