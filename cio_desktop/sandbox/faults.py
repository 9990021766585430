"""Fault injection: parse ``--fault`` specs and apply them to requests (an aiohttp middleware).

Grammar (one spec per ``--fault``, or per item of ``sb.set_faults([...])``)::

    SPEC   := KIND "=" VALUE [ "@" PREFIX ]
    PREFIX := a path prefix starting with "/", e.g. "@/v1/customers" or "@/api/v2"

    latency=S          wait S seconds (float) before answering
    latency=A-B        wait a random time between A and B seconds
    error=P            share P (0..1) of requests answer 500, 502 or 503 (in turn), not processed
    status=CODE        every request answers CODE (400-599), not processed
    burst429=N         the next N requests answer 429 with Retry-After: 1, not processed
    drop=P             share P of requests: the connection is closed without an answer, not processed
    truncate=P         share P of answers: processed, the body is cut in half and the connection closed
    malformed=P        share P of answers: processed, the body is replaced by broken JSON (status kept)
    trickle=S          every answer is processed, then its body is sent in small pieces over S seconds

"Not processed" faults reject the request before it reaches the handler, so nothing changes; the
others let it change state first (what a client sees when a reply is lost after the work was done).
500 bodies are JSON in the API's error shape; 502/503 bodies are the HTML a load balancer would send.
Random draws use a generator seeded from the sandbox seed, so runs are reproducible. A share of 1 means
every matching request. Several specs combine; ``set_faults`` replaces the whole list (and resets
``burst429`` counters).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

KINDS = ("latency", "error", "status", "burst429", "drop", "truncate", "malformed", "trickle")
SHARE_KINDS = ("error", "drop", "truncate", "malformed")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FaultSpecError(ValueError):
    """A fault spec does not follow the grammar in this module's docstring."""


@dataclass
class Fault:
    kind: str
    low: float
    high: float
    prefix: str | None = None
    remaining: int = 0

    def matches(self, path: str) -> bool:
        return self.prefix is None or path.startswith(self.prefix)


