"""MainWindow: workspace sidebar, the panel area, menus and shortcuts, the status bar, start-up and shut-down.

Work panels follow ``cio_desktop.ui.panel_contract.Panel``. They are imported after the first paint
(``load_panels``), with ordinary imports: a panel that cannot be imported is a bug to see, not a
placeholder to hide it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.models import Workspace
from cio_desktop.operations.services import Services
from cio_desktop.ui.panel_contract import Panel
from cio_desktop.ui.sidebar import WorkspaceSidebar
from cio_desktop.ui.tasks import TaskKeeper
from cio_desktop.ui.welcome import WelcomePage
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner
from cio_desktop.ui.widgets.focus_ring import install_focus_ring
from cio_desktop.window_fit import fit_size, format_size, parse_size

log = logging.getLogger(__name__)

# (key, title) in tab order; Ctrl+1..6 follow it.
PANELS = (
    ("lookup", "Customer lookup"),
    ("event", "Event test"),
    ("inspector", "Request inspector"),
    ("settings", "Settings"),
    ("stream", "Live activity"),
    ("usage", "Usage"),
)
# Keys the panels handle themselves (listed by F1 after the window's own).
PANEL_SHORTCUTS = (
    ("Ctrl+Enter", "Event test: send"),
    ("Ctrl+Shift+F", "Event test: tidy up the JSON"),
    ("Ctrl+F", "Request inspector: search"),
    ("Ctrl+Shift+C", "Request inspector: copy as curl"),
    ("Alt+P", "Live activity: pause or resume"),
    ("+", "Customer lookup, Timeline: zoom in (- zooms out; Left/Right choose a mark, Enter shows it)"),
    ("Left", "Usage chart: the day before (Right: the day after)"),
)


def _panel_classes() -> dict[str, Callable[[Services, QWidget], Panel]]:
    """The panel classes, imported on first use (after the first paint), never by name."""
    from cio_desktop.ui.panels.event_panel import EventPanel
    from cio_desktop.ui.panels.inspector_panel import InspectorPanel
    from cio_desktop.ui.panels.lookup_panel import LookupPanel
    from cio_desktop.ui.panels.settings_panel import SettingsPanel
    from cio_desktop.ui.panels.stream_panel import StreamPanel
    from cio_desktop.ui.panels.usage_panel import UsagePanel

    return {
        "lookup": LookupPanel,
        "event": EventPanel,
        "inspector": InspectorPanel,
        "settings": SettingsPanel,
        "stream": StreamPanel,
        "usage": UsagePanel,
    }


def as_widget(panel: Panel) -> QWidget:
    """Every panel is a QWidget too (the Protocol only names what the window calls)."""
    assert isinstance(panel, QWidget)
    return panel


PRACTICE_TEXT = (
    "Practice workspace: everything here is fictional data served by a small test server on this computer."
    " Nothing is sent to Customer.io."
)


class PlaceholderPanel(QLabel):
    """Stands in for a panel until it is loaded (a ``Panel`` that does nothing)."""

    busy_changed = Signal(bool)
    status_message = Signal(str)

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.panel_title = title
        self.setObjectName("placeholderPanel")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Nothing to show for a workspace."""

    def focus_input(self) -> None:
        self.setFocus()

    def refresh(self) -> None:
        """Nothing to refresh."""

    async def aclose(self) -> None:
        """Nothing runs here."""


