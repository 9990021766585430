"""ImportWorkspacesDialog: pick which of the account's workspaces to add to cio-desktop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.oauth.account import AccountWorkspace

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class ImportWorkspacesDialog(QDialog):
    """A checkable list of the account's workspaces (name, id, region); ``chosen()`` after OK."""

    def __init__(self, workspaces: list[AccountWorkspace], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWorkspacesDialog")
        self.setWindowTitle("Import workspaces")
        intro = QLabel(
            "Pick the workspaces to add. Their name, id and region are filled in; add each one's API keys "
            "afterwards with Edit… (the account sign-in reaches the MCP service only).",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("importWorkspacesList")
        self.list.setAccessibleName("The account's workspaces")
        for ws in workspaces:
            item = QListWidgetItem(f"{ws.name}  ({(ws.region or '?').upper()}, id {ws.id})", self.list)
            item.setData(ITEM_ROLE, ws)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(480, 320)

    def chosen(self) -> list[AccountWorkspace]:
        picked = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                picked.append(item.data(ITEM_ROLE))
        return picked
