"""End-to-end fixtures: a real X server (Xvfb) for tests that need a real window, not offscreen."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """Start a private Xvfb and return its DISPLAY; fails (not skips) when Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: run `bash packaging/bootstrap.sh --dev`"
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes the display number once it accepts clients
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
