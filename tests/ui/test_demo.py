"""The practice workspace: offered on first start, clearly labelled, backed by a sandbox child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cio_desktop.operations.services import DEMO_NAME, Services
from cio_desktop.ui.main_window import PRACTICE_TEXT, MainWindow
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_main_window import close_window, open_window


def test_try_the_practice_workspace_from_the_welcome_page(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services
) -> None:
    window: MainWindow = open_window(qtbot, qloop, services)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.busy.isVisible, timeout=5000)  # starting the practice server shows progress
    assert "Starting the practice workspace" in window.busy.text()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20000)
    workspace = window.workspace
    assert workspace is not None
    assert workspace.demo
    assert workspace.name == DEMO_NAME
    assert "fictional" in workspace.name
    assert window.practice_banner.isVisible()
    assert window.practice_banner.text() == PRACTICE_TEXT
    assert "(practice data)" in window.workspace_label.text()
    row = window.sidebar.row(workspace.id)
    assert row is not None
    assert row.badge.text() == "PRACTICE"
    assert not window.sidebar.edit_button.isEnabled(), "the practice workspace cannot be edited or removed"
    assert services.workspaces.list() == [], "the practice workspace is not saved"
    sandbox = services.practice.process
    assert sandbox is not None
    close_window(qtbot, window)
    assert sandbox.process.returncode is not None, "closing the app stops the practice server"


def test_demo_flag_opens_straight_into_the_practice_workspace(cio_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIO_DESKTOP_HOME=str(cio_home))
    result = subprocess.run(
        [sys.executable, "-m", "cio_desktop", "--demo", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    log = (cio_home / "logs" / "cio-desktop.log").read_text() if (cio_home / "logs").exists() else ""
    assert "unexpected error" not in log
