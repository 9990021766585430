"""PKCE S256 (RFC 7636) and the state value: random, in memory only, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_verifier() -> str:
    """A code verifier from 32 random bytes (43 characters, RFC 7636 §4.1)."""
    return _b64url(secrets.token_bytes(32))


def challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier``."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def new_state() -> str:
    """A state value with 256 bits of randomness (the rule asks for at least 128)."""
    return _b64url(secrets.token_bytes(32))


def same(expected: str, received: str | None) -> bool:
    """Constant-time comparison; a missing value never matches."""
    if received is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8", "surrogatepass"))
