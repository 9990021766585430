"""``FocusPaintedWidget``: a custom-painted widget that repaints when it gains or loses keyboard focus (its
chosen item is drawn in the focus colour only while it has focus), shared by the usage chart and timeline."""

from __future__ import annotations

from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QWidget


class FocusPaintedWidget(QWidget):
    """Repaints on focus changes."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
