"""Workspace changes as transactions: the keyring and the workspace file end consistent when either fails
half-way or the process is killed (real Secret Service, real file; the failing parts are named below)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from cio_desktop.errors import SecretStoreError, WorkspaceError
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations import workspace_changes
from cio_desktop.secrets import SERVICE_NAME, SecretStore
from cio_desktop.workspaces import WorkspaceStore

TRACK, APP = SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY
KEYS = {TRACK: "track-key-1", APP: "app-key-1"}


def _value(keyring_id: str, kind: SecretKind) -> str | None:
    return keyring.get_password(SERVICE_NAME, f"{keyring_id}/{kind.value}")


class SecondSetFails(SecretStore):
    """The real keyring, except that the second write fails (a keyring that breaks half-way cannot be
    provoked on demand with gnome-keyring)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    async def set(self, workspace_id: str, kind: SecretKind, value: str) -> None:
        self.writes += 1
        if self.writes == 2:
            raise SecretStoreError("The system keyring refused the request.")
        await super().set(workspace_id, kind, value)


class FileWriteFails(WorkspaceStore):
    """The real workspace file, except that saving a change fails (a full disk cannot be made here)."""

    def add(self, workspace: Workspace) -> Workspace:
        raise WorkspaceError("Could not save workspaces.json: no space left on the device.")

    def update(self, workspace: Workspace) -> Workspace:
        raise WorkspaceError("Could not save workspaces.json: no space left on the device.")


@pytest.mark.usefixtures("secret_service")
async def test_add_writes_keys_then_the_entry() -> None:
    store = WorkspaceStore()
    added = await workspace_changes.add(store, SecretStore(), Workspace(name="Acme", site_id="s1"), KEYS)
    assert store.get("Acme").stored_keys == (TRACK, APP)
    assert _value(added.secrets_id, APP) == "app-key-1"
    await SecretStore().delete_all(added.secrets_id)


@pytest.mark.usefixtures("secret_service")
async def test_add_undoes_the_keys_when_the_keyring_fails_half_way() -> None:
    store = WorkspaceStore()
    workspace = Workspace(name="Acme", site_id="s1")
    with pytest.raises(SecretStoreError):
        await workspace_changes.add(store, SecondSetFails(), workspace, KEYS)
    assert store.list() == []
    assert _value(workspace.id, TRACK) is None, "the key written first was deleted again"


@pytest.mark.usefixtures("secret_service")
async def test_add_undoes_the_keys_when_the_file_cannot_be_saved() -> None:
    store = FileWriteFails()
    workspace = Workspace(name="Acme", site_id="s1")
    with pytest.raises(WorkspaceError):
        await workspace_changes.add(store, SecretStore(), workspace, KEYS)
    assert WorkspaceStore().list() == []
    assert (_value(workspace.id, TRACK), _value(workspace.id, APP)) == (None, None)


@pytest.mark.usefixtures("secret_service")
async def test_a_key_change_moves_to_a_new_set_and_a_failed_save_keeps_the_old_one() -> None:
    secrets = SecretStore()
    store = WorkspaceStore()
    added = await workspace_changes.add(store, secrets, Workspace(name="Acme", site_id="s1"), KEYS)
    with pytest.raises(WorkspaceError):
        await workspace_changes.update(FileWriteFails(), secrets, added, {APP: "app-key-2"})
    assert store.get("Acme").secrets_id == added.secrets_id
    assert _value(added.secrets_id, APP) == "app-key-1", "the old set is still the one in use"
    assert added.secrets_id in (await secrets.stored_ids() or ()), "the Secret Service can list its items"

    updated = await workspace_changes.update(store, secrets, added.replace(site_id="s2"), {APP: "app-key-2"})
    assert updated.id == added.id
    assert updated.secrets_id != added.secrets_id
    assert updated.site_id == "s2"
    assert (_value(updated.secrets_id, TRACK), _value(updated.secrets_id, APP)) == (
        "track-key-1",
        "app-key-2",
    )
    assert _value(added.secrets_id, TRACK) is None, "the old set was deleted after the switch"

    removed = await workspace_changes.update(store, secrets, updated, {TRACK: None})
    assert removed.stored_keys == (APP,)
    assert _value(removed.secrets_id, TRACK) is None
    await secrets.delete_all(removed.secrets_id)


