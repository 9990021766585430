"""The main window's coroutines: start-up, refreshes, the practice workspace, workspace actions, shut-down.

Each is awaited by exactly one task the window keeps (``window.tasks``); errors a user can act on are
shown inline in the window's banner, anything else reaches the excepthook.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from cio_desktop.errors import CioDesktopError, SecretStoreError
from cio_desktop.models import Workspace
from cio_desktop.operations.services import DEMO_NAME
from cio_desktop.ui.errors_dialog import build_report
from cio_desktop.ui.tasks import next_idle, run_dialog

if TYPE_CHECKING:
    from cio_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)
PRACTICE_KEY, PRACTICE_OPEN = "practice", "open"  # ui_state entry: reopen the practice workspace at start


async def start(window: MainWindow, *, demo: bool = False, stop_when_ready: bool = False) -> None:
    """After the first paint: the workspace list (the "ready" point), then panels, keyring and history.

    ``stop_when_ready`` (``--exit-when-ready`` without ``--demo``) returns at the ready point once Qt
    is idle.
    """
    services = window.services
    await services.load_settings()
    report = await services.load_workspaces()
    problems = [p for p in (report.problem, services.settings_problem) if p]
    if problems:  # a broken file was moved aside and defaults are used: say so once
        window.banner.show_message(" ".join(problems), level="warning")
    running = [services.demo_workspace] if services.demo_workspace is not None else []
    workspaces = running + list(report.workspaces)
    window.sidebar.set_workspaces(workspaces, select=services.settings.last_workspace)
    window.set_status("Ready" if workspaces else "No workspace yet: try the practice workspace or add yours.")
    window.ready.set()
    await next_idle()  # the list is painted before the panels load
    if stop_when_ready:
        return
    with contextlib.suppress(OSError):
        await services.load_history()  # before the panels, so the inspector starts with it
    window.load_panels()
    if demo:
        await open_demo(window)
    elif services.settings.ui_state.get(PRACTICE_KEY) == PRACTICE_OPEN:
        # It was open when the app last closed: a returning user finds it where they left it.
        await open_demo(window, select=services.settings.last_workspace or DEMO_NAME)
    # Ask the keyring once first: when it is locked or missing, every per-workspace question would
    # wait for its timeout in turn.
    if not any(not ws.demo for ws in workspaces) or await check_keyring(window):
        await repair_keyring(window)
        await refresh_states(window)
    from cio_desktop.ui.account_flows import refresh_account

    await refresh_account(window)


async def repair_keyring(window: MainWindow) -> None:
    """Delete keys left behind by an interrupted change; say which workspaces lost keys they had."""
    report = await window.services.repair_keyring()
    if report.missing:
        names = ", ".join(f"“{name}”" for name in report.missing)
        window.banner.show_message(
            f"Keys saved for {names} are no longer in the system keyring.",
            level="warning",
            hint="Edit the workspace and paste the keys again.",
        )


async def refresh_workspaces(window: MainWindow, select: str | None = None) -> None:
    workspaces = await window.services.list_workspaces()
    window.sidebar.set_workspaces(workspaces, select=select)
    await refresh_states(window)


async def refresh_states(window: MainWindow) -> None:
    """Ask the secret store which keys exist (never their values) and update the status dots."""
    for workspace in window.sidebar.workspaces():
        try:
            states = await window.services.credential_states(workspace)
        except SecretStoreError:
            continue  # check_keyring explains the problem once
        window.sidebar.set_states(workspace.id, states)


async def check_keyring(window: MainWindow) -> bool:
    """True when keys can be read; otherwise the window's banner says why."""
    status = await window.services.keyring_status()
    if status.secure or status.state.value == "session_only":
        return True
    window.banner.show_message(
        "Your saved keys cannot be read: the system keyring is not available.",
        level="warning",
        detail=f"Keyring backend: {status.name} ({status.state.value})",
        hint=status.message,
    )
    return False


