"""HAR 1.2 export of history records (opens in browser dev tools and HAR viewers).

Works from already-redacted ``Exchange`` records; timings map connect/tls/first byte/total onto HAR's
connect/ssl/wait/receive phases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cio_desktop import __version__
from cio_desktop.api.exchange import Exchange

_REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 207: "Multi-Status", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 408: "Request Timeout", 409: "Conflict",
    413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip


def _headers(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers.items()]


def _mime(headers: dict[str, str], default: str) -> str:
    for k, v in headers.items():
        if k.lower() == "content-type":
            return v
    return default


def entry(exchange: Exchange) -> dict[str, Any]:
    """One HAR ``entries[]`` item."""
    t = exchange.timings
    connect = float(t.get("connect", 0.0))
    tls = float(t.get("tls", 0.0))
    total = float(t.get("total", 0.0))
    first = float(t.get("first_byte", total))
    wait = max(0.0, first - connect - tls)
    receive = max(0.0, total - first)
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": exchange.http_version,
        "cookies": [],
        "headers": _headers(exchange.request_headers),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(exchange.url).query)],
        "headersSize": -1,
        "bodySize": exchange.request_size,
    }
    if exchange.request_body is not None:
        request["postData"] = {
            "mimeType": _mime(exchange.request_headers, "application/json"),
            "text": exchange.request_body,
        }
    status = exchange.status or 0
    response: dict[str, Any] = {
        "status": status,
        "statusText": _REASONS.get(status, "") if status else (exchange.error or "no response"),
        "httpVersion": exchange.http_version,
        "cookies": [],
        "headers": _headers(exchange.response_headers),
        "content": {
            "size": exchange.response_size,
            "mimeType": _mime(exchange.response_headers, "application/json"),
            "text": exchange.response_body or "",
        },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": exchange.response_size if status else -1,
    }
    item: dict[str, Any] = {
        "startedDateTime": exchange.started_at.isoformat(),
        "time": total,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": connect + tls if connect or tls else -1,
            "ssl": tls if tls else -1,
            "send": 0,
            "wait": wait,
            "receive": receive,
        },
        "comment": exchange.operation,
    }
    if exchange.error:
        item["_error"] = exchange.error
    return item


def to_har(records: Iterable[Exchange]) -> dict[str, Any]:
    """A HAR 1.2 document (a dict ready for ``json.dump``) for ``records``."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "cio-desktop", "version": __version__},
            "pages": [],
            "entries": [entry(e) for e in records],
        }
    }


def write_har(records: Iterable[Exchange], path: Path) -> int:
    """Write ``records`` as HAR to ``path`` (blocking). Returns the number of entries."""
    from cio_desktop.private_files import write_private_text

    doc = to_har(records)
    write_private_text(path, json.dumps(doc, indent=2, ensure_ascii=False))
    return len(doc["log"]["entries"])
