"""Workspace add / edit / rename / duplicate / remove as transactions over the keyring and the workspace file.

The rule that makes each change safe: **the keyring is written before the file points at it, and the file
stops pointing at keyring items before they are deleted.** The workspace file is replaced atomically, so
at every instant it names a complete set of keys. What a failure or a killed process can leave behind is
keyring items that no workspace names (orphans); ``repair`` deletes them on the next start and reports
workspaces whose marked keys are gone (deleted by hand in the keyring, for instance).

Blocking store calls run in ``asyncio.to_thread``; keyring calls are async with timeouts (``SecretStore``).
No Qt, no printing: both doors call these through ``operations.services.Services``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import SecretKind, Workspace, new_workspace_id
from cio_desktop.oauth.token_store import oauth_owner

if TYPE_CHECKING:
    from cio_desktop.secrets import SecretStore
    from cio_desktop.workspaces import WorkspaceStore

# A keyring item younger than this may belong to an add still running in another process: not an orphan.
ORPHAN_SETTLE_S = 120.0


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """``keys_left``: why the keys could not be deleted now (they are deleted by the next repair)."""

    workspace: Workspace
    keys_left: str | None = None


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What the start-up repair found. ``missing`` maps a workspace name to the marked kinds not found;
    ``problem`` says why the keyring could not be checked (the repair never fails a start)."""

    orphans_deleted: int = 0
    missing: dict[str, tuple[SecretKind, ...]] = field(default_factory=dict)
    listing_supported: bool = True
    problem: str | None = None


def _kinds(values: Mapping[SecretKind, str]) -> tuple[SecretKind, ...]:
    return tuple(kind for kind in SecretKind if values.get(kind))


def today() -> str:
    """Today's date (UTC, ISO): what ``key_dates`` records when a key is added or replaced."""
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()


def _dates(
    kinds: tuple[SecretKind, ...], kept: Mapping[SecretKind, str], new: tuple[SecretKind, ...] = ()
) -> dict[SecretKind, str]:
    """The key dates of the set ``kinds``: today for ``new`` kinds and kinds without a date, else ``kept``."""
    return {kind: today() if kind in new or kind not in kept else kept[kind] for kind in kinds}


async def _write_keys(secrets: SecretStore, keyring_id: str, values: Mapping[SecretKind, str]) -> None:
    """Write every value under ``keyring_id``; on any failure delete what was written, then re-raise."""
    try:
        for kind in _kinds(values):
            await secrets.set(keyring_id, kind, values[kind])
    except BaseException:
        with contextlib.suppress(CioDesktopError):
            await secrets.delete_all(keyring_id)
        raise


async def _usable_or_fail(secrets: SecretStore, template: str) -> None:
    """Refuse before changing anything when keys can be neither stored nor deleted (no secure keyring,
    a locked or silent one). Keys kept for this session only, in memory, are fine."""
    from cio_desktop.errors import SecretStoreError
    from cio_desktop.secrets import BackendState

    status = await secrets.status()
    if status.state not in (BackendState.SECURE, BackendState.SESSION_ONLY):
        raise SecretStoreError(template.format(message=status.message))


async def _save_or_undo(
    secrets: SecretStore, keyring_id: str, save: Callable[[Workspace], Workspace], workspace: Workspace
) -> Workspace:
    """Save the file entry that points at ``keyring_id``; if that fails, delete the keys written for it.

    A cancelled wait (Ctrl-C, a closing window) does not stop the thread writing the file, so the undo
    waits for the thread and deletes the keys only if the file was not written: never a file entry
    naming deleted keys. Cancelled twice, the keys stay as orphans for ``repair``.
    """
    saving = asyncio.ensure_future(asyncio.to_thread(save, workspace))
    try:
        return await asyncio.shield(saving)
    except BaseException:
        await asyncio.wait([saving])
        if saving.cancelled() or saving.exception() is not None:
            with contextlib.suppress(CioDesktopError):
                await secrets.delete_all(keyring_id)
        raise