async def open_demo(window: MainWindow, select: str | None = None) -> None:
    """Start the practice server (once), remember it is open, and select it (or the workspace ``select``)."""
    task = asyncio.current_task()
    assert task is not None
    window.busy.start("Starting the practice workspace…")
    cancel = window.busy.cancel_requested.connect(task.cancel)
    window.set_status("Starting the practice workspace (a small test server on this computer)…")
    try:
        workspace = await window.services.ensure_demo()
    except asyncio.CancelledError:
        window.set_status("Practice workspace not started.")
        raise
    except CioDesktopError as exc:
        target = window.welcome.banner if window.stack.currentWidget() is window.welcome else window.banner
        target.show_error(exc, hint="Try again; if it keeps failing, copy the details for support.")
        window.set_status("The practice workspace could not be started.")
        return
    finally:
        window.busy.cancel_requested.disconnect(cancel)
        window.busy.stop()
    await refresh_workspaces(window, select=select or workspace.name)
    window.set_status("Practice workspace ready: fictional data on this computer.")
    with contextlib.suppress(OSError, CioDesktopError):  # only a convenience for the next start
        await window.services.save_ui_state(**{PRACTICE_KEY: PRACTICE_OPEN})


async def add_workspace(window: MainWindow) -> Workspace | None:
    from cio_desktop.ui.dialogs.workspace_wizard import WorkspaceWizard

    wizard = WorkspaceWizard(window.services, window)
    window.wizard = wizard
    if await run_dialog(wizard) != WorkspaceWizard.DialogCode.Accepted or wizard.saved_workspace is None:
        return None
    saved = wizard.saved_workspace
    await refresh_workspaces(window, select=saved.name)
    window.set_status(f"Workspace “{saved.name}” saved.")
    return saved


async def edit_workspace(window: MainWindow, workspace: Workspace) -> Workspace | None:
    from cio_desktop.ui.dialogs.workspace_wizard import WorkspaceWizard

    wizard = WorkspaceWizard(window.services, window, workspace=workspace)
    window.wizard = wizard
    if await run_dialog(wizard) != WorkspaceWizard.DialogCode.Accepted or wizard.saved_workspace is None:
        return None
    await refresh_workspaces(window, select=wizard.saved_workspace.name)
    return wizard.saved_workspace


async def _ask_name(window: MainWindow, title: str, label: str, value: str, name: str) -> str | None:
    dialog = QInputDialog(window)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(value)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("OK")
    window.name_dialog = dialog
    if await run_dialog(dialog) != QInputDialog.DialogCode.Accepted:
        return None
    text = dialog.textValue().strip()
    return text or None


async def rename_workspace(window: MainWindow, workspace: Workspace) -> Workspace | None:
    new = await _ask_name(
        window, "Rename workspace", f"New name for “{workspace.name}”:", workspace.name, "renameDialog"
    )
    if new is None or new == workspace.name:
        return None
    try:
        renamed = await window.services.rename_workspace(workspace, new)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return None
    await refresh_workspaces(window, select=renamed.name)
    return renamed


async def duplicate_workspace(window: MainWindow, workspace: Workspace) -> Workspace | None:
    new = await _ask_name(
        window,
        "Duplicate workspace",
        "Name for the copy (its keys are copied too):",
        f"{workspace.name} (copy)",
        "duplicateDialog",
    )
    if new is None:
        return None
    try:
        copy = await window.services.duplicate_workspace(workspace, new)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return None
    await refresh_workspaces(window, select=copy.name)
    return copy


