"""Live activity: the workspace's incoming activity as it happens (``operations.activity_stream``).

Rows: time, person, type, name, a one-line summary; filters by type, event name and person; a pause button
and the pace in words. Polling runs only while the panel is on screen: it pauses when the panel is hidden
(another tab) or the window is minimised, and resumes when it is seen again. Click (or arrow to) a row for
its JSON and a link that opens the person in Customer lookup (``lookup_requested``).

Signals:
    busy_changed(bool): never busy for long (the stream works in the background).
    status_message(str): one line for the status bar.
    lookup_requested(str): look this person up (an email, id or cio_… id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Workspace
from cio_desktop.operations.activity_rows import TYPE_WORDS, ActivityRow, row_for, time_text
from cio_desktop.operations.activity_stream import ActivityStream, StreamStatus
from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.json_editor import json_viewer
from cio_desktop.ui.tasks import TaskKeeper
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.clear_button import add_clear_button
from cio_desktop.ui.widgets.intro_note import IntroNote

MAX_ROWS = 500
COLUMNS = ("Time", "Person", "Type", "Name", "Summary")
INTRO = (
    "Everything your integration sends to Customer.io (events, page views, attribute changes) and every "
    "message Customer.io sends appears here within seconds, newest at the top. Use it to check that a "
    "signup or purchase really arrived. It checks for new activity every few seconds, well within "
    "Customer.io's limits, and stops while you look at another tab."
)


class StreamPanel(QWidget):
    """The live activity table, its filters, pause button, pace and the selected activity's JSON."""

    busy_changed = Signal(bool)
    status_message = Signal(str)
    lookup_requested = Signal(str)

    panel_title = "Live activity"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("streamPanel")
        self.setAccessibleName("Live activity")
        self._services = services
        self._workspace: Workspace | None = None
        self.tasks = TaskKeeper()
        self.stream: ActivityStream | None = None
        self.user_paused = False
        self.rows: list[ActivityRow] = []  # newest first, as shown
        self._watched: QObject | None = None
        self.selected: ActivityRow | None = None

        self.intro = IntroNote(services, "stream", "What is this?", INTRO, self)
        self._build_filters()
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("streamTable")
        self.table.setAccessibleName("Activities, newest first")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between rows
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for index in (0, 2):  # time and type: as wide as their text
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        for index, width in ((1, 200), (3, 200)):  # person and name: long URLs must not hide the summary
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(index, width)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_changed)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("streamEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.empty_label, "muted")

        self.detail_title = QLabel("Choose an activity above to see its JSON.", self)
        self.detail_title.setObjectName("streamDetailTitle")
        self.lookup_button = QPushButton("Open this person in &Customer lookup", self)
        self.lookup_button.setObjectName("streamLookupButton")
        self.lookup_button.setAccessibleName("Open this person in Customer lookup")
        self.lookup_button.setEnabled(False)
        self.lookup_button.clicked.connect(self._on_lookup_button_clicked)
        self.json_view = json_viewer(self, "streamJson", "The chosen activity as JSON")
        details = QWidget(self)
        detail_column = QVBoxLayout(details)
        detail_column.setContentsMargins(0, 0, 0, 0)
        detail_head = QHBoxLayout()
        detail_head.addWidget(self.detail_title, 1)
        detail_head.addWidget(self.lookup_button)
        detail_column.addLayout(detail_head)
        detail_column.addWidget(self.json_view, 1)

        top = QWidget(self)
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.addWidget(self.empty_label)
        top_column.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("streamSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([300, 160])  # the table first: the JSON is for the chosen row
        # Both take the room there is (small windows, 200%): their preferred heights must not make it scroll.
        for view, least in ((self.table, 90), (self.json_view, 60)):
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
            view.setMinimumHeight(least)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self._filter_row)
        layout.addLayout(self._pace_row)
        layout.addWidget(self.splitter, 1)
        QWidget.setTabOrder(self.table, self.lookup_button)
        QWidget.setTabOrder(self.lookup_button, self.json_view)
        self._show_empty()

    def _build_filters(self) -> None:
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("streamTypeCombo")
        self.type_combo.setAccessibleName("Type")
        self.type_combo.addItem("All types", "")
        for kind, words in TYPE_WORDS.items():
            self.type_combo.addItem(words, kind)
        self.type_combo.currentIndexChanged.connect(self._apply_filters)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("streamNameFilter")
        self.name_edit.setAccessibleName("Event name contains")
        self.name_edit.setPlaceholderText("e.g. purchase")
        add_clear_button(self.name_edit)
        self.name_edit.textChanged.connect(self._apply_filters)
        self.person_edit = QLineEdit(self)
        self.person_edit.setObjectName("streamPersonFilter")
        self.person_edit.setAccessibleName("Person contains")
        self.person_edit.setPlaceholderText("email or ID")
        add_clear_button(self.person_edit)
        self.person_edit.textChanged.connect(self._apply_filters)
        self.pause_button = QPushButton("&Pause", self)
        self.pause_button.setObjectName("streamPauseButton")
        self.pause_button.setAccessibleName("Pause (stop checking for new activity)")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip(
            "Stop checking for new activity (it also stops on its own on other tabs)"
        )
        self.pause_button.toggled.connect(self._on_pause_button_toggled)
        row = QHBoxLayout()
        for text, widget in (
            ("T&ype:", self.type_combo),
            ("&Name:", self.name_edit),
            ("P&erson:", self.person_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, 1 if widget is not self.type_combo else 0)
        row.addWidget(self.pause_button)
        self._filter_row = row
        self.pace_label = QLabel("Paused", self)
        self.pace_label.setObjectName("streamPace")
        self.pace_label.setAccessibleName("Pace")
        self.pace_label.setWordWrap(True)
        set_tone(self.pace_label, "muted")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("streamCount")
        pace = QHBoxLayout()
        pace.addWidget(self.pace_label, 1)
        pace.addWidget(self.count_label)
        self._pace_row = pace

    # ---- panel contract ---------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None) -> None:
        """A new workspace: stop the old stream, clear the table, start over (when on screen)."""
        if workspace == self._workspace:
            return
        self._workspace = workspace
        self.rows = []
        self.table.setRowCount(0)
        self._show_detail(None)
        old, self.stream = self.stream, None
        self.tasks.spawn(self._switch(old, workspace), key="switch")

    def focus_input(self) -> None:
        self.type_combo.setFocus()

    def refresh(self) -> None:
        """F5: check for new activity now."""
        if self.stream is not None and self.stream.running:
            self.stream.poll_now()
        else:
            self._update_running()

    async def aclose(self) -> None:
        await self.tasks.cancel_all()
        if self.stream is not None:
            await self.stream.pause()

    # ---- running ----------------------------------------------------------------------------------
    async def _switch(self, old: ActivityStream | None, workspace: Workspace | None) -> None:
        if old is not None:
            await old.pause()
        self._show_empty()
        if workspace is None:
            return
        try:
            stream = await self._services.activity_stream(workspace, self._on_items, self._on_status)
        except CioDesktopError as exc:
            self.empty_label.setText(f"The live activity cannot start: {exc.message}")
            return
        if workspace is not self._workspace:
            return
        self.stream = stream
        self._update_running()

    @property
    def should_run(self) -> bool:
        """On screen (visible, window not minimised), not paused by the user, and a workspace chosen."""
        window = self.window()
        return (
            self.stream is not None and not self.user_paused and self.isVisible() and not window.isMinimized()
        )

    def _update_running(self) -> None:
        stream = self.stream
        if stream is None:
            return
        if self.should_run and not stream.running:
            stream.resume()
        elif not self.should_run and stream.running:
            self.tasks.spawn(stream.pause(), key="pause")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._watch_window()
        self._update_running()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_running()

    def _watch_window(self) -> None:
        """Follow the window's minimised state (a hide event does not always come with it)."""
        window = self.window()
        if window is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.WindowStateChange:
            self._update_running()
        return super().eventFilter(watched, event)

    def _on_pause_button_toggled(self, paused: bool) -> None:
        self.user_paused = paused
        self.pause_button.setText("Resu&me" if paused else "&Pause")
        self.pause_button.setAccessibleName(
            "Resume (check for new activity again)" if paused else "Pause (stop checking for new activity)"
        )
        self._update_running()

    # ---- stream callbacks -------------------------------------------------------------------------
    def _on_items(self, items: list[dict[str, Any]]) -> None:
        """New activities, oldest first: each goes on top."""
        fresh = [row_for(item) for item in items]
        fresh.reverse()
        self.rows = (fresh + self.rows)[:MAX_ROWS]
        self.table.setUpdatesEnabled(False)
        try:
            for row in reversed(fresh):
                self.table.insertRow(0)
                for column, text in enumerate(self._cells(row)):
                    cell = QTableWidgetItem(text)
                    if column == 4:
                        cell.setToolTip(row.summary)
                    self.table.setItem(0, column, cell)
            while self.table.rowCount() > MAX_ROWS:
                self.table.removeRow(self.table.rowCount() - 1)
        finally:
            self.table.setUpdatesEnabled(True)
        self._apply_filters()
        self.status_message.emit(f"{len(fresh)} new {'activity' if len(fresh) == 1 else 'activities'}")

    def _on_status(self, status: StreamStatus) -> None:
        if status.error:
            self.pace_label.setText(status.error)
            set_tone(self.pace_label, "warning")
        else:
            paused = "Paused (press Resume to continue)" if self.user_paused else "Paused while not shown"
            self.pace_label.setText(status.pace_text if status.running else paused)
            set_tone(self.pace_label, "muted")

    @staticmethod
    def _cells(row: ActivityRow) -> tuple[str, str, str, str, str]:
        return (time_text(row.when), row.person, row.type_words, row.name, row.summary)

    # ---- filters and details ----------------------------------------------------------------------
    def _apply_filters(self) -> None:
        type_ = str(self.type_combo.currentData() or "")
        name, person = self.name_edit.text().strip(), self.person_edit.text().strip()
        shown = 0
        for index, row in enumerate(self.rows):
            visible = row.matches(type_=type_, name=name, person=person)
            self.table.setRowHidden(index, not visible)
            shown += visible
        filtered = bool(type_ or name or person)
        self.count_label.setText(
            f"{shown} of {len(self.rows)} shown" if filtered else f"{len(self.rows)} shown"
        )
        if self.rows and not shown:
            self.empty_label.setText("No activity matches the filters. Clear them to see everything.")
        self.empty_label.setVisible(not shown)
        self.table.setVisible(bool(shown))

    def visible_rows(self) -> list[ActivityRow]:
        return [row for index, row in enumerate(self.rows) if not self.table.isRowHidden(index)]

    def _show_empty(self) -> None:
        if self._workspace is None:
            text = "Choose a workspace on the left to watch its activity."
        elif self._workspace.demo:
            text = "Waiting for the practice workspace's activity (a new one arrives every few seconds)…"
        else:
            text = "Waiting for activity… New events, page views and messages appear here as they happen."
        self.empty_label.setText(text)
        self.empty_label.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))

    def _on_table_current_changed(self, row: int, _column: int, _prev_row: int, _prev_column: int) -> None:
        self._show_detail(self.rows[row] if 0 <= row < len(self.rows) else None)

    def _show_detail(self, row: ActivityRow | None) -> None:
        self.selected = row
        if row is None:
            self.detail_title.setText("Choose an activity above to see its JSON.")
            self.json_view.clear()
            self.lookup_button.setEnabled(False)
            return
        self.detail_title.setText(f"{row.type_words} · {row.person} · {time_text(row.when)}")
        self.json_view.setPlainText(_pretty(row.raw))
        self.lookup_button.setEnabled(row.lookup is not None)
        self.lookup_button.setAccessibleName(f"Open this person in Customer lookup ({row.person})")

    def _on_lookup_button_clicked(self) -> None:
        row = self.selected
        if row is not None and row.lookup:
            self.lookup_requested.emit(row.lookup)


def _pretty(raw: Mapping[str, Any]) -> str:
    return json.dumps(dict(raw), indent=2, ensure_ascii=False, sort_keys=True)
