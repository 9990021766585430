"""The "locked keyring" helper starts a second gnome-keyring in its own D-Bus session: it must not touch
the test session's Secret Service (sharing XDG_RUNTIME_DIR made the second daemon take over or remove the
first one's control socket, and later tests saw a locked or missing keyring)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cio_desktop.models import SecretKind
from cio_desktop.secrets import SecretStore
from tests.fixtures.keyring import needs_gnome_keyring, run_with_locked_keyring


@needs_gnome_keyring
async def test_a_locked_keyring_child_leaves_the_session_keyring_alone(
    secret_service: Any, workspace_id: str, tmp_path: Path
) -> None:
    store = SecretStore()
    await store.set(workspace_id, SecretKind.APP_API_KEY, "still-here-0123")
    control = Path(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / "keyring" / "control"
    had_control = control.exists()
    for n in range(2):
        run_with_locked_keyring("print('child ran')", tmp_path / f"data{n}")
    assert control.exists() == had_control
    assert await SecretStore().get(workspace_id, SecretKind.APP_API_KEY) == "still-here-0123"
    await store.set(workspace_id, SecretKind.TRACK_API_KEY, "written-after-0123")
    assert await SecretStore().get(workspace_id, SecretKind.TRACK_API_KEY) == "written-after-0123"
