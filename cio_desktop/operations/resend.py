"""Send a recorded Track call again, exactly as it was: the same method, path and body, so the same event
id. Customer.io (and the sandbox) keep one event per id, so resending a send that failed, or whose answer
was lost after the work was done, can never create a duplicate.

Only Track API calls are resent (reads need no resend; App sends are not idempotent). A body that was
cut for the history or had a value redacted is refused: it would no longer be the same request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cio_desktop.api.errors import ApiError
from cio_desktop.api.redact import REDACTED

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.exchange import Exchange
    from cio_desktop.api.models import ApiResult

RESENDABLE_METHODS = ("POST", "PUT")


def resend_problem(exchange: Exchange) -> str | None:
    """Why ``exchange`` cannot be resent as it was, in plain words; None when it can."""
    if exchange.api != "track" or exchange.method not in RESENDABLE_METHODS:
        return "Only data sent with the Track API (identify, events, batches) can be resent."
    if exchange.truncated:
        return "This request was too large to keep in full, so it cannot be resent exactly."
    if exchange.request_body and REDACTED in exchange.request_body:
        return "A value in this request was hidden as a secret, so it cannot be resent exactly."
    return None


def recorded_body(exchange: Exchange) -> Any:
    """The JSON body as it was sent (``None`` for an empty body)."""
    if not exchange.request_body:
        return None
    try:
        return json.loads(exchange.request_body)
    except ValueError:
        raise ApiError("The recorded request body is not JSON, so it cannot be resent.") from None


async def resend(client: CioClient, exchange: Exchange) -> ApiResult:
    """Send ``exchange`` again with ``client`` (the same workspace); raises ``ApiError`` in words."""
    problem = resend_problem(exchange)
    if problem:
        raise ApiError(problem, detail=f"exchange {exchange.id}")
    parts = urlsplit(exchange.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return await client.call(
        "track",
        exchange.method,
        path,
        body=recorded_body(exchange),
        idempotent=True,  # the same event id: the server keeps one
        operation=f"Resend: {exchange.operation or exchange.method}",
    )
