"""Errors from talking to Customer.io, and the one place where httpx failures are translated into them.

    CioDesktopError                      (cio_desktop.errors) message: plain words; detail: technical
    └── ApiError                         endpoint, status, request_id, exchange_id attributes
        ├── MissingCredentialsError      the workspace has no key for this API (nothing was sent)
        ├── AuthError                    401/403; .api ("track"/"app"), .other_region_works: bool | None
        ├── NotFoundError                404: the person or item does not exist
        ├── RateLimitedError             429; .retry_after seconds (None = daily quota, no hint)
        ├── ValidationError              400/422, and 207 partial batch; .field_errors: list[FieldError]
        ├── RequestRejectedError         any other 4xx (405, 409, 413, ...) and unexpected 3xx
        │   └── WrongRegionError         redirected to the other region; .correct_region "us"/"eu"/None
        ├── ServerError                  5xx
        ├── ApiTimeoutError              no answer within the timeout
        ├── ConnectionFailedError        DNS, refused, reset, proxy failure, dropped connection
        │   └── TlsError                 the certificate could not be verified
        └── InvalidResponseError         a 2xx whose body is not the JSON that was promised (cut off, garbled)

``message`` (= ``str(error)``) is for a person who is not a developer. ``detail`` is for support: method,
endpoint, status and request id. Neither ever contains a key, a token, a request body or a response body;
the server's own error text (already redacted) is kept apart in ``server_message`` and ``field_errors``.
"""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import urlsplit

from cio_desktop.api.envelopes import REQUEST_ID_HEADERS as REQUEST_ID_HEADERS  # re-exported
from cio_desktop.api.envelopes import FieldError as FieldError
from cio_desktop.api.envelopes import endpoint_label as endpoint_label
from cio_desktop.api.envelopes import parse_bearer_challenge as parse_bearer_challenge
from cio_desktop.api.envelopes import parse_retry_after as parse_retry_after
from cio_desktop.api.envelopes import request_id_from as request_id_from
from cio_desktop.api.envelopes import server_messages as server_messages
from cio_desktop.errors import CioDesktopError


class ApiError(CioDesktopError):
    """Something went wrong talking to Customer.io. See the module docstring for the tree."""

    def __init__(
        self,
        message: str,
        *,
        detail: str = "",
        endpoint: str = "",
        status: int | None = None,
        request_id: str | None = None,
        exchange_id: str | None = None,
        server_message: str | None = None,
    ) -> None:
        super().__init__(message, detail=detail or _detail(endpoint, status, request_id))
        self.endpoint = endpoint
        self.status = status
        self.request_id = request_id
        self.exchange_id = exchange_id
        self.server_message = server_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r}, endpoint={self.endpoint!r})"


class MissingCredentialsError(ApiError):
    """The workspace has no key for the API this call needs; nothing was sent."""


