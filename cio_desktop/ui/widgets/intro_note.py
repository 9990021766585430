"""A short plain-words explanation shown the first time a view opens, until the user presses "Got it".

Remembered in the settings' window state (``ui_state["intro_<key>"]``), so it appears once per view and
profile. The "What is this?" button of the view brings it back (``show_again``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from cio_desktop.operations.services import Services
from cio_desktop.ui.tasks import TaskKeeper
from cio_desktop.ui.theme import follow_theme, semantic

SEEN = "seen"


class IntroNote(QFrame):
    """An info box with ``text`` and a "Got it" button; hidden once dismissed (remembered)."""

    def __init__(
        self, services: Services, key: str, title: str, text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._state_key = f"intro_{key}"
        self._tasks = TaskKeeper()
        self.setObjectName(f"{key}Intro")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(f"<b>{title}</b> {text}", self)
        self.label.setObjectName(f"{key}IntroText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAccessibleName(f"{title} {text}")
        self.dismiss_button = QPushButton("Got it", self)
        self.dismiss_button.setObjectName(f"{key}IntroDismiss")
        self.dismiss_button.setAccessibleName("Got it (hide this explanation)")
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        follow_theme(self, self._restyle)
        self.setVisible(not self.seen)

    @property
    def seen(self) -> bool:
        return self._services.settings.ui_state.get(self._state_key) == SEEN

    def dismiss(self) -> None:
        """Hide it and remember that it was read."""
        self.hide()
        self._tasks.spawn(self._services.save_ui_state(**{self._state_key: SEEN}), key="save")

    def show_again(self) -> None:
        self.show()
        self.dismiss_button.setFocus()

    def _restyle(self) -> None:
        tones = semantic()  # the app's theme: this frame's own palette follows its style sheet
        self.setStyleSheet(
            f"#{self.objectName()} {{ background: {tones.info_bg}; border: 1px solid {tones.info}; "
            f"border-radius: 4px; }} #{self.objectName()} QLabel {{ color: {tones.info}; }}"
        )
