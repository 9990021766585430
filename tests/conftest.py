"""Test-wide set-up: headless Qt, and no test may touch a real profile.

Shared fixtures live in ``tests/fixtures/`` (one module per peer: sandbox, keyring, ...).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import pytest

# Without a display Qt aborts the process; the test command sets this too.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# WORKAROUND(pyside6==6.12.0): void methods (``label.setText``) return None and ``Signal.emit()`` returns
# True without a new reference, so ~5000 calls deallocate None/True and abort the process ("Fatal Python
# error: none_dealloc/bool_dealloc"). 6.11.3 is clean. Make them effectively immortal.
if sys.version_info < (3, 12):  # from 3.12 on these objects are immortal
    for _singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += 1 << 40

pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.keyring",
]


@pytest.fixture(autouse=True)
def cio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, data, cache and logs at a fresh folder for every test."""
    home = tmp_path / "cio-home"
    home.mkdir()
    monkeypatch.setenv("CIO_DESKTOP_HOME", str(home))
    return home
