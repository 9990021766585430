"""The practice workspace: offered on first start, clearly labelled, backed by a sandbox child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from cio_desktop.operations.services import DEMO_NAME, Services
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.ui import window_flows
from cio_desktop.ui.main_window import PRACTICE_TEXT, MainWindow
from cio_desktop.ui.sidebar import PRACTICE_FIXED
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_main_window import close_window, open_window

PER_WORKSPACE_ACTIONS = ("editWorkspaceAction", "renameWorkspaceAction", "duplicateWorkspaceAction")


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
    assert window.sidebar.edit_button.toolTip() == PRACTICE_FIXED, "the greyed-out button says why"
    for name in (*PER_WORKSPACE_ACTIONS, "removeWorkspaceAction"):
        assert not window.actions_by_name[name].isEnabled(), (
            f"{name} is greyed out in the menu too (Ctrl+E included)"
        )
    assert window.actions_by_name["practiceFixedNote"].isVisible()
    window.sidebar.list.customContextMenuRequested.emit(QPoint(5, 5))  # right-click: says why, not silence
    menu = window.sidebar.findChild(QMenu, "practiceWorkspaceMenu")
    assert menu is not None
    assert [a.text() for a in menu.actions()] == [PRACTICE_FIXED]
    menu.close()
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


def _open_practice(qtbot: QtBot, qloop: QtAsyncLoop, services: Services) -> MainWindow:
    window = MainWindow(services)
    window.restore_state(services.settings.ui_state)
    window.show()
    qloop.run(window_flows.start(window), timeout=40)
    return window


def test_a_returning_user_finds_the_practice_workspace_with_its_history(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services
) -> None:
    """Issue 12: after a restart the practice workspace was gone and "Recently sent" was empty (the sends
    were filed under the previous session's random workspace id)."""
    window = open_window(qtbot, qloop, services)
    qloop.run(window_flows.open_demo(window), timeout=40)
    panel = window.panels["event"]
    panel.form.customer_edit.setText(WELL_KNOWN["customer_id"])
    qtbot.mouseClick(panel.form.send_button, Qt.MouseButton.LeftButton)
    assert panel.current_task is not None
    qloop.run(panel.current_task, timeout=15)
    qtbot.waitUntil(lambda: panel.form.history_combo.count() > 1, timeout=5000)
    sent_label = panel.form.history_combo.itemText(1)
    close_window(qtbot, window)

    again = Services(hosts=services.hosts)  # a new process: only the files on disk remain
    qloop.run(again.load_settings())
    window = _open_practice(qtbot, qloop, again)
    try:
        workspace = window.workspace
        assert workspace is not None, "the practice workspace reopened by itself"
        assert workspace.demo
        combo = window.panels["event"].form.history_combo
        qtbot.waitUntil(lambda: combo.count() > 1, timeout=5000)
        assert combo.itemText(1) == sent_label, "Recently sent survived the restart"
        inspector = window.panels["inspector"]
        assert any(e.workspace == DEMO_NAME for e in inspector.model.exchanges()), "so did the inspector"
    finally:
        close_window(qtbot, window)
