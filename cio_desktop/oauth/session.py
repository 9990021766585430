"""``OAuthTokenSource``: an owner's tokens from the keyring, refreshed when needed, one refresh at a time.

Implements the API layer's ``TokenSource`` (``access_token``, ``after_unauthorized``, ``secret_values``):

- ``access_token()`` refreshes ``REFRESH_MARGIN_S`` before expiry;
- ``after_unauthorized(rejected)`` refreshes once after a 401; callers that waited behind the lock get the
  token the first one obtained (however many calls were waiting: one refresh);
- a rotated refresh token is stored before the new access token is handed out; the old refresh token is
  kept when the server returns none;
- ``invalid_grant`` deletes the tokens and raises ``SignedOut`` (never a loop).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from cio_desktop.oauth.endpoints import TokenSet, refresh
from cio_desktop.oauth.errors import OAuthError, SignedOut
from cio_desktop.oauth.registration import ClientIdentity
from cio_desktop.oauth.token_store import StoredTokens, TokenStore

if TYPE_CHECKING:
    import httpx

    from cio_desktop.api.models import NetworkSettings

REFRESH_MARGIN_S = 60.0
HttpFactory = Callable[[], "httpx.AsyncClient"]


def default_http(settings: NetworkSettings | None = None) -> HttpFactory:
    """A factory of short-lived clients for token calls (the OS trust store, the user's proxy)."""

    def make() -> httpx.AsyncClient:
        from cio_desktop.api.transport import build_async_client

        return build_async_client(settings)

    return make


class OAuthTokenSource:
    """The tokens of one owner (``oauth_owner(workspace id)`` or the account). Lives on one event loop."""

    def __init__(
        self,
        store: TokenStore,
        owner: str,
        *,
        http: HttpFactory | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._owner = owner
        self._http = http or default_http()
        self._clock = clock
        self._tokens: StoredTokens | None = None
        self._loaded = False
        self._lock = asyncio.Lock()
        self._load_lock = asyncio.Lock()
        self.refresh_count = 0  # how many refreshes this source made (shown in diagnostics and tests)

    @property
    def owner(self) -> str:
        return self._owner

    async def tokens(self) -> StoredTokens:
        """The stored tokens (read from the keyring once), or ``SignedOut``."""
        if not self._loaded:
            async with self._load_lock:  # many first calls at once read the keyring once
                if not self._loaded:
                    self._tokens = await self._store.load(self._owner)
                    self._loaded = True
        if self._tokens is None:
            raise SignedOut("Not signed in. Sign in again.")
        return self._tokens

    async def access_token(self) -> str:
        tokens = await self.tokens()
        if not self._expiring(tokens):
            return tokens.access_token
        async with self._lock:
            tokens = await self.tokens()
            if self._expiring(tokens):
                tokens = await self._refresh(tokens)
            return tokens.access_token

    async def after_unauthorized(self, rejected: str) -> str | None:
        """One shared refresh after a 401 with ``rejected``; None when signed out or it cannot refresh."""
        try:
            async with self._lock:
                tokens = await self.tokens()
                if tokens.access_token != rejected:
                    return tokens.access_token  # someone refreshed while this call waited
                if not tokens.refresh_token:
                    return None
                return (await self._refresh(tokens)).access_token
        except SignedOut:
            return None

    def secret_values(self) -> list[str]:
        t = self._tokens
        return [v for v in ((t.access_token, t.refresh_token) if t else ()) if v]

    def _expiring(self, tokens: StoredTokens) -> bool:
        exp = tokens.record.expires_at
        return exp is not None and exp - REFRESH_MARGIN_S <= self._clock() and bool(tokens.refresh_token)

    async def _adopt_newer(self, tokens: StoredTokens) -> StoredTokens | None:
        """The keyring's tokens when another process (the CLI beside the GUI) renewed them since we read
        them; None when they are still ours. Using our spent refresh token would sign everyone out."""
        latest = await self._store.load(self._owner)
        if latest is None:
            self._tokens = None
            raise SignedOut("Signed out (in another cio-desktop window or command). Sign in again.")
        if (latest.access_token, latest.refresh_token) == (tokens.access_token, tokens.refresh_token):
            return None
        self._tokens = latest
        return latest

    async def _refresh(self, tokens: StoredTokens) -> StoredTokens:
        """Refresh (lock held). Stores before returning; ``invalid_grant`` → tokens deleted, SignedOut."""
        newer = await self._adopt_newer(tokens)
        if newer is not None:
            if not self._expiring(newer) or not newer.refresh_token:
                return newer
            tokens = newer
        record = tokens.record
        assert tokens.refresh_token is not None
        secret = await self._store.client_secret(self._owner) if record.has_client_secret else None
        client = ClientIdentity(record.client_id, secret=secret)
        try:
            async with self._http() as http:
                fresh: TokenSet = await refresh(
                    http, record.token_endpoint, client, tokens.refresh_token, record.resource
                )
        except SignedOut:
            newer = await self._adopt_newer(tokens)
            if newer is not None:  # another process rotated the refresh token meanwhile: theirs is good
                return newer
            await self._store.clear(self._owner)
            self._tokens = None
            raise SignedOut(
                "The sign-in has expired or was revoked, so you are signed out. Sign in again."
            ) from None
        except OAuthError:
            raise
        self.refresh_count += 1
        refresh_token = fresh.refresh_token or tokens.refresh_token  # keep the old one if none came
        new_record = record.replace(expires_at=fresh.expires_at, scope=fresh.scope or record.scope)
        saved = await self._store.save(self._owner, new_record, fresh.access_token, refresh_token)
        self._tokens = StoredTokens(saved, fresh.access_token, refresh_token)
        return self._tokens


class TokenSources:
    """One ``OAuthTokenSource`` per owner for a long-running app, so a workspace's client keeps the same
    source (credentials compare tokens by identity) and all its calls share one refresh lock."""

    def __init__(self, secrets: object, http: HttpFactory | None = None) -> None:
        from cio_desktop.secrets import SecretStore

        assert isinstance(secrets, SecretStore)
        self._secrets = secrets
        self._http = http
        self._sources: dict[str, OAuthTokenSource] = {}

    async def get(self, owner: str) -> OAuthTokenSource | None:
        """The owner's source when it has a sign-in record in the keyring, else None."""
        from cio_desktop.models import SecretKind

        source = self._sources.get(owner)
        if source is not None:
            return source
        if not await self._secrets.get(owner, SecretKind.OAUTH_SESSION):
            return None
        source = OAuthTokenSource(TokenStore(self._secrets), owner, http=self._http)
        self._sources[owner] = source
        return source

    def forget(self, owner: str) -> None:
        """Drop the cached source (after a sign-in or sign-out changed the stored tokens)."""
        self._sources.pop(owner, None)
