"""Usage: the local request history as calls, errors, 401s and 429s per workspace and day (a chart), the
slowest calls, and plain-words notes when something looks wrong (``operations.usage``).

Reads only the history's records, which are redacted when they are made: nothing here can show a key.
Recomputed when shown and, while shown, a moment after new calls are recorded.

Signals:
    busy_changed(bool): never busy (the summary is quick).
    status_message(str): one line for the status bar.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.models import Workspace
from cio_desktop.operations.services import Services
from cio_desktop.operations.usage import DayUsage, UsageReport
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.intro_note import IntroNote
from cio_desktop.ui.widgets.usage_chart import UsageChart

DAYS = 14
ALL = ""
INTRO = (
    "Every call this app made to Customer.io, counted per day: how many worked, how many failed, and how "
    "many were refused because of a key (401) or for going too fast (429). A sudden wall of 401s usually "
    "means someone replaced or deleted a key. Only this computer's calls are counted, and no key is "
    "ever stored with them."
)


class UsagePanel(QWidget):
    """The chart, the totals, the notes and the slowest calls."""

    busy_changed = Signal(bool)
    status_message = Signal(str)
    history_changed = Signal()  # bridge from the history's callback

    panel_title = "Usage"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usagePanel")
        self.setAccessibleName("Usage")
        self._services = services
        self._workspace: Workspace | None = None
        self.report = UsageReport()

        self.intro = IntroNote(services, "usage", "What is this?", INTRO, self)
        self.scope_combo = QComboBox(self)
        self.scope_combo.setObjectName("usageScopeCombo")
        self.scope_combo.setAccessibleName("Show")
        self.scope_combo.currentIndexChanged.connect(self._show_scope)
        scope_label = QLabel("&Show:", self)
        scope_label.setBuddy(self.scope_combo)
        self.totals_label = QLabel(self)
        self.totals_label.setObjectName("usageTotals")
        self.totals_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(scope_label)
        top.addWidget(self.scope_combo)
        top.addWidget(self.totals_label, 1)

        self.chart = UsageChart(self)
        self.day_label = QLabel(self)
        self.day_label.setObjectName("usageDayLabel")
        self.day_label.setAccessibleName("Chosen day")
        self.chart.day_changed.connect(self.day_label.setText)

        self.notes_label = QLabel(self)
        self.notes_label.setObjectName("usageNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard |
                                                 Qt.TextInteractionFlag.TextSelectableByMouse)  # fmt: skip
        self.notes_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a Tab stop: the notes matter
        self.notes_label.setAccessibleName("What looks wrong")

        self.slowest = QTableWidget(0, 5, self)
        self.slowest.setObjectName("usageSlowestTable")
        self.slowest.setAccessibleName("Slowest calls")
        self.slowest.setHorizontalHeaderLabels(["When", "Workspace", "Call", "Answer", "Took"])
        self.slowest.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.slowest.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.slowest.setTabKeyNavigation(False)
        self.slowest.setMinimumHeight(70)  # a 1024×640 window: the chart and notes come first
        self.slowest.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored
        )  # takes what is left
        self.slowest.verticalHeader().hide()
        self.slowest.setAlternatingRowColors(True)
        header = self.slowest.horizontalHeader()
        for index in range(5):
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        slow_title = QLabel("Slowest calls (all workspaces, last 14 days)", self)
        slow_title.setObjectName("usageSlowestTitle")
        slow_title.setBuddy(self.slowest)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.day_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(slow_title)
        layout.addWidget(self.slowest, 2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1500)  # many calls in a burst: recompute once
        self._timer.timeout.connect(self.reload)
        self.history_changed.connect(self._on_history_changed)
        unsubscribe = services.history.subscribe(
            lambda _exchange: self.history_changed.emit(), self.history_changed.emit
        )
        self.destroyed.connect(lambda *_: unsubscribe())

    # ---- panel contract ---------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None) -> None:
        self._workspace = workspace
        if self.isVisible():
            self.reload()

    def focus_input(self) -> None:
        self.scope_combo.setFocus()

    def refresh(self) -> None:
        self.reload()

    async def aclose(self) -> None:
        self._timer.stop()

    # ---- filling ----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def _on_history_changed(self) -> None:
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def reload(self) -> None:
        """Summarise the history again and show it (the chosen scope kept, else the current workspace)."""
        self.report = self._services.usage_report(days=DAYS)
        wanted = self.scope_combo.currentData()
        if wanted is None and self._workspace is not None:
            wanted = self._workspace.id
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        self.scope_combo.addItem("All workspaces", ALL)
        for key in self.report.workspaces:
            self.scope_combo.addItem(self.report.label(key), key)
        index = self.scope_combo.findData(wanted) if wanted is not None else -1
        if index < 0 and self._workspace is not None:
            index = self.scope_combo.findData(self._workspace.id)
        self.scope_combo.setCurrentIndex(max(0, index))
        self.scope_combo.blockSignals(False)
        self._show_scope()
        self._show_slowest()

    def chosen_days(self) -> list[DayUsage]:
        key = self.scope_combo.currentData()
        if key:
            return self.report.days.get(str(key), [])
        rows = list(self.report.days.values())
        if not rows:
            return []
        return [
            DayUsage(
                day=day_rows[0].day,
                calls=sum(r.calls for r in day_rows),
                errors=sum(r.errors for r in day_rows),
                unauthorized=sum(r.unauthorized for r in day_rows),
                rate_limited=sum(r.rate_limited for r in day_rows),
            )
            for day_rows in zip(*rows, strict=True)
        ]

    def _show_scope(self) -> None:
        days = self.chosen_days()
        self.chart.set_days(days)
        calls = sum(d.calls for d in days)
        errors = sum(d.errors for d in days)
        e401 = sum(d.unauthorized for d in days)
        e429 = sum(d.rate_limited for d in days)
        if not calls:
            self.totals_label.setText(
                "No calls in the last 14 days. Look someone up or send a test event first."
            )
        elif not errors:
            self.totals_label.setText(f"Last {DAYS} days: {calls} calls, none failed.")
        else:
            self.totals_label.setText(
                f"Last {DAYS} days: {calls} calls, {errors} failed ({e401} × 401 key rejected, "
                f"{e429} × 429 rate limited)."
            )
        self.day_label.setText(self.chart.day_text)
        self._show_notes()

    def _show_notes(self) -> None:
        notes = self.report.notes_for(self.scope_combo.currentData())
        if notes:
            self.notes_label.setText("\n".join(f"⚠ {note}" for note in notes))
            set_tone(self.notes_label, "warning", "font-weight: bold;")
        else:
            where = "" if not self.scope_combo.currentData() else f" in “{self.scope_combo.currentText()}”"
            self.notes_label.setText(
                f"Nothing looks wrong{where}: no rejected keys, rate limits or failing days."
            )
            set_tone(self.notes_label, "ok")

    def _show_slowest(self) -> None:
        rows = self.report.slowest
        self.slowest.setRowCount(len(rows))
        for index, exchange in enumerate(rows):
            when = exchange.started_at.astimezone()
            status = str(exchange.status) if exchange.status is not None else "no answer"
            cells = (
                f"{when.day} {when.strftime('%b %H:%M:%S')}",
                self._services.history_label(exchange),
                exchange.operation or f"{exchange.method} {urlsplit(exchange.url).path}",
                status,
                f"{exchange.total_ms:,.0f} ms",
            )
            for column, text in enumerate(cells):
                self.slowest.setItem(index, column, QTableWidgetItem(text))