@pytest.mark.usefixtures("secret_service")
async def test_rename_and_duplicate_keep_keys_with_the_right_workspace() -> None:
    secrets = SecretStore()
    store = WorkspaceStore()
    added = await workspace_changes.add(store, secrets, Workspace(name="Acme", site_id="s1"), KEYS)
    renamed = await workspace_changes.rename(store, added, "Acme prod")
    assert (renamed.id, renamed.secrets_id) == (added.id, added.secrets_id)
    copy = await workspace_changes.duplicate(store, secrets, renamed, "Acme copy", KEYS)
    assert copy.id != added.id
    assert _value(copy.secrets_id, APP) == "app-key-1"
    for workspace in (renamed, copy):
        await workspace_changes.remove(store, secrets, workspace)
    assert store.list() == []
    assert _value(added.secrets_id, APP) is None
    assert _value(copy.secrets_id, APP) is None


@pytest.mark.usefixtures("secret_service")
async def test_remove_with_a_locked_keyring_leaves_orphans_that_repair_deletes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = SecretStore()
    store = WorkspaceStore()
    added = await workspace_changes.add(store, secrets, Workspace(name="Acme", site_id="s1"), KEYS)

    async def locked(self: SecretStore, workspace_id: str) -> None:
        raise SecretStoreError("The system keyring is locked.")

    with monkeypatch.context() as patch:  # gnome-keyring cannot be locked from a test without a prompt
        patch.setattr(SecretStore, "delete_all", locked)
        result = await workspace_changes.remove(store, secrets, added)
    assert result.keys_left == "The system keyring is locked."
    assert store.list() == [], "the workspace is gone either way"
    assert _value(added.secrets_id, APP) == "app-key-1"

    report = await workspace_changes.repair(store, secrets, settled_s=0)
    assert report.listing_supported
    assert report.orphans_deleted >= 1
    assert _value(added.secrets_id, APP) is None


@pytest.mark.usefixtures("secret_service")
async def test_repair_spares_fresh_items_and_reports_marked_keys_that_are_gone() -> None:
    secrets = SecretStore()
    store = WorkspaceStore()
    added = await workspace_changes.add(store, secrets, Workspace(name="Acme", site_id="s1"), KEYS)
    await secrets.set("in-flight-add", TRACK, "fresh")  # another process between its keys and its file
    keyring.set_password(SERVICE_NAME, "oauth-client/registration", "not a workspace key")
    keyring.delete_password(SERVICE_NAME, f"{added.secrets_id}/{APP.value}")  # deleted by hand
    report = await workspace_changes.repair(store, secrets)
    assert report.missing == {"Acme": (APP,)}
    assert _value("in-flight-add", TRACK) == "fresh", "a just-written item may belong to an add in flight"
    await workspace_changes.repair(store, secrets, settled_s=0)
    assert _value("in-flight-add", TRACK) is None, "once settled it is an orphan"
    assert keyring.get_password(SERVICE_NAME, "oauth-client/registration") == "not a workspace key"
    keyring.delete_password(SERVICE_NAME, "oauth-client/registration")
    await secrets.delete_all(added.secrets_id)