async def add(
    store: WorkspaceStore, secrets: SecretStore, workspace: Workspace, keys: Mapping[SecretKind, str]
) -> Workspace:
    """Add ``workspace`` with ``keys``.

    First the entry is validated (nothing is written for a bad name or address); then the keys are
    written under the new workspace's id; then the entry is saved (atomic replace). If a key or the file
    cannot be written, the keys written so far are deleted and the error is raised. If the process is
    killed after the keys and before the file, the keys are orphans that ``repair`` deletes.
    """
    clean = await asyncio.to_thread(store.check_new, workspace.replace(keyring_id=None))
    # A duplicate's keys keep their dates (same keys); a new workspace's keys are from today.
    clean = clean.replace(stored_keys=_kinds(keys), key_dates=_dates(_kinds(keys), workspace.key_dates))
    if not keys:
        return await asyncio.to_thread(store.add, clean)
    await _usable_or_fail(secrets, "cannot save the keys: {message} Nothing was saved.")
    await _write_keys(secrets, clean.secrets_id, keys)
    return await _save_or_undo(secrets, clean.secrets_id, store.add, clean)


async def update(
    store: WorkspaceStore,
    secrets: SecretStore,
    workspace: Workspace,
    keys: Mapping[SecretKind, str | None] | None = None,
) -> Workspace:
    """Save ``workspace``'s fields and, in ``keys``, new key values (``None`` or ``""`` deletes a kind).

    Without key changes only the file is written. With key changes, the complete new set (unchanged keys
    copied) is first written under a fresh ``keyring_id``; then the entry is saved pointing at it (atomic
    replace); then the old set is deleted. A failure before the file is saved deletes the new set and
    leaves the old one in use; a failure deleting the old set, or a kill at any point, leaves orphans only,
    which ``repair`` deletes.
    """
    saved = await asyncio.to_thread(store.get_by_id, workspace.id)
    # The keyring fields are the layer's business: take them from the file, not from the caller.
    target = workspace.replace(
        keyring_id=saved.keyring_id, stored_keys=saved.stored_keys, key_dates=saved.key_dates
    )
    if not keys:
        return await asyncio.to_thread(store.update, target)
    current = await secrets.stored(saved.secrets_id)
    values = {**current, **{kind: value or "" for kind, value in keys.items()}}
    values = {kind: value for kind, value in values.items() if value}
    new_id = new_workspace_id()
    await _write_keys(secrets, new_id, values)
    changed = tuple(kind for kind, value in keys.items() if value and current.get(kind) != value)
    moved = target.replace(
        keyring_id=new_id,
        stored_keys=_kinds(values),
        key_dates=_dates(_kinds(values), saved.key_dates, changed),
    )
    updated = await _save_or_undo(secrets, new_id, store.update, moved)
    with contextlib.suppress(CioDesktopError):
        await secrets.delete_all(saved.secrets_id)  # left behind: an orphan for ``repair``
    return updated


async def rename(store: WorkspaceStore, workspace: Workspace, new_name: str) -> Workspace:
    """Rename (one atomic file write). The keys and the history stay: both are keyed by ids, not names."""
    saved = await asyncio.to_thread(store.get_by_id, workspace.id)
    return await asyncio.to_thread(store.rename, saved.name, new_name)


async def duplicate(
    store: WorkspaceStore,
    secrets: SecretStore,
    workspace: Workspace,
    new_name: str,
    keys: Mapping[SecretKind, str],
) -> Workspace:
    """A copy of ``workspace`` under ``new_name`` with a new id and copies of ``keys`` (see ``add``)."""
    copy = workspace.replace(name=new_name, demo=False, id=new_workspace_id(), keyring_id=None)
    return await add(store, secrets, copy, keys)


