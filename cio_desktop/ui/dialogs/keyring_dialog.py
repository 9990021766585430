"""KeyringUnavailableDialog: the keyring cannot keep the keys; offer "keep for this session only"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from cio_desktop.operations.services import BackendState, BackendStatus

WHY = {
    BackendState.MISSING: "This computer has no secure keyring service running.",
    BackendState.LOCKED: "Your keyring is locked or did not answer.",
    BackendState.INSECURE: (
        "The only keyring available would store keys as plain text, which cio-desktop refuses."
    ),
}


class KeyringUnavailableDialog(QDialog):
    """Explains the problem in words; Accepted means "keep the keys in memory for this session only"."""

    def __init__(self, status: BackendStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyringUnavailableDialog")
        self.setWindowTitle("Your keys cannot be saved securely")
        headline = QLabel("<b>Your keys cannot be saved securely right now.</b>", self)
        headline.setObjectName("keyringHeadline")
        reason = QLabel(status.message or WHY.get(status.state, ""), self)
        reason.setObjectName("keyringReason")
        reason.setWordWrap(True)
        reason.setTextFormat(Qt.TextFormat.PlainText)
        choice = QLabel(
            "You can keep the keys for this session only: they stay in memory and are forgotten when you"
            " close cio-desktop (the workspace's name and settings are still saved). Or cancel, unlock or"
            " set up your keyring (for example, log in to your desktop's keyring), and try again.",
            self,
        )
        choice.setObjectName("keyringChoice")
        choice.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.session_button = buttons.addButton(
            "Keep for this session only", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.session_button.setObjectName("keepForSessionButton")
        self.session_button.setAccessibleName("Keep for this session only (keys in memory)")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("keyringCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(reason)
        layout.addWidget(choice)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
