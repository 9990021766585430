"""``CioClient``: everything one workspace needs to talk to Customer.io, over one reused httpx client.

Composes the engine (auth, limiter, retries, history), ``track`` and ``app`` call groups, region
handling (``auto`` → ``GET /api/v1/accounts/region``, stored on ``client.workspace``) and the "does this
key work in the other region?" probe that turns a 401 into a precise message.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from cio_desktop.api import errors as E
from cio_desktop.api.app_api import AppApi
from cio_desktop.api.core import Engine, Params
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import ApiResult, Credentials, NetworkSettings
from cio_desktop.api.regions import (
    DEFAULT_HOSTS,
    Endpoints,
    RegionInfo,
    effective_region,
    endpoints_for,
    has_override,
    other_region,
    parse_region,
)
from cio_desktop.api.retry import RetryPolicy
from cio_desktop.api.track import TrackApi
from cio_desktop.models import Region, Workspace

if TYPE_CHECKING:
    import httpx

WorkspaceListener = Callable[[Workspace], None]


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
        own_proxy = getattr(workspace, "proxy", None)  # a per-workspace proxy, if the model carries one
        if isinstance(own_proxy, str) and own_proxy.strip():
            self.settings = dataclasses.replace(self.settings, proxy=own_proxy.strip())
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
        self.track = TrackApi(self._send)
        self.app = AppApi(self._send)

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

    def endpoints(self, region: Region | None = None) -> Endpoints:
        """The Track/App base URLs used now (or for ``region``)."""
        return endpoints_for(self.workspace, region, hosts=self._hosts)

    def redact(self, text: str) -> str:
        """Remove this client's secrets from any text (for callers printing things)."""
        return self._engine.redactor.text(text)

    # ---- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._http.aclose()

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
        for region in regions if not has_override(self.workspace, "track") else [self.workspace.region]:
            base = self.endpoints(region).track
            try:
                result = await self._engine.call(
                    "track",
                    base,
                    "GET",
                    "/api/v1/accounts/region",
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
        overridden = has_override(self.workspace, "track")
        if not overridden and first_error.status == 401 and first_error.other_region_works is None:
            first_error.other_region_works = False
            first_error.message = E.auth_message("track", 401, "us", False)
            first_error.args = (first_error.message,)
        raise first_error

    async def _probe_app_region(self) -> Region | None:
        """App-only workspaces: the region whose host accepts the key (US tried first), or None."""
        for region in (Region.US, Region.EU):
            try:
                await self._engine.call(
                    "app", self.endpoints(region).app, "GET", "/v1/workspaces", idempotent=True,
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
            if self.credentials.track_api_key and self.workspace.site_id:
                try:
                    await self.detect_region()
                    return self.workspace.region
                except E.AuthError:
                    if api == "track" or not self.credentials.app_api_key:
                        raise
            if self.credentials.app_api_key and not has_override(self.workspace, "app"):
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
        replaying a recorded request (``cio_desktop.resend``)."""
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
    ) -> ApiResult:
        self._engine.auth_header(api)  # missing credentials: fail before any network traffic
        if not (api == "track" and path == "/api/v1/accounts/region"):
            await self.ensure_region(api)
        region = effective_region(self.workspace.region)
        endpoints = self.endpoints(region)
        base = endpoints.track if api == "track" else endpoints.app
        try:
            return await self._engine.call(
                api, base, method, path, params=params, body=body, idempotent=idempotent,
                operation=operation, region=region.value,
            )  # fmt: skip
        except E.AuthError as exc:
            if exc.status == 401 and not has_override(self.workspace, api):
                await self._explain_401(exc, api, region)
            raise
        except E.WrongRegionError as exc:
            await self._explain_redirect(exc, region)
            raise

    async def _explain_redirect(self, exc: E.WrongRegionError, region: Region) -> None:
        """Ask the region lookup (it answers on either region's host) where the data really lives."""
        if not (self.credentials.track_api_key and self.workspace.site_id):
            return
        try:
            result = await self._engine.call(
                "track", self.endpoints(region).track, "GET", "/api/v1/accounts/region", idempotent=True,
                operation="Region lookup", region=region.value,
            )  # fmt: skip
        except E.ApiError:
            return
        found = parse_region(result.get("region"))
        if found is not None:
            exc.correct_region = found.value
            exc.message = E.wrong_region_message(region.value, found.value)
            exc.args = (exc.message,)

    async def _explain_401(self, exc: E.AuthError, api: str, region: Region) -> None:
        """Try the same key in the other region and fill ``exc.other_region_works`` and its message."""
        other = other_region(region)
        base = self.endpoints(other).track if api == "track" else self.endpoints(other).app
        path = "/api/v1/accounts/region" if api == "track" else "/v1/workspaces"
        try:
            await self._engine.call(
                api, base, "GET", path, idempotent=False, operation="Other-region check", region=other.value
            )
            works: bool | None = True
        except E.AuthError:
            works = False
        except E.ApiError:
            works = None
        exc.other_region_works = works
        exc.message = E.auth_message(api, 401, region.value, works)
        exc.args = (exc.message,)