async def remove(store: WorkspaceStore, secrets: SecretStore, workspace: Workspace) -> RemoveResult:
    """Remove the entry first (atomic replace), then delete its keys.

    A locked (or silent) keyring refuses the removal before anything changes, so no keys are stranded
    behind a lock. With no secure keyring at all there is nothing this app could have stored: the entry
    goes and ``keys_left`` says keys from earlier, if any, stay. If deleting fails after the entry is gone
    (or the process is killed there), the keys are orphans that ``repair`` deletes on a later start.
    """
    from cio_desktop.errors import SecretStoreError
    from cio_desktop.secrets import BackendState

    saved = await asyncio.to_thread(store.get_by_id, workspace.id)
    status = await secrets.status()
    if status.state is BackendState.LOCKED:
        raise SecretStoreError(
            f"cannot remove '{saved.name}' yet: its keys could not be deleted. {status.message} "
            "Nothing was changed."
        )
    removed = await asyncio.to_thread(store.remove, saved.name)
    if status.state not in (BackendState.SECURE, BackendState.SESSION_ONLY):
        return RemoveResult(
            removed,
            keys_left=f"{status.message} Keys saved earlier for '{saved.name}', if any, were not deleted.",
        )
    try:
        await secrets.delete_all(removed.secrets_id)
        await secrets.delete_all(oauth_owner(removed.id))  # its OAuth sign-in, if any
    except CioDesktopError as exc:
        return RemoveResult(removed, keys_left=exc.message)
    return RemoveResult(removed)


async def _repair_signins(secrets: SecretStore, saved: list[Workspace], settled_s: float) -> int:
    """Delete the OAuth sign-ins (``oauth-<workspace id>``) of workspaces the file no longer names: a kill
    between removing a workspace from the file and deleting its sign-in left its tokens (a refresh token
    is a long-lived credential). The account sign-in and other owners are never touched."""
    from cio_desktop.models import OAUTH_KINDS
    from cio_desktop.oauth.token_store import WORKSPACE_OWNER_PREFIX

    owners = await secrets.stored_ids(settled_s=settled_s, kinds=OAUTH_KINDS)
    if owners is None:
        return 0
    live = {oauth_owner(w.id) for w in saved}
    orphans = sorted(o for o in owners if o.startswith(WORKSPACE_OWNER_PREFIX) and o not in live)
    for owner in orphans:
        await secrets.delete_all(owner)
    return len(orphans)


async def repair(
    store: WorkspaceStore, secrets: SecretStore, *, settled_s: float = ORPHAN_SETTLE_S
) -> RepairReport:
    """Delete keyring items no workspace names (left by a failure or a kill) and report workspaces
    missing keys they are marked as having. Never raises for a keyring problem (the report says)."""
    try:
        ids = await secrets.stored_ids(settled_s=settled_s)
    except CioDesktopError as exc:
        return RepairReport(problem=exc.message)
    saved = await asyncio.to_thread(store.list)
    deleted = 0
    if ids is not None:
        named = {w.secrets_id for w in saved}
        for orphan in sorted(ids - named):
            try:
                await secrets.delete_all(orphan)
            except CioDesktopError as exc:
                return RepairReport(orphans_deleted=deleted, problem=exc.message)
            deleted += 1
    try:
        deleted += await _repair_signins(secrets, saved, settled_s)
    except CioDesktopError as exc:
        return RepairReport(orphans_deleted=deleted, problem=exc.message)
    missing: dict[str, tuple[SecretKind, ...]] = {}
    for workspace in saved:
        if not workspace.stored_keys:
            continue
        try:
            present = await secrets.present(workspace.secrets_id)
        except CioDesktopError as exc:
            return RepairReport(orphans_deleted=deleted, missing=missing, problem=exc.message)
        gone = tuple(kind for kind in workspace.stored_keys if not present.get(kind))
        if gone:
            missing[workspace.name] = gone
    return RepairReport(orphans_deleted=deleted, missing=missing, listing_supported=ids is not None)