async def remove_workspace(window: MainWindow, workspace: Workspace) -> bool:
    """Ask first; then remove the workspace and delete its keys from the keyring."""
    box = QMessageBox(window)
    box.setObjectName("removeWorkspaceDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Remove workspace")
    box.setText(f"Remove “{workspace.name}” from cio-desktop?")
    box.setInformativeText(
        "Its API keys will be deleted from this computer's keyring. Your workspace in Customer.io is not"
        " changed, and you can add it again later with the same keys."
    )
    remove = box.addButton("Remove and delete keys", QMessageBox.ButtonRole.DestructiveRole)
    remove.setObjectName("confirmRemoveButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("cancelRemoveButton")
    box.setDefaultButton(cancel)
    window.confirm_dialog = box
    await run_dialog(box)
    if box.clickedButton() is not remove:
        return False
    try:
        result = await window.services.remove_workspace(workspace)
    except CioDesktopError as exc:
        window.banner.show_error(exc)
        return False
    await refresh_workspaces(window)
    if result.keys_left:
        window.banner.show_message(
            f"“{workspace.name}” was removed, but its keys could not be deleted yet: {result.keys_left}",
            level="warning",
            hint="They are deleted automatically the next time cio-desktop starts with the keyring open.",
        )
    else:
        text = f"“{workspace.name}” was removed and its keys were deleted."
        window.banner.show_message(text, level="success")
    return True


def focus_lookup(window: MainWindow) -> None:
    window.show_panel(0)
    window.panels["lookup"].focus_input()


def refresh_current(window: MainWindow) -> None:
    if window.stack.currentWidget() is window.tabs:
        window.current_panel().refresh()
    else:
        window.tasks.spawn(refresh_workspaces(window), key="refresh-workspaces")


def show_shortcuts(window: MainWindow) -> None:
    rows = "".join(
        f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
        for keys, what in window.keyboard_shortcuts()
    )
    box = QMessageBox(
        QMessageBox.Icon.Information, "Keyboard shortcuts", f"<table>{rows}</table>", parent=window
    )
    box.setObjectName("shortcutsDialog")
    box.open()


def show_about(window: MainWindow) -> None:
    from cio_desktop import __version__

    box = QMessageBox(
        QMessageBox.Icon.Information,
        "About cio-desktop",
        f"cio-desktop {__version__}\nA desktop tool to look up people, test events and inspect requests"
        " for Customer.io workspaces.",
        parent=window,
    )
    box.setObjectName("aboutDialog")
    box.open()


STOP_WAIT_S = 1.0  # how long closing waits for each part to stop before it goes on regardless


async def _stop(what: str, coro: Coroutine[Any, Any, None], lingering: set[asyncio.Task[None]]) -> None:
    """Run ``coro`` for at most ``STOP_WAIT_S`` (no cancel-and-wait): closing must never hang on one part.

    WORKAROUND: a cancelled request very rarely keeps running inside httpcore/anyio (its cancellation
    is lost in a shielded clean-up); closing the clients afterwards ends it. What is still running is
    put in ``lingering``.
    """
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=STOP_WAIT_S)
    if not done:
        log.warning("%s did not stop within %s s; closing anyway", what, STOP_WAIT_S)
        lingering.add(task)
    elif not task.cancelled() and (exc := task.exception()) is not None:
        log.error("%s failed to stop\n%s", what, build_report(type(exc), exc, exc.__traceback__))


async def shutdown(window: MainWindow) -> None:
    """Save window state, stop every task and panel, close clients and the practice server."""
    window.set_status("Closing…")
    with contextlib.suppress(CioDesktopError, OSError):
        await window.services.save_ui_state(**window.ui_state())
    lingering: set[asyncio.Task[None]] = set()
    me = asyncio.current_task()  # ``_stop`` runs cancel_all in a task of its own: spare this one
    await _stop("the window's tasks", window.tasks.cancel_all(keep=me), lingering)
    for key, panel in window.panels.items():
        await _stop(f"the {key} panel", panel.aclose(), lingering)
    await window.services.aclose()  # closing the clients also ends requests that ignored a cancel
    if lingering:
        await asyncio.wait(lingering, timeout=STOP_WAIT_S)
