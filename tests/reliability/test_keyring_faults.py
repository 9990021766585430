"""A keyring that is missing, hangs or is slow, met by every command that reads or writes keys (issue 14,
item 4). Each command is a real ``cio-desktop`` process with its keyring backend chosen the way a user's
machine would (``PYTHON_KEYRING_BACKEND``):

- missing (keyring's fail backend) and hanging (a Secret Service whose calls block for 30 s, with a 1 s
  keyring timeout): every command ends within a bounded time with one line that names the keyring, no
  traceback, nothing saved half-way, and the key given on stdin is in no file and no output;
- slow (the real Secret Service answering each call 0.4 s late): every command works.

A locked Secret Service (a real gnome-keyring never unlocked) is tried for ``workspace add``, ``remove``
and ``list`` in ``tests/cli/test_workspace_cmd.py``; the ``SecretStore`` cases are in
``tests/test_secrets.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import sandbox_workspace
from tests.reliability.conftest import Tally

pytestmark = pytest.mark.slow

SUITE = "keyring missing, hanging or slow"
REPO = Path(__file__).resolve().parents[2]
BACKENDS = {
    "missing": {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    "hanging": {"PYTHON_KEYRING_BACKEND": "tests.fixtures.keyring.HangingSecretService"},
    "slow": {"PYTHON_KEYRING_BACKEND": "tests.fixtures.keyring.SlowSecretService"},
}
BOUND_S = 20.0  # far less than the 30 s a hanging call blocks; generous for a loaded 2-core box


def commands(new_key: str) -> list[tuple[str, tuple[str, ...], str]]:
    customer = WELL_KNOWN["customer_id"]
    return [
        ("add", ("workspace", "add", "--name", "New", "--site-id", "s", "--track-key-stdin"), f"{new_key}\n"),
        ("list", ("workspace", "list"), ""),
        ("test", ("workspace", "test", "Saved"), ""),
        ("lookup", ("lookup", "Saved", "--id", customer), ""),
        ("send", ("send", "Saved", "identify", "--customer", customer), ""),
        ("remove", ("workspace", "remove", "Saved"), ""),
    ]


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_keyed_command_ends_in_words_and_leaks_nothing(
    backend: str, sandbox: ThreadedSandbox, secret_service: Any, cio_home: Path, tally: Tally
) -> None:
    new_key = f"keyring-fault-{uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(REPO), CIO_DESKTOP_KEYRING_TIMEOUT="1", **BACKENDS[backend])
    outputs: list[str] = []
    with sandbox_workspace(sandbox, secret_service, name="Saved"):
        for label, argv, stdin in commands(new_key):
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "cio_desktop", *argv],
                input=stdin,
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
                cwd=REPO,
                check=False,
            )
            elapsed = time.monotonic() - started
            outputs.append(proc.stdout + proc.stderr)
            assert elapsed < BOUND_S, (label, elapsed)
            assert "Traceback" not in proc.stderr
            assert "unexpected" not in proc.stderr, proc.stderr
            if backend == "slow" or label == "list":
                assert proc.returncode == 0, (label, proc.stderr)
            elif (backend, label) == ("missing", "remove"):
                # With no keyring at all the entry goes; keys saved earlier cannot be reached, and it says so.
                assert proc.returncode == 0, proc.stderr
                assert "were not deleted" in proc.stdout + proc.stderr
            else:
                assert proc.returncode != 0, (label, proc.stdout)
                (line,) = proc.stderr.splitlines()
                assert line.startswith("cio-desktop: "), line
                assert "keyring" in line.lower(), line
            tally(SUITE, f"{backend}: {'worked' if proc.returncode == 0 else 'refused in words'}")
        names = [w.name for w in WorkspaceStore().list()]
        if backend != "hanging":
            assert names == (["New"] if backend == "slow" else []), (
                "added (when keys could be saved); removed"
            )
        else:
            assert names == ["Saved"], "nothing added, nothing removed"
    files = b"".join(p.read_bytes() for p in cio_home.rglob("*") if p.is_file())
    assert new_key.encode() not in files
    assert not [o for o in outputs if new_key in o]
    if backend == "slow":
        from tests.fixtures.keyring import forget_keys

        for workspace in WorkspaceStore().list():
            forget_keys(secret_service, workspace.secrets_id)
