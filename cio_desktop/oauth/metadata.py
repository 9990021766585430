"""Server metadata as plain data: the authorization server's (RFC 8414 / OpenID) and a resource's
(RFC 9728), validated when read so later code can trust the fields it uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cio_desktop.oauth.errors import DiscoveryError, clean

S256 = "S256"


def is_loopback_host(host: str | None) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or bool(host and host.startswith("127."))


def check_url(url: object, what: str, *, required: bool = True) -> str | None:
    """``url`` if it is an https address (or http on this computer, for the sandbox); else refuse."""
    if url is None and not required:
        return None
    if not isinstance(url, str) or not url:
        raise DiscoveryError(f"The authorization server's metadata has no usable {what}.")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return url
    raise DiscoveryError(
        f"The {what} ({clean(url)[:200]}) is not an https address; cio-desktop only signs in over https "
        "(plain http only on this computer)."
    )


@dataclass(frozen=True, slots=True)
class ServerMetadata:
    """What a client needs from an authorization server. ``issuer`` matched the requested one exactly."""

    issuer: str
    authorization_endpoint: str | None
    token_endpoint: str
    registration_endpoint: str | None = None
    revocation_endpoint: str | None = None
    device_authorization_endpoint: str | None = None
    scopes_supported: tuple[str, ...] = ()
    grant_types_supported: tuple[str, ...] = ()
    code_challenge_methods: tuple[str, ...] = ()
    iss_parameter_supported: bool = False

    @classmethod
    def from_document(cls, doc: dict[str, Any], expected_issuer: str | None) -> ServerMetadata:
        """Validate an RFC 8414 / OpenID document. ``expected_issuer`` must match ``issuer`` exactly."""
        issuer = doc.get("issuer")
        if expected_issuer is not None and issuer != expected_issuer:
            raise DiscoveryError(
                "The authorization server's metadata names a different issuer "
                f"({clean(str(issuer))[:200]}) than the one asked for ({clean(expected_issuer)[:200]}); "
                "cio-desktop refuses to sign in there."
            )
        check_url(issuer, "issuer")
        methods = _strings(doc.get("code_challenge_methods_supported"))
        return cls(
            issuer=str(issuer),
            authorization_endpoint=check_url(
                doc.get("authorization_endpoint"), "authorization endpoint", required=False
            ),
            token_endpoint=str(check_url(doc.get("token_endpoint"), "token endpoint")),
            registration_endpoint=check_url(
                doc.get("registration_endpoint"), "registration endpoint", required=False
            ),
            revocation_endpoint=check_url(
                doc.get("revocation_endpoint"), "revocation endpoint", required=False
            ),
            device_authorization_endpoint=check_url(
                doc.get("device_authorization_endpoint"), "device authorization endpoint", required=False
            ),
            scopes_supported=_strings(doc.get("scopes_supported")),
            grant_types_supported=_strings(doc.get("grant_types_supported")),
            code_challenge_methods=methods,
            iss_parameter_supported=doc.get("authorization_response_iss_parameter_supported") is True,
        )

    def require_s256(self) -> None:
        """Fail closed unless the server says it supports PKCE with S256."""
        if S256 not in self.code_challenge_methods:
            raise DiscoveryError(
                "The authorization server does not say it supports PKCE with S256 "
                "(code_challenge_methods_supported), so cio-desktop will not sign in there: without it a "
                "stolen sign-in code could be used by someone else."
            )

    @property
    def supports_device_flow(self) -> bool:
        return bool(self.device_authorization_endpoint)


@dataclass(frozen=True, slots=True)
class ResourceMetadata:
    """RFC 9728 protected-resource metadata, plus the scope a 401 challenge asked for."""

    resource: str
    authorization_servers: tuple[str, ...]
    scopes_supported: tuple[str, ...] = ()
    challenge_scope: str | None = field(default=None)


def explicit_metadata(
    *,
    authorization_endpoint: str,
    token_endpoint: str,
    revocation_endpoint: str | None = None,
    device_authorization_endpoint: str | None = None,
) -> ServerMetadata:
    """Endpoints the user typed in (no discovery): PKCE S256 is assumed, as RFC 9700 expects of servers."""
    return ServerMetadata(
        issuer="",
        authorization_endpoint=check_url(authorization_endpoint, "authorization endpoint"),
        token_endpoint=str(check_url(token_endpoint, "token endpoint")),
        revocation_endpoint=check_url(revocation_endpoint, "revocation endpoint", required=False),
        device_authorization_endpoint=check_url(
            device_authorization_endpoint, "device authorization endpoint", required=False
        ),
        code_challenge_methods=(S256,),
    )


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))
