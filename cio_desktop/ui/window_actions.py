"""The main window's menus, actions and keyboard shortcuts (each action's slot starts one flow)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

from cio_desktop.models import Workspace
from cio_desktop.ui import window_flows as flows
from cio_desktop.ui.sidebar import PRACTICE_FIXED

if TYPE_CHECKING:
    from cio_desktop.ui.main_window import MainWindow


def install_actions(window: MainWindow) -> dict[str, QAction]:
    """Create the menu bar and shortcuts; returns the actions by objectName."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    bar.setObjectName("menuBar")

    def add(menu_name: str, text: str, name: str, slot: Callable[[], object], keys: str = "") -> QAction:
        menu = menus[menu_name]
        action = QAction(text, window)
        action.setObjectName(name)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        actions[name] = action
        return action

    menus = {}
    for menu_name, title in (
        ("file", "&File"),
        ("workspace", "&Workspace"),
        ("view", "&View"),
        ("help", "&Help"),
    ):
        menus[menu_name] = bar.addMenu(title)
        menus[menu_name].setObjectName(f"{menu_name}Menu")

    def spawn(factory: Callable[[], object], key: str) -> Callable[[], object]:
        return lambda: window.tasks.spawn(factory(), key=key)  # type: ignore[arg-type]

    add(
        "file",
        "&Add workspace…",
        "addWorkspaceAction",
        spawn(lambda: flows.add_workspace(window), "wizard"),
        "Ctrl+N",
    )
    add(
        "file",
        "Open the &practice workspace",
        "openPracticeAction",
        spawn(lambda: flows.open_demo(window), "demo"),
    )
    menus["file"].addSeparator()
    add("file", "&Quit", "quitAction", window.close, "Ctrl+Q")

    def for_current(
        flow: Callable[[MainWindow, Workspace], Coroutine[Any, Any, Any]], key: str
    ) -> Callable[[], None]:
        def run() -> None:
            workspace = window.sidebar.current()
            if workspace is not None and not workspace.demo:
                window.tasks.spawn(flow(window, workspace), key=key)

        return run

    per_workspace = (
        add(
            "workspace",
            "&Edit…",
            "editWorkspaceAction",
            for_current(flows.edit_workspace, "wizard"),
            "Ctrl+E",
        ),
        add(
            "workspace",
            "&Rename…",
            "renameWorkspaceAction",
            for_current(flows.rename_workspace, "rename"),
            "F2",
        ),
        add(
            "workspace",
            "&Duplicate…",
            "duplicateWorkspaceAction",
            for_current(flows.duplicate_workspace, "dup"),
        ),
        add("workspace", "Re&move…", "removeWorkspaceAction", for_current(flows.remove_workspace, "remove")),
    )
    practice_note = add("workspace", PRACTICE_FIXED, "practiceFixedNote", lambda: None)
    practice_note.setEnabled(False)

    def follow_selection(workspace: Workspace | None) -> None:
        """Same rule as the sidebar's buttons: a saved workspace can be changed, the practice one cannot
        (it is rebuilt by its own server each start), and the menu says why instead of doing nothing."""
        editable = workspace is not None and not workspace.demo
        for action in per_workspace:
            action.setEnabled(editable)
        practice_note.setVisible(workspace is not None and workspace.demo)

    window.sidebar.workspace_selected.connect(follow_selection)
    follow_selection(window.sidebar.current())
    menus["workspace"].addSeparator()
    add("workspace", "&Keys and their age…", "showKeysAction", window.show_keys, "Ctrl+K")

    for index, (key, title) in enumerate(_panels()):
        add(
            "view",
            title,
            f"show{key.title()}PanelAction",
            functools.partial(window.show_panel, index),
            f"Ctrl+{index + 1}",
        )
    menus["view"].addSeparator()
    add("view", "Focus the &lookup search", "focusLookupAction", lambda: flows.focus_lookup(window), "Ctrl+L")
    add("view", "&Refresh", "refreshAction", lambda: flows.refresh_current(window), "F5")

    add("help", "&Keyboard shortcuts", "shortcutsAction", lambda: flows.show_shortcuts(window), "F1")
    add("help", "&About cio-desktop", "aboutAction", lambda: flows.show_about(window))

    sidebar = window.sidebar
    sidebar.add_requested.connect(actions["addWorkspaceAction"].trigger)
    sidebar.edit_requested.connect(
        lambda ws: window.tasks.spawn(flows.edit_workspace(window, ws), key="wizard")
    )
    sidebar.rename_requested.connect(
        lambda ws: window.tasks.spawn(flows.rename_workspace(window, ws), key="rename")
    )
    sidebar.duplicate_requested.connect(
        lambda ws: window.tasks.spawn(flows.duplicate_workspace(window, ws), key="dup")
    )
    sidebar.remove_requested.connect(
        lambda ws: window.tasks.spawn(flows.remove_workspace(window, ws), key="remove")
    )
    _connect_sign_in(window)
    window.welcome.add_requested.connect(actions["addWorkspaceAction"].trigger)
    window.welcome.demo_requested.connect(actions["openPracticeAction"].trigger)
    return actions


def _connect_sign_in(window: MainWindow) -> None:
    """The account section, the welcome page's account button and a workspace's "Sign in with OAuth".
    The sign-in code is imported on first use, not while the window is built."""

    def start(name: str, *args: object) -> None:
        from cio_desktop.ui import account_flows

        flow = getattr(account_flows, name)
        window.tasks.spawn(flow(window, *args), key=name)

    account = window.sidebar.account
    account.sign_in_requested.connect(lambda: start("account_sign_in"))
    window.welcome.account_requested.connect(lambda: start("account_sign_in"))
    account.import_requested.connect(lambda: start("import_workspaces"))
    account.sign_out_requested.connect(lambda: start("account_sign_out"))
    window.sidebar.oauth_requested.connect(lambda ws: start("workspace_sign_in", ws))


def _panels() -> tuple[tuple[str, str], ...]:
    from cio_desktop.ui.main_window import PANELS

    return PANELS
