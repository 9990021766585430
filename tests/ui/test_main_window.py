"""The main window with real services, a real sandbox and the real Secret Service."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import CredentialState, Services
from cio_desktop.secrets import SERVICE_NAME
from cio_desktop.ui import window_flows
from cio_desktop.ui.main_window import MainWindow
from tests.ui.a11y_audit import overlap_problems
from tests.ui.conftest import QtAsyncLoop, sandbox_hosts
from tests.ui.layout_checks import fully_visible

TRACK, APP = SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY


_opened: list[MainWindow] = []


@pytest.fixture(autouse=True)
def _close_left_open_windows(qtbot: QtBot, qloop: QtAsyncLoop) -> Iterator[None]:
    """A failing test may leave its window open: close it (with its async shut-down) afterwards."""
    yield
    while _opened:
        window = _opened.pop()
        if not window._shutdown_done:
            close_window(qtbot, window)
        window.deleteLater()


def open_window(qtbot: QtBot, qloop: QtAsyncLoop, services: Services) -> MainWindow:
    window = MainWindow(services)
    _opened.append(window)
    window.restore_state(services.settings.ui_state)
    window.show()
    qloop.run(window_flows.start(window))
    return window


def close_window(qtbot: QtBot, window: MainWindow) -> None:
    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=10000)
    assert not window.isVisible()
    assert not window.services.clients, "closing closed every client (the shut-down ran to its end)"


@pytest.fixture
def window(qtbot: QtBot, qloop: QtAsyncLoop, services: Services) -> MainWindow:
    return open_window(qtbot, qloop, services)


def add(qloop: QtAsyncLoop, services: Services, sandbox: Any, name: str) -> Workspace:
    info = sandbox.info
    return qloop.run(
        services.add_workspace(
            Workspace(name=name, site_id=info.site_id, region=Region.US),
            {TRACK: info.track_api_key, APP: info.app_api_key},
        )
    )


def test_first_start_offers_the_practice_workspace(qtbot: QtBot, window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.demo_button.isVisible()
    assert "Practice" not in window.windowTitle()
    assert "No workspace yet" in window.status_label.text()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible())
    assert window.wizard is not None
    window.wizard.reject()


def test_sidebar_shows_region_and_key_status(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    workspace = add(qloop, services, sandbox, "Acme")
    services.mark_credential(workspace, TRACK, verified=True)
    services.mark_credential(workspace, APP, verified=False)
    window = open_window(qtbot, qloop, services)
    row = window.sidebar.row(workspace.id)
    assert row is not None
    qtbot.waitUntil(lambda: row.track_dot.state is CredentialState.VERIFIED)
    assert row.badge.text() == "US"
    assert row.app_dot.state is CredentialState.REJECTED
    assert "rejected" in row.app_dot.accessibleName()
    legend = window.sidebar.legend  # issue 12: the dots had no legend
    assert legend.isVisible()
    for words in ("✔ works", "● saved, not tested yet", "✖ rejected", "○ not set", "Track sends, App reads"):
        assert words in legend.text()
    item = window.sidebar.list.item(0)
    assert "Track key works" in item.data(Qt.ItemDataRole.AccessibleTextRole)
    assert window.stack.currentWidget() is window.tabs
    assert "Acme" in window.workspace_label.text()
    close_window(qtbot, window)


def test_keyboard_shortcuts_switch_panels(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    for index, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == index
    assert window.tabs.tabText(3) == "Settings"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    shortcuts = dict(window.keyboard_shortcuts())
    assert shortcuts["Ctrl+N"] == "Add workspace…"
    assert shortcuts["F5"] == "Refresh"
    close_window(qtbot, window)


def test_remove_asks_first_then_deletes_the_keys(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    workspace = add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    action = window.actions_by_name["removeWorkspaceAction"]

    action.trigger()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None and window.confirm_dialog.isVisible())
    box = window.confirm_dialog
    assert isinstance(box, QMessageBox)
    assert "deleted from this computer's keyring" in box.informativeText()
    qtbot.mouseClick(
        box.findChild(type(box.defaultButton()), "cancelRemoveButton"), Qt.MouseButton.LeftButton
    )
    qloop.run(window.tasks.get("remove"))  # type: ignore[arg-type]
    assert [ws.name for ws in window.sidebar.workspaces()] == ["Acme"]

    action.trigger()
    qtbot.waitUntil(lambda: window.confirm_dialog is not box and window.confirm_dialog.isVisible())  # type: ignore[union-attr]
    box = window.confirm_dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(
        box.findChild(type(box.defaultButton()), "confirmRemoveButton"), Qt.MouseButton.LeftButton
    )
    assert qloop.run(window.tasks.get("remove")) is True  # type: ignore[arg-type]
    assert window.sidebar.workspaces() == []
    assert window.stack.currentWidget() is window.welcome
    assert "keys were deleted" in window.banner.message()
    assert keyring.get_password(SERVICE_NAME, f"{workspace.id}/track_api_key") is None
    assert keyring.get_password(SERVICE_NAME, f"{workspace.id}/app_api_key") is None
    close_window(qtbot, window)


def test_rename_and_duplicate_through_their_dialogs(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    window.actions_by_name["renameWorkspaceAction"].trigger()
    qtbot.waitUntil(lambda: window.name_dialog is not None and window.name_dialog.isVisible())
    window.name_dialog.setTextValue("Acme production")  # type: ignore[union-attr]
    window.name_dialog.accept()  # type: ignore[union-attr]
    qloop.run(window.tasks.get("rename"))  # type: ignore[arg-type]
    window.actions_by_name["duplicateWorkspaceAction"].trigger()
    qtbot.waitUntil(
        lambda: window.name_dialog is not None and window.name_dialog.objectName() == "duplicateDialog"
    )
    assert window.name_dialog.textValue() == "Acme production (copy)"  # type: ignore[union-attr]
    window.name_dialog.accept()  # type: ignore[union-attr]
    copy = qloop.run(window.tasks.get("dup"))  # type: ignore[arg-type]
    assert [ws.name for ws in window.sidebar.workspaces()] == ["Acme production", "Acme production (copy)"]
    assert window.sidebar.current() == copy
    assert qloop.run(services.load_secrets(copy))[TRACK] == sandbox.info.track_api_key
    close_window(qtbot, window)


def test_window_size_panel_and_workspace_are_remembered(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    add(qloop, services, sandbox, "Acme")
    add(qloop, services, sandbox, "Globex")
    window = open_window(qtbot, qloop, services)
    window.resize(780, 600)  # the offscreen screen is 800 px wide: restoring clamps to it
    size = (window.width(), window.height())
    window.tabs.setCurrentIndex(2)
    assert window.sidebar.select("Globex")
    qtbot.waitUntil(lambda: not window.tasks.running("save-last"))
    close_window(qtbot, window)

    again = Services(hosts=sandbox_hosts(sandbox))
    qloop.run(again.load_settings())
    reopened = open_window(qtbot, qloop, again)
    assert (reopened.width(), reopened.height()) == size
    assert reopened.tabs.currentIndex() == 2
    assert reopened.sidebar.current() is not None
    assert reopened.sidebar.current().name == "Globex"  # type: ignore[union-attr]
    close_window(qtbot, reopened)
    qloop.run(again.aclose())


def test_closing_while_a_call_is_in_flight_exits_cleanly(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_sandbox: Any
) -> None:
    slow = make_sandbox(faults=["latency=5"])
    services.hosts = sandbox_hosts(slow)
    workspace = qloop.run(
        services.add_workspace(
            Workspace(name="Slow", site_id=slow.info.site_id, region=Region.US),
            {APP: slow.info.app_api_key},
        )
    )
    window = open_window(qtbot, qloop, services)

    async def slow_call() -> None:
        client = await services.client_for(workspace)
        await client.app.workspaces()

    call = window.tasks.spawn(slow_call(), key="slow")
    qtbot.waitUntil(lambda: bool(services.clients), timeout=5000)
    # ... and a lookup typed into the Customer lookup panel, like a user would.
    window.show_panel(0)
    query = window.findChild(QLineEdit, "lookupQueryEdit")
    assert query is not None
    qtbot.keyClicks(query, "ada.lovelace@example.com")
    qtbot.keyClick(query, Qt.Key.Key_Return)
    qtbot.waitUntil(window.panel_progress.isVisible, timeout=5000)  # the status bar shows it is working
    started = time.monotonic()
    close_window(qtbot, window)
    assert time.monotonic() - started < 3.5, "closing must not wait for the 5-second answer"
    assert call.cancelled()


def test_ctrl_l_and_f5_reach_the_lookup_panel_when_it_is_showing(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    window.sidebar.list.setFocus()
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    focused = QApplication.focusWidget()
    assert focused is not None
    assert focused.objectName() == "lookupQueryEdit"
    close_window(qtbot, window)


def test_a_broken_workspace_file_is_moved_aside_and_explained(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services
) -> None:
    services.workspaces.path.parent.mkdir(parents=True, exist_ok=True)
    services.workspaces.path.write_text("{ this is not json")
    window = open_window(qtbot, qloop, services)
    assert window.banner.isVisible()
    assert window.banner.level == "warning"
    assert window.stack.currentWidget() is window.welcome, "the app still starts, with no workspace"
    close_window(qtbot, window)


def test_the_window_stays_responsive_during_a_two_second_call(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_sandbox: Any
) -> None:
    slow = make_sandbox(faults=["latency=2"])
    services.hosts = sandbox_hosts(slow)
    workspace = qloop.run(
        services.add_workspace(
            Workspace(name="Slow", site_id=slow.info.site_id, region=Region.US), {APP: slow.info.app_api_key}
        )
    )
    window = open_window(qtbot, qloop, services)
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        gaps.append(clock.restart())

    timer = QTimer(window)
    timer.timeout.connect(tick)
    timer.start(20)

    async def slow_call() -> int:
        client = await services.client_for(workspace)
        return (await client.app.workspaces()).status

    assert qloop.run(slow_call(), timeout=10) == 200
    timer.stop()
    assert len(gaps) > 50, "the timer kept firing while the call waited"
    assert max(gaps[1:]) < 500, f"the event loop stalled for {max(gaps[1:])} ms"
    close_window(qtbot, window)


def test_a_missing_keyring_is_explained_at_start(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any, fail_keyring: Any
) -> None:
    services.workspaces.add(Workspace(name="Acme", region=Region.US))
    window = open_window(qtbot, qloop, services)
    assert window.banner.isVisible()
    assert "keyring is not available" in window.banner.message()
    assert window.banner.hint_label.text(), "the hint says what to do"
    close_window(qtbot, window)


def test_a_saved_size_is_fitted_to_the_screen_not_dropped(qtbot: QtBot, services: Services) -> None:
    """Issue 12: a size saved on another (larger) screen fell back to the default size."""
    window = MainWindow(services)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    window.restore_state({"size": f"{room.width() - 100}x{room.height() - 120}"})
    assert (window.width(), window.height()) == (room.width() - 100, room.height() - 120)
    window.restore_state({"size": f"{room.width() * 3}x{room.height() * 2}"})
    assert window.width() <= room.width()
    assert window.height() <= room.height()
    assert window.width() >= room.width() - 50, "as large as the screen allows, not the default size"
    assert room.contains(window.geometry().topLeft())


def test_every_panel_fits_a_1024_by_640_window_with_a_notice_showing(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    """Issue 12: at 1024×640 a notice pushed Copy as curl and Export HAR out of view (the inspector was
    sized to its preferred height inside the window's scroll area)."""
    add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    window.resize(1024, 640)
    inspector = window.panels["inspector"]
    inspector.banner.show_message("Copied as curl.", level="success", hint="A long hint " * 12)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        scroll = window.tabs.currentWidget()
        qtbot.waitUntil(lambda s=scroll: s.viewport().height() > 0)
        assert scroll.horizontalScrollBar().maximum() == 0, f"tab {index} is wider than the window"
        assert scroll.verticalScrollBar().maximum() == 0, f"tab {index} is taller than the window"
    window.tabs.setCurrentIndex(2)
    for button in (inspector.curl_button, inspector.har_button):
        qtbot.waitUntil(lambda b=button: fully_visible(b))
    assert overlap_problems(window) == []
    close_window(qtbot, window)
