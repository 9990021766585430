"""The app opens a real X11 window (Qt's xcb platform) and exits cleanly: what a user's desktop does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_app_opens_a_real_x11_window_and_exits_cleanly(xvfb_display: str, cio_home: Path) -> None:
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", CIO_DESKTOP_HOME=str(cio_home))
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "cio_desktop", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert "Traceback" not in result.stderr
