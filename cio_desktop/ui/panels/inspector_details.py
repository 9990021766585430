"""The inspector's details pane: summary, timing breakdown, request and response (headers + pretty bodies).

Shows one already-redacted ``Exchange``; holds no state beyond it.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.api.exchange import Exchange
from cio_desktop.exchange_words import timing_text
from cio_desktop.time_display import format_moment
from cio_desktop.ui.models.exchange_table import status_phrase

TIMING_LABELS = (
    ("connect", "Connecting"),
    ("tls", "Secure handshake (TLS)"),
    ("first_byte", "Waiting for the answer"),
    ("total", "Total"),
)


def pretty_body(body: str | None) -> str:
    """Indented JSON when ``body`` is JSON, else the text as is ("(empty)" for none)."""
    if not body:
        return "(empty)"
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json can walk: show as is
        return body


def headers_text(headers: dict[str, str]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers.items()) or "(none)"


class ExchangeDetails(QTabWidget):
    """Tabs: Summary (with the timing bars), Request, Response."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorDetails")
        self.setAccessibleName("Details of the selected call")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        summary = QWidget(self)
        form = QFormLayout(summary)
        self.summary_labels: dict[str, QLabel] = {}
        for key, label in (
            ("operation", "What"),
            ("request", "Request"),
            ("status", "Answer"),
            ("workspace", "Workspace"),
            ("when", "When"),
            ("sizes", "Size"),
        ):
            value = QLabel(summary)
            value.setObjectName(f"inspectorSummary{key.title()}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(f"{label}:", value)
            self.summary_labels[key] = value
        self.timing_bars: dict[str, QProgressBar] = {}
        for key, label in TIMING_LABELS:
            bar = QProgressBar(summary)
            bar.setObjectName(f"inspectorTiming{key.title().replace('_', '')}")
            bar.setAccessibleName(f"{label} time")
            bar.setRange(0, 1000)
            bar.setFormat("")
            bar.setMaximumHeight(18)
            form.addRow(f"{label}:", bar)
            self.timing_bars[key] = bar
        self.summary_scroll = self._scrolled(summary, "inspectorSummaryScroll")
        self.summary_scroll.setAccessibleName("Summary of the selected call")  # a Tab stop: arrows scroll it
        self.addTab(self.summary_scroll, "Summary")

        self.request_headers = self._text_tab(mono, "inspectorRequestHeaders", "Request headers")
        self.request_body = self._text_tab(mono, "inspectorRequestBody", "Request body")
        self.response_headers = self._text_tab(mono, "inspectorResponseHeaders", "Response headers")
        self.response_body = self._text_tab(mono, "inspectorResponseBody", "Response body")
        for title, head, body in (
            ("Request", self.request_headers, self.request_body),
            ("Response", self.response_headers, self.response_body),
        ):
            page = QWidget(self)
            column = QVBoxLayout(page)
            column.addWidget(QLabel("Headers", page))
            column.addWidget(head, 1)
            column.addWidget(QLabel("Body", page))
            column.addWidget(body, 1)
            scroll = self._scrolled(page, f"inspector{title}Scroll")
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its header and body views take the focus
            self.addTab(scroll, title)
        self.show_exchange(None)

    def _scrolled(self, page: QWidget, name: str) -> QScrollArea:
        """``page`` in a scroll area, so a short window shrinks the pane instead of pushing the rest of the
        inspector off screen (issue 12: 1024×640, and 1080p at 200%)."""
        scroll = QScrollArea(self)
        scroll.setObjectName(name)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _text_tab(self, font: object, name: str, accessible: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setReadOnly(True)
        edit.setFont(font)  # type: ignore[arg-type]  # a QFont from systemFont
        edit.setTabChangesFocus(True)
        return edit

    def show_exchange(self, exchange: Exchange | None) -> None:
        """Fill every tab from ``exchange`` (or show hints when nothing is selected)."""
        self.setEnabled(exchange is not None)
        if exchange is None:
            for label in self.summary_labels.values():
                label.setText("")
            self.summary_labels["operation"].setText("Select a call above to see its details.")
            for bar in self.timing_bars.values():
                bar.setValue(0)
                bar.setFormat("")
            for edit in (self.request_headers, self.request_body, self.response_headers, self.response_body):
                edit.setPlainText("")
            return
        labels = self.summary_labels
        labels["operation"].setText(exchange.operation or "Call to Customer.io")
        labels["request"].setText(f"{exchange.method} {exchange.url}")
        answer = status_phrase(exchange)
        if exchange.status is not None and exchange.error:
            answer = f"{answer} — {exchange.error}"
        labels["status"].setText(answer + (f" (attempt {exchange.attempt})" if exchange.attempt > 1 else ""))
        labels["workspace"].setText(exchange.workspace)
        labels["when"].setText(format_moment(exchange.started_at))
        sizes = f"sent {exchange.request_size} bytes, received {exchange.response_size} bytes"
        labels["sizes"].setText(sizes)
        total = max(exchange.timings.get("total", 0.0), 1.0)
        for key, bar in self.timing_bars.items():
            ms, words = timing_text(exchange, key)
            bar.setValue(int(min(ms / total, 1.0) * 1000))
            bar.setFormat(words)
        self.request_headers.setPlainText(headers_text(exchange.request_headers))
        self.request_body.setPlainText(pretty_body(exchange.request_body))
        self.response_headers.setPlainText(headers_text(exchange.response_headers))
        body = pretty_body(exchange.response_body)
        if exchange.truncated:
            body += "\n\n(cut short: the body was too long to keep in full)"
        self.response_body.setPlainText(body)