CHILD = """
import asyncio, sys
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations import workspace_changes
from cio_desktop.secrets import SecretStore
from cio_desktop.workspaces import WorkspaceStore

class Stalls(WorkspaceStore):
    def add(self, workspace):
        print(workspace.secrets_id, flush=True)  # the keys are in the keyring now
        sys.stdin.readline()  # wait here until the parent kills us
        return super().add(workspace)

keys = {SecretKind.TRACK_API_KEY: "t", SecretKind.APP_API_KEY: "a"}
asyncio.run(workspace_changes.add(Stalls(), SecretStore(), Workspace(name="Killed", site_id="s"), keys))
"""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
@pytest.mark.usefixtures("secret_service")
def test_a_process_killed_between_keys_and_file_leaves_orphans_only(sig: signal.Signals) -> None:
    """A real child process adds a workspace and is killed after its keys are in the keyring, before the
    file is written (the one window where the two disagree); the next start's repair cleans up."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert child.stdout is not None
    keyring_id = child.stdout.readline().strip()
    assert _value(keyring_id, SecretKind.APP_API_KEY) == "a"
    child.send_signal(sig)
    assert child.stdin is not None
    child.stdin.close()  # a stalled file write may go on now (SIGINT: Python finishes it, then stops)
    assert child.wait(timeout=60) != 0
    child.stdout.close()

    store = WorkspaceStore()
    report = asyncio.run(workspace_changes.repair(store, SecretStore(), settled_s=0))
    assert report.problem is None
    saved = store.list()
    if saved:  # the file was written before the process stopped: it names the complete set of keys
        assert [w.secrets_id for w in saved] == [keyring_id]
        assert _value(keyring_id, SecretKind.APP_API_KEY) == "a"
        asyncio.run(SecretStore().delete_all(keyring_id))
    else:  # the file never named the half-added workspace: its keys were orphans, now deleted
        assert _value(keyring_id, SecretKind.APP_API_KEY) is None
    assert sig is not signal.SIGKILL or not saved, "SIGKILL stops the process before the file is written"


def test_workspace_file_keeps_the_keyring_fields(cio_home: Path) -> None:
    store = WorkspaceStore()
    store.add(Workspace(name="Old style"))
    store.add(Workspace(name="New", keyring_id="k1", stored_keys=(APP,)))
    old, new = store.list()
    assert (old.keyring_id, old.stored_keys, old.secrets_id) == (None, None, old.id)
    assert (new.keyring_id, new.stored_keys, new.secrets_id) == ("k1", (APP,), "k1")


@pytest.mark.usefixtures("secret_service")
async def test_repair_deletes_the_sign_in_of_a_workspace_a_kill_left_half_removed() -> None:
    """``remove`` writes the file, then deletes the keys and the OAuth sign-in (``oauth-<id>``). Killed in
    between, the sign-in's tokens (a refresh token is long-lived) stayed in the keyring for good: the
    repair only looked at workspace keys. Now it deletes sign-ins of workspaces the file does not name."""
    from cio_desktop.oauth.token_store import ACCOUNT_OWNER, oauth_owner

    secrets = SecretStore()
    store = WorkspaceStore()
    gone = await workspace_changes.add(store, secrets, Workspace(name="Gone", site_id="s1"), KEYS)
    kept = await workspace_changes.add(store, secrets, Workspace(name="Kept", site_id="s2"), KEYS)
    for owner in (oauth_owner(gone.id), oauth_owner(kept.id), ACCOUNT_OWNER):
        await secrets.set(owner, SecretKind.OAUTH_REFRESH_TOKEN, f"refresh-of-{owner}")
        await secrets.set(owner, SecretKind.OAUTH_SESSION, "{}")
    store.remove("Gone")  # the file is written; the kill came before the keyring was cleaned
    try:
        report = await workspace_changes.repair(store, secrets, settled_s=0)
        assert report.problem is None
        assert report.orphans_deleted == 2  # Gone's keys and Gone's sign-in
        assert _value(oauth_owner(gone.id), SecretKind.OAUTH_REFRESH_TOKEN) is None
        assert _value(oauth_owner(gone.id), SecretKind.OAUTH_SESSION) is None
        assert (
            _value(oauth_owner(kept.id), SecretKind.OAUTH_REFRESH_TOKEN)
            == f"refresh-of-{oauth_owner(kept.id)}"
        )
        assert _value(ACCOUNT_OWNER, SecretKind.OAUTH_REFRESH_TOKEN) == f"refresh-of-{ACCOUNT_OWNER}"
    finally:
        for owner in (oauth_owner(kept.id), ACCOUNT_OWNER, kept.secrets_id):
            await secrets.delete_all(owner)
