"""MCP calls as request-history records, redacted when made (like every other call).

The Authorization header is masked by name; the token values (and their base64 forms) are replaced
wherever else they appear; bodies are cut to the history's per-body limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from cio_desktop.api.exchange import Exchange
from cio_desktop.api.redact import Redactor
from cio_desktop.api.ulid import new_ulid

if TYPE_CHECKING:
    import httpx

Recorder = Callable[[Exchange], Awaitable[None]]
ACCOUNT_LABEL = "Customer.io account"
MAX_BODY_CHARS = 64 * 1024


def _cut(body: str | None) -> str | None:
    if body is None or len(body) <= MAX_BODY_CHARS:
        return body
    return body[:MAX_BODY_CHARS] + f"\n… [cut: {len(body) - MAX_BODY_CHARS} more characters]"


def mcp_exchange(
    *,
    request: httpx.Request,
    response: httpx.Response | None,
    started: datetime,
    elapsed_ms: float,
    operation: str,
    secrets: list[str],
    error: str | None = None,
) -> Exchange:
    """One redacted record of an MCP POST (``response`` None when no answer came)."""
    r = Redactor(secrets)
    body = request.content.decode("utf-8", "replace") if request.content else None
    resp_body = None
    resp_headers: dict[str, str] = {}
    if response is not None:
        resp_body = r.body(response.text, response.headers.get("content-type"))
        resp_headers = r.headers(response.headers.multi_items())
    return Exchange(
        id=new_ulid(),
        workspace=ACCOUNT_LABEL,
        method=request.method,
        url=r.url(str(request.url)),
        request_headers=r.headers(request.headers.multi_items()),
        request_body=_cut(r.body(body, request.headers.get("content-type"))),
        status=response.status_code if response is not None else None,
        response_headers=resp_headers,
        response_body=_cut(resp_body),
        error=error,
        started_at=started,
        timings={"total": round(elapsed_ms, 1)},
        request_size=len(request.content or b""),
        response_size=len(response.content) if response is not None else 0,
        operation=operation,
        api="account",
    )
