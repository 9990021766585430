"""WorkspaceSidebar: the list of workspaces (name, region badge, one status dot per key) and their actions.

Holds no logic beyond display: the main window feeds it workspaces and credential states and reacts to
its signals.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QPoint, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.services import CredentialState
from cio_desktop.ui.account_section import AccountSection
from cio_desktop.ui.theme import follow_theme, semantic, set_tone
from cio_desktop.ui.widgets.region_badge import RegionBadge
from cio_desktop.ui.widgets.status_dot import GLYPHS, WORDS, StatusDot

WORKSPACE_ROLE = Qt.ItemDataRole.UserRole + 1


class WorkspaceRow(QWidget):
    """One row: the name on top, the region badge and the two key dots below it."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.name_label = QLabel(workspace.name, self)
        self.name_label.setObjectName("workspaceRowName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setWordWrap(True)
        self.badge = RegionBadge(self, name="workspaceRowRegion")
        self.badge.set_region(workspace.region, practice=workspace.demo)
        self.track_dot = StatusDot("Track", self, name="workspaceRowTrackDot")
        self.app_dot = StatusDot("App", self, name="workspaceRowAppDot")
        details = QHBoxLayout()
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.badge)
        details.addWidget(self.track_dot)
        details.addWidget(self.app_dot)
        details.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.name_label)
        layout.addLayout(details)

    def set_states(self, states: dict[SecretKind, CredentialState]) -> None:
        self.track_dot.set_state(states.get(SecretKind.TRACK_API_KEY, CredentialState.MISSING))
        self.app_dot.set_state(states.get(SecretKind.APP_API_KEY, CredentialState.MISSING))

    def describe(self) -> str:
        """The row in words, for screen readers."""
        region = "practice data" if self.workspace.demo else self.badge.accessibleName()
        return (
            f"{self.workspace.name}, {region}, Track key {WORDS[self.track_dot.state]},"
            f" App key {WORDS[self.app_dot.state]}"
        )


PRACTICE_FIXED = "The practice workspace cannot be edited, renamed, duplicated or removed"


def legend_text() -> str:
    """What the "● Track ✔ App" marks mean, in one short paragraph."""
    marks = "  ".join(f"{GLYPHS[state]} {WORDS[state]}" for state in GLYPHS)
    return f"Keys (Track sends, App reads): {marks}"


