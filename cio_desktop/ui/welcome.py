"""WelcomePage: the empty state shown when no workspace exists yet (offers the practice workspace first)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QVBoxLayout, QWidget

from cio_desktop.ui.widgets.error_banner import ErrorBanner


class WelcomePage(QWidget):
    """Two ways to start: the practice workspace (fictional data) or connecting a real workspace.

    Signals:
        demo_requested(): "Try the practice workspace".
        add_requested(): "Connect my Customer.io workspace".
    """

    demo_requested = Signal()
    add_requested = Signal()
    account_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("Welcome to cio-desktop", self)
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Look up people, send test events and see exactly what was sent to Customer.io and what came"
            " back. Start with the practice workspace to try things safely, or connect your own workspace.",
            self,
        )
        intro.setObjectName("welcomeIntro")
        intro.setWordWrap(True)

        self.demo_button = QCommandLinkButton(
            "Try the practice workspace",
            "Fictional people and events running on this computer. Nothing is sent to Customer.io.",
            self,
        )
        self.demo_button.setObjectName("tryPracticeWorkspaceButton")
        self.demo_button.setAccessibleName("Try the practice workspace (fictional data)")
        self.demo_button.clicked.connect(self.demo_requested)
        self.add_button = QCommandLinkButton(
            "Connect my Customer.io workspace…",
            "You will need your Site ID and API keys from Customer.io: Account Settings → API Credentials.",
            self,
        )
        self.add_button.setObjectName("connectWorkspaceButton")
        self.add_button.setAccessibleName("Connect my Customer.io workspace")
        self.add_button.clicked.connect(self.add_requested)

        self.account_button = QCommandLinkButton(
            "Sign in to your Customer.io account…",
            "Through your browser, to Customer.io's MCP service: see your account and import its workspaces."
            " An account admin must have switched on MCP access.",
            self,
        )
        self.account_button.setObjectName("accountSignInWelcomeButton")
        self.account_button.setAccessibleName("Sign in to your Customer.io account")
        self.account_button.clicked.connect(self.account_requested)

        self.banner = ErrorBanner(self, name="welcomeError")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(10)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.add_button)
        layout.addWidget(self.account_button)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
