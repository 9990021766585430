"""Per-request timings from httpx's ``trace`` extension: connect, TLS, first byte and total, in ms.

``connect`` and ``tls`` are 0 when a kept-alive connection was reused; ``first_byte`` runs from the
start of the request to the end of the response headers; ``total`` until the body has been read.
"""

from __future__ import annotations

import time
from typing import Any


class RequestTimer:
    """Pass ``timer.extensions`` to ``httpx.AsyncClient.build_request(..., extensions=...)``."""

    def __init__(self) -> None:
        self._t0 = time.perf_counter()
        self._marks: dict[str, float] = {}
        self._end: float | None = None

    @property
    def extensions(self) -> dict[str, Any]:
        return {"trace": self._trace}

    async def _trace(self, event_name: str, info: dict[str, Any]) -> None:
        # httpcore names: connection.connect_tcp.started/complete, connection.start_tls.started/complete,
        # http11.receive_response_headers.complete (or http2.*); keep the first of each.
        self._marks.setdefault(event_name, time.perf_counter())

    def restart(self) -> None:
        """Start again for a new attempt."""
        self._t0 = time.perf_counter()
        self._marks.clear()
        self._end = None

    def finish(self) -> None:
        if self._end is None:
            self._end = time.perf_counter()

    def _span(self, prefix: str) -> float:
        start = self._marks.get(f"{prefix}.started")
        end = self._marks.get(f"{prefix}.complete")
        return (end - start) * 1000 if start is not None and end is not None else 0.0

    def as_dict(self) -> dict[str, float]:
        end = self._end if self._end is not None else time.perf_counter()
        headers_done = next(
            (v for k, v in self._marks.items() if k.endswith("receive_response_headers.complete")),
            None,
        )
        return {
            "connect": round(self._span("connection.connect_tcp"), 3),
            "tls": round(self._span("connection.start_tls"), 3),
            "first_byte": round(((headers_done or end) - self._t0) * 1000, 3),
            "total": round((end - self._t0) * 1000, 3),
        }