class WorkspaceSidebar(QWidget):
    """Workspace list with Add / Edit / More buttons and a context menu.

    Signals:
        workspace_selected(object): the selected Workspace, or None when the list is empty.
        add_requested(): Add workspace.
        edit_requested(object), rename_requested(object), duplicate_requested(object),
        remove_requested(object): an action on the given Workspace.
    """

    workspace_selected = Signal(object)
    add_requested = Signal()
    edit_requested = Signal(object)
    rename_requested = Signal(object)
    duplicate_requested = Signal(object)
    remove_requested = Signal(object)
    oauth_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceSidebar")
        self._rows: dict[str, WorkspaceRow] = {}
        title = QLabel("Workspaces", self)
        title.setObjectName("workspaceSidebarTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        title.setFont(font)
        self.list = QListWidget(self)
        self.list.setObjectName("workspaceList")
        self.list.setAccessibleName("Workspaces")
        self.list.setAccessibleDescription("Choose the Customer.io workspace to work with")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(1)
        follow_theme(self.list, self._style_list)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu_requested)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        title.setBuddy(self.list)
        self.empty_label = QLabel("No workspaces yet. Add yours, or try the practice workspace.", self)
        self.empty_label.setObjectName("noWorkspacesLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label.setContentsMargins(4, 8, 4, 8)

        self.legend = QLabel(legend_text(), self)
        self.legend.setObjectName("workspaceKeyLegend")
        self.legend.setWordWrap(True)
        self.legend.setToolTip(
            "Each workspace shows its two keys: Track sends data (people, test events),"
            " App reads it (lookups)."
        )
        set_tone(self.legend, "muted")

        self.add_button = QPushButton("Add workspace…", self)
        self.add_button.setObjectName("addWorkspaceButton")
        self.add_button.setAccessibleName("Add workspace")
        self.add_button.setToolTip("Connect another Customer.io workspace (Ctrl+N)")
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setObjectName("editWorkspaceButton")
        self.edit_button.setAccessibleName("Edit the selected workspace")
        self.edit_button.clicked.connect(lambda: self._emit_for_current(self.edit_requested))
        self.more_button = QToolButton(self)
        self.more_button.setText("More")
        self.more_button.setObjectName("moreWorkspaceActionsButton")
        self.more_button.setAccessibleName("More workspace actions")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = self._build_menu()
        self.more_button.setMenu(self.more_menu)

        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(title)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.list)
        self.list_stack.addWidget(self.empty_label)
        layout.addWidget(self.list_stack, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.add_button)
        layout.addLayout(buttons)
        self.account = AccountSection(self)
        layout.addWidget(self.account)
        self._update_buttons()

    def _style_list(self) -> None:
        # A light tint instead of the solid highlight keeps the badge and status dots readable.
        colours = semantic()
        self.list.setStyleSheet(
            "QListWidget::item:selected {"
            f" background: {colours.info_bg}; border-left: 4px solid {colours.info}; }}"
        )

    def _build_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("workspaceActionsMenu")
        for text, name in (
            ("Edit…", "edit"),
            ("Rename…", "rename"),
            ("Duplicate…", "duplicate"),
            ("Remove…", "remove"),
            ("Sign in with OAuth…", "oauth"),
        ):
            action = QAction(text, menu)
            action.setObjectName(f"{name}WorkspaceAction")
            action.triggered.connect(functools.partial(self._emit_current_later, name))
            menu.addAction(action)
        return menu

    # ---- feeding ------------------------------------------------------------------------------------
    def set_workspaces(self, workspaces: list[Workspace], *, select: str | None = None) -> None:
        """Replace the list; keeps the current selection by name unless ``select`` names another."""
        current = self.current()
        keep = select or (current.name if current is not None else None)
        old_states = {ws_id: (row.track_dot.state, row.app_dot.state) for ws_id, row in self._rows.items()}
        self.list.blockSignals(True)
        self.list.clear()
        self._rows.clear()
        for workspace in workspaces:
            item = QListWidgetItem(self.list)
            item.setData(WORKSPACE_ROLE, workspace)
            row = WorkspaceRow(workspace)
            if workspace.id in old_states:
                track, app = old_states[workspace.id]
                row.set_states({SecretKind.TRACK_API_KEY: track, SecretKind.APP_API_KEY: app})
            self._rows[workspace.id] = row
            item.setSizeHint(row.sizeHint().expandedTo(QSize(0, row.sizeHint().height() + 4)))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, row.describe())
            item.setToolTip(row.describe())
            self.list.setItemWidget(item, row)
        self.list.blockSignals(False)
        index = next((i for i, ws in enumerate(workspaces) if ws.name == keep), 0 if workspaces else -1)
        self.list.setCurrentRow(index)
        self._update_buttons()
        self.workspace_selected.emit(self.current())

    def set_states(self, workspace_id: str, states: dict[SecretKind, CredentialState]) -> None:
        row = self._rows.get(workspace_id)
        if row is None:
            return
        row.set_states(states)
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(WORKSPACE_ROLE).id == workspace_id:
                item.setData(Qt.ItemDataRole.AccessibleTextRole, row.describe())
                item.setToolTip(row.describe())

    def row(self, workspace_id: str) -> WorkspaceRow | None:
        return self._rows.get(workspace_id)

    def workspaces(self) -> list[Workspace]:
        return [self.list.item(i).data(WORKSPACE_ROLE) for i in range(self.list.count())]

    def current(self) -> Workspace | None:
        item = self.list.currentItem()
        return item.data(WORKSPACE_ROLE) if item is not None else None

    def select(self, name: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(WORKSPACE_ROLE).name == name:
                self.list.setCurrentRow(i)
                return True
        return False

    # ---- reactions ----------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        self.list_stack.setCurrentWidget(self.list if self.list.count() else self.empty_label)
        current = self.current()
        editable = current is not None and not current.demo
        self.edit_button.setEnabled(editable)
        self.more_button.setEnabled(editable)
        why = PRACTICE_FIXED if current is not None and current.demo else ""
        self.edit_button.setToolTip(why or "Change the name, Site ID, region or keys (Ctrl+E)")
        self.more_button.setToolTip(why or "Rename, duplicate or remove the selected workspace")

    def _emit_current_later(self, name: str, _checked: bool = False) -> None:
        signal = {
            "edit": self.edit_requested,
            "rename": self.rename_requested,
            "duplicate": self.duplicate_requested,
            "remove": self.remove_requested,
            "oauth": self.oauth_requested,
        }[name]
        self._emit_for_current(signal)

    def _emit_for_current(self, signal: SignalInstance) -> None:
        current = self.current()
        if current is not None and not current.demo:
            signal.emit(current)

    def _on_list_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self._update_buttons()
        self.workspace_selected.emit(current.data(WORKSPACE_ROLE) if current is not None else None)

    def _on_list_context_menu_requested(self, pos: QPoint) -> None:
        current = self.current()
        if current is None:
            return
        where = self.list.viewport().mapToGlobal(pos)
        if not current.demo:
            self.more_menu.popup(where)
            return
        why = QMenu(self)  # the practice workspace: say why there is nothing to do, instead of silence
        why.setObjectName("practiceWorkspaceMenu")
        why.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        why.addAction(PRACTICE_FIXED).setEnabled(False)
        why.popup(where)