class MainWindow(QMainWindow):
    """The app's one window. Built from cheap widgets; ``start()`` does the slow part after first paint."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = TaskKeeper()
        self.panels: dict[str, Panel] = {}
        self._workspace: Workspace | None = None
        self._busy_panels: set[str] = set()
        self._shutdown_done = False
        self.ready = asyncio.Event()  # set once the workspace list is shown (``--exit-when-ready``)
        self.wizard: QDialog | None = None  # the open wizard or name/confirm dialog, for tests
        self.name_dialog: QDialog | None = None
        self.import_dialog: QDialog | None = None
        # The account sign-in's MCP address (None: Customer.io's) and how the browser opens (tests swap it).
        self.account_resource: str | None = None
        self.browser_opener: Any = None  # None: the system browser (webbrowser, honours BROWSER)
        self.confirm_dialog: QDialog | None = None
        self.setObjectName("mainWindow")
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_focus_ring(app)  # a visible ring at every Tab stop, here and in dialogs
        self.setWindowTitle("cio-desktop")
        self.resize(1100, 720)

        self.sidebar = WorkspaceSidebar(self)
        self.welcome = WelcomePage(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("panelTabs")
        self.tabs.setAccessibleName("Panels")
        self.tabs.setDocumentMode(True)
        for key, title in PANELS:
            placeholder = PlaceholderPanel(title, "Loading…", self)
            self.panels[key] = placeholder
            self.tabs.addTab(placeholder, title)
        self.practice_banner = QLabel(PRACTICE_TEXT, self)
        self.practice_banner.setObjectName("practiceBanner")
        self.practice_banner.setAccessibleName(PRACTICE_TEXT)
        self.practice_banner.setWordWrap(True)
        self.practice_banner.hide()
        self.banner = ErrorBanner(self, name="windowBanner")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("contentStack")
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 8, 8, 4)
        column.addWidget(self.practice_banner)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 850])
        self.setCentralWidget(self.splitter)
        self._build_status_bar()
        from cio_desktop.ui.window_actions import install_actions

        self.actions_by_name: dict[str, QAction] = install_actions(self)
        self.sidebar.workspace_selected.connect(self._on_sidebar_workspace_selected)
        self._unsubscribe = services.subscribe(self._on_services_changed)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.status_label = QLabel("Starting…", self)
        self.status_label.setObjectName("statusMessage")
        self.status_label.setAccessibleName("Status")
        self.panel_progress = QProgressBar(self)
        self.panel_progress.setObjectName("statusProgress")
        self.panel_progress.setAccessibleName("A panel is working")
        self.panel_progress.setRange(0, 0)
        self.panel_progress.setMaximumWidth(120)
        self.panel_progress.setMaximumHeight(12)
        self.panel_progress.hide()
        self.busy = BusyIndicator(self, name="appBusy")
        self.workspace_label = QLabel("No workspace", self)
        self.workspace_label.setObjectName("statusWorkspace")
        self.workspace_label.setAccessibleName("Current workspace")
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.busy)
        bar.addPermanentWidget(self.panel_progress)
        bar.addPermanentWidget(self.workspace_label)

    # ---- state --------------------------------------------------------------------------------------
    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    def restore_state(self, state: Mapping[str, str]) -> None:
        """Size, splitter and current panel from the settings' ``ui_state`` (before the window is shown)."""
        if state.get("geometry"):
            self.restoreGeometry(QByteArray.fromBase64(state["geometry"].encode("ascii")))
        saved = parse_size(state.get("size", ""))
        if saved is not None and not self.isMaximized():
            self.fit_to_screen(saved)
        if state.get("splitter"):
            self.splitter.restoreState(QByteArray.fromBase64(state["splitter"].encode("ascii")))
        tab = state.get("panel", "")
        if tab.isdigit() and int(tab) < self.tabs.count():
            self.tabs.setCurrentIndex(int(tab))

    def fit_to_screen(self, saved: tuple[int, int]) -> None:
        """Open at the saved size where it fits the screen, shrunk where it does not (Qt's geometry blob
        alone falls back to the default size when the screen changed), and wholly on that screen."""
        room = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        frame = self.frameGeometry().size() - self.size()  # the window manager's title bar and borders
        available = (room.width() - frame.width(), room.height() - frame.height())
        width, height = fit_size(saved, available, (self.minimumWidth(), self.minimumHeight()))
        self.resize(width, height)
        x = min(max(self.x(), room.left()), room.right() - width - frame.width())
        y = min(max(self.y(), room.top()), room.bottom() - height - frame.height())
        self.move(max(x, room.left()), max(y, room.top()))

    def ui_state(self) -> dict[str, str | None]:
        """What ``restore_state`` reads back, plus the last workspace (the practice one too: it reopens)."""
        state: dict[str, str | None] = {
            "geometry": bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
            "size": format_size((self.width(), self.height())),
            "splitter": bytes(self.splitter.saveState().toBase64().data()).decode("ascii"),
            "panel": str(self.tabs.currentIndex()),
        }
        if self._workspace is not None:
            state["last_workspace"] = self._workspace.name
        return state

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # ---- panels -------------------------------------------------------------------------------------
    def load_panels(self) -> None:
        """Import and build the real panels (after first paint)."""
        current = self.tabs.currentIndex()
        classes = _panel_classes()
        for index, (key, _title) in enumerate(PANELS):
            if not isinstance(self.panels[key], PlaceholderPanel):
                continue
            panel = classes[key](self.services, self)
            widget = as_widget(panel)
            widget.setObjectName(widget.objectName() or f"{key}Panel")
            old = as_widget(self.panels[key])
            # A scroll area lets a wide panel scroll instead of forcing the window wider (200% scaling).
            scroll = QScrollArea(self)
            scroll.setObjectName(f"{key}PanelScroll")
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop: the panel's fields are
            scroll.setWidgetResizable(True)
            scroll.setWidget(widget)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, scroll, panel.panel_title)
            old.deleteLater()
            self.panels[key] = panel
            panel.busy_changed.connect(functools.partial(self._on_panel_busy_changed, key))
            panel.status_message.connect(functools.partial(self._on_panel_status_message, key))
            self._drop_colliding_shortcuts(widget)
            panel.set_workspace(self._workspace)
        from cio_desktop.ui.panels.event_panel import EventPanel
        from cio_desktop.ui.panels.lookup_panel import LookupPanel

        lookup, event = self.panels.get("lookup"), self.panels.get("event")
        if isinstance(event, EventPanel) and isinstance(lookup, LookupPanel):
            # A send to the person shown in the lookup refreshes their activities there by itself.
            event.person_changed.connect(lookup.reload_if_showing)
        self.tabs.setCurrentIndex(current)
        stream = self.panels["stream"]
        if hasattr(stream, "lookup_requested"):  # a row's "Open this person in Customer lookup"
            stream.lookup_requested.connect(self.open_person)

    def open_person(self, query: str) -> None:
        """Show Customer lookup searching for ``query`` (from the live activity)."""
        lookup = self.panels["lookup"]
        self.show_panel(self.panel_index("lookup"))
        if hasattr(lookup, "search_for"):
            lookup.search_for(query)

    def show_keys(self) -> None:
        """Workspace → Keys and their age: the Settings panel's key box, first Replace… focused."""
        settings = self.panels["settings"]
        self.show_panel(self.panel_index("settings"))
        box = getattr(settings, "key_box", None)
        if box is not None:
            box.focus_first()

    @staticmethod
    def panel_index(key: str) -> int:
        return next(index for index, (k, _title) in enumerate(PANELS) if k == key)

    def _drop_colliding_shortcuts(self, panel: QWidget) -> None:
        """A panel's own QShortcut for a key the window owns would make both ambiguous (neither fires):
        the window's action wins and forwards to the panel (``focus_input``/``refresh``)."""
        owned = {a.shortcut().toString() for a in self.actions_by_name.values() if not a.shortcut().isEmpty()}
        for shortcut in panel.findChildren(QShortcut):
            if shortcut.key().toString() in owned:
                shortcut.setEnabled(False)
        for action in panel.findChildren(QAction):
            if action.shortcut().toString() in owned:
                action.setShortcut(QKeySequence())

    def current_panel(self) -> Panel:
        """The panel of the current tab (tabs hold panels inside scroll areas)."""
        return list(self.panels.values())[self.tabs.currentIndex()]

    def show_panel(self, index: int) -> None:
        if 0 <= index < self.tabs.count() and self.stack.currentWidget() is self.tabs:
            self.tabs.setCurrentIndex(index)

    def _on_panel_busy_changed(self, key: str, busy: bool) -> None:
        if busy:
            self._busy_panels.add(key)
        else:
            self._busy_panels.discard(key)
        self.panel_progress.setVisible(bool(self._busy_panels))

    def _on_panel_status_message(self, key: str, text: str) -> None:
        title = next(t for k, t in PANELS if k == key)
        self.set_status(f"{title}: {text}" if text else "Ready")

    # ---- workspace selection ------------------------------------------------------------------------
    def _on_sidebar_workspace_selected(self, workspace: Workspace | None) -> None:
        self._workspace = workspace
        for panel in self.panels.values():
            panel.set_workspace(workspace)
        demo = workspace is not None and workspace.demo
        self.practice_banner.setVisible(demo)
        if workspace is None:
            self.workspace_label.setText("No workspace")
            self.setWindowTitle("cio-desktop")
        else:
            suffix = " (practice data)" if demo else f" ({workspace.region.value.upper()})"
            self.workspace_label.setText(f"Workspace: {workspace.name}{suffix}")
            self.setWindowTitle(f"{workspace.name} — cio-desktop")
        self.stack.setCurrentWidget(self.tabs if workspace is not None else self.welcome)
        if not self._busy_panels and not self.busy.is_busy:
            self.set_status("Ready" if workspace is not None else "No workspace selected")
        if workspace is not None and self.services.settings.last_workspace != workspace.name:
            self.tasks.spawn(self.services.save_ui_state(last_workspace=workspace.name), key="save-last")

    def _on_services_changed(self, topic: str) -> None:
        from cio_desktop.ui import window_flows

        if topic == "workspaces":
            self.tasks.spawn(window_flows.refresh_workspaces(self), key="refresh-workspaces")
        elif topic == "credentials":
            self.tasks.spawn(window_flows.refresh_states(self), key="refresh-states")
        elif topic == "settings":  # e.g. times now in UTC: show what is on screen again
            for panel in self.panels.values():
                redisplay = getattr(panel, "redisplay", None)
                if callable(redisplay):
                    redisplay()

    # ---- shut-down ----------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Async clean-up first (tasks, clients, demo sandbox, window state), then really close."""
        if self._shutdown_done:
            event.accept()
            return
        event.ignore()
        if self.tasks.running("shutdown"):
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no asyncio loop yet (closed before start-up finished)
            self._shutdown_done = True
            event.accept()
            return
        from cio_desktop.ui import window_flows

        task = self.tasks.spawn(window_flows.shutdown(self), key="shutdown")
        task.add_done_callback(lambda _t: self._finish_close())

    def _finish_close(self) -> None:
        import shiboken6

        self._shutdown_done = True
        self._unsubscribe()
        if shiboken6.isValid(self):  # it may have been deleted while shutting down (tests do that)
            self.close()

    def keyboard_shortcuts(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the Help menu: the window's actions, then the panels' own keys."""
        native = QKeySequence.SequenceFormat.NativeText
        window_keys = [
            (action.shortcut().toString(native), action.text().replace("&", ""))
            for action in self.actions_by_name.values()
            if not action.shortcut().isEmpty()
        ]
        return window_keys + [(QKeySequence(keys).toString(native), what) for keys, what in PANEL_SHORTCUTS]
