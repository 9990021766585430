"""Credential checks: Track Basic ``site_id:track_api_key``, App ``Bearer <app_api_key>``.

Standard and URL-safe base64 are both accepted (the Go SDK uses the URL-safe alphabet).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from cio_desktop.sandbox.state import Workspace


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(user, password)`` from a Basic Authorization header, or None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    value = value.strip()
    padded = value + "=" * (-len(value) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            text = decode(padded.encode("ascii")).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeError):
            continue
        user, sep, password = text.partition(":")
        if sep:
            return user, password
    return None


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

    return hmac.compare_digest(given, key) | hmac.compare_digest(given, second_key(key))


def track_ok(ws: Workspace, header: str | None) -> bool:
    creds = basic_credentials(header)
    if creds is None:
        return False
    return hmac.compare_digest(creds[0], ws.site_id) & _one_of(creds[1], ws.track_api_key)


def app_ok(ws: Workspace, header: str | None) -> bool:
    token = bearer_token(header)
    return token is not None and _one_of(token, ws.app_api_key)
