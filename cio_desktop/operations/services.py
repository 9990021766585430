"""``Services``: the one way both doors reach the stores, the keyring, the request history and the clients.

The GUI builds one at start-up; each CLI command builds one for its run (``Services.create``). No Qt here.
Everything a door awaits is a coroutine; blocking store calls run in ``asyncio.to_thread``. Heavy modules
(the stores and their file lock, httpx via the API client, keyring, the sandbox) are imported on first
use, so building a ``Services`` before the first paint costs next to nothing. The workspace transactions
live in ``workspace_changes``, the key test in ``key_check``, lookup in ``lookup``, sending in ``send``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cio_desktop.errors import CioDesktopError, WorkspaceError
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations import history as history_ops
from cio_desktop.operations import workspace_changes
from cio_desktop.operations.client_cache import ClientCache
from cio_desktop.operations.credential_states import (
    API_KINDS,
    CredentialState,
    CredentialTracker,
    verdict_for_exchange,
)
from cio_desktop.operations.practice import DEMO_NAME, PracticeWorkspace
from cio_desktop.operations.workspace_changes import RemoveResult, RepairReport
from cio_desktop.secrets import BackendState, BackendStatus  # value types the doors show
from cio_desktop.time_display import set_display_zone

if TYPE_CHECKING:
    from pathlib import Path

    from cio_desktop.api import CioClient, Credentials
    from cio_desktop.api.exchange import Exchange
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.api.models import ApiResult
    from cio_desktop.api.regions import Endpoints
    from cio_desktop.oauth.session import TokenSources
    from cio_desktop.operations.activity_stream import ActivityStream, StreamStatus
    from cio_desktop.operations.key_check import CheckReport
    from cio_desktop.operations.key_hygiene import KeyAge, ReplaceOutcome
    from cio_desktop.operations.usage import UsageReport
    from cio_desktop.secrets import SecretStore
    from cio_desktop.settings import AppSettings, SettingsStore
    from cio_desktop.workspaces import LoadReport, WorkspaceStore

__all__ = [
    "API_KINDS",
    "DEMO_NAME",
    "BackendState",
    "BackendStatus",
    "CredentialState",
    "RemoveResult",
    "RepairReport",
    "Services",
]

KEYRING_TIMEOUT_ENV = "CIO_DESKTOP_KEYRING_TIMEOUT"
DEFAULT_KEYRING_TIMEOUT_S = 10.0


def keyring_timeout_from_env() -> float:
    """``CIO_DESKTOP_KEYRING_TIMEOUT=SECONDS`` (default 10): how long a keyring call may take."""
    import os

    try:
        timeout = float(os.environ.get(KEYRING_TIMEOUT_ENV, "") or DEFAULT_KEYRING_TIMEOUT_S)
    except ValueError:
        return DEFAULT_KEYRING_TIMEOUT_S
    return timeout if timeout > 0 else DEFAULT_KEYRING_TIMEOUT_S


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
        keyring_timeout: float = DEFAULT_KEYRING_TIMEOUT_S,
    ) -> None:
        self._workspaces = workspaces
        self._secrets = secrets
        self._keyring_timeout = keyring_timeout
        self._key_cache: dict[str, dict[SecretKind, str]] = {}  # keyring id -> keys, read once
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
        self._ui_state_lock = asyncio.Lock()
        self._unsubscribe_history: Callable[[], None] | None = None

    @classmethod
    def create(cls) -> Services:
        """The real object graph (default file locations under ``cio_desktop.paths``; the keyring
        timeout from ``CIO_DESKTOP_KEYRING_TIMEOUT``)."""
        return cls(keyring_timeout=keyring_timeout_from_env())

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

            self._secrets = SecretStore(timeout=self._keyring_timeout)
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
        workspace = self._workspace_of(exchange)
        if workspace is None or self.credentials_seen.is_testing(exchange.workspace):
            return  # unknown, or the wizard is testing keys that are not saved (yet)
        found = verdict_for_exchange(exchange, workspace, self.hosts)
        if found is not None:
            self.mark_credential(workspace, found[0], verified=found[1])

    def _workspace_of(self, exchange: Exchange) -> Workspace | None:
        return next((ws for ws in self.known_workspaces() if history_ops.belongs_to(exchange, ws)), None)

    def history_records(self, workspace_name: str | None = None) -> list[Exchange]:
        """The recorded requests, oldest first; with a name, only that workspace's (kept together across
        renames; a removed workspace's records are found by the name they were made under)."""
        return history_ops.records_for(self.history.records(), workspace_name, self.known_workspaces())

    def history_label(self, exchange: Exchange) -> str:
        """The workspace name to show for a record (the current name after a rename)."""
        return history_ops.workspace_label(exchange, self.known_workspaces())

    def history_record(self, exchange_id: str) -> Exchange | None:
        """One record by its id or a unique start of it."""
        return self.history.get(exchange_id)

    async def resend(self, exchange: Exchange) -> ApiResult:
        """Send a recorded Track call again unchanged: the same event id, so never a duplicate
        (``operations.resend``). ``ApiError`` or ``WorkspaceError`` in plain words."""
        from cio_desktop.operations.resend import resend

        workspace = self._workspace_of(exchange)
        if workspace is None:
            raise WorkspaceError(
                "The workspace this call was made with no longer exists, so it cannot be resent."
            )
        return await resend(await self.client_for(workspace), exchange)

    async def export_har(self, path: Path, records: list[Exchange]) -> int:
        """Write ``records`` as a HAR 1.2 file (in a thread); returns how many. ``OSError`` if it cannot."""
        from cio_desktop.api.har import write_har

        return await asyncio.to_thread(write_har, records, path)

    async def clear_history(self) -> int:
        """Forget every recorded request; returns how many there were."""
        count = len(self.history)
        await self.history.aclear()
        return count

    def usage_report(self, *, days: int = 14) -> UsageReport:
        """Calls, errors, 401s and 429s per workspace and day over the history, the slowest calls and
        plain-words notes (``operations.usage``); grouped by workspace id, shown under current names."""
        from cio_desktop.operations.usage import summarize

        return summarize(self.history.records(), days=days, label=self.history_label)

    @staticmethod
    def curl_for(exchange: Exchange) -> str:
        """The record as a curl command (secrets are placeholders: the record holds none)."""
        from cio_desktop.api.curl import to_curl

        return to_curl(exchange)

    @staticmethod
    def curl_with_exports(exchange: Exchange) -> str:
        """The curl command after ``export CIO_…='••••••••'`` lines to fill in (values masked)."""
        from cio_desktop.api.curl import to_curl_with_exports

        return to_curl_with_exports(exchange)

    async def curl_with_keys(self, exchange: Exchange) -> str:
        """The curl command with the real keys of the record's workspace (the user's deliberate choice).
        Raises ``CioDesktopError`` when that workspace is gone or its keys cannot be read."""
        from cio_desktop.api.curl import to_curl

        workspace = next((w for w in self.known_workspaces() if history_ops.belongs_to(exchange, w)), None)
        if workspace is None:
            raise CioDesktopError(
                f"The workspace “{exchange.workspace}” is not configured any more, so its keys are unknown."
            )
        credentials = await self.credentials(workspace)
        return to_curl(exchange, secrets=credentials, site_id=workspace.site_id)

    # ---- settings ---------------------------------------------------------------------------------
    async def load_settings(self) -> AppSettings:
        """Read settings in a thread (a broken file is moved aside and defaults are used)."""
        self.settings = await asyncio.to_thread(self.settings_store.load)
        set_display_zone(self.settings.time_zone)
        return self.settings

    async def save_settings(self, settings: AppSettings) -> AppSettings:
        """Validate and save; clients are rebuilt with the new network settings on next use."""
        await asyncio.to_thread(self.settings_store.save, settings)
        self.settings = await asyncio.to_thread(self.settings_store.load)
        set_display_zone(self.settings.time_zone)
        if self._history is not None:
            self._history.set_limit(self.settings.history_limit)
        self._notify("settings")
        return self.settings

    async def save_ui_state(self, **values: str | None) -> None:
        """Merge window state (``None`` removes a key) and ``last_workspace`` into the settings file
        (no write when nothing changed). One at a time: two overlapping merges would each start from the
        same old state and the later write would drop the earlier one's keys."""
        async with self._ui_state_lock:
            await self._save_ui_state(values)

    async def _save_ui_state(self, values: dict[str, str | None]) -> None:
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

    @staticmethod
    def workspace_json(workspace: Workspace) -> dict[str, object]:
        """The workspace's settings as JSON (no secret, no keyring bookkeeping), for ``--json`` output."""
        from cio_desktop.workspaces import to_json

        data = to_json(workspace)
        for internal in ("keyring_id", "stored_keys", "key_dates"):
            data.pop(internal, None)
        return data

    def find_workspace(self, name: str) -> Workspace:
        """The workspace called ``name`` (case-insensitive) as last read; ``WorkspaceError`` if none."""
        from cio_desktop.errors import WorkspaceError

        wanted = name.strip().casefold()
        for workspace in self.known_workspaces():
            if workspace.name.casefold() == wanted:
                return workspace
        raise WorkspaceError(f"There is no workspace called '{name}'.")

    async def check_new_workspace(self, workspace: Workspace) -> Workspace:
        """Validate a new entry without saving it (the CLI asks before reading keys)."""
        return await asyncio.to_thread(self.workspaces.check_new, workspace)

    async def add_workspace(self, workspace: Workspace, secrets: Mapping[SecretKind, str]) -> Workspace:
        """Add a workspace and its keys as one transaction (see ``workspace_changes.add``)."""
        added = await workspace_changes.add(self.workspaces, self.secrets, workspace, secrets)
        self._changed(added)
        return added

    async def update_workspace(
        self, workspace: Workspace, secrets: Mapping[SecretKind, str | None] | None = None
    ) -> Workspace:
        """Save changed fields; ``secrets`` maps a kind to a new value (or None to delete it). One
        transaction (see ``workspace_changes.update``); the client takes the new keys on next use."""
        before = self._known.get(workspace.id)
        updated = await workspace_changes.update(self.workspaces, self.secrets, workspace, secrets)
        for kind in secrets or {}:
            self.credentials_seen.forget(updated.id, (kind,))
        if before is not None:
            self._key_cache.pop(before.secrets_id, None)
        # The cached client picks the change up on next use: new keys are swapped in, new fields rebuild it.
        self._changed(updated)
        return updated

    async def rename_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """Rename (see ``workspace_changes.rename``); keys and history stay, both keyed by ids."""
        renamed = await workspace_changes.rename(self.workspaces, workspace, new_name)
        if self.settings.last_workspace == workspace.name:
            await self.save_ui_state(last_workspace=renamed.name)
        self._changed(renamed)
        return renamed

    async def duplicate_workspace(self, workspace: Workspace, new_name: str) -> Workspace:
        """A copy under ``new_name`` with a new id and copies of the stored keys (one transaction)."""
        keys = await self.load_secrets(workspace)
        copy = await workspace_changes.duplicate(self.workspaces, self.secrets, workspace, new_name, keys)
        self._changed(copy)
        return copy

    async def remove_workspace(self, workspace: Workspace) -> RemoveResult:
        """Remove the workspace, then delete its keys (see ``workspace_changes.remove``)."""
        result = await workspace_changes.remove(self.workspaces, self.secrets, workspace)
        await self._drop_client(workspace.id)
        self._key_cache.pop(result.workspace.secrets_id, None)
        self._known.pop(workspace.id, None)
        self.credentials_seen.forget(workspace.id)
        self._notify("workspaces")
        return result

    async def key_presence(
        self, workspaces: list[Workspace]
    ) -> tuple[dict[str, dict[SecretKind, bool]] | None, str | None]:
        """Which keys each workspace has (never the values), or ``None`` and the reason when the keyring
        cannot tell."""
        if not workspaces:
            return {}, None
        status = await self.secrets.status()
        if not status.secure:
            return None, status.message
        try:
            found = {w.id: await self.secrets.present(self._current(w).secrets_id) for w in workspaces}
        except CioDesktopError as exc:
            return None, exc.message
        return found, None

    async def repair_keyring(self) -> RepairReport:
        """Delete keyring items no workspace names and report workspaces missing marked keys (start-up)."""
        return await workspace_changes.repair(self.workspaces, self.secrets)

    def _current(self, workspace: Workspace) -> Workspace:
        """``workspace`` with the keyring fields as last saved: a door may hold a copy from before its keys
        moved to a new keyring id (``workspace_changes.update``)."""
        known = self._known.get(workspace.id)
        if known is None:
            return workspace
        return workspace.replace(keyring_id=known.keyring_id, stored_keys=known.stored_keys)

    def _changed(self, workspace: Workspace) -> None:
        self._known[workspace.id] = workspace
        self._notify("workspaces")

    # ---- secrets and credential states --------------------------------------------------------------
    def keep_keys_for_session(self) -> None:
        """The user's explicit choice when no secure keyring works: keys in memory for this run only."""
        self.secrets.use_session_only()

    @property
    def settings_problem(self) -> str | None:
        """What was wrong with the settings file when it was read (it was moved aside), if anything."""
        return self.settings_store.problem

    async def keyring_status(self) -> BackendStatus:
        return await self.secrets.status()

    async def load_secrets(self, workspace: Workspace) -> dict[SecretKind, str]:
        """The API keys stored for the workspace (the demo's live in memory only).

        Read from the keyring once per keyring id and kept in memory: a change of keys writes them under a
        new keyring id (``workspace_changes.update``), so a cached set never goes stale."""
        if workspace.demo:
            return dict(self.practice.secrets) if self.practice.owns(workspace) else {}
        workspace = self._current(workspace)
        cached = self._key_cache.get(workspace.secrets_id)
        if cached is None:
            cached = await self.secrets.stored(workspace.secrets_id, API_KINDS)
            self._key_cache[workspace.secrets_id] = cached
        return dict(cached)

    async def credentials(self, workspace: Workspace) -> Credentials:
        from cio_desktop.api.models import Credentials
        from cio_desktop.oauth.token_store import oauth_owner

        secrets = await self.load_secrets(workspace)
        token = None  # an OAuth sign-in serves App API calls when no App API key is stored
        if not workspace.demo and SecretKind.APP_API_KEY not in secrets:
            token = await self.token_sources.get(oauth_owner(workspace.id))
        return Credentials.from_secrets(secrets, token=token)

    @functools.cached_property
    def token_sources(self) -> TokenSources:
        """Each signed-in workspace's (and the account's) self-renewing OAuth tokens, one per owner."""
        from cio_desktop.oauth.session import TokenSources

        return TokenSources(self.secrets)

    async def credential_states(self, workspace: Workspace) -> dict[SecretKind, CredentialState]:
        """One state per API key kind, for the status dots (never the values)."""
        if workspace.demo:
            present = {kind: kind in self.practice.secrets for kind in API_KINDS}
        else:
            stored = await self.secrets.present(self._current(workspace).secrets_id)
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
        if not workspace.demo:
            workspace = self._current(workspace)
        return await self.clients.get(workspace, await self.credentials(workspace), network, self.history)

    def _on_region_detected(self, workspace: Workspace) -> None:
        """A client detected the region of an ``auto`` workspace: store it (in the background)."""
        if workspace.demo:
            return
        task = asyncio.ensure_future(self._store_detected(workspace))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _store_detected(self, workspace: Workspace) -> None:
        """Store only what the client found (region, Customer.io id) on the entry as saved now."""
        with contextlib.suppress(CioDesktopError):
            current = await asyncio.to_thread(self.workspaces.get_by_id, workspace.id)
            found = current.replace(region=workspace.region, workspace_id=workspace.workspace_id)
            saved = await workspace_changes.update(self.workspaces, self.secrets, found)
            self._changed(saved)

    async def check_credentials(self, workspace: Workspace, secrets: Mapping[SecretKind, str]) -> CheckReport:
        """Test the keys (the wizard's Test step); calls land in the history like any other call."""
        from cio_desktop.api.models import Credentials, NetworkSettings
        from cio_desktop.operations.key_check import check_credentials

        with self.credentials_seen.testing(workspace.name):
            return await check_credentials(
                workspace,
                Credentials.from_secrets(secrets),
                history=self.history,
                settings=NetworkSettings.from_app_settings(self.settings),
                hosts=self.hosts,
            )

    async def test_saved_keys(self, workspace: Workspace) -> CheckReport:
        """Test a saved workspace's keys (``workspace test``); a region or Customer.io id the test found
        is saved on the workspace."""
        report = await self.check_credentials(workspace, await self.load_secrets(workspace))
        found = report.workspace
        if not workspace.demo and (found.region, found.workspace_id) != (
            workspace.region,
            workspace.workspace_id,
        ):
            current = await asyncio.to_thread(self.workspaces.get_by_id, workspace.id)
            changed = current.replace(region=found.region, workspace_id=found.workspace_id)
            self._changed(await workspace_changes.update(self.workspaces, self.secrets, changed))
        return report

    async def activity_stream(
        self,
        workspace: Workspace,
        on_items: Callable[[list[dict[str, object]]], None],
        on_status: Callable[[StreamStatus], None],
    ) -> ActivityStream:
        """A live activity stream over the workspace's App API (not started: call ``resume``)."""
        from cio_desktop.operations.activity_stream import ActivityStream

        client = await self.client_for(workspace)
        return ActivityStream(client.app, on_items, on_status)

    # ---- key hygiene ------------------------------------------------------------------------------
    async def key_ages(self, workspace: Workspace) -> list[KeyAge]:
        """How old each of the workspace's keys is (never the keys), against ``settings.key_age_days``."""
        from datetime import date

        from cio_desktop.operations.key_hygiene import key_ages
        from cio_desktop.operations.workspace_changes import today

        if workspace.demo:
            current = self.practice.workspace or workspace
            present = {kind: kind in self.practice.secrets for kind in API_KINDS}
        else:
            current = self._current(workspace)
            known = self._known.get(workspace.id)
            current = current.replace(key_dates=known.key_dates) if known is not None else current
            stored = await self.secrets.present(current.secrets_id)
            present = {kind: bool(stored.get(kind)) for kind in API_KINDS}
        return key_ages(
            current,
            present,
            max_age_days=self.settings.key_age_days,
            today=date.fromisoformat(today()),
        )

    def practice_second_key(self, kind: SecretKind) -> str | None:
        """The practice workspace's second key of ``kind`` (its sandbox accepts it), to practise a
        replacement with; ``None`` outside the practice workspace. Goes into a masked field only."""
        return self.practice.second_keys.get(kind)

    async def replace_key(self, workspace: Workspace, kind: SecretKind, value: str) -> ReplaceOutcome:
        """Test ``value`` as the workspace's ``kind`` key; only when Customer.io accepts it, swap it in
        (a keyring transaction: the old key stays in use until the new one is saved)."""
        from cio_desktop.errors import WorkspaceError
        from cio_desktop.operations.key_check import KeyState
        from cio_desktop.operations.key_hygiene import REPLACEABLE, ReplaceOutcome, check_for
        from cio_desktop.operations.workspace_changes import today

        value = value.strip()
        if kind not in REPLACEABLE:
            raise WorkspaceError("Only API keys the key test can check can be replaced here.")
        if not value:
            raise WorkspaceError("Paste the new key first.")
        keys = {**await self.load_secrets(workspace), kind: value}
        report = await self.check_credentials(workspace, keys)
        check = check_for(report, kind)
        if check.state is not KeyState.WORKS:
            return ReplaceOutcome(kind, check, replaced=False, workspace=workspace, report=report)
        if workspace.demo and self.practice.owns(workspace) and self.practice.workspace is not None:
            self.practice.secrets[kind] = value
            dates = {**self.practice.workspace.key_dates, kind: today()}
            self.practice.workspace = self.practice.workspace.replace(key_dates=dates)
            updated = self.practice.workspace
            self._notify("workspaces")
        else:
            saved = self._known.get(workspace.id, workspace)  # a stale copy must not undo a rename
            updated = await self.update_workspace(saved, {kind: value})
        self.mark_credential(updated, kind, verified=True)
        return ReplaceOutcome(kind, check, replaced=True, workspace=updated, report=report)

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
        """Let a detected region finish saving (at most a second), close every client and stop the demo
        sandbox. Safe to call twice."""
        if self._background:
            await asyncio.wait(list(self._background), timeout=1.0)
        for task in list(self._background):
            task.cancel()
        await self.clients.aclose()
        await self.practice.stop()
        if self._unsubscribe_history is not None:
            self._unsubscribe_history()
            self._unsubscribe_history = None
