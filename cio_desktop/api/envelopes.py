"""Reading Customer.io's answers without trusting them: error envelopes, request ids, Retry-After.

Three error shapes exist (``meta.error``, ``meta.errors[]``, ``errors[]`` with detail/message); this
module turns any of them into texts and ``FieldError`` items. Pure functions, no httpx.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Headers that carry a request id worth quoting to support, in order of preference.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "x-cio-request-id",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "cf-ray",
)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One complaint from the server about one field (``batch_index`` set for v2 batch items)."""

    field: str | None
    message: str
    reason: str | None = None
    batch_index: int | None = None


def endpoint_label(method: str, url: str) -> str:
    """``METHOD scheme://host/path`` without the query string (which may carry personal data)."""
    parts = urlsplit(url)
    return f"{method.upper()} {parts.scheme}://{parts.netloc}{parts.path}"


def request_id_from(headers: Any) -> str | None:
    """The first request-id-like header value, if any (``headers`` is any case-insensitive mapping)."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name) if headers is not None else None
        if value:
            return str(value)[:120]
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils
    import time

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def server_messages(body: bytes | str | None) -> tuple[list[str], list[FieldError]]:
    """The error texts in any Customer.io error envelope: ``meta.error``, ``meta.errors[]``, ``errors[]``,
    and the Pipelines API's ``{"code", "message"}``."""
    if not body:
        return [], []
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return [], []
    messages: list[str] = []
    fields: list[FieldError] = []
    if not isinstance(doc, dict):
        return [], []
    if isinstance(doc.get("message"), str) and doc["message"]:
        code = doc.get("code")
        messages.append(f"{doc['message']} ({code})" if isinstance(code, str) and code else doc["message"])
    meta = doc.get("meta")
    if isinstance(meta, dict):
        if isinstance(meta.get("error"), str):
            messages.append(meta["error"])
        for item in meta.get("errors") or []:
            if isinstance(item, str):
                messages.append(item)
    for item in doc.get("errors") or []:
        if isinstance(item, str):
            messages.append(item)
        elif isinstance(item, dict):
            text = str(item.get("message") or item.get("detail") or item.get("reason") or "")
            index = item.get("batch_index")
            fields.append(
                FieldError(
                    field=str(item["field"]) if item.get("field") is not None else None,
                    message=text,
                    reason=str(item["reason"]) if item.get("reason") is not None else None,
                    batch_index=index if isinstance(index, int) else None,
                )
            )
            if text:
                messages.append(text)
    return messages, fields


_PARAM = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def parse_bearer_challenge(header: str | None) -> dict[str, str]:
    """The parameters of a ``Bearer`` challenge in a ``WWW-Authenticate`` header (empty if none)."""
    if not header:
        return {}
    match = re.search(r"(?i)\bbearer\b", header)
    if match is None:
        return {}
    rest = header[match.end() :]
    # Stop at a following scheme ("..., Basic realm=...") so its parameters are not mixed in.
    nxt = re.search(r",\s*[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\s+[A-Za-z_][A-Za-z0-9_-]*\s*=", rest)
    if nxt is not None:
        rest = rest[: nxt.start()]
    params: dict[str, str] = {}
    for m in _PARAM.finditer(rest):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        params.setdefault(m.group(1).lower(), re.sub(r"\\(.)", r"\1", value))
    return params
