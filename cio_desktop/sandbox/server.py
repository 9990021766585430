"""Wiring: the aiohttp application (auth, rate limit, faults, 404s), both region faces, start and stop.

The main face serves the sandbox's region; a second port plays the other region's hosts and answers
307 (to the main face) or 401, per ``wrong_region``. ``SandboxServer`` runs on the caller's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from aiohttp import web

from cio_desktop.sandbox import (
    app_customers,
    app_workspace,
    auth,
    hardening,
    mcp,
    oauth_server,
    pipelines,
    track_v1,
    track_v2,
)
from cio_desktop.sandbox.context import CTX, Context, ctx
from cio_desktop.sandbox.demo import build_workspace
from cio_desktop.sandbox.faults import FaultSet, Handler, parse_faults
from cio_desktop.sandbox.limits import RateLimiter
from cio_desktop.sandbox.oauth_state import OAuthState
from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions, is_loopback
from cio_desktop.sandbox.replies import (
    app_error,
    app_not_found,
    app_unauthorized,
    meta_error,
    track_unauthorized,
)
from cio_desktop.sandbox.state import dump_workspace, load_workspace, save_workspace, write_state
from cio_desktop.sandbox.tls import TlsMaterial, make_tls

log = logging.getLogger(__name__)
NO_AUTH_TRACK = ("/api/v1/metrics", "/api/v1/push/events")
SAVE_INTERVAL_S = 0.25
REGION_PATH = "/api/v1/accounts/region"


class RemoteRefused(ValueError):
    """A non-loopback host was requested without ``allow_remote``."""


def _not_found(path: str, status: int = 404) -> web.Response:
    if path.startswith("/api/"):
        return meta_error("Not Found" if status == 404 else "Method Not Allowed", status)
    return app_not_found() if status == 404 else app_error(405, "method not allowed")


@web.middleware
async def faults_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await ctx(request).faults.apply(request, handler)


TRACK_HEADERS = {
    "Cache-Control": "no-cache, no-store, must-revalidate, max-age=0",
    "Access-Control-Allow-Origin": "*",
}
APP_HEADERS = {"Cache-Control": "must-revalidate,no-cache,no-store"}


@web.middleware
async def headers_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The cache and CORS headers Customer.io's recorded responses carry."""
    response = await handler(request)
    if not response.prepared:
        track_like = request.path.startswith("/api/") or pipelines.owns(request.path)
        response.headers.update(TRACK_HEADERS if track_like else APP_HEADERS)
    return response


@web.middleware
async def guard_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth per API, the App rate limit, and API-shaped 404/405/500 answers."""
    c = ctx(request)
    path = request.path
    if pipelines.owns(path):
        return await pipelines.guard(request, handler)
    header = request.headers.get("Authorization")
    if path.startswith("/api/") and path not in NO_AUTH_TRACK:
        if not auth.track_ok(c.ws, header):
            return track_unauthorized()
    elif path.startswith("/v1/") or path == "/v1":
        if not auth.app_ok(c.ws, header) and not oauth_server.app_token_ok(request, header):
            return app_unauthorized()
        wait = c.limiter.check(c.ws.app_api_key)
        if wait is not None:
            detail = f"rate limited to {c.limiter.rate:g} requests per 1s (reference sandbox)"
            return app_error(429, detail, {"Retry-After": str(wait)})
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return _not_found(path)
    except web.HTTPMethodNotAllowed:
        return _not_found(path, 405)
    except web.HTTPException as exc:  # e.g. 413 from aiohttp's body size cap
        if path.startswith("/api/"):
            return meta_error(exc.reason, exc.status)
        return app_error(exc.status, exc.reason.lower())
    except Exception:
        log.exception("sandbox handler failed for %s %s", request.method, path)
        if path.startswith("/api/"):
            return meta_error("Internal Server Error", 500)
        return app_error(500, "internal server error")


async def other_region(request: web.Request) -> web.StreamResponse:
    """The other region's face: region lookup works, everything else redirects or answers 401."""
    c = ctx(request)
    if request.path == REGION_PATH:
        return (
            await track_v1.region(request)
            if auth.track_ok(c.ws, request.headers.get("Authorization"))
            else track_unauthorized()
        )
    if c.options.wrong_region == "redirect" and c.info is not None:
        raise web.HTTPTemporaryRedirect(c.info.track_url + request.path_qs)
    if pipelines.owns(request.path):
        return pipelines.unauthorized()
    return track_unauthorized() if request.path.startswith("/api/") else app_unauthorized()


