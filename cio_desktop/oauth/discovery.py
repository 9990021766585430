"""Discovery in the order of the MCP authorization spec (2025-11-25).

1. An unauthenticated request to the resource; a 401's ``WWW-Authenticate: Bearer resource_metadata=…``
   (and ``scope``) names the protected-resource metadata; else
   ``/.well-known/oauth-protected-resource/<path>`` then the root form (RFC 9728).
   The document's ``resource`` must be the resource asked for.
2. The issuer from ``authorization_servers``; then RFC 8414 and OpenID discovery in both path forms.
   The document's ``issuer`` must match exactly, and S256 must be offered.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from cio_desktop.oauth.errors import DiscoveryError, OAuthError, clean
from cio_desktop.oauth.httpjson import get_json
from cio_desktop.oauth.metadata import ResourceMetadata, ServerMetadata, check_url

if TYPE_CHECKING:
    import httpx

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


def well_known_urls(base: str, suffix: str) -> list[str]:
    """``/.well-known/<suffix>/<path>`` for a URL with a path, and the root form (RFC 8615, RFC 9728 §3.1)."""
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    urls = []
    if path:
        urls.append(urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{suffix}{path}", "", "")))
    urls.append(urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{suffix}", "", "")))
    return urls


def issuer_metadata_urls(issuer: str) -> list[str]:
    """Where an issuer's metadata may be, in the spec's order (RFC 8414 first, then OpenID, both forms)."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    root = (parts.scheme, parts.netloc)
    if not path:
        return [
            urlunsplit((*root, "/.well-known/oauth-authorization-server", "", "")),
            urlunsplit((*root, "/.well-known/openid-configuration", "", "")),
        ]
    return [
        urlunsplit((*root, f"/.well-known/oauth-authorization-server{path}", "", "")),
        urlunsplit((*root, f"/.well-known/openid-configuration{path}", "", "")),
        urlunsplit((*root, f"{path}/.well-known/openid-configuration", "", "")),
    ]


async def discover_resource(http: httpx.AsyncClient, resource: str) -> ResourceMetadata:
    """The protected-resource metadata of ``resource`` (an MCP endpoint, say)."""
    import httpx

    check_url(resource, "resource address")
    challenge: dict[str, str] = {}
    try:
        response = await http.get(resource, headers={"Accept": "application/json, text/event-stream"})
        if response.status_code == 401 or response.status_code == 403:
            challenge = parse_bearer_challenge(response.headers.get("WWW-Authenticate"))
    except httpx.HTTPError as exc:
        raise OAuthError(f"Could not reach {clean(resource)[:200]}.", detail=type(exc).__name__) from None
    candidates = []
    if challenge.get("resource_metadata"):
        candidates.append(str(check_url(challenge["resource_metadata"], "resource metadata address")))
    candidates += well_known_urls(resource, "oauth-protected-resource")
    for url in candidates:
        status, doc = await get_json(http, url, "resource metadata")
        if status != 200 or doc is None:
            continue
        if doc.get("resource") != resource:
            raise DiscoveryError(
                f"The resource metadata at {clean(url)[:200]} describes a different resource "
                f"({clean(str(doc.get('resource')))[:200]}); cio-desktop refuses to use it."
            )
        servers = tuple(s for s in doc.get("authorization_servers") or [] if isinstance(s, str))
        if not servers:
            raise DiscoveryError("The resource names no authorization server to sign in with.")
        scopes = tuple(s for s in doc.get("scopes_supported") or [] if isinstance(s, str))
        return ResourceMetadata(resource, servers, scopes, challenge.get("scope"))
    raise DiscoveryError(
        f"{clean(resource)[:200]} publishes no protected-resource metadata (RFC 9728), so cio-desktop "
        "cannot tell where to sign in. Give the issuer URL instead."
    )


async def discover_issuer(http: httpx.AsyncClient, issuer: str) -> ServerMetadata:
    """The authorization server metadata of ``issuer``; ``issuer`` must match exactly and S256 be offered."""
    check_url(issuer, "issuer")
    for url in issuer_metadata_urls(issuer):
        status, doc = await get_json(http, url, "authorization server metadata")
        if status != 200 or doc is None:
            continue
        meta = ServerMetadata.from_document(doc, issuer)
        meta.require_s256()
        return meta
    raise DiscoveryError(
        f"No authorization server metadata was found for {clean(issuer)[:200]} (neither RFC 8414 nor "
        "OpenID discovery). Check the issuer URL."
    )
