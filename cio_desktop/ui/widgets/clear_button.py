"""Qt's clear button inside a line edit, named for screen readers and speech input.

``QLineEdit.setClearButtonEnabled(True)`` adds a small tool button that Qt leaves without a name, so a
screen reader announces "button" and nothing more. ``add_clear_button(edit)`` names it "Clear".
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QToolButton


def add_clear_button(edit: QLineEdit) -> None:
    """Show the clear button in ``edit`` and name it "Clear" (accessible name and tooltip)."""
    edit.setClearButtonEnabled(True)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName("Clear")
        button.setToolTip("Clear")
