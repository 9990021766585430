"""AccountSection: the sidebar's "Account" block for the Customer.io account signed in over MCP.

Signed out it offers "Sign in to your Customer.io account…"; signed in it shows who (account id), the
region and when the sign-in expires, with Import workspaces… and Sign out. Display only: the main
window's account flows feed it and react to its signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

SIGN_IN_TEXT = "Sign in to your Customer.io account…"


class AccountSection(QWidget):
    """Signals: sign_in_requested(), import_requested(), sign_out_requested()."""

    sign_in_requested = Signal()
    import_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountSection")
        title = QLabel("Account", self)
        title.setObjectName("accountSectionTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel("Not signed in.", self)
        self.summary.setObjectName("accountSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.sign_in_button = QPushButton(SIGN_IN_TEXT, self)
        self.sign_in_button.setObjectName("accountSignInButton")
        self.sign_in_button.setAccessibleName("Sign in to your Customer.io account")
        self.sign_in_button.setToolTip(
            "Sign in through your browser to Customer.io's MCP service to list and import your workspaces. "
            "An account admin must have switched on MCP access."
        )
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        self.import_button = QPushButton("Import workspaces…", self)
        self.import_button.setObjectName("accountImportButton")
        self.import_button.setAccessibleName("Import workspaces from the account")
        self.import_button.clicked.connect(self.import_requested)
        self.sign_out_button = QPushButton("Sign out", self)
        self.sign_out_button.setObjectName("accountSignOutButton")
        self.sign_out_button.setAccessibleName("Sign out of the Customer.io account")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.import_button)
        row.addWidget(self.sign_out_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.sign_in_button)
        layout.addLayout(row)
        self.set_signed_out()

    def set_signed_out(self, message: str = "Not signed in.") -> None:
        self.summary.setText(message)
        self.sign_in_button.show()
        self.import_button.hide()
        self.sign_out_button.hide()

    def set_problem(self, message: str) -> None:
        """Signed in, but the account could not be shown (MCP access off, network): say so, allow both."""
        self.summary.setText(message)
        self.sign_in_button.show()
        self.import_button.hide()
        self.sign_out_button.show()

    def set_signed_in(self, who: str, region: str | None, expiry: str) -> None:
        region_text = (region or "?").upper()
        self.summary.setText(f"Account {who} · {region_text} · {expiry}")
        self.sign_in_button.hide()
        self.import_button.show()
        self.sign_out_button.show()
