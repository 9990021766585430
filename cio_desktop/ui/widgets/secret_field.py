"""SecretField: a masked paste field for an API key that drops whitespace and reveals only when asked.

Signals: ``changed(str)`` with the cleaned value; ``reveal_requested()`` when Reveal is pressed on an
empty field (the edit dialog then loads the saved key and calls ``reveal(value)``).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

_SPACE = re.compile(r"\s+")


class SecretField(QWidget):
    """A password-style line edit plus a "Reveal"/"Hide" toggle button.

    Signals:
        changed(str): the cleaned value after every edit.
        reveal_requested(): Reveal was pressed while the field is empty.
    """

    changed = Signal(str)
    reveal_requested = Signal()

    def __init__(self, label: str, parent: QWidget | None = None, *, name: str = "secretField") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._label = label
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"{name}Edit")
        self.edit.setAccessibleName(label)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.reveal_button = QPushButton("Reveal", self)
        self.reveal_button.setObjectName(f"{name}RevealButton")
        self.reveal_button.setAccessibleName(f"Reveal {label}")
        self.reveal_button.setCheckable(True)
        self.reveal_button.toggled.connect(self._on_reveal_button_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.reveal_button)
        self.setFocusProxy(self.edit)

    def value(self) -> str:
        return _SPACE.sub("", self.edit.text())

    def set_value(self, value: str) -> None:
        self.edit.setText(_SPACE.sub("", value))
        self.changed.emit(self.value())

    def set_placeholder(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def is_revealed(self) -> bool:
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    def reveal(self, value: str | None = None) -> None:
        """Show the text (``value`` fills an empty field first, e.g. the saved key)."""
        if value is not None and not self.edit.text():
            self.edit.setText(value)
        self.reveal_button.setChecked(True)

    def hide_value(self) -> None:
        self.reveal_button.setChecked(False)

    def _on_edit_text_edited(self, text: str) -> None:
        cleaned = _SPACE.sub("", text)
        if cleaned != text:  # pasted with a newline or spaces around it
            position = len(_SPACE.sub("", text[: self.edit.cursorPosition()]))
            self.edit.setText(cleaned)
            self.edit.setCursorPosition(position)
        self.changed.emit(cleaned)

    def _on_reveal_button_toggled(self, checked: bool) -> None:
        if checked and not self.edit.text():
            self.reveal_requested.emit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if checked else QLineEdit.EchoMode.Password)
        self.reveal_button.setText("Hide" if checked else "Reveal")
        self.reveal_button.setAccessibleName(f"{self.reveal_button.text()} {self._label}")
