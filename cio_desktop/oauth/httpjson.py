"""Small HTTP helpers for the OAuth calls: JSON GETs and form POSTs whose failures are plain words.

Bodies never end up in an exception (they may carry tokens); only the status and an error code do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cio_desktop.oauth.errors import OAuthError, clean, error_for

if TYPE_CHECKING:
    import httpx

MAX_BODY = 256 * 1024


def parse_json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (or is too big)."""
    if len(response.content) > MAX_BODY:
        return None
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


async def get_json(http: httpx.AsyncClient, url: str, what: str) -> tuple[int, dict[str, Any] | None]:
    """GET ``url``; the status and the JSON object (None if the body is not one). Network errors → words."""
    import httpx

    try:
        response = await http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise OAuthError(
            f"Could not reach the {what} ({_host(url)}).", detail=f"{type(exc).__name__}"
        ) from None
    return response.status_code, parse_json_object(response)


async def post_form(
    http: httpx.AsyncClient,
    url: str,
    form: dict[str, str],
    what: str,
    *,
    auth: tuple[str, str] | None = None,
) -> tuple[int, dict[str, Any] | None]:
    """POST a form to ``url``; the status and JSON object. Network errors become plain words."""
    import httpx

    try:
        response = await http.post(
            url, data=form, headers={"Accept": "application/json"}, auth=auth or httpx.USE_CLIENT_DEFAULT
        )
    except httpx.HTTPError as exc:
        raise OAuthError(
            f"Could not reach the {what} ({_host(url)}).", detail=f"{type(exc).__name__}"
        ) from None
    return response.status_code, parse_json_object(response)


def raise_for_oauth_error(status: int, data: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """The JSON object of a 2xx answer; otherwise the RFC 6749 error in plain words."""
    if 200 <= status < 300 and data is not None:
        return data
    if data is not None and isinstance(data.get("error"), str):
        desc = data.get("error_description")
        err = error_for(data["error"], desc if isinstance(desc, str) else None)
        err.detail = f"{what}: HTTP {status}"
        raise err
    raise OAuthError(
        f"The {what} answered HTTP {status} without a usable JSON body.", detail=f"{what}: HTTP {status}"
    )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return clean(urlsplit(url).netloc or url)[:200]
