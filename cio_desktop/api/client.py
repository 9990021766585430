"""``CioClient``: everything one workspace needs to talk to Customer.io, over one reused httpx client.

Composes the engine (auth, limiter, retries, history), ``track`` and ``app`` call groups, region
handling (``auto`` → ``GET /api/v1/accounts/region``, stored on ``client.workspace``) and the "does this
key work in the other region?" probe that turns a 401 into a precise message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from cio_desktop.api import errors as E
from cio_desktop.api.apis import APP, TRACK, ApiSpec, spec_for
from cio_desktop.api.app_api import AppApi
from cio_desktop.api.core import Engine, Params
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import ApiResult, Credentials, NetworkSettings
from cio_desktop.api.pipelines import PipelinesApi
from cio_desktop.api.regions import (
    DEFAULT_HOSTS,
    Endpoints,
    RegionInfo,
    effective_region,
    endpoints_for,
    other_region,
    parse_region,
)
from cio_desktop.api.retry import RetryPolicy
from cio_desktop.api.track import TrackApi
from cio_desktop.models import Region, Workspace

if TYPE_CHECKING:
    import httpx

WorkspaceListener = Callable[[Workspace], None]


TOKEN_REFUSED = (
    "The OAuth sign-in was refused: its token expired or was revoked and could not be renewed, so this "
    "workspace is signed out. Sign in again (Sign in with OAuth, or cio-desktop login NAME)."
)


class CioClient:
    """Async client for one workspace. Use ``async with CioClient(...) as client`` or ``await aclose()``.

    ``client.track.*`` and ``client.app.*`` return ``ApiResult`` or raise ``ApiError`` subclasses. When the
    workspace's region is ``auto`` the first call detects it; ``client.workspace`` then carries the region
    (and ``workspace_id``) and ``on_workspace_changed`` is called so the caller can store it.
    ``hosts`` replaces the region → host table (tests only; overrides in the workspace always win);
    ``http`` and ``sleep`` are test seams (a ready httpx client; the wait between retries).
    """

    def __init__(
        self,
        workspace: Workspace,
        credentials: Credentials,
        *,
        history: RequestHistory | None = None,
        settings: NetworkSettings | None = None,
        retry: RetryPolicy | None = None,
        hosts: Mapping[Region, Endpoints] | None = None,
        on_workspace_changed: WorkspaceListener | None = None,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        from cio_desktop.api.transport import build_async_client

        self.settings = settings or NetworkSettings()
        self.history = history
        self._hosts = hosts or DEFAULT_HOSTS
        self._on_workspace_changed = on_workspace_changed
        region: object = workspace.region
        if not isinstance(region, Region):  # a plain "us"/"eu" string from loosely typed callers
            workspace = workspace.replace(region=Region(str(region).lower()))
        self._http = http or build_async_client(self.settings, ca_file=workspace.ca_file)
        self._engine = Engine(
            workspace,
            credentials,
            http=self._http,
            history=history,
            settings=self.settings,
            retry=retry or RetryPolicy(),
            sleep=sleep or asyncio.sleep,
        )
        self._region_lock: asyncio.Lock | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self.track = TrackApi(self._send)
        self.app = AppApi(self._send)
        self.pipelines = PipelinesApi(self._send)

    # ---- properties -------------------------------------------------------------------------------
    @property
    def workspace(self) -> Workspace:
        return self._engine.workspace

    @property
    def credentials(self) -> Credentials:
        return self._engine.credentials

    @property
    def region(self) -> Region:
        return self.workspace.region

    def set_credentials(self, credentials: Credentials) -> None:
        """Use new keys from the next attempt on; the connection pool and calls in flight are untouched."""
        self._engine.credentials = credentials

    def can_call(self, api: str) -> bool:
        """True if the credentials hold what ``api``'s calls need (no network)."""
        try:
            self._engine.strategy(api)
        except E.MissingCredentialsError:
            return False
        return True

    def endpoints(self, region: Region | None = None) -> Endpoints:
        """The Track/App base URLs used now (or for ``region``)."""
        return endpoints_for(self.workspace, region, hosts=self._hosts)

    def redact(self, text: str) -> str:
        """Remove this client's secrets from any text (for callers printing things)."""
        return self._engine.redactor.text(text)

    # ---- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the connections; the history records of this client's calls are on disk afterwards."""
        await self._http.aclose()
        if self.history is not None:
            await self.history.aflush()

    async def aclose_when_idle(self, timeout_s: float = 120.0) -> None:
        """Close after the calls in flight have ended (at most ``timeout_s`` later)."""
        try:
            async with asyncio.timeout(timeout_s):
                while self._in_flight:
                    self._idle.clear()
                    await self._idle.wait()
        finally:
            await self.aclose()

    async def __aenter__(self) -> CioClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- region -----------------------------------------------------------------------------------
    def _set_workspace(self, workspace: Workspace) -> None:
        if workspace != self._engine.workspace:
            self._engine.workspace = workspace
            if self._on_workspace_changed is not None:
                self._on_workspace_changed(workspace)

    async def detect_region(self) -> RegionInfo:
        """Ask ``GET /api/v1/accounts/region`` (Track credentials needed) and store the answer on
        ``client.workspace``. Without a Track override, a 401 in the US is retried on the EU host."""
        regions = [Region.US, Region.EU]
        if self.workspace.region is Region.EU:
            regions.reverse()
        first_error: E.AuthError | None = None
        for region in regions if not TRACK.has_override(self.workspace) else [self.workspace.region]:
            base = self.endpoints(region).track
            try:
                result = await self._engine.call(
                    TRACK.name,
                    base,
                    "GET",
                    TRACK.check_path,
                    idempotent=True,
                    operation="Region lookup",
                    region=effective_region(region).value,
                )
            except E.AuthError as exc:
                first_error = first_error or exc
                continue
            data = result.data if isinstance(result.data, dict) else {}
            found = parse_region(data.get("region")) or effective_region(region)
            env = data.get("environment_id")
            info = RegionInfo(found, env if isinstance(env, int) else None, data.get("url"))
            self._set_workspace(
                self.workspace.replace(
                    region=found, workspace_id=info.workspace_id or self.workspace.workspace_id
                )
            )
            return info
        assert first_error is not None
        overridden = TRACK.has_override(self.workspace)
        if not overridden and first_error.status == 401 and first_error.other_region_works is None:
            first_error.other_region_works = False
            first_error.message = E.auth_message(TRACK.name, 401, "us", False)
            first_error.args = (first_error.message,)
        raise first_error

    async def _probe_app_region(self) -> Region | None:
        """App-only workspaces: the region whose host accepts the key (US tried first), or None."""
        for region in (Region.US, Region.EU):
            try:
                await self._engine.call(
                    APP.name, self.endpoints(region).app, "GET", APP.check_path, idempotent=True,
                    operation="Region probe", region=region.value,
                )  # fmt: skip
            except E.AuthError:
                continue
            return region
        return None

    async def ensure_region(self, api: str | None = None) -> Region:
        """Resolve ``auto`` once (Track lookup, else App probe); returns the region in use (still
        ``AUTO`` if nothing could tell, and then calls use the US hosts).

        A rejected Track key only fails the detection for a Track call (``api="track"``); an App call
        falls back to probing with the App key, so it reports on the key it actually uses.
        """
        if self.workspace.region is not Region.AUTO:
            return self.workspace.region
        if self._region_lock is None:
            self._region_lock = asyncio.Lock()
        async with self._region_lock:
            if self._engine.workspace.region is not Region.AUTO:  # detected while we waited
                return self._engine.workspace.region
            if self.can_call(TRACK.name):
                try:
                    await self.detect_region()
                    return self.workspace.region
                except E.AuthError:
                    if api == TRACK.name or not self.can_call(APP.name):
                        raise
                except (E.ConnectionFailedError, E.ApiTimeoutError) as exc:
                    # The Track host was not reached. An App call (a lookup) goes on with the App probe so
                    # its error, if any, names the App host it really needs, not the Track host.
                    if api == TRACK.name or not self.can_call(APP.name):
                        raise
                    if isinstance(exc, E.ApiTimeoutError):  # no second wait: say what was being asked
                        exc.message = f"{exc.message} (This was the region check, asked of the Track API.)"
                        exc.args = (exc.message,)
                        raise
            if self.can_call(APP.name) and not APP.has_override(self.workspace):
                found = await self._probe_app_region()
                if found is not None:
                    self._set_workspace(self.workspace.replace(region=found))
        return self.workspace.region

    # ---- the sender used by track/app -------------------------------------------------------------
    async def call(
        self,
        api: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        idempotent: bool,
        operation: str,
    ) -> ApiResult:
        """One call with this workspace's credentials and region (what ``track``/``app`` use); for
        replaying a recorded request (``cio_desktop.operations.resend``)."""
        return await self._send(api, method, path, body=body, idempotent=idempotent, operation=operation)

    async def _send(
        self,
        api: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotent: bool,
        operation: str,
        headers: Mapping[str, str] | None = None,
        gzip: bool = False,
    ) -> ApiResult:
        self._engine.strategy(api)  # missing credentials: fail before any network traffic
        self._in_flight += 1
        try:
            return await self._send_now(
                api, method, path, params=params, body=body, idempotent=idempotent, operation=operation,
                headers=headers, gzip=gzip,
            )  # fmt: skip
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _send_now(
        self,
        api: str,
        method: str,
        path: str,
        *,
        params: Params | None,
        body: Any,
        idempotent: bool,
        operation: str,
        headers: Mapping[str, str] | None,
        gzip: bool,
    ) -> ApiResult:
        spec = spec_for(api)
        key_region = spec.key_region(self.credentials) if spec.key_region is not None else None
        if key_region is None and not (api == TRACK.name and path == TRACK.check_path):
            await self.ensure_region(api)
        if key_region is not None and self.workspace.region is Region.AUTO:
            region = key_region
        else:
            region = effective_region(self.workspace.region)
        base = self.endpoints(region).base(api)
        if key_region is not None:
            self._refuse_other_region(spec, key_region, region, base, method, path)
        try:
            return await self._engine.call(
                api, base, method, path, params=params, body=body, idempotent=idempotent,
                operation=operation, region=region.value, headers=headers, gzip=gzip,
            )  # fmt: skip
        except E.AuthError as exc:
            if exc.status == 401 and self._uses_token(api):
                exc.message = TOKEN_REFUSED  # not a key problem: the OAuth sign-in ended
                exc.args = (exc.message,)
            elif exc.status == 401 and spec.check_path and not spec.has_override(self.workspace):
                await self._explain_401(exc, api, region)
            raise
        except E.WrongRegionError as exc:
            await self._explain_redirect(exc, region)
            raise

    def _refuse_other_region(
        self, spec: ApiSpec, key_region: Region, region: Region, base: str, method: str, path: str
    ) -> None:
        """A key that names its region is never sent to the other region's host."""
        other_host = spec.hosts[other_region(key_region)].rstrip("/")
        pinned = spec.has_override(self.workspace)
        if (pinned and base != other_host) or (not pinned and region is key_region):
            return
        wrong = other_region(key_region).value.upper()
        raise E.WrongRegionError(
            f"This {spec.label} key is for the {key_region.value.upper()} region (its name starts with "
            f'"_{key_region.value}_"), but the call would go to the {wrong} region\'s host. '
            "Nothing was sent. "
            f"Change the workspace's region to {key_region.value.upper()} or use a key made for {wrong}.",
            correct_region=key_region.value,
            endpoint=E.endpoint_label(method, base + path),
        )

    async def _explain_redirect(self, exc: E.WrongRegionError, region: Region) -> None:
        """Ask the region lookup (it answers on either region's host) where the data really lives."""
        if not self.can_call(TRACK.name):
            return
        try:
            result = await self._engine.call(
                TRACK.name, self.endpoints(region).track, "GET", TRACK.check_path, idempotent=True,
                operation="Region lookup", region=region.value,
            )  # fmt: skip
        except E.ApiError:
            return
        found = parse_region(result.get("region"))
        if found is not None:
            exc.correct_region = found.value
            exc.message = E.wrong_region_message(region.value, found.value)
            exc.args = (exc.message,)

    def _uses_token(self, api: str) -> bool:
        """True when ``api``'s calls carry the workspace's OAuth token rather than a key."""
        creds = self.credentials
        return api == "app" and creds.token is not None and not creds.app_api_key

    async def _explain_401(self, exc: E.AuthError, api: str, region: Region) -> None:
        """Try the same key in the other region and fill ``exc.other_region_works`` and its message."""
        other = other_region(region)
        base = self.endpoints(other).base(api)
        try:
            await self._engine.call(
                api, base, "GET", spec_for(api).check_path, idempotent=False,
                operation="Other-region check", region=other.value,
            )  # fmt: skip
            works: bool | None = True
        except E.AuthError:
            works = False
        except E.ApiError:
            works = None
        exc.other_region_works = works
        exc.message = E.auth_message(api, 401, region.value, works)
        exc.args = (exc.message,)
