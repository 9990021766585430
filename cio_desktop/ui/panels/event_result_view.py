"""The event panel's right side: the outcome line, the redacted request and the response side by side,
and the "Verify arrival" row with its countdown.

Signals:
    verify_requested(): the user pressed "Verify arrival".
    verify_cancel_requested(): the user pressed Cancel while verifying.

Shows what it is given; sending and polling are the panel's job.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.api.exchange import Exchange
from cio_desktop.text_safety import safe_line
from cio_desktop.ui.panels.inspector_details import headers_text, pretty_body
from cio_desktop.ui.panels.json_editor import JsonHighlighter
from cio_desktop.ui.theme import set_tone

NOT_SEEN_TIPS = (
    "Check that the customer ID is exactly the one you sent to (IDs are case-sensitive).",
    "Check that the event name matches, including spaces and capitals.",
    "Customer.io can take a little longer on busy days: press Verify arrival again in a minute.",
    "Make sure this is the workspace whose Track keys you used.",
)


def request_text(exchange: Exchange) -> str:
    """``METHOD url``, the redacted headers, then the pretty body."""
    return f"{exchange.method} {exchange.url}\n{headers_text(exchange.request_headers)}\n\n" + pretty_body(
        exchange.request_body
    )


def response_text(exchange: Exchange) -> str:
    """The status line, headers and pretty body, or the failure when no answer came."""
    if exchange.status is None:
        return f"No answer: {exchange.error or 'the call did not complete'}"
    return f"HTTP {exchange.status}\n{headers_text(exchange.response_headers)}\n\n" + pretty_body(
        exchange.response_body
    )


class EventResultView(QWidget):
    """Outcome, request | response, and verification.

    Signals:
        verify_requested()
        verify_cancel_requested()
    """

    verify_requested = Signal()
    verify_cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventResult")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        self.outcome_label = QLabel("Nothing sent yet. Fill in the form and press Send.", self)
        self.outcome_label.setObjectName("eventOutcome")
        self.outcome_label.setAccessibleName("Result of the last send")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.request_view = QPlainTextEdit(self)
        self.response_view = QPlainTextEdit(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("eventResultSplitter")
        splitter.setChildrenCollapsible(False)
        self.panes = splitter
        for view, name, title in (
            (self.request_view, "eventRequestView", "Request sent (keys hidden)"),
            (self.response_view, "eventResponseView", "Response"),
        ):
            view.setObjectName(name)
            view.setAccessibleName(title)
            view.setReadOnly(True)
            view.setTabChangesFocus(True)
            view.setFont(mono)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            JsonHighlighter(view.document(), after_blank_line=True)
            box = QWidget(splitter)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            caption = QLabel(title, box)
            caption.setObjectName(f"{name}Title")
            caption.setBuddy(view)
            font = caption.font()
            font.setBold(True)  # two titles side by side read as two, not as one run-on line
            caption.setFont(font)
            column.addWidget(caption)
            column.addWidget(view, 1)
            splitter.addWidget(box)

        self.verify_button = QPushButton("Verify arrival", self)
        self.verify_button.setObjectName("eventVerifyButton")
        self.verify_button.setAccessibleName("Verify arrival (that the event is in the person's activity)")
        self.verify_button.setToolTip("Watches the person's activity log until this event shows up")
        self.verify_button.setEnabled(False)
        self.verify_button.clicked.connect(self.verify_requested)
        self.verify_cancel_button = QPushButton("Cancel", self)
        self.verify_cancel_button.setObjectName("eventVerifyCancelButton")
        self.verify_cancel_button.setAccessibleName("Cancel verifying")
        self.verify_cancel_button.hide()
        self.verify_cancel_button.clicked.connect(self.verify_cancel_requested)
        self.verify_label = QLabel(self)
        self.verify_label.setObjectName("eventVerifyStatus")
        self.verify_label.setAccessibleName("Verification status")
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._deadline = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._on_countdown_tick)

        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.verify_cancel_button)
        verify_row.addWidget(self.verify_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.outcome_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(verify_row)

    def readable_width(self) -> int:
        """The narrowest a request/response pane may get: about 40 characters of the monospace font."""
        return self.request_view.fontMetrics().horizontalAdvance("M" * 40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Side by side when both panes get a readable width, else one above the other (small windows)."""
        wide = event.size().width() >= 2 * self.readable_width() + self.panes.handleWidth()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.panes.orientation() != orientation:
            self.panes.setOrientation(orientation)
        super().resizeEvent(event)

    # -- outcome -----------------------------------------------------------------------------------

    def show_exchange(self, exchange: Exchange | None) -> None:
        """Fill the request and response side by side (cleared for None)."""
        self.request_view.setPlainText(request_text(exchange) if exchange else "")
        self.response_view.setPlainText(response_text(exchange) if exchange else "")

    def show_outcome(self, text: str, *, ok: bool) -> None:
        self.outcome_label.setText(safe_line(text))
        set_tone(self.outcome_label, "ok" if ok else "error", "font-weight: 600;")

    def clear(self) -> None:
        set_tone(self.outcome_label, None)
        self.outcome_label.setText("Sending…")
        self.show_exchange(None)
        self.stop_countdown("")

    # -- verification ------------------------------------------------------------------------------

    def start_countdown(self, timeout_s: float) -> None:
        """Show "Waiting… N s left" and the Cancel button until ``stop_countdown``."""
        self._deadline = time.monotonic() + timeout_s
        self.verify_button.setEnabled(False)
        self.verify_cancel_button.show()
        self._countdown.start()
        self._on_countdown_tick()

    def stop_countdown(self, text: str, *, ok: bool | None = None) -> None:
        """End the countdown with ``text`` (green when ``ok``, red when not, plain when None)."""
        self._countdown.stop()
        self.verify_cancel_button.hide()
        self.verify_label.setText(safe_line(text))
        set_tone(self.verify_label, None if ok is None else "ok" if ok else "error")

    @property
    def counting_down(self) -> bool:
        return self._countdown.isActive()

    def _on_countdown_tick(self) -> None:
        left = max(0, int(self._deadline - time.monotonic() + 0.999))
        set_tone(self.verify_label, None)
        self.verify_label.setText(f"Watching the person's activity for this event… {left} s left")
