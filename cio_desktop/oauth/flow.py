"""One authorization-code sign-in through the system browser and the loopback redirect.

``SignInFlow`` is built with the server metadata and the client; ``await flow.run()`` listens, makes sure
the client is registered for the redirect URI, opens the browser (``opener``), waits for the callback, a
pasted address (:meth:`submit_pasted`), :meth:`cancel` or the timeout, then exchanges the code. PKCE
verifier and state live in this object only. The listener is closed whatever happens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from cio_desktop.oauth import pkce
from cio_desktop.oauth.endpoints import TokenSet, exchange_code
from cio_desktop.oauth.errors import OAuthError, SignInCancelled, SignInTimedOut, error_for
from cio_desktop.oauth.loopback import CallbackRejected, LoopbackListener, single_params
from cio_desktop.oauth.metadata import ServerMetadata
from cio_desktop.oauth.registration import (
    ClientIdentity,
    ClientRegistry,
    drop_registration,
    load_registration,
    register,
    remembered_port,
    save_registration,
)

if TYPE_CHECKING:
    import httpx

SIGN_IN_TIMEOUT_S = 300.0
Opener = Callable[[str], Awaitable[bool]]


async def system_browser(url: str) -> bool:
    """Open ``url`` in the system browser (``webbrowser`` honours ``BROWSER``), off the event loop."""
    import webbrowser

    return await asyncio.to_thread(webbrowser.open, url)


@dataclass(frozen=True, slots=True)
class Callback:
    """An accepted redirect: the authorization code."""

    code: str


class SignInFlow:
    """One sign-in. ``client`` None: use (or make) a dynamic registration kept in ``registry``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        meta: ServerMetadata,
        *,
        client: ClientIdentity | None = None,
        registry: ClientRegistry | None = None,
        scopes: tuple[str, ...] = (),
        resource: str | None = None,
        opener: Opener = system_browser,
        timeout: float = SIGN_IN_TIMEOUT_S,
        on_url: Callable[[str], None] | None = None,
    ) -> None:
        meta.require_s256()
        if not meta.authorization_endpoint:
            raise OAuthError("The authorization server has no authorization endpoint for a browser sign-in.")
        self._http = http
        self._meta = meta
        self._client = client
        self._registry = registry or ClientRegistry()
        self._scope = " ".join(scopes) or None
        self._resource = resource
        self._opener = opener
        self._timeout = timeout
        self._on_url = on_url
        self._verifier = pkce.new_verifier()
        self._state = pkce.new_state()
        self._listener: LoopbackListener[Callback] | None = None
        self._cancelled = asyncio.Event()
        self.authorization_url: str | None = None
        self.browser_opened: bool | None = None

    # -- what the waiting dialog / CLI call -----------------------------------------------------

    def cancel(self) -> None:
        """End the sign-in now (the Cancel button)."""
        self._cancelled.set()
        if self._listener is not None:
            self._listener.settle(SignInCancelled("Sign-in was cancelled."))

    def submit_pasted(self, address: str) -> None:
        """The address the browser ended on, pasted by the user (remote desktops, WSL).

        Judged like a callback; a wrong one raises ``OAuthError`` and the flow goes on waiting."""
        if self._listener is None or self.authorization_url is None:
            raise OAuthError("The sign-in has not started yet.")
        parts = urlsplit(address.strip())
        if not parts.query:
            raise OAuthError("That address has no sign-in result in it (nothing after '?').")
        try:
            result = self._judge(single_params(parts.query))
        except CallbackRejected as exc:
            raise OAuthError(str(exc)) from None
        except OAuthError as exc:
            self._listener.settle(exc)
            return
        self._listener.settle(result)

    @property
    def done(self) -> bool:
        """True once a callback, a pasted address, cancel or an error has ended the waiting."""
        return self._listener is not None and self._listener.result.done()

    @property
    def rejected_callbacks(self) -> list[str]:
        return list(self._listener.rejected) if self._listener else []

    # -- the flow -------------------------------------------------------------------------------

    async def run(self) -> TokenSet:
        """Run the sign-in to the end: the tokens, or SignInCancelled, SignInTimedOut, OAuthError."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._run()
        except TimeoutError:
            raise SignInTimedOut(
                f"Nobody finished signing in within {self._timeout / 60:g} minutes, "
                "so the sign-in was stopped."
            ) from None

    async def _run(self) -> TokenSet:
        client = self._client or await load_registration(self._registry, self._meta)
        listener = await self._listen(remembered_port(client) if self._client is None else 0)
        self._listener = listener
        try:
            client = await self._ensure_client(client, listener.redirect_uri)
            self.authorization_url = self._authorization_url(client, listener.redirect_uri)
            if self._cancelled.is_set():
                raise SignInCancelled("Sign-in was cancelled.")
            if self._on_url is not None:
                self._on_url(self.authorization_url)
            listener.arm()
            self.browser_opened = await self._opener(self.authorization_url)
            callback = await asyncio.shield(listener.result)
            return await exchange_code(
                self._http,
                self._meta.token_endpoint,
                client,
                code=callback.code,
                redirect_uri=listener.redirect_uri,
                verifier=self._verifier,
                resource=self._resource,
            )
        finally:
            await listener.close()

    async def _listen(self, port: int) -> LoopbackListener[Callback]:
        """Listen on the remembered port if it is free, else on any free port."""
        listener: LoopbackListener[Callback] = LoopbackListener(self._judge, port=port)
        try:
            await listener.start()
        except OSError:
            if port == 0:
                raise OAuthError("Could not listen on 127.0.0.1 for the browser's return.") from None
            listener = LoopbackListener(self._judge, port=0)
            await listener.start()
        return listener

    async def _ensure_client(self, client: ClientIdentity | None, redirect_uri: str) -> ClientIdentity:
        """A client whose registration accepts ``redirect_uri``: pre-registered, remembered, or new."""
        if self._client is not None:
            return self._client
        if client is not None and client.redirect_uri == redirect_uri:
            if await self._server_accepts(client, redirect_uri):
                return client
            await drop_registration(self._registry, self._meta)
        fresh = await register(self._http, self._meta, redirect_uri, self._scope)
        await save_registration(self._registry, self._meta, fresh)
        return fresh

    async def _server_accepts(self, client: ClientIdentity, redirect_uri: str) -> bool:
        """Ask the authorization endpoint (no redirects followed, nothing submitted) whether it still
        knows the client and its redirect URI: a server that refuses either answers 4xx instead of
        showing its sign-in page (RFC 6749 §4.1.2.1 forbids redirecting then)."""
        import httpx

        url = self._authorization_url(client, redirect_uri)
        try:
            response = await self._http.get(url, headers={"Accept": "text/html"})
        except httpx.HTTPError:
            return True  # cannot tell: keep the registration, the browser will show any problem
        return not (400 <= response.status_code < 500)

    def _authorization_url(self, client: ClientIdentity, redirect_uri: str) -> str:
        params = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "state": self._state,
            "code_challenge": pkce.challenge(self._verifier),
            "code_challenge_method": "S256",
        }
        if self._scope:
            params["scope"] = self._scope
        if self._resource:
            params["resource"] = self._resource
        endpoint = str(self._meta.authorization_endpoint)
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"

    def _judge(self, params: dict[str, str]) -> Callback:
        """Accept a redirect only with the right state (constant time) and ``iss`` (RFC 9207)."""
        if not pkce.same(self._state, params.get("state")):
            raise CallbackRejected("The sign-in result does not belong to this sign-in (state differs).")
        iss = params.get("iss")
        check_iss = iss is not None or self._meta.iss_parameter_supported
        if self._meta.issuer and check_iss and iss != self._meta.issuer:
            raise CallbackRejected("The sign-in result came from a different authorization server.")
        if "error" in params:
            raise error_for(params["error"], params.get("error_description"))
        code = params.get("code")
        if not code:
            raise CallbackRejected("The sign-in result has no authorization code.")
        return Callback(code)
