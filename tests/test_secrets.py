"""SecretStore against the real Secret Service, and every way a keyring can be unusable."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.errors import SecretStoreError
from cio_desktop.models import SecretKind
from cio_desktop.secrets import BackendState, SecretStore
from tests.fixtures.keyring import (
    HangingSecretService,
    PlaintextMemoryKeyring,
    files_containing,
    keyring_value,
    needs_gnome_keyring,
    run_with_locked_keyring,
)

TRACK = SecretKind.TRACK_API_KEY
APP = SecretKind.APP_API_KEY


async def test_real_secret_service_round_trip(workspace_id: str) -> None:
    store = SecretStore(timeout=10)
    status = await store.status()
    assert status.state is BackendState.SECURE
    assert status.secure
    assert "SecretService" in status.name

    await store.set(workspace_id, TRACK, "track-secret-1")
    await store.set(workspace_id, APP, "app-secret-2")
    assert await store.get(workspace_id, TRACK) == "track-secret-1"
    assert await store.get(workspace_id, APP) == "app-secret-2"
    # One keyring item per (workspace, kind), under the cio-desktop service: what other tools see.
    assert keyring_value(workspace_id, TRACK) == "track-secret-1"
    assert keyring_value(workspace_id, APP) == "app-secret-2"
    present = await store.present(workspace_id)
    assert present == {
        TRACK: True,
        APP: True,
        SecretKind.PIPELINES_KEY: False,
    }

    await store.set(workspace_id, TRACK, "track-secret-rotated")
    assert await SecretStore().get(workspace_id, TRACK) == "track-secret-rotated"

    await store.delete(workspace_id, TRACK)
    assert await store.get(workspace_id, TRACK) is None
    assert await store.get(workspace_id, APP) == "app-secret-2"  # the other item is untouched
    await store.delete(workspace_id, TRACK)  # deleting twice is not an error

    await store.delete_all(workspace_id)
    assert not any((await store.present(workspace_id)).values())
    assert keyring_value(workspace_id, APP) is None


async def test_empty_secret_is_refused(workspace_id: str) -> None:
    with pytest.raises(SecretStoreError, match="empty"):
        await SecretStore().set(workspace_id, TRACK, "")
    assert keyring_value(workspace_id, TRACK) is None


async def test_fail_backend_is_missing_and_offers_session_only(fail_keyring: Any) -> None:
    store = SecretStore()
    status = await store.status()
    assert status.state is BackendState.MISSING
    assert not status.secure
    assert "No system keyring" in status.message
    with pytest.raises(SecretStoreError, match="this session only"):
        await store.set("ws1", TRACK, "value-that-must-not-be-kept")
    with pytest.raises(SecretStoreError, match="this session only"):
        await store.get("ws1", TRACK)


async def test_missing_dbus_session_is_named(fail_keyring: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status = await SecretStore().status()
    assert status.state is BackendState.MISSING
    assert "D-Bus" in status.message


def _status_in_fresh_process(backend: str) -> dict[str, str]:
    """``SecretStore.status()`` (state, name, message) in a new process given PYTHON_KEYRING_BACKEND."""
    code = (
        "import asyncio, json\n"
        "from cio_desktop.secrets import SecretStore\n"
        "s = asyncio.run(SecretStore(timeout=5).status())\n"
        "print(json.dumps({'state': s.state.value, 'name': s.name, 'message': s.message}))\n"
    )
    env = dict(os.environ, PYTHON_KEYRING_BACKEND=backend)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    status: dict[str, str] = json.loads(out.stdout)
    return status


def test_fail_backend_chosen_by_environment_in_a_fresh_process(tmp_path: Path) -> None:
    """The way a user's machine gets it: keyring itself picks the fail backend in a new process."""
    status = _status_in_fresh_process("keyring.backends.fail.Keyring")
    assert status["state"] == "missing"
    assert status["name"] == "fail Keyring"


def test_a_misconfigured_keyring_is_reported_missing(tmp_path: Path) -> None:
    """PYTHON_KEYRING_BACKEND naming a backend that does not exist: a plain message, no crash."""
    status = _status_in_fresh_process("no_such_module.Keyring")
    assert status["state"] == "missing"
    assert status["message"] == "No usable system keyring could be set up."


async def test_plaintext_backend_is_refused(plaintext_keyring: PlaintextMemoryKeyring) -> None:
    store = SecretStore()
    status = await store.status()
    assert status.state is BackendState.INSECURE
    assert status.name == PlaintextMemoryKeyring.name  # the user is told which backend it is
    assert "will not store keys there" in status.message
    with pytest.raises(SecretStoreError, match="this session only"):
        await store.set("ws1", TRACK, "plaintext-would-leak")
    assert plaintext_keyring.stored == {}  # nothing was written through it


async def test_null_backend_is_refused(restore_keyring: None) -> None:
    """keyring's null backend silently drops everything: storing keys there would lose them."""
    import keyring
    import keyring.backends.null

    keyring.set_keyring(keyring.backends.null.Keyring())
    status = await SecretStore().status()
    assert status.state is BackendState.INSECURE
    with pytest.raises(SecretStoreError, match="this session only"):
        await SecretStore().set("ws1", TRACK, "would-vanish")


async def test_hanging_keyring_times_out_as_locked(hanging_keyring: HangingSecretService) -> None:
    store = SecretStore(timeout=0.3)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    started = time.monotonic()
    status = await store.status()
    elapsed = time.monotonic() - started
    task.cancel()
    assert status.state is BackendState.LOCKED
    assert "did not answer within 0.3 seconds" in status.message
    assert elapsed < 5
    assert ticks > 3  # the event loop kept running while the keyring hung
    with pytest.raises(SecretStoreError, match="did not answer"):
        await store.get("ws1", TRACK)


@needs_gnome_keyring
def test_real_locked_keyring_is_reported_locked(tmp_path: Path) -> None:
    """A Secret Service whose login keyring was never unlocked: LOCKED, in plain words."""
    code = (
        "import asyncio, json\n"
        "from cio_desktop.secrets import SecretStore\n"
        "s = asyncio.run(SecretStore(timeout=10).status())\n"
        "print(json.dumps({'state': s.state.value, 'message': s.message}))\n"
    )
    out = run_with_locked_keyring(code, tmp_path / "data")
    status = json.loads(out.stdout.strip().splitlines()[-1])
    assert status["state"] == "locked"
    assert "locked" in status["message"]


async def test_session_only_keeps_secrets_in_memory_for_this_run(fail_keyring: Any, cio_home: Path) -> None:
    store = SecretStore()
    assert (await store.status()).state is BackendState.MISSING
    store.use_session_only()
    status = await store.status()
    assert status.state is BackendState.SESSION_ONLY
    assert "this session only" in status.message
    await store.set("ws1", TRACK, "session-secret-xyz")
    assert await store.get("ws1", TRACK) == "session-secret-xyz"
    assert (await store.present("ws1"))[TRACK] is True
    assert await SecretStore(session_only=True).get("ws1", TRACK) is None  # another run: forgotten
    await store.delete_all("ws1")
    assert await store.get("ws1", TRACK) is None
    assert files_containing(cio_home, "session-secret-xyz") == []
