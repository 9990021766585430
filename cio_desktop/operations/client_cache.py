"""ClientCache: one shared ``CioClient`` per workspace: new keys are swapped into it, a changed workspace or
network rebuilds it, and a replaced client closes only after the calls still running on it end.

Also holds the region → hosts table (tests point it at a sandbox's two faces) and reports when a client
detects an ``auto`` workspace's region; that detection alone does not rebuild the client. Imports httpx
only when a client is built.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cio_desktop.models import Region, Workspace

if TYPE_CHECKING:
    from cio_desktop.api import CioClient, Credentials, NetworkSettings, RequestHistory
    from cio_desktop.api.regions import Endpoints


class ClientCache:
    """``await cache.get(workspace, credentials, network, history)``; ``drop(id)``; ``aclose()``."""

    def __init__(
        self,
        *,
        hosts: Callable[[], Mapping[Region, Endpoints] | None],
        on_region_detected: Callable[[Workspace], None],
    ) -> None:
        self._hosts = hosts
        self._on_region_detected = on_region_detected
        self._clients: dict[str, tuple[tuple[object, ...], CioClient]] = {}
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()
        self._made: list[CioClient] = []  # every client built, closed ones too: for ``redact``

    def redact(self, text: str) -> str:
        """``text`` without any key of any client this cache built (the CLI's output passes through it
        at write time, also after the clients are closed)."""
        for client in self._made:
            text = client.redact(text)
        return text

    def __bool__(self) -> bool:
        return bool(self._clients)

    async def get(
        self,
        workspace: Workspace,
        credentials: Credentials,
        network: NetworkSettings,
        history: RequestHistory,
    ) -> CioClient:
        from cio_desktop.api import CioClient
        from cio_desktop.api.transport import ssl_context

        hosts = self._hosts()
        key = (workspace, network, credentials, tuple(sorted((hosts or {}).items())))
        async with self._lock:
            cached = self._clients.get(workspace.id)
            if cached is not None:
                stored, client = cached
                same_hosts = stored[3] == key[3]
                detected = (client.workspace, client.settings) == (workspace, network)
                # detected: the client found the region itself and the stored workspace caught up with it
                if same_hosts and (stored[0] == workspace or detected) and stored[1] == network:
                    if client.credentials != credentials:
                        client.set_credentials(credentials)  # keys changed: no connection is closed
                    self._clients[workspace.id] = (key, client)
                    return client
                self._retire(client)
            # Reading the OS trust store and CA files blocks: do it in a thread; the client finds it cached.
            cas = [path for path in (network.ca_file, workspace.ca_file) if path]
            await asyncio.to_thread(ssl_context, cas)
            client = CioClient(
                workspace,
                credentials,
                history=history,
                settings=network,
                hosts=hosts,
                on_workspace_changed=self._on_region_detected,
            )
            self._clients[workspace.id] = (key, client)
            self._made.append(client)
            return client

    def _retire(self, client: CioClient) -> None:
        """Close a replaced client once the calls other panels still run on it have ended."""
        task = asyncio.ensure_future(client.aclose_when_idle())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def retired(self) -> None:
        """Wait until every replaced client has closed (tests; shut-down cancels them instead)."""
        while self._retiring:
            await asyncio.gather(*list(self._retiring), return_exceptions=True)

    async def drop(self, workspace_id: str) -> None:
        """Close and forget the workspace's client (its keys or settings changed, or it was removed)."""
        async with self._lock:
            cached = self._clients.pop(workspace_id, None)
        if cached is not None:
            await cached[1].aclose()

    async def aclose(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        async with self._lock:
            clients = [client for _, client in self._clients.values()]
            self._clients.clear()
        for client in clients:
            with contextlib.suppress(Exception):  # closing must go on for the others
                await client.aclose()