def _number(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FaultSpecError(f"fault {spec!r}: {text!r} is not a number") from None
    if value < 0:
        raise FaultSpecError(f"fault {spec!r}: the value must not be negative")
    return value


def parse_fault(spec: str) -> Fault:
    """One ``Fault`` from a spec string; raises ``FaultSpecError`` with a plain message."""
    text = spec.strip()
    body, at, prefix = text.partition("@")
    if at and not prefix.startswith("/"):
        raise FaultSpecError(f"fault {spec!r}: the part after @ must be a path starting with /")
    kind, eq, value = body.partition("=")
    kind = kind.strip().lower()
    if not eq or kind not in KINDS:
        raise FaultSpecError(f"fault {spec!r}: expected KIND=VALUE with KIND one of {', '.join(KINDS)}")
    value = value.strip()
    fault = Fault(kind=kind, low=0.0, high=0.0, prefix=prefix or None)
    if kind == "latency" and "-" in value:
        low_text, _, high_text = value.partition("-")
        fault.low, fault.high = _number(low_text, spec), _number(high_text, spec)
        if fault.high < fault.low:
            raise FaultSpecError(f"fault {spec!r}: the range must go from low to high")
    else:
        fault.low = fault.high = _number(value, spec)
    if kind in SHARE_KINDS and fault.low > 1:
        raise FaultSpecError(f"fault {spec!r}: the share must be between 0 and 1")
    if kind == "status" and not (400 <= fault.low <= 599 and fault.low.is_integer()):
        raise FaultSpecError(f"fault {spec!r}: the status must be a whole number from 400 to 599")
    if kind == "burst429":
        if not fault.low.is_integer():
            raise FaultSpecError(f"fault {spec!r}: the count must be a whole number")
        fault.remaining = int(fault.low)
    return fault


def parse_faults(specs: Iterable[str]) -> list[Fault]:
    return [parse_fault(s) for s in specs]


def _html(status: int, reason: str) -> web.Response:
    text = (
        f"<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>"
    )
    return web.Response(status=status, text=text, content_type="text/html")


def error_response(path: str, status: int) -> web.Response:
    """The answer an injected error gives, in the shape that part of the API uses."""
    from cio_desktop.sandbox.replies import app_error, meta_error

    if status == 502:
        return _html(502, "Bad Gateway")
    if status == 503:
        return _html(503, "Service Unavailable")
    if path.startswith("/cdp/"):  # the Pipelines face's {"code","message"} shape
        from cio_desktop.sandbox.replies import reply

        text = "Internal Server Error" if status == 500 else f"injected error {status}"
        return reply({"code": "rate_limited" if status == 429 else "server_error", "message": text}, status)
    if status == 429:
        return app_error(
            429, "rate limited to 10 requests per 1s (reference sandbox-fault)", {"Retry-After": "1"}
        )
    if path.startswith("/api/"):
        return meta_error("Internal Server Error" if status == 500 else f"injected error {status}", status)
    return app_error(status, "internal server error" if status == 500 else f"injected error {status}")


class FaultSet:
    """The active faults of one sandbox; ``replace`` swaps them at runtime (thread-safe swap)."""

    def __init__(self, faults: Iterable[Fault] = (), seed: int = 1) -> None:
        self.faults: list[Fault] = list(faults)
        self._rng = random.Random(seed)
        self._error_turn = 0

    def replace(self, faults: Iterable[Fault]) -> None:
        self.faults = list(faults)

    def _hit(self, share: float) -> bool:
        return share >= 1 or self._rng.random() < share

    async def apply(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        active = [f for f in self.faults if f.matches(request.path)]
        if not active:
            return await handler(request)
        delay = sum(self._rng.uniform(f.low, f.high) for f in active if f.kind == "latency")
        if delay > 0:
            await asyncio.sleep(delay)
        early = await self._early(request, active)
        if early is not None:
            return early
        response = await handler(request)
        if not isinstance(response, web.Response) or response.body is None:
            return response
        body = bytes(response.body)  # type: ignore[arg-type]  # Response.body is bytes for our replies
        for fault in active:
            if fault.kind == "malformed" and self._hit(fault.low):
                body = body[: max(1, len(body) // 2)].rstrip(b"}]") + b',"\x00'
                response = web.Response(body=body, status=response.status, headers=response.headers)
        if any(f.kind == "truncate" and self._hit(f.low) for f in active):
            return await self._truncate(request, response, body)
        trickle = max((f.low for f in active if f.kind == "trickle"), default=0.0)
        if trickle > 0:
            return await self._trickle(request, response, body, trickle)
        return response

    async def _early(self, request: web.Request, active: list[Fault]) -> web.StreamResponse | None:
        for fault in active:
            if fault.kind == "drop" and self._hit(fault.low):
                await request.read()  # an unread body would turn the clean close into a reset
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            if fault.kind == "status":
                return error_response(request.path, int(fault.low))
            if fault.kind == "burst429" and fault.remaining > 0:
                fault.remaining -= 1
                return error_response(request.path, 429)
            if fault.kind == "error" and self._hit(fault.low):
                status = (500, 502, 503)[self._error_turn % 3]
                self._error_turn += 1
                return error_response(request.path, status)
        return None

    @staticmethod
    def _stream(response: web.Response, size: int) -> web.StreamResponse:
        stream = web.StreamResponse(status=response.status, headers=response.headers)
        stream.content_length = size
        return stream

    async def _truncate(
        self, request: web.Request, response: web.Response, body: bytes
    ) -> web.StreamResponse:
        stream = self._stream(response, len(body))
        await stream.prepare(request)
        await stream.write(body[: len(body) // 2])
        if request.transport is not None:
            request.transport.close()
        return stream

    async def _trickle(
        self, request: web.Request, response: web.Response, body: bytes, seconds: float
    ) -> web.StreamResponse:
        stream = self._stream(response, len(body))
        await stream.prepare(request)
        pieces = max(1, min(len(body), 20))
        step = -(-len(body) // pieces)
        for start in range(0, len(body), step):
            await asyncio.sleep(seconds / pieces)
            await stream.write(body[start : start + step])
        await stream.write_eof()
        return stream
