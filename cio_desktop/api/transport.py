"""The ``httpx.AsyncClient`` factory: explicit timeouts, a cio-desktop User-Agent, the OS trust store
(truststore) plus optional CA bundles, and an optional proxy. Imports httpx only when called."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cio_desktop import __version__
from cio_desktop.api.models import NetworkSettings

if TYPE_CHECKING:
    import httpx


def user_agent() -> str:
    return f"cio-desktop/{__version__}"


def ssl_context(ca_files: Sequence[str] = ()) -> ssl.SSLContext:
    """Verify against the OS trust store, plus every PEM bundle in ``ca_files``."""
    import truststore

    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for path in ca_files:
        ctx.load_verify_locations(cafile=path)
    return ctx


def build_async_client(
    settings: NetworkSettings | None = None,
    *,
    ca_file: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    mounts: dict[str, httpx.AsyncBaseTransport | None] | None = None,
) -> httpx.AsyncClient:
    """A new client; ``ca_file`` (a workspace's own bundle) is trusted on top of ``settings.ca_file``.

    ``transport``/``mounts`` exist for unit tests of host selection only; real use leaves them None.
    """
    import httpx

    settings = settings or NetworkSettings()
    cas = [p for p in (settings.ca_file, ca_file) if p]
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        verify=ssl_context(cas),
        proxy=settings.proxy or None,
        headers={"User-Agent": user_agent(), "Accept": "application/json"},
        follow_redirects=False,
        trust_env=settings.proxy is None,
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0),
        transport=transport,
        mounts=mounts,
    )
