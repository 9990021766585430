"""StatusDot: one credential's state as a coloured glyph plus words (never colour alone).

States (``operations.services.CredentialState``): present (stored, not checked yet), verified
(Customer.io accepted it), rejected (Customer.io refused it), missing (not stored).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from cio_desktop.operations.services import CredentialState
from cio_desktop.ui.theme import set_tone

GLYPHS = {
    CredentialState.VERIFIED: "✔",
    CredentialState.REJECTED: "✖",
    CredentialState.PRESENT: "●",
    CredentialState.MISSING: "○",
}
WORDS = {
    CredentialState.VERIFIED: "works",
    CredentialState.REJECTED: "rejected by Customer.io",
    CredentialState.PRESENT: "saved, not tested yet",
    CredentialState.MISSING: "not set",
}


class StatusDot(QLabel):
    """``✔ Track`` etc. The tooltip and accessible name say the state in words."""

    def __init__(self, label: str, parent: QWidget | None = None, *, name: str = "statusDot") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._label = label
        self._state = CredentialState.MISSING
        self.set_state(CredentialState.MISSING)

    @property
    def state(self) -> CredentialState:
        return self._state

    def set_state(self, state: CredentialState) -> None:
        self._state = state
        tone = {
            CredentialState.VERIFIED: "ok",
            CredentialState.REJECTED: "error",
            CredentialState.PRESENT: "info",
            CredentialState.MISSING: "muted",
        }[state]
        self.setText(f"{GLYPHS[state]} {self._label}")
        set_tone(self, tone)  # follows a live theme switch
        words = f"{self._label} key: {WORDS[state]}"
        self.setToolTip(words)
        self.setAccessibleName(words)
