"""The object graph the GUI receives: stores, secrets, settings, request history, clients, demo sandbox.

No Qt here. Everything the UI awaits is a coroutine; blocking store calls run in ``asyncio.to_thread``.
Heavy modules (the stores and their file lock, httpx via the API client, keyring, the sandbox) are
imported on first use, so building a ``Services`` before the first paint costs next to nothing.
Not responsible for any widget or for the credential test logic itself (``cio_desktop.credential_check``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cio_desktop.client_cache import ClientCache
from cio_desktop.credential_states import API_KINDS, CredentialState, CredentialTracker, verdict_for_exchange
from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Region, SecretKind, Workspace, new_workspace_id
from cio_desktop.practice import DEMO_NAME, PracticeWorkspace

if TYPE_CHECKING:
    from cio_desktop.api import CioClient, Credentials
    from cio_desktop.api.exchange import Exchange
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.regions import Endpoints
    from cio_desktop.credential_check import CheckReport
    from cio_desktop.secrets import BackendStatus, SecretStore
    from cio_desktop.settings import AppSettings, SettingsStore
    from cio_desktop.workspaces import LoadReport, WorkspaceStore

__all__ = ["API_KINDS", "DEMO_NAME", "CredentialState", "Services"]

Listener = Callable[[str], None]


class Services:
    """Everything the UI works with. Build with ``Services.create()`` (real paths) or pass parts in tests.

    Change notifications: ``subscribe(callback)`` calls ``callback(topic)`` on the event loop's thread with
    ``"workspaces"`` (list or a workspace changed), ``"credentials"`` (a status dot changed) or
    ``"settings"``. Returns a function that unsubscribes.
    """

    def __init__(
        self,
        *,
        workspaces: WorkspaceStore | None = None,
        secrets: SecretStore | None = None,
        settings_store: SettingsStore | None = None,
        history: RequestHistory | None = None,
        hosts: Mapping[Region, Endpoints] | None = None,
    ) -> None:
        self._workspaces = workspaces
        self._secrets = secrets
        self._settings_store = settings_store
        self._settings: AppSettings | None = None
        self._history = history
        self.hosts = hosts  # region -> API hosts; tests point it at a sandbox's two faces
        self._background: set[asyncio.Task[None]] = set()
        self._listeners: list[Listener] = []
        self._known: dict[str, Workspace] = {}  # id -> saved workspace, as last read
        self.credentials_seen = CredentialTracker()
        self.clients = ClientCache(hosts=lambda: self.hosts, on_region_detected=self._on_region_detected)
        self.practice = PracticeWorkspace()
        self._unsubscribe_history: Callable[[], None] | None = None

    @classmethod
    def create(cls) -> Services:
        """The real object graph (default file locations under ``cio_desktop.paths``)."""
        return cls()

    # ---- the stores, built on first use ----------------------------------------------------------
    @property
    def workspaces(self) -> WorkspaceStore:
        if self._workspaces is None:
            from cio_desktop.workspaces import WorkspaceStore

            self._workspaces = WorkspaceStore()
        return self._workspaces

    @property
    def secrets(self) -> SecretStore:
        if self._secrets is None:
            from cio_desktop.secrets import SecretStore

            self._secrets = SecretStore()
        return self._secrets

    @property
    def settings_store(self) -> SettingsStore:
        if self._settings_store is None:
            from cio_desktop.settings import SettingsStore

            self._settings_store = SettingsStore()
        return self._settings_store

    @property
    def settings(self) -> AppSettings:
        """The settings as last loaded or saved (defaults until ``load_settings``)."""
        if self._settings is None:
            from cio_desktop.settings import AppSettings

            self._settings = AppSettings()
        return self._settings

    @settings.setter
    def settings(self, value: AppSettings) -> None:
        self._settings = value

    # ---- notifications ----------------------------------------------------------------------------
    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(topic)`` on every change; returns an unsubscribe function."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def _notify(self, topic: str) -> None:
        for listener in list(self._listeners):
            listener(topic)

    # ---- history ----------------------------------------------------------------------------------
    @property
    def history(self) -> RequestHistory:
        """The app-wide request history (created, and its file read, on first use)."""
        if self._history is None:
            from cio_desktop.api.history import RequestHistory

            self._history = RequestHistory(limit=self.settings.history_limit)
        if self._unsubscribe_history is None:
            self._unsubscribe_history = self._history.subscribe(self._on_exchange)
        return self._history

    async def load_history(self) -> int:
        """Read the persisted history in a thread; returns how many records were loaded."""
        return await self.history.aload()

    def _on_exchange(self, exchange: Exchange) -> None:
        """Derive a credential's status from any call made with it (see ``credential_states``)."""
        workspace = self._workspace_named(exchange.workspace)
        if workspace is None or self.credentials_seen.is_testing(exchange.workspace):
            return  # unknown, or the wizard is testing keys that are not saved (yet)
        found = verdict_for_exchange(exchange, workspace, self.hosts)
        if found is not None:
            self.mark_credential(workspace, found[0], verified=found[1])

    def _workspace_named(self, name: str) -> Workspace | None:
        return next((ws for ws in self.known_workspaces() if ws.name == name), None)

    # ---- settings ---------------------------------------------------------------------------------
    async def load_settings(self) -> AppSettings:
        """Read settings in a thread (a broken file is moved aside and defaults are used)."""
        self.settings = await asyncio.to_thread(self.settings_store.load)
        return self.settings

    async def save_settings(self, settings: AppSettings) -> AppSettings:
        """Validate and save; clients are rebuilt with the new network settings on next use."""
        await asyncio.to_thread(self.settings_store.save, settings)
        self.settings = await asyncio.to_thread(self.settings_store.load)
        if self._history is not None:
            self._history.set_limit(self.settings.history_limit)
        self._notify("settings")
        return self.settings

    async def save_ui_state(self, **values: str | None) -> None:
        """Merge window state (``None`` removes a key) and ``last_workspace`` into the settings file
        (no write when nothing changed)."""
        state = dict(self.settings.ui_state)
        last = self.settings.last_workspace
        for key, value in values.items():
            if key == "last_workspace":
                last = value
            elif value is None:
                state.pop(key, None)
            else:
                state[key] = value
        if state == self.settings.ui_state and last == self.settings.last_workspace:
            return
        self.settings = await asyncio.to_thread(
            self.settings_store.update, ui_state=state, last_workspace=last
        )

    # ---- workspaces -------------------------------------------------------------------------------
    def _remember(self, workspaces: list[Workspace]) -> None:
        self._known = {ws.id: ws for ws in workspaces}

    def known_workspaces(self) -> list[Workspace]:
        """The saved workspaces as last read (no I/O), plus the practice one when running."""
        demo = self.practice.workspace
        return ([demo] if demo is not None else []) + list(self._known.values())

    async def load_workspaces(self) -> LoadReport:
        """Read the workspace file in a thread (a corrupt file is moved aside; the report says so)."""
        report = await asyncio.to_thread(self.workspaces.load)
        self._remember(list(report.workspaces))
        return report

    async def list_workspaces(self) -> list[Workspace]:
        """The demo workspace (when running) first, then the saved ones in file order."""
        saved = await asyncio.to_thread(self.workspaces.list)
        self._remember(saved)
        demo = self.practice.workspace
        return ([demo] if demo is not None else []) + saved

    async def get_workspace(self, name: str) -> Workspace:
        demo = self.practice.workspace
        if demo is not None and name == demo.name:
            return demo
        return await asyncio.to_thread(self.workspaces.get, name)

    async def add_workspace(self, workspace: Workspace, secrets: Mapping[SecretKind, str]) -> Workspace:
        """Save the workspace, then its secrets; if the keyring refuses, the workspace is removed again."""
        added = await asyncio.to_thread(self.workspaces.add, workspace)
        try:
            for kind, value in secrets.items():
                if value:
                    await self.secrets.set(added.id, kind, value)
        except BaseException:
            with contextlib.suppress(CioDesktopError):
                await asyncio.to_thread(self.workspaces.remove, added.name)
            raise
        self._known[added.id] = added
        self._notify("workspaces")
        return added

    async def update_workspace(
        self, workspace: Workspace, secrets: Mapping[SecretKind, str | None] | None = None
    ) -> Workspace:
        """Save changed fields; ``secrets`` maps a kind to a new value (or None to delete it)."""
        updated = await asyncio.to_thread(self.workspaces.update, workspace)
        for kind, value in (secrets or {}).items():
            if value:
                await self.secrets.set(updated.id, kind, value)
            else:
                await self.secrets.delete(updated.id, kind)
            self.credentials_seen.forget(updated.id, (kind,))
        # The cached client picks the change up on next use: new keys are swapped in, new fields rebuild it.
        self._known[updated.id] = updated
        self._notify("workspaces")
        return updated

    async def rename_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """Rename; the secrets stay (they are keyed by the workspace id)."""
        renamed = await asyncio.to_thread(self.workspaces.rename, workspace.name, new_name)
        self._known[renamed.id] = renamed
        if self.settings.last_workspace == workspace.name:
            await self.save_ui_state(last_workspace=renamed.name)
        self._notify("workspaces")
        return renamed

    async def duplicate_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """A copy under ``new_name`` with a new id and copies of the stored secrets."""
        secrets = await self.load_secrets(workspace)
        copy = workspace.replace(name=new_name, demo=False, id=new_workspace_id())
        return await self.add_workspace(copy, secrets)

    async def remove_workspace(self, workspace: Workspace) -> None:
        """Remove the workspace and delete every secret stored for it."""
        await asyncio.to_thread(self.workspaces.remove, workspace.name)
        await self._drop_client(workspace.id)
        await self.secrets.delete_all(workspace.id)
        self._known.pop(workspace.id, None)
        self.credentials_seen.forget(workspace.id)
        self._notify("workspaces")

    # ---- secrets and credential states --------------------------------------------------------------
    async def keyring_status(self) -> BackendStatus:
        return await self.secrets.status()

    async def load_secrets(self, workspace: Workspace) -> dict[SecretKind, str]:
        """The API keys stored for the workspace (the demo's live in memory only)."""
        if workspace.demo:
            return dict(self.practice.secrets) if self.practice.owns(workspace) else {}
        return await self.secrets.stored(workspace.id, API_KINDS)

    async def credentials(self, workspace: Workspace) -> Credentials:
        from cio_desktop.api.models import Credentials

        return Credentials.from_secrets(await self.load_secrets(workspace))

    async def credential_states(self, workspace: Workspace) -> dict[SecretKind, CredentialState]:
        """One state per API key kind, for the status dots (never the values)."""
        if workspace.demo:
            present = {kind: kind in self.practice.secrets for kind in API_KINDS}
        else:
            stored = await self.secrets.present(workspace.id)
            present = {kind: bool(stored.get(kind)) for kind in API_KINDS}
        return {
            kind: self.credentials_seen.state(workspace.id, kind, present=present[kind]) for kind in API_KINDS
        }

    def mark_credential(self, workspace: Workspace, kind: SecretKind, *, verified: bool) -> None:
        """Record what Customer.io said about a key (from a test or any call); notifies on change."""
        if self.credentials_seen.record(workspace.id, kind, verified=verified):
            self._notify("credentials")

    # ---- clients ----------------------------------------------------------------------------------
    async def client_for(self, workspace: Workspace) -> CioClient:
        """A shared client for the workspace (rebuilt when its settings, keys or network settings change)."""
        from cio_desktop.api.models import NetworkSettings

        network = NetworkSettings.from_app_settings(self.settings)
        return await self.clients.get(workspace, await self.credentials(workspace), network, self.history)

    def _on_region_detected(self, workspace: Workspace) -> None:
        """A client detected the region of an ``auto`` workspace: store it (in the background)."""
        if workspace.demo:
            return
        task = asyncio.ensure_future(self._store_detected(workspace))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _store_detected(self, workspace: Workspace) -> None:
        with contextlib.suppress(CioDesktopError):
            saved = await asyncio.to_thread(self.workspaces.update, workspace)
            self._known[saved.id] = saved
            self._notify("workspaces")

    async def check_credentials(self, workspace: Workspace, secrets: Mapping[SecretKind, str]) -> CheckReport:
        """Test the keys (the wizard's Test step); calls land in the history like any other call."""
        from cio_desktop.api.models import Credentials, NetworkSettings
        from cio_desktop.credential_check import check_credentials

        with self.credentials_seen.testing(workspace.name):
            return await check_credentials(
                workspace,
                Credentials.from_secrets(secrets),
                history=self.history,
                settings=NetworkSettings.from_app_settings(self.settings),
                hosts=self.hosts,
            )

    async def _drop_client(self, workspace_id: str) -> None:
        await self.clients.drop(workspace_id)

    # ---- demo -------------------------------------------------------------------------------------
    @property
    def demo_workspace(self) -> Workspace | None:
        """The practice workspace, once ``ensure_demo`` has started its sandbox."""
        return self.practice.workspace

    async def ensure_demo(self) -> Workspace:
        """Start the sandbox child process (once) and return the practice workspace backed by it."""
        started = self.practice.workspace is None
        workspace = await self.practice.ensure()
        if started:
            self._notify("workspaces")
        return workspace

    # ---- shutdown ---------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close every client and stop the demo sandbox. Safe to call twice."""
        for task in list(self._background):
            task.cancel()
        await self.clients.aclose()
        await self.practice.stop()
        if self._unsubscribe_history is not None:
            self._unsubscribe_history()
            self._unsubscribe_history = None
