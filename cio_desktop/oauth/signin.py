"""The sign-in operations the CLI and the GUI call: sign in (browser or device code), sign out.

``sign_in`` discovers the server (a resource, an issuer, or explicit endpoints), runs the browser flow or
the device flow, and stores the tokens in the keyring; ``sign_out`` revokes where the server offers it and
deletes locally either way. Hooks let a caller show the address, offer Cancel/Paste, or show a device code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cio_desktop.oauth import device as device_flow
from cio_desktop.oauth.discovery import discover_issuer, discover_resource
from cio_desktop.oauth.endpoints import TokenSet, revoke
from cio_desktop.oauth.errors import DiscoveryError, OAuthError
from cio_desktop.oauth.flow import SIGN_IN_TIMEOUT_S, Opener, SignInFlow, system_browser
from cio_desktop.oauth.metadata import ServerMetadata
from cio_desktop.oauth.registration import ClientIdentity, ClientRegistry, load_registration, register
from cio_desktop.oauth.session import HttpFactory, default_http
from cio_desktop.oauth.token_store import ACCOUNT_OWNER, SessionRecord, TokenStore

if TYPE_CHECKING:
    from cio_desktop.oauth.device import DeviceCode
    from cio_desktop.secrets import SecretStore

DISCOVERY_TIMEOUT_S = 60.0  # every discovery request together (each also has the client's own timeout)
MCP_RESOURCES = {"us": "https://mcp.customer.io/mcp", "eu": "https://mcp-eu.customer.io/mcp"}
DEFAULT_ACCOUNT_SCOPE = "read"


@dataclass
class SignInHooks:
    """How a caller follows a sign-in. ``started(flow)`` gives the browser flow (address, cancel, paste);
    ``device_code(code)`` shows a device code; ``cancelled`` ends a device-code sign-in."""

    opener: Opener = system_browser
    started: Callable[[SignInFlow], None] | None = None
    device_code: Callable[[DeviceCode], None] | None = None
    cancelled: asyncio.Event | None = None
    timeout: float = SIGN_IN_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class SignInTarget:
    """Where to sign in: a ``resource`` (discovered, RFC 9728), an ``issuer`` (RFC 8414 / OpenID), or
    explicit ``metadata``. ``scopes`` empty: the resource's challenge scope or the server's default."""

    resource: str | None = None
    issuer: str | None = None
    metadata: ServerMetadata | None = None
    scopes: tuple[str, ...] = ()
    client_id: str | None = None
    client_secret: str | None = None
    device: bool = False


async def resolve(http: object, target: SignInTarget) -> tuple[ServerMetadata, tuple[str, ...]]:
    """The server metadata and scopes for ``target`` (discovery as the MCP authorization spec orders it)."""
    import httpx

    assert isinstance(http, httpx.AsyncClient)
    if target.metadata is not None:
        return target.metadata, target.scopes
    if target.issuer:
        return await discover_issuer(http, target.issuer), target.scopes
    if not target.resource:
        raise DiscoveryError("Give an issuer URL, endpoints or a resource to sign in to.")
    res = await discover_resource(http, target.resource)
    meta = await discover_issuer(http, res.authorization_servers[0])
    scopes = target.scopes
    if not scopes:
        if res.challenge_scope:
            scopes = tuple(res.challenge_scope.split())
        elif DEFAULT_ACCOUNT_SCOPE in (res.scopes_supported or meta.scopes_supported):
            scopes = (DEFAULT_ACCOUNT_SCOPE,)  # read-only tool: ask for the least
        else:
            scopes = res.scopes_supported
    return meta, scopes


async def sign_in(
    secrets: SecretStore,
    owner: str,
    target: SignInTarget,
    hooks: SignInHooks | None = None,
    *,
    http: HttpFactory | None = None,
    registry: ClientRegistry | None = None,
    region: str | None = None,
) -> SessionRecord:
    """Sign ``owner`` in and store the tokens; returns the stored record (no token in it)."""
    hooks = hooks or SignInHooks()
    registry = registry or ClientRegistry()
    store = TokenStore(secrets)
    async with (http or default_http())() as client_http:
        try:
            async with asyncio.timeout(DISCOVERY_TIMEOUT_S):
                meta, scopes = await resolve(client_http, target)
        except TimeoutError:
            raise DiscoveryError(
                f"The authorization server's metadata did not arrive within {DISCOVERY_TIMEOUT_S:g} seconds."
            ) from None
        meta.require_s256()
        client = ClientIdentity(target.client_id, secret=target.client_secret) if target.client_id else None
        resource = target.resource
        if target.device:
            tokens, client = await _device(client_http, meta, client, registry, scopes, resource, hooks)
        else:
            flow = SignInFlow(
                client_http,
                meta,
                client=client,
                registry=registry,
                scopes=scopes,
                resource=resource,
                opener=hooks.opener,
                timeout=hooks.timeout,
            )
            if hooks.started is not None:
                hooks.started(flow)
            tokens = await flow.run()
            client = client or await load_registration(registry, meta)
            if client is None:
                raise OAuthError("The client registration was lost during sign-in; sign in again.")
    await store.set_client_secret(owner, target.client_secret)
    record = SessionRecord(
        issuer=meta.issuer,
        token_endpoint=meta.token_endpoint,
        client_id=client.client_id,
        revocation_endpoint=meta.revocation_endpoint,
        resource=resource,
        scope=tokens.scope or (" ".join(scopes) or None),
        expires_at=tokens.expires_at,
        has_client_secret=bool(target.client_secret),
        mcp_url=resource if owner == ACCOUNT_OWNER else None,
        region=region,
    )
    return await store.save(owner, record, tokens.access_token, tokens.refresh_token)


async def _device(
    http: object,
    meta: ServerMetadata,
    client: ClientIdentity | None,
    registry: ClientRegistry,
    scopes: tuple[str, ...],
    resource: str | None,
    hooks: SignInHooks,
) -> tuple[TokenSet, ClientIdentity]:
    import httpx

    assert isinstance(http, httpx.AsyncClient)
    if not meta.supports_device_flow:
        raise OAuthError(
            "The authorization server does not offer sign-in with a device code; use the browser."
        )
    scope = " ".join(scopes) or None
    if client is None:
        # A device-code client never receives a redirect, but registration still wants one URI.
        client = await register(http, meta, "http://127.0.0.1/oauth/callback", scope)
    code = await device_flow.start(http, meta, client, scope, resource)
    if hooks.device_code is not None:
        hooks.device_code(code)
    tokens = await device_flow.poll(http, meta, client, code, resource, cancelled=hooks.cancelled)
    return tokens, client


@dataclass(frozen=True, slots=True)
class SignOutResult:
    """What sign-out did: ``revoked`` True (server confirmed), False (it failed), None (not offered)."""

    was_signed_in: bool
    revoked: bool | None

    @property
    def message(self) -> str:
        if not self.was_signed_in:
            return "Not signed in; nothing to do."
        if self.revoked is True:
            return "Signed out: the server revoked the tokens and they were deleted from the keyring."
        if self.revoked is False:
            return (
                "Signed out locally: the tokens were deleted from the keyring, but the server did not "
                "confirm revoking them."
            )
        return (
            "Signed out locally: the tokens were deleted from the keyring (the server offers no way to "
            "revoke them; they expire on their own)."
        )


async def sign_out(secrets: SecretStore, owner: str, *, http: HttpFactory | None = None) -> SignOutResult:
    """Revoke (RFC 7009) when the server offers it, then delete locally either way."""
    store = TokenStore(secrets)
    tokens = await store.load(owner)
    if tokens is None:
        await store.clear(owner)
        return SignOutResult(False, None)
    revoked: bool | None = None
    record = tokens.record
    if record.revocation_endpoint:
        secret = await store.client_secret(owner) if record.has_client_secret else None
        client = ClientIdentity(record.client_id, secret=secret)
        try:
            async with (http or default_http())() as client_http:
                async with asyncio.timeout(30):
                    revoked = True
                    if tokens.refresh_token:  # revoking the refresh token ends the grant (RFC 7009 §2.1)
                        revoked = await revoke(
                            client_http,
                            record.revocation_endpoint,
                            client,
                            tokens.refresh_token,
                            "refresh_token",
                        )
                    revoked = (
                        await revoke(
                            client_http,
                            record.revocation_endpoint,
                            client,
                            tokens.access_token,
                            "access_token",
                        )
                        and revoked
                    )
        except (TimeoutError, OAuthError):
            revoked = False
    await store.clear(owner)
    return SignOutResult(True, revoked)


def account_resource(region: str | None, resource: str | None) -> str:
    """The MCP address to sign in to: ``resource`` when given, else the region's (US by default)."""
    if resource:
        return resource
    return MCP_RESOURCES.get((region or "us").lower(), MCP_RESOURCES["us"])