class SandboxServer:
    """One sandbox on the running event loop: ``await start()`` → ``SandboxInfo``, ``await stop()``."""

    def __init__(self, options: SandboxOptions) -> None:
        if not options.allow_remote and not is_loopback(options.host):
            raise RemoteRefused(
                f"refusing to listen on {options.host}: the sandbox only serves this computer "
                "(use --allow-remote to override)"
            )
        self.options = options
        faults = FaultSet(parse_faults(options.faults), seed=options.seed)
        ws = load_workspace(options.state_dir) if options.state_dir else None
        if ws is None:
            ws = build_workspace(options.seed, options.people, options.clock, options.key_seed)
            if options.state_dir:
                save_workspace(ws, options.state_dir)
        self.context = Context(ws=ws, options=options, limiter=RateLimiter(options.rate_limit), faults=faults)
        self.oauth = OAuthState()
        self._runners: list[web.AppRunner] = []
        self._tls: TlsMaterial | None = None
        self._saver: asyncio.Task[None] | None = None
        self._trickle: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def _apps(self) -> tuple[web.Application, web.Application]:
        main = web.Application(
            middlewares=[faults_mw, headers_mw, guard_mw], client_max_size=hardening.MAX_BODY_BYTES
        )
        for module in (track_v1, track_v2, app_customers, app_workspace, pipelines):
            main.add_routes(module.routes)
        main[CTX] = self.context
        oauth_server.install(main, self.oauth, self.context.region_url)
        mcp.install(main)
        other = web.Application(middlewares=[faults_mw])
        other.router.add_route("*", "/{tail:.*}", other_region)
        other[CTX] = self.context
        return main, other

    async def _listen(self, app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0, **hardening.runner_args())
        await runner.setup()
        self._runners.append(runner)
        ssl_context = self._tls.context if self._tls else None
        site = web.TCPSite(
            runner,
            self.options.host,
            self.options.port if len(self._runners) == 1 else 0,
            ssl_context=ssl_context,
            backlog=hardening.BACKLOG,
        )
        await site.start()
        port = runner.addresses[0][1]
        host = self.options.host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if self._tls else 'http'}://{host}:{port}"

    async def start(self) -> SandboxInfo:
        if self.options.tls:
            self._tls = make_tls(self.options.state_dir)
        main, other = self._apps()
        main_url = await self._listen(main)
        other_url = await self._listen(other)
        ws = self.context.ws
        info = SandboxInfo(
            track_url=main_url,
            app_url=main_url,
            site_id=ws.site_id,
            track_api_key=ws.track_api_key,
            app_api_key=ws.app_api_key,
            region=self.options.region,
            workspace_id=ws.workspace_id,
            ca_file=self._tls.ca_file if self._tls else None,
            track_url_other=other_url,
            app_url_other=other_url,
            other_region="eu" if self.options.region == "us" else "us",
            pipelines_url=main_url + pipelines.PREFIX,
            pipelines_write_key=ws.pipelines_write_key,
            issuer_url=main_url,
            mcp_url=f"{main_url}/mcp",
        )
        self.context.info = info
        if self.options.state_dir:
            self._saver = asyncio.create_task(self._save_loop())
        if self.options.trickle:
            from cio_desktop.sandbox import trickle

            self._trickle = asyncio.create_task(
                trickle.run(ws, self.options.trickle, seed=self.options.seed, on_change=self.context.changed)
            )
        return info

    def set_faults(self, specs: Iterable[str]) -> None:
        """Replace the active faults (call on the server's loop, or hand over parsed faults)."""
        self.context.faults.replace(parse_faults(specs))

    def save(self) -> None:
        if self.options.state_dir and self.context.dirty:
            self.context.dirty = False
            save_workspace(self.context.ws, self.options.state_dir)

    async def _save_loop(self) -> None:
        """Every 0.25 s, if something changed: snapshot on the loop, write the file in a thread."""
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), SAVE_INTERVAL_S)
            if self.options.state_dir and self.context.dirty:
                self.context.dirty = False
                await asyncio.to_thread(write_state, dump_workspace(self.context.ws), self.options.state_dir)

    async def stop(self) -> None:
        if self._trickle is not None:
            self._trickle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trickle
            self._trickle = None
        if self._saver is not None:
            self._closing.set()  # let a write in progress finish rather than cancel it
            await self._saver
            self._saver = None
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        self.save()
        if self._tls is not None and self._tls.temp_dir is not None:
            self._tls.temp_dir.cleanup()
        self._tls = None
