"""Credential checks: Track Basic ``site_id:track_api_key``, App ``Bearer <app_api_key>``, Pipelines
Basic ``write_key:`` (empty password) or ``Bearer pk_|sk_<region>_…``.

Standard and URL-safe base64 are both accepted (the Go SDK uses the URL-safe alphabet), but nothing
else: junk after the base64 text is refused rather than skipped. Comparisons are on UTF-8 bytes, so
non-ASCII credentials are simply wrong (401), never a crash.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re

from cio_desktop.sandbox.state import Workspace

_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_BASE64_URLSAFE = re.compile(r"[A-Za-z0-9_-]+={0,2}")
#: Pipelines' region-prefixed API keys (public ``pk_`` or secret ``sk_``); the sandbox's are the
#: workspace's write key behind the prefix of its region.
REGION_KEY = re.compile(r"(pk|sk)_(us|eu)_(.+)", re.DOTALL)


def same(given: str, expected: str) -> bool:
    """Constant-time equality of two texts (bytes compared, so any character is allowed)."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _decode(value: str) -> str | None:
    """The text of standard or URL-safe base64 (padding optional), or None for anything else."""
    core = value.rstrip("=")
    padded = core + "=" * (-len(core) % 4)
    for pattern, decode in ((_BASE64, base64.b64decode), (_BASE64_URLSAFE, base64.urlsafe_b64decode)):
        if not pattern.fullmatch(value):
            continue
        try:
            return decode(padded).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeError):
            continue
    return None


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(user, password)`` from a Basic Authorization header, or None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "basic" or not value:
        return None
    text = _decode(value)
    if text is None:
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep else None


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _one_of(given: str, key: str) -> bool:
    """The workspace's key or its second key (``demo.second_key``), compared in constant time."""
    from cio_desktop.sandbox.demo import second_key

    return same(given, key) | same(given, second_key(key))


def track_ok(ws: Workspace, header: str | None) -> bool:
    creds = basic_credentials(header)
    if creds is None:
        return False
    return same(creds[0], ws.site_id) & _one_of(creds[1], ws.track_api_key)


def app_ok(ws: Workspace, header: str | None) -> bool:
    token = bearer_token(header)
    return token is not None and _one_of(token, ws.app_api_key)


def pipelines_ok(ws: Workspace, header: str | None, region: str) -> bool:
    """A source's write key as Basic user (empty password), or a region key of this region as Bearer."""
    token = bearer_token(header)
    if token is not None:
        match = REGION_KEY.fullmatch(token)
        if match is None or match.group(2) != region:
            return False
        return same(match.group(3), ws.pipelines_write_key)
    creds = basic_credentials(header)
    return creds is not None and creds[1] == "" and same(creds[0], ws.pipelines_write_key)
