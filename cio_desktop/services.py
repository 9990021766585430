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
from enum import StrEnum
from typing import TYPE_CHECKING

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Region, SecretKind, Workspace

if TYPE_CHECKING:
    from cio_desktop.api import CioClient, Credentials
    from cio_desktop.api.exchange import Exchange
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.regions import Endpoints
    from cio_desktop.credential_check import CheckReport
    from cio_desktop.sandbox.process import SandboxProcess
    from cio_desktop.secrets import BackendStatus, SecretStore
    from cio_desktop.settings import AppSettings, SettingsStore
    from cio_desktop.workspaces import LoadReport, WorkspaceStore

DEMO_NAME = "Practice workspace — fictional data"
API_KINDS = (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY)
_API_OF_KIND = {SecretKind.TRACK_API_KEY: "track", SecretKind.APP_API_KEY: "app"}

Listener = Callable[[str], None]


class CredentialState(StrEnum):
    """What the sidebar's status dot says about one credential."""

    PRESENT = "present"  # stored, not checked against Customer.io yet
    VERIFIED = "verified"  # Customer.io accepted it
    REJECTED = "rejected"  # Customer.io refused it (401/403)
    MISSING = "missing"  # not stored


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
        self._checking: dict[str, int] = {}  # workspace name -> credential tests running under it
        self._verified: dict[tuple[str, SecretKind], bool] = {}
        self._clients: dict[str, tuple[object, CioClient]] = {}
        self._client_lock = asyncio.Lock()
        self._demo_lock = asyncio.Lock()
        self._demo: Workspace | None = None
        self._demo_secrets: dict[SecretKind, str] = {}
        self._sandbox: SandboxProcess | None = None
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
        """Derive a credential's status from any call made with it: 2xx/404 means accepted."""
        kind = {"track": SecretKind.TRACK_API_KEY, "app": SecretKind.APP_API_KEY}.get(exchange.api)
        workspace = self._workspace_named(exchange.workspace)
        if kind is None or workspace is None or exchange.status is None:
            return
        if self._checking.get(exchange.workspace):
            return  # the wizard is testing keys that are not saved (yet): they say nothing about these
        if not exchange.url.startswith(self._base_url(workspace, kind) + "/"):
            return  # a probe of the other region says nothing about this workspace's own host
        if exchange.status in (401, 403):
            self.mark_credential(workspace, kind, verified=False)
        elif 200 <= exchange.status < 300 or exchange.status == 404:
            self.mark_credential(workspace, kind, verified=True)

    def _base_url(self, workspace: Workspace, kind: SecretKind) -> str:
        from cio_desktop.api.regions import endpoints_for

        endpoints = endpoints_for(workspace, hosts=self.hosts)
        return endpoints.track if kind is SecretKind.TRACK_API_KEY else endpoints.app

    def _workspace_named(self, name: str) -> Workspace | None:
        if self._demo is not None and self._demo.name == name:
            return self._demo
        for workspace in self._known.values():
            if workspace.name == name:
                return workspace
        return None

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
        return ([self._demo] if self._demo is not None else []) + list(self._known.values())

    async def load_workspaces(self) -> LoadReport:
        """Read the workspace file in a thread (a corrupt file is moved aside; the report says so)."""
        report = await asyncio.to_thread(self.workspaces.load)
        self._remember(list(report.workspaces))
        return report

    async def list_workspaces(self) -> list[Workspace]:
        """The demo workspace (when running) first, then the saved ones in file order."""
        saved = await asyncio.to_thread(self.workspaces.list)
        self._remember(saved)
        return ([self._demo] if self._demo is not None else []) + saved

    async def get_workspace(self, name: str) -> Workspace:
        if self._demo is not None and name == self._demo.name:
            return self._demo
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
            self._verified.pop((updated.id, kind), None)
        await self._drop_client(updated.id)
        self._known[updated.id] = updated
        self._notify("workspaces")
        return updated

    async def rename_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """Rename; the secrets stay (they are keyed by the workspace id)."""
        renamed = await asyncio.to_thread(self.workspaces.rename, workspace.name, new_name)
        await self._drop_client(renamed.id)
        self._known[renamed.id] = renamed
        if self.settings.last_workspace == workspace.name:
            await self.save_ui_state(last_workspace=renamed.name)
        self._notify("workspaces")
        return renamed

    async def duplicate_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """A copy under ``new_name`` with a new id and copies of the stored secrets."""
        secrets = await self.load_secrets(workspace)
        copy = workspace.replace(name=new_name, demo=False, id=_new_id())
        return await self.add_workspace(copy, secrets)

    async def remove_workspace(self, workspace: Workspace) -> None:
        """Remove the workspace and delete every secret stored for it."""
        await asyncio.to_thread(self.workspaces.remove, workspace.name)
        await self._drop_client(workspace.id)
        await self.secrets.delete_all(workspace.id)
        self._known.pop(workspace.id, None)
        for kind in SecretKind:
            self._verified.pop((workspace.id, kind), None)
        self._notify("workspaces")

    # ---- secrets and credential states --------------------------------------------------------------
    async def keyring_status(self) -> BackendStatus:
        return await self.secrets.status()

    async def load_secrets(self, workspace: Workspace) -> dict[SecretKind, str]:
        """The API keys stored for the workspace (the demo's live in memory only)."""
        if workspace.demo:
            return dict(self._demo_secrets) if self._demo and workspace.id == self._demo.id else {}
        found: dict[SecretKind, str] = {}
        for kind in API_KINDS:
            value = await self.secrets.get(workspace.id, kind)
            if value:
                found[kind] = value
        return found

    async def credentials(self, workspace: Workspace) -> Credentials:
        from cio_desktop.api.models import Credentials

        return Credentials.from_secrets(await self.load_secrets(workspace))

    async def credential_states(self, workspace: Workspace) -> dict[SecretKind, CredentialState]:
        """One state per API key kind, for the status dots (never the values)."""
        if workspace.demo:
            present = {kind: kind in self._demo_secrets for kind in API_KINDS}
        else:
            stored = await self.secrets.present(workspace.id)
            present = {kind: bool(stored.get(kind)) for kind in API_KINDS}
        states: dict[SecretKind, CredentialState] = {}
        for kind in API_KINDS:
            verified = self._verified.get((workspace.id, kind))
            if not present[kind]:
                states[kind] = CredentialState.MISSING
            elif verified is None:
                states[kind] = CredentialState.PRESENT
            else:
                states[kind] = CredentialState.VERIFIED if verified else CredentialState.REJECTED
        return states

    def mark_credential(self, workspace: Workspace, kind: SecretKind, *, verified: bool) -> None:
        """Record what Customer.io said about a key (from a test or any call); notifies on change."""
        key = (workspace.id, kind)
        if self._verified.get(key) != verified:
            self._verified[key] = verified
            self._notify("credentials")

    # ---- clients ----------------------------------------------------------------------------------
    async def client_for(self, workspace: Workspace) -> CioClient:
        """A shared client for the workspace (rebuilt when its settings, keys or network settings change)."""
        from cio_desktop.api import CioClient
        from cio_desktop.api.models import NetworkSettings

        network = NetworkSettings.from_app_settings(self.settings)
        credentials = await self.credentials(workspace)
        key = (workspace, network, credentials)
        async with self._client_lock:
            cached = self._clients.get(workspace.id)
            if cached is not None and cached[0] == key:
                return cached[1]
            if cached is not None:
                await cached[1].aclose()
            client = CioClient(
                workspace,
                credentials,
                history=self.history,
                settings=network,
                hosts=self.hosts,
                on_workspace_changed=self._on_region_detected,
            )
            self._clients[workspace.id] = (key, client)
            return client

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

        self._checking[workspace.name] = self._checking.get(workspace.name, 0) + 1
        try:
            return await check_credentials(
                workspace,
                Credentials.from_secrets(secrets),
                history=self.history,
                settings=NetworkSettings.from_app_settings(self.settings),
                hosts=self.hosts,
            )
        finally:
            self._checking[workspace.name] -= 1

    async def _drop_client(self, workspace_id: str) -> None:
        async with self._client_lock:
            cached = self._clients.pop(workspace_id, None)
        if cached is not None:
            await cached[1].aclose()

    # ---- demo -------------------------------------------------------------------------------------
    @property
    def demo_workspace(self) -> Workspace | None:
        """The practice workspace, once ``ensure_demo`` has started its sandbox."""
        return self._demo

    async def ensure_demo(self) -> Workspace:
        """Start the sandbox child process (once) and return the practice workspace backed by it."""
        async with self._demo_lock:
            if self._demo is not None:
                return self._demo
            from cio_desktop.sandbox.process import start_sandbox_process

            sandbox = await start_sandbox_process()
            info = sandbox.info
            self._sandbox = sandbox
            self._demo_secrets = {
                SecretKind.TRACK_API_KEY: info.track_api_key,
                SecretKind.APP_API_KEY: info.app_api_key,
            }
            self._demo = Workspace(
                name=DEMO_NAME,
                region=Region(info.region) if info.region in ("us", "eu") else Region.US,
                site_id=info.site_id,
                track_url=info.track_url,
                app_url=info.app_url,
                ca_file=info.ca_file,
                workspace_id=info.workspace_id,
                demo=True,
            )
            self._notify("workspaces")
            return self._demo

    # ---- shutdown ---------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close every client and stop the demo sandbox. Safe to call twice."""
        for task in list(self._background):
            task.cancel()
        async with self._client_lock:
            clients = [client for _, client in self._clients.values()]
            self._clients.clear()
        for client in clients:
            with contextlib.suppress(Exception):
                await client.aclose()
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            await sandbox.stop()
        if self._unsubscribe_history is not None:
            self._unsubscribe_history()
            self._unsubscribe_history = None


def _new_id() -> str:
    from cio_desktop.models import new_workspace_id

    return new_workspace_id()
