"""The ``httpx.AsyncClient`` factory: explicit timeouts, a cio-desktop User-Agent, the OS trust store
(truststore) plus optional CA bundles, and an optional proxy. Imports httpx only when called."""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cio_desktop import __version__
from cio_desktop.api.models import NetworkSettings

if TYPE_CHECKING:
    import httpx


MAX_CONNECTIONS = 20  # per client (one client per workspace)


def user_agent() -> str:
    return f"cio-desktop/{__version__}"


def ssl_context(ca_files: Sequence[str] = ()) -> ssl.SSLContext:
    """Verify against the OS trust store, plus every PEM bundle in ``ca_files``.

    Contexts are cached per (file, modification time), so building a client normally reads no file;
    async callers that want to avoid even the first read can warm the cache with
    ``await asyncio.to_thread(ssl_context, files)``.
    """
    key = tuple((path, _mtime(path)) for path in ca_files)
    with _cache_lock:
        ctx = _contexts.get(key)
        if ctx is None:
            ctx = _contexts[key] = _new_context(ca_files)
        return ctx


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1  # let load_verify_locations report the missing file


def _new_context(ca_files: Sequence[str]) -> ssl.SSLContext:
    import truststore

    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for path in ca_files:
        try:
            ctx.load_verify_locations(cafile=path)
        except (OSError, ssl.SSLError) as exc:
            from cio_desktop.api.errors import TlsError

            raise TlsError(
                f"The CA certificate file '{path}' could not be used: it is missing or is not a PEM "
                "certificate file. Fix or remove it in Settings (or in the workspace's settings).",
                detail=f"CA file: {type(exc).__name__}",
            ) from None
    return ctx


_contexts: dict[tuple[tuple[str, int], ...], ssl.SSLContext] = {}
_cache_lock = threading.Lock()


def build_async_client(
    settings: NetworkSettings | None = None,
    *,
    ca_file: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    mounts: dict[str, httpx.AsyncBaseTransport | None] | None = None,
) -> httpx.AsyncClient:
    """A new client; ``ca_file`` (a workspace's own bundle) is trusted on top of ``settings.ca_file``.
    Raises ``TlsError`` (plain words) when a CA file cannot be read.

    ``transport``/``mounts`` exist for unit tests of host selection only; real use leaves them None.
    """
    import httpx

    settings = settings or NetworkSettings()
    cas = [p for p in (settings.ca_file, ca_file) if p]
    verify = ssl_context(cas)
    limits = httpx.Limits(
        max_connections=MAX_CONNECTIONS, max_keepalive_connections=10, keepalive_expiry=30.0
    )
    if transport is None:
        # Plain http is only ever allowed to this computer (workspaces.check_url, Engine), and it must
        # never pass through a proxy (the setting or HTTP_PROXY/ALL_PROXY): the proxy would read the keys
        # in clear text. A mount for "http://" is more specific than any proxy's, so it always goes direct.
        direct = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=False)
        mounts = {"http://": direct, **(mounts or {})}
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        verify=verify,
        proxy=settings.proxy or None,
        headers={"User-Agent": user_agent(), "Accept": "application/json"},
        follow_redirects=False,  # a redirect must never carry the credentials to another host
        trust_env=settings.proxy is None,
        limits=limits,
        transport=transport,
        mounts=mounts,
    )
