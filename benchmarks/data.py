"""Made-up but realistic request history for the inspector benchmarks (redacted already, as recorded)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cio_desktop.api.exchange import Exchange

_CALLS = (
    ("GET", "https://api.customer.io/v1/customers/{n}/attributes", "Person attributes", 200, "app"),
    ("GET", "https://api.customer.io/v1/customers/{n}/segments", "Person segments", 200, "app"),
    ("GET", "https://api.customer.io/v1/customers/{n}/activities?limit=25", "Activities", 200, "app"),
    ("PUT", "https://track.customer.io/api/v1/customers/{n}", "Identify", 200, "track"),
    ("POST", "https://track.customer.io/api/v1/customers/{n}/events", "Track event", 200, "track"),
    ("GET", "https://api.customer.io/v1/customers/{n}/messages", "Messages", 404, "app"),
    ("POST", "https://track.customer.io/api/v2/batch", "Batch", 500, "track"),
)


def exchanges(count: int, *, body_chars: int = 600) -> Iterator[Exchange]:
    """``count`` exchanges, oldest first, over two workspaces, with bodies of about ``body_chars``."""
    start = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    filler = "x" * max(0, body_chars - 120)
    for i in range(count):
        method, url, operation, status, api = _CALLS[i % len(_CALLS)]
        person = f"person-{i % 997}"
        body = json.dumps({"customer": {"id": person, "email": f"{person}@example.com", "note": filler}})
        yield Exchange(
            id=f"01JBENCH{i:018d}",
            workspace="Acme" if i % 3 else "Acme EU",
            method=method,
            url=url.format(n=person),
            request_headers={"Authorization": "Basic [REDACTED]", "User-Agent": "cio-desktop/0.1.0"},
            request_body=body if method != "GET" else None,
            status=status,
            response_headers={"Content-Type": "application/json", "X-Request-Id": f"req-{i}"},
            response_body=body if method == "GET" else "{}",
            started_at=start + timedelta(milliseconds=250 * i),
            timings={"connect": 0.0, "tls": 0.0, "first_byte": 40.0 + i % 50, "total": 42.0 + i % 50},
            request_size=len(body),
            response_size=len(body),
            operation=operation,
            api=api,
        )


def write_history(path: Path, count: int) -> int:
    """A ``history.jsonl`` with ``count`` records, as the app writes it; returns its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for exchange in exchanges(count):
            fh.write(json.dumps(exchange.to_json_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
    os.chmod(path, 0o600)
    return path.stat().st_size
