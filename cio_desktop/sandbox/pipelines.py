"""The Pipelines (Data Pipelines / CDP) face: ``/cdp/v1/identify|track|page|screen|group|alias|batch``.

``/cdp`` plays the host ``https://cdp.customer.io`` on the sandbox's one port (``pipelines_url`` in the
JSON line), like ``/api`` plays the Track host and ``/v1`` the App host. Auth: the source's write key as
Basic user with an empty password, or ``Bearer pk_<region>_<write key>`` / ``sk_<region>_<write key>``
(a key of the other region is wrong here).

Strict mode (``X-Strict-Mode: 1``): a wrong key answers 401, bad input or an oversize call (32 KB a call,
500 KB a batch) 400, both as ``{"code","message"}`` (what the official client reads; it also fits the
description's 400 schema, which requires no property). Without it every call answers 200 ``{}`` and
what cannot be taken is dropped, as Customer.io documents. Gzip bodies (``Content-Encoding: gzip``) are
unpacked by aiohttp before the size checks; the 4 MB request cap applies after unpacking.
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiohttp import web

from cio_desktop.sandbox import auth
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.faults import Handler
from cio_desktop.sandbox.pipelines_calls import (
    CALL_TYPES,
    MAX_BATCH_BYTES,
    apply_call,
    check_batch,
    check_call,
)
from cio_desktop.sandbox.replies import BodyError, read_body, read_json, reply, track_ok

PREFIX = "/cdp"
routes = web.RouteTableDef()


def owns(path: str) -> bool:
    """True for paths of the Pipelines face."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def error(status: int, code: str, message: str) -> web.Response:
    """A Pipelines error body, as the official client parses it."""
    return reply({"code": code, "message": message}, status)


def unauthorized() -> web.Response:
    return error(401, "unauthorized", "Unauthorized request: check the source's write key")


def strict(request: web.Request) -> bool:
    return request.headers.get("X-Strict-Mode", "").strip() == "1"


async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth (401 only in strict mode) and Pipelines-shaped 404/405/413 answers for the ``/cdp`` face."""
    c = ctx(request)
    if not auth.pipelines_ok(c.ws, request.headers.get("Authorization"), c.options.region):
        if strict(request):
            return unauthorized()
        with contextlib.suppress(BodyError):
            await read_body(request)  # dropped, as Customer.io does without strict mode
        return track_ok()
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return error(404, "not_found", f"no such Pipelines call: {request.path}")
    except web.HTTPMethodNotAllowed:
        return error(405, "method_not_allowed", "Pipelines calls are POST requests")
    except web.HTTPException as exc:  # e.g. 413 from aiohttp's body size cap, or a broken gzip body
        return error(exc.status, "invalid_request", exc.reason)


def _refuse(request: web.Request, errors: list[str]) -> web.Response:
    """400 with the first problems in strict mode; otherwise 200 and nothing kept."""
    if strict(request):
        return error(400, "invalid_request", "; ".join(errors[:5]))
    return track_ok()


async def _body(request: web.Request, max_bytes: int) -> Any:
    return await read_json(request, allow_empty=False, max_bytes=max_bytes)


def _call_route(kind: str) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            body = await _body(request, max_bytes=MAX_BATCH_BYTES)
        except BodyError as exc:
            return _refuse(request, [f"{kind}: {exc}"])
        if isinstance(body, dict) and body.get("type") not in (None, kind):
            return _refuse(request, [f"{kind}: type must be {kind!r} on /v1/{kind}"])
        errors = check_call(body, kind)
        if errors:
            return _refuse(request, errors)
        c = ctx(request)
        apply_call(c.ws, body, kind)
        c.changed()
        return track_ok()

    handle.__name__ = f"pipelines_{kind}"
    return handle


for _kind in CALL_TYPES:
    routes.post(f"{PREFIX}/v1/{_kind}")(_call_route(_kind))


@routes.post(f"{PREFIX}/v1/batch")
async def batch(request: web.Request) -> web.StreamResponse:
    """Several calls at once; ``context``/``integrations`` of the body apply to every call. In strict
    mode one bad call refuses the whole batch; otherwise the good calls are kept and the bad dropped."""
    try:
        body = await _body(request, max_bytes=MAX_BATCH_BYTES)
    except BodyError as exc:
        message = str(exc).replace("request body is larger than", "the batch is larger than")
        return _refuse(request, [f"batch: {message}"])
    errors = check_batch(body)
    if errors and (strict(request) or not isinstance(body, dict) or not isinstance(body.get("batch"), list)):
        return _refuse(request, errors)
    c = ctx(request)
    shared = {k: body[k] for k in ("context", "integrations") if isinstance(body.get(k), dict)}
    for call in body["batch"]:
        kind = call.get("type") if isinstance(call, dict) else None
        if kind in CALL_TYPES and not check_call(call, kind):
            apply_call(c.ws, {**shared, **call}, kind)
    c.changed()
    return track_ok()
