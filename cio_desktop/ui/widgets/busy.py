"""BusyIndicator: "what is running" with a moving bar, the seconds elapsed and a Cancel button.

API::

    busy = BusyIndicator(parent, name="lookupBusy")   # objectName prefix; hidden until started
    layout.addWidget(busy)
    busy.track(task, "Looking up alice@example.com…")  # shows it; Cancel cancels the task; hides when done
    busy.start("Sending…", cancellable=False)          # or drive it by hand ...
    busy.stop()                                        # ... and hide it again
    busy.is_busy                                       # bool

Signals: ``cancel_requested()`` when the user presses Cancel (``track`` already cancels its task);
``busy_changed(bool)`` when it starts or stops (panels forward it to the main window's status bar).
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class BusyIndicator(QWidget):
    """Indeterminate progress with elapsed time and an optional Cancel.

    Signals:
        cancel_requested(): the user pressed Cancel.
        busy_changed(bool): started (True) or stopped (False).
    """

    cancel_requested = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, name: str = "busyIndicator") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Work in progress")
        self._text = ""
        self._task: asyncio.Future[Any] | None = None
        self._elapsed = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._update_label)

        self.bar = QProgressBar(self)
        self.bar.setObjectName(f"{name}Bar")
        self.bar.setAccessibleName("Progress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}Label")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{name}CancelButton")
        self.cancel_button.setAccessibleName("Cancel the running operation")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def is_busy(self) -> bool:
        return self._elapsed.isValid()

    def text(self) -> str:
        return self.label.text()

    def start(self, text: str, *, cancellable: bool = True) -> None:
        """Show ``text`` with a moving bar; Cancel is offered when ``cancellable``."""
        was_busy = self.is_busy
        self._text = text
        self._elapsed.start()
        self._ticker.start()
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)
        self._update_label()
        self.show()
        if not was_busy:
            self.busy_changed.emit(True)

    def stop(self) -> None:
        """Hide the indicator (safe to call when not busy)."""
        self._task = None
        self._ticker.stop()
        was_busy = self.is_busy
        self._elapsed.invalidate()
        self.hide()
        if was_busy:
            self.busy_changed.emit(False)

    def track(self, task: asyncio.Future[Any], text: str, *, cancellable: bool = True) -> asyncio.Future[Any]:
        """Show ``text`` until ``task`` finishes; Cancel cancels it. Returns the task for chaining."""
        self.start(text, cancellable=cancellable)
        self._task = task
        task.add_done_callback(self._on_task_done)
        return task

    def _on_task_done(self, task: asyncio.Future[Any]) -> None:
        if task is self._task:
            self.stop()

    def _update_label(self) -> None:
        seconds = self._elapsed.elapsed() // 1000 if self._elapsed.isValid() else 0
        self.label.setText(f"{self._text} ({seconds} s)" if seconds >= 1 else self._text)
        self.setAccessibleDescription(self.label.text())

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(f"Cancelling: {self._text}")
        self.cancel_requested.emit()
        if self._task is not None and not self._task.done():
            self._task.cancel()
