"""The OAuth error tree and RFC 6749 / RFC 8628 error codes in plain words.

OAuthError                 a sign-in or token call failed (message: plain words; no token ever)
├── DiscoveryError         the server's metadata is missing, malformed, mismatched or unsafe
├── SignInCancelled        the user cancelled (in the app or in the browser)
├── SignInTimedOut         nobody finished the sign-in in time
├── SignedOut              no usable tokens (never signed in, or the refresh token was refused)
└── InsufficientScope      the server wants more scope (403 ``insufficient_scope``)
"""

from __future__ import annotations

from cio_desktop.errors import CioDesktopError

PLAIN_WORDS = {
    "access_denied": "Sign-in was cancelled in the browser.",
    "invalid_request": "The sign-in request was refused as malformed by the authorization server.",
    "unauthorized_client": "This app is not allowed to sign in this way at the authorization server.",
    "unsupported_response_type": "The authorization server does not support this kind of sign-in.",
    "invalid_scope": "The authorization server refused the requested permissions (scope).",
    "server_error": "The authorization server failed while signing you in. Try again later.",
    "temporarily_unavailable": "The authorization server is busy right now. Try again in a moment.",
    "invalid_client": "The authorization server does not know this app's client registration.",
    "invalid_grant": "The sign-in has expired or was revoked. Sign in again.",
    "unsupported_grant_type": "The authorization server does not support this kind of sign-in.",
    "expired_token": "The code expired before it was approved. Start the sign-in again.",
    "invalid_redirect_uri": "The authorization server refused this app's return address.",
    "invalid_client_metadata": "The authorization server refused to register this app.",
}


class OAuthError(CioDesktopError):
    """A sign-in or token call failed. ``code`` is the RFC 6749 error code when the server sent one."""

    def __init__(self, message: str, *, detail: str = "", code: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.code = code


class DiscoveryError(OAuthError):
    """The server's metadata is missing, malformed, does not match, or lacks something required."""


class SignInCancelled(OAuthError):
    """The user cancelled the sign-in (in the app, or ``access_denied`` in the browser)."""


class SignInTimedOut(OAuthError):
    """Nobody finished the sign-in before the deadline."""


class SignedOut(OAuthError):
    """No usable tokens: never signed in, signed out, or the server refused the refresh token."""


class InsufficientScope(OAuthError):
    """The server answered 403 ``insufficient_scope``: sign in again with ``scope``."""

    def __init__(self, message: str, *, scope: str | None = None, detail: str = "") -> None:
        super().__init__(message, detail=detail, code="insufficient_scope")
        self.scope = scope


def describe(code: str | None, description: str | None = None) -> str:
    """An RFC 6749 error code (and the server's description) in plain words, one line, no control chars."""
    base = PLAIN_WORDS.get(code or "", "")
    if not base:
        base = f"The authorization server refused the sign-in ({clean(code or 'no error code')})."
    if description:
        return f"{base} The server said: {clean(description)[:300]}"
    return base


def error_for(code: str | None, description: str | None = None) -> OAuthError:
    """The right exception for an error code returned by the server."""
    message = describe(code, description)
    if code == "access_denied":
        return SignInCancelled(message, code=code)
    if code == "invalid_grant":
        return SignedOut(message, code=code)
    return OAuthError(message, code=code)


def clean(text: str) -> str:
    """Text from a server made safe for a terminal or a label: printable characters on one line."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text)).strip()
