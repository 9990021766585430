"""``ClientPool``: one ``CioClient`` per workspace, rebuilt when the workspace, its credentials or the
network settings change, so connections are reused across calls and panels."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cio_desktop.api.client import CioClient
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import Credentials, NetworkSettings
from cio_desktop.models import Workspace


def _fingerprint(workspace: Workspace, credentials: Credentials, settings: NetworkSettings) -> str:
    # Hash, so the pool never holds a second plain copy of the secrets in its keys.
    raw = repr((workspace, settings, credentials.track_api_key, credentials.app_api_key))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ClientPool:
    """Hands out shared clients. ``on_workspace_changed`` receives workspaces whose region was detected."""

    def __init__(
        self,
        history: RequestHistory | None = None,
        settings: NetworkSettings | None = None,
        *,
        on_workspace_changed: Callable[[Workspace], None] | None = None,
    ) -> None:
        self.history = history
        self.settings = settings or NetworkSettings()
        self._on_changed = on_workspace_changed
        self._clients: dict[str, tuple[str, CioClient]] = {}

    async def get(self, workspace: Workspace, credentials: Credentials) -> CioClient:
        """The client for ``workspace`` (keyed by ``workspace.id``); a changed workspace, credentials or
        settings closes the old client and builds a new one. A region the client detected itself does
        not count as a change."""
        current = self._clients.get(workspace.id)
        if current is not None:
            fingerprint, client = current
            if fingerprint == _fingerprint(workspace, credentials, self.settings) or (
                client.workspace == workspace
                and client.credentials == credentials
                and client.settings == self.settings
            ):
                return client
            await client.aclose()
        client = CioClient(
            workspace,
            credentials,
            history=self.history,
            settings=self.settings,
            on_workspace_changed=self._on_changed,
        )
        self._clients[workspace.id] = (_fingerprint(workspace, credentials, self.settings), client)
        return client

    async def set_settings(self, settings: NetworkSettings) -> None:
        """New network settings: every client is closed and rebuilt on next use."""
        if settings != self.settings:
            self.settings = settings
            await self.aclose_all()

    async def discard(self, workspace_id: str) -> None:
        """Close and forget the client of a removed workspace."""
        entry = self._clients.pop(workspace_id, None)
        if entry is not None:
            await entry[1].aclose()

    async def aclose_all(self) -> None:
        clients = [c for _, c in self._clients.values()]
        self._clients.clear()
        for client in clients:
            await client.aclose()
