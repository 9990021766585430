"""Response helpers: JSON bodies in Customer.io's shapes, always ``application/json; charset=utf-8``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

CONTENT_TYPE = "application/json"


def dumps(data: Any) -> bytes:
    """Compact JSON as Customer.io sends it."""
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=dumps(data), status=status, content_type=CONTENT_TYPE, charset="utf-8", headers=headers
    )


def track_ok() -> web.Response:
    """Track success: exactly 200 with ``{}`` plus a newline (content-length 3, as recorded live)."""
    return web.Response(body=b"{}\n", status=200, content_type=CONTENT_TYPE, charset="utf-8")


def track_errors(messages: list[str], status: int = 400) -> web.Response:
    return reply({"meta": {"errors": messages}}, status)


def meta_error(message: str, status: int = 400) -> web.Response:
    return reply({"meta": {"error": message}}, status)


def track_unauthorized() -> web.Response:
    return meta_error("Unauthorized request", 401)


def app_error(status: int, detail: str, headers: dict[str, str] | None = None) -> web.Response:
    return reply({"errors": [{"detail": detail, "status": str(status)}]}, status, headers)


def app_bad_request(messages: list[str]) -> web.Response:
    """An App API 400: ``{"errors":[{"detail","status":"400"}, ...]}`` (not the Track ``meta`` shape)."""
    return reply({"errors": [{"detail": m, "status": "400"} for m in messages]}, 400)


def app_unauthorized() -> web.Response:
    return app_error(401, "unauthorized")


def app_not_found(detail: str = "not found") -> web.Response:
    return app_error(404, detail)


async def read_body(request: web.Request) -> bytes:
    """The whole body, within ``BODY_TIMEOUT_S``: a trickling body gets 408 and its connection is
    closed (a slow client cannot hold the server); an unpackable gzip body raises ``BodyError``."""
    from cio_desktop.sandbox.hardening import BODY_TIMEOUT_S

    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            return await request.read()
    except TimeoutError:
        request.protocol.keep_alive(False)  # answer, then close: the rest of the body is not awaited
        raise web.HTTPRequestTimeout(reason="the request body did not arrive in time") from None
    except web.RequestPayloadError:
        raise BodyError("request body could not be decoded (Content-Encoding)") from None


class BodyError(Exception):
    """The request body is not the JSON the endpoint needs."""


async def read_json(request: web.Request, *, allow_empty: bool = True, max_bytes: int | None = None) -> Any:
    """The parsed JSON body (``{}`` when empty and allowed); raises ``BodyError``, also for a body
    that cannot be unpacked (a broken ``Content-Encoding: gzip``)."""
    raw = await read_body(request)
    if max_bytes is not None and len(raw) > max_bytes:
        raise BodyError(f"request body is larger than {max_bytes} bytes")
    if not raw.strip():
        if allow_empty:
            return {}
        raise BodyError("request body is empty")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BodyError(f"request body is not valid JSON: {exc.__class__.__name__}") from None