class AuthError(ApiError):
    """401/403: the key was rejected. ``other_region_works`` says if it works in the other region."""

    def __init__(
        self,
        message: str,
        *,
        api: str = "",
        other_region_works: bool | None = None,
        needed_scope: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.api = api
        self.other_region_works = other_region_works
        self.needed_scope = needed_scope  # a 403 insufficient_scope: sign in again asking for this scope
        # True when signing in again (OAuth) is the fix: the sign-in ended, or lacks a scope.
        self.sign_in_again = needed_scope is not None


class NotFoundError(ApiError):
    """404: the person or item does not exist."""


class RateLimitedError(ApiError):
    """429: too many requests. ``retry_after`` in seconds, None when the server gave no hint."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ValidationError(ApiError):
    """400/422 (nothing applied) or 207 (a batch partly applied): ``field_errors`` lists what to fix."""

    def __init__(self, message: str, *, field_errors: list[FieldError] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.field_errors = field_errors or []

    @property
    def partial(self) -> bool:
        """True for a 207: the operations not listed were accepted."""
        return self.status == 207


class RequestRejectedError(ApiError):
    """Another 4xx: the request was refused for a reason that is not auth, absence, limits or data."""


class WrongRegionError(RequestRejectedError):
    """The host redirected the call to the other region: the workspace's region setting is wrong."""

    def __init__(self, message: str, *, correct_region: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.correct_region = correct_region


def wrong_region_message(configured: str | None, correct: str | None) -> str:
    """Plain words for a call redirected to the other region."""
    here = (configured or "").upper() or "the chosen region"
    if correct and configured and correct.lower() == configured.lower():
        # The region lookup agrees with the setting, yet the call was redirected: the region is not
        # the problem, so do not tell the user to change it to what it already is.
        return (
            f"Customer.io redirected this request although the workspace is set to {here}, the region "
            "its data is in. Check the workspace's custom Track and App addresses, then try again."
        )
    if correct:
        return (
            f"This workspace's data is in the {correct.upper()} region, but the workspace is set to {here}. "
            f"Change its region to {correct.upper()} (or to Automatic) and try again."
        )
    return (
        f"Customer.io sent this request to another region, so the workspace is probably not in {here}. "
        "Check the workspace's region."
    )


class ServerError(ApiError):
    """5xx: Customer.io had a problem on its side."""


class ApiTimeoutError(ApiError):
    """No answer within the configured timeout."""


class ConnectionFailedError(ApiError):
    """The connection could not be made or was lost (DNS, refused, reset, proxy)."""


class TlsError(ConnectionFailedError):
    """The server's certificate could not be verified (often a corporate TLS-inspecting proxy).
    ``issuer`` names who signed the refused certificate, when it could be read."""

    issuer: str | None = None
    #: The certificate is valid but for another name: its issuer is not the problem, so none is named.
    hostname_mismatch = False

    def add_issuer(self, issuer: str) -> None:
        self.issuer = issuer
        self.message += f" The certificate was issued by “{issuer}”, which this computer does not trust."
        self.args = (self.message,)


class InvalidResponseError(ApiError):
    """The server answered 2xx but the body could not be read as the JSON promised."""


def _detail(endpoint: str, status: int | None, request_id: str | None) -> str:
    parts = [endpoint or "(no endpoint)"]
    if status is not None:
        parts.append(f"HTTP {status}")
    if request_id:
        parts.append(f"request id {request_id}")
    return " · ".join(parts)


_OTHER = {"us": "EU", "eu": "US"}


def scope_message(needed: str | None) -> str:
    """Plain words for a 403 ``insufficient_scope``: the sign-in works but was not granted enough."""
    what = f" (it needs the scope “{needed}”)" if needed else ""
    how = f" --scope {needed}" if needed and " " not in needed else ""
    return (
        f"The OAuth sign-in works but does not allow this request{what}. Sign in again and grant it: "
        f"in the workspace's More menu choose “Sign in with OAuth…”, or run "
        f"“cio-desktop login <workspace>{how}”."
    )


def auth_message(api: str, status: int, region: str | None, other_region_works: bool | None) -> str:
    """The plain-language text for a rejected key."""
    if status == 403:
        return (
            "Customer.io recognised the key but refused this request. The key may not be allowed to do "
            "this (check its scope in Customer.io's API credentials page) or the account lacks the feature."
        )
    here = (region or "").upper() or "the chosen"
    other = _OTHER.get((region or "").lower(), "other")
    from cio_desktop.api.apis import spec_for  # apis builds on this module's error types

    what, hint = spec_for(api).rejected, spec_for(api).rejected_hint
    if other_region_works is True:
        return (
            f"{what} They work in the {other} region, though: this workspace is set to {here}. "
            f"Change the workspace's region to {other}."
        )
    if other_region_works is False:
        return f"{what} {hint}, and that it has not been deleted. It is not accepted in either region."
    return f"{what} {hint}, and that the workspace is in the {other} region if it is not in {here}."


def error_for_response(
    status: int,
    headers: Any,
    body: bytes | None,
    *,
    api: str,
    endpoint: str,
    region: str | None = None,
    exchange_id: str | None = None,
    redact: Any = None,
) -> ApiError:
    """The error for an HTTP status that is not a success (``redact`` cleans the server's own text)."""
    texts, fields = server_messages(body)
    if redact is not None:
        texts = [redact(t) for t in texts]
        fields = [FieldError(f.field, redact(f.message), f.reason, f.batch_index) for f in fields]
    kw: dict[str, Any] = {
        "endpoint": endpoint,
        "status": status,
        "request_id": request_id_from(headers),
        "exchange_id": exchange_id,
        "server_message": "; ".join(texts)[:500] or None,
    }
    if status == 403:
        challenge = parse_bearer_challenge(headers.get("www-authenticate") if headers is not None else None)
        if challenge.get("error") == "insufficient_scope":
            needed = "".join(c for c in challenge.get("scope", "") if c.isprintable())[:200] or None
            return AuthError(scope_message(needed), api=api, needed_scope=needed, **kw)
    if status in (401, 403):
        return AuthError(auth_message(api, status, region, None), api=api, **kw)
    if status == 404:
        return NotFoundError(
            "Nothing was found: no person (or item) with that identifier exists in this workspace.", **kw
        )
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after") if headers is not None else None)
        if retry_after is None:
            message = (
                "Customer.io's request limit for this workspace has been reached for now. Try again later."
            )
        else:
            secs = max(1, round(retry_after))
            message = (
                "Customer.io is limiting how fast this app may send requests. "
                f"Wait {secs} second{'s' if secs != 1 else ''} and try again."
            )
        return RateLimitedError(message, retry_after=retry_after, **kw)
    if status == 207:
        return ValidationError(
            "Some operations in the batch were rejected; the others were accepted. "
            "See the list of problems for which ones to fix.",
            field_errors=fields,
            **kw,
        )
    if status in (400, 422):
        return ValidationError(
            "Customer.io did not accept the data that was sent. See the list of problems for what to fix.",
            field_errors=fields,
            **kw,
        )
    if 500 <= status <= 599:
        return ServerError(
            f"Customer.io had a problem on its side (error {status}). Try again in a moment; "
            "if it keeps happening, check status.customer.io.",
            **kw,
        )
    return RequestRejectedError(f"Customer.io refused the request (error {status}).", **kw)


def bad_address(endpoint: str, exc: BaseException) -> ApiError:
    """The workspace's address override cannot be used (not http(s), malformed)."""
    return ApiError(
        "The workspace's API address is not a valid web address (it should start with https://). "
        "Check it in the workspace's settings.",
        detail=f"{endpoint} · {type(exc).__name__}",
        endpoint=endpoint,
    )


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return current
        current = current.__cause__ or current.__context__
    return None


def deadline_exceeded(endpoint: str, timeout_s: float, *, exchange_id: str | None = None) -> ApiError:
    """The call's total deadline passed (a slow or trickling answer, or retries that ran out of time)."""
    host = urlsplit(endpoint.split(" ", 1)[-1]).netloc or "the server"
    return ApiTimeoutError(
        f"{host} did not send a complete answer within {timeout_s:g} seconds, so cio-desktop stopped "
        "waiting. Check your internet connection and proxy, then try again.",
        detail=f"{endpoint} · total deadline of {timeout_s:g} s passed",
        endpoint=endpoint,
        exchange_id=exchange_id,
    )


_X509_NAME_MISMATCH = (62, 64)  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH


def error_for_exception(
    exc: BaseException, *, endpoint: str, timeout_s: float | None = None, exchange_id: str | None = None
) -> ApiError:
    """Translate an httpx (or ssl/socket) exception. Only the exception's class and the SSL reason are
    quoted: httpx messages are not trusted to be secret-free."""
    import httpx

    host = urlsplit(endpoint.split(" ", 1)[-1]).netloc or "the server"
    kw: dict[str, Any] = {"endpoint": endpoint, "exchange_id": exchange_id}
    if isinstance(exc, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the answer",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }.get(type(exc), "waiting")
        secs = f" within {timeout_s:g} seconds" if timeout_s else ""
        return ApiTimeoutError(
            f"{host} did not answer{secs}. Check your internet connection and proxy, then try again.",
            detail=f"{endpoint} · timed out while {what} ({type(exc).__name__})",
            **kw,
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return bad_address(endpoint, exc)
    tls = _ssl_cause(exc)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or type(tls).__name__
        if getattr(tls, "verify_code", None) in _X509_NAME_MISMATCH or "mismatch" in str(reason).lower():
            error = TlsError(
                f"The certificate {host} presented is made out for a different name, so nothing was sent. "
                "Check the address for a typo; a network that answers in the server's place (a captive "
                "portal, a misconfigured proxy) also causes this.",
                detail=f"{endpoint} · TLS: {reason}",
                **kw,
            )
            error.hostname_mismatch = True
            return error
        return TlsError(
            f"The secure connection to {host} could not be verified, so nothing was sent. If your network "
            "inspects HTTPS traffic (a company proxy), add its CA certificate file in Settings.",
            detail=f"{endpoint} · TLS: {reason}",
            **kw,
        )
    if isinstance(exc, httpx.ProxyError):
        return ConnectionFailedError(
            "The proxy server refused or failed the connection. Check the proxy address in Settings.",
            detail=f"{endpoint} · {type(exc).__name__}",
            **kw,
        )
    if isinstance(exc, httpx.ConnectError | ConnectionRefusedError | OSError):
        return ConnectionFailedError(
            f"Could not connect to {host}. Check your internet connection, the proxy settings, "
            "and that nothing (a firewall, a VPN) blocks it.",
            detail=f"{endpoint} · {type(exc).__name__}",
            **kw,
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return ConnectionFailedError(
            f"The connection to {host} was cut off before the answer arrived. Try again.",
            detail=f"{endpoint} · {type(exc).__name__}",
            **kw,
        )
    if isinstance(exc, httpx.DecodingError):
        return InvalidResponseError(
            "Customer.io sent an answer this app could not read. Try again.",
            detail=f"{endpoint} · {type(exc).__name__}",
            **kw,
        )
    return ConnectionFailedError(
        f"The request to {host} failed. Try again.", detail=f"{endpoint} · {type(exc).__name__}", **kw
    )


def invalid_response(
    endpoint: str, status: int, headers: Any, *, why: str, exchange_id: str | None
) -> ApiError:
    """A 2xx whose body could not be parsed (``why`` is a short technical reason without content)."""
    return InvalidResponseError(
        "Customer.io sent an answer this app could not read (it was cut off or was not JSON). Try again.",
        detail=f"{_detail(endpoint, status, request_id_from(headers))} · {why}",
        endpoint=endpoint,
        status=status,
        request_id=request_id_from(headers),
        exchange_id=exchange_id,
    )
