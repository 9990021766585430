"""The request inspector: every call to Customer.io, filterable, with details, copy as curl and HAR export.

Signals:
    busy_changed(bool): an export started or finished.
    status_message(str): one line for the main window's status bar.

Reads ``services.history`` (live through ``subscribe``); never talks to the network itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from cio_desktop.api.exchange import Exchange
from cio_desktop.models import Workspace
from cio_desktop.ui.models.exchange_table import (
    COL_PATH,
    ExchangeFilterProxy,
    ExchangeRole,
    ExchangeTableModel,
)
from cio_desktop.ui.panels.inspector_details import ExchangeDetails
from cio_desktop.ui.panels.inspector_filters import InspectorFilterBar
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner

FOLLOW_MS = 50  # how often the selection follows a stream of new calls


class InspectorPanel(QWidget):
    """Table of recorded exchanges with filters and a details pane.

    Signals:
        busy_changed(bool)
        status_message(str)
        exchange_recorded(object): internal bridge from the history's callback to the UI thread.
    """

    busy_changed = Signal(bool)
    status_message = Signal(str)
    exchange_recorded = Signal(object)
    history_cleared = Signal()

    panel_title = "Request inspector"

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorPanel")
        self.setAccessibleName("Request inspector")
        self._services = services
        self._workspace: Workspace | None = None
        self._export_task: asyncio.Task[None] | None = None

        self.model = ExchangeTableModel(self, max_rows=int(getattr(services.history, "limit", 1000)))
        self.proxy = ExchangeFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filters = InspectorFilterBar(self.proxy, self)
        self.workspace_combo = self.filters.workspace_combo
        self.status_combo = self.filters.status_combo
        self.search_edit = self.filters.search_edit
        self.count_label = self.filters.count_label
        self._build_table()
        self.details = ExchangeDetails(self)
        self._build_actions()

        self.banner = ErrorBanner(self, name="inspectorError")
        self.busy = BusyIndicator(self, name="inspectorBusy")
        self.busy.busy_changed.connect(self.busy_changed)

        self.empty_label = QLabel(
            "No calls yet. Every request this app sends to Customer.io (lookups, test events, checks) "
            "appears here, with its headers, bodies and timing.",
            self,
        )
        self.empty_label.setObjectName("inspectorEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filters)
        top_layout.addWidget(self.empty_label)
        top_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("inspectorSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.busy)
        layout.addLayout(self._actions_layout)

        self._following_now = False
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self._follow_newest)
        self.exchange_recorded.connect(self._on_history_exchange_recorded)
        self.history_cleared.connect(self.reload)
        history = services.history
        unsubscribe = history.subscribe(self.exchange_recorded.emit, self.history_cleared.emit)
        # The closure holds no reference to self, so it is safe to run while the widget is destroyed.
        self.destroyed.connect(lambda *_: unsubscribe())
        self.reload()

    # -- construction ------------------------------------------------------------------------------

    def _build_table(self) -> None:
        self.table = QTableView(self)
        self.table.setObjectName("inspectorTable")
        self.table.setAccessibleName("Recorded calls")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PATH, QHeaderView.ResizeMode.Stretch)
        # Widths from the first 100 rows: Qt's default (1000) asks Python for ~50,000 cells per layout.
        header.setResizeContentsPrecision(100)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def _build_actions(self) -> None:
        self.curl_button = QPushButton("Copy as curl", self)
        self.curl_button.setObjectName("inspectorCopyCurlButton")
        self.curl_button.setAccessibleName("Copy the selected call as a curl command")
        self.curl_button.setToolTip(
            "Copies a command line that repeats this call. Keys are left out: set CIO_SITE_ID, "
            "CIO_TRACK_API_KEY or CIO_APP_API_KEY in your shell first. (Ctrl+Shift+C)"
        )
        self.curl_button.clicked.connect(self.copy_curl)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_curl)
        self.har_button = QPushButton("Export HAR…", self)
        self.har_button.setObjectName("inspectorExportHarButton")
        self.har_button.setAccessibleName("Export the calls shown as a HAR file")
        self.har_button.setToolTip("Saves the calls shown above as a HAR file (keys and tokens removed)")
        self.har_button.clicked.connect(self._on_har_button_clicked)
        self.clear_button = QPushButton("Clear history", self)
        self.clear_button.setObjectName("inspectorClearButton")
        self.clear_button.setAccessibleName("Forget every recorded call")
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self._actions_layout = QHBoxLayout()
        self._actions_layout.addWidget(self.curl_button)
        self._actions_layout.addWidget(self.har_button)
        self._actions_layout.addStretch(1)
        self._actions_layout.addWidget(self.clear_button)

    # -- panel contract ----------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Remember the current workspace (the filter stays as the user set it)."""
        self._workspace = workspace
        if workspace is not None:
            self._ensure_workspace_item(workspace.name)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with records loaded from disk after the panel was built (loading does not notify)."""
        super().showEvent(event)
        if len(self._services.history.records()) != self.model.rowCount():
            self.reload()

    def focus_input(self) -> None:
        """Put the keyboard focus in the search field."""
        self.filters.focus_search()

    def refresh(self) -> None:
        """F5: show the history as it is now."""
        self.reload()

    async def aclose(self) -> None:
        """Nothing runs for long here; HAR writes finish on their own."""

    # -- public API --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show everything the history holds now."""
        history = self._services.history
        self.model.max_rows = max(1, int(getattr(history, "limit", self.model.max_rows)))
        self.model.set_exchanges(history.records())
        for name in self.model.workspaces():
            self._ensure_workspace_item(name)
        self._update_count()
        if self.selected_exchange() is None:
            self.select_row(0)  # show the newest call's details rather than an empty pane
        self.details.show_exchange(self.selected_exchange())

    def visible_exchanges(self) -> list[Exchange]:
        """The exchanges passing the filters, in table order."""
        return [self.proxy.index(row, 0).data(ExchangeRole) for row in range(self.proxy.rowCount())]

    def selected_exchange(self) -> Exchange | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        exchange = index.siblingAtColumn(0).data(ExchangeRole)
        return exchange if isinstance(exchange, Exchange) else None

    def select_row(self, row: int) -> None:
        """Select the ``row``-th visible call and show its details."""
        index = self.proxy.index(row, 0)
        if index.isValid():
            self.table.setCurrentIndex(index)

    def copy_curl(self) -> None:
        """Put the selected call on the clipboard as a curl command with placeholders for the keys."""
        from cio_desktop.api.history import to_curl

        exchange = self.selected_exchange()
        if exchange is None:
            self.banner.show_message("Select a call in the table first.", level="info")
            return
        QApplication.clipboard().setText(to_curl(exchange))
        self.banner.show_message(
            "Copied as curl.",
            level="success",
            hint="The keys are not in it: set CIO_SITE_ID and CIO_TRACK_API_KEY (Track calls) or "
            "CIO_APP_API_KEY (App calls) in your terminal before running it.",
        )
        self.status_message.emit("Copied the call as a curl command")

    async def export_har(self, path: Path) -> int:
        """Write the visible calls to ``path`` as HAR in a worker thread; returns how many were written."""
        from cio_desktop.api.har import write_har

        records = self.visible_exchanges()
        self.banner.clear()
        self.busy.start(f"Saving {len(records)} calls to {path.name}…", cancellable=False)
        try:
            count = await asyncio.to_thread(write_har, records, path)
        except OSError as exc:
            self.banner.show_error(
                f"Could not save {path.name}.",
                detail=f"{type(exc).__name__}: {exc.strerror or ''}",
                hint="Choose a folder you can write to, or check there is free disk space.",
            )
            raise
        finally:
            self.busy.stop()
        self.banner.show_message(f"Saved {count} calls to {path}.", level="success")
        self.status_message.emit(f"Exported {count} calls as HAR")
        return count

    # -- slots -------------------------------------------------------------------------------------

    def _on_history_exchange_recorded(self, exchange: object) -> None:
        if not isinstance(exchange, Exchange):
            self.reload()
            return
        current = self.table.currentIndex()
        # On the newest call: keep following. Under a burst (hundreds of calls a second) the selection
        # and the details pane catch up once per FOLLOW_MS, not once per call.
        following = self._follow_timer.isActive() or not current.isValid() or current.row() == 0
        self.model.add_exchange(exchange)
        self._ensure_workspace_item(exchange.workspace)
        if following and not self._follow_timer.isActive():
            self._follow_timer.start()

    def _follow_newest(self) -> None:
        self._following_now = True
        try:
            self.select_row(0)
        finally:
            self._following_now = False

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._following_now:
            self._follow_timer.stop()  # the user chose a call: stop following
        self.details.show_exchange(self.selected_exchange())

    @asyncSlot()  # type: ignore[untyped-decorator]  # qasync ships no type hints
    async def _on_har_button_clicked(self) -> None:
        if not self.visible_exchanges():
            self.banner.show_message("There are no calls to export with the current filters.", level="info")
            return
        suggested = str(Path.home() / "cio-desktop.har")
        name, _ = QFileDialog.getSaveFileName(
            self, "Export calls as HAR", suggested, "HAR files (*.har);;All files (*)"
        )
        if not name:
            return
        with contextlib.suppress(OSError):  # export_har shows it in the banner
            await self.export_har(Path(name))

    @asyncSlot()  # type: ignore[untyped-decorator]  # qasync ships no type hints
    async def _on_clear_button_clicked(self) -> None:
        answer = QMessageBox.question(
            self,
            "Clear the request history?",
            "Forget every recorded call, here and in the history file? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            await self.clear_history()

    async def clear_history(self) -> None:
        """Forget every recorded call (memory and file, the file in a thread)."""
        await self._services.history.aclear()
        self.reload()
        self.banner.show_message("The request history was cleared.", level="success")
        self.status_message.emit("Request history cleared")

    # -- helpers -----------------------------------------------------------------------------------

    def _ensure_workspace_item(self, name: str) -> None:
        self.filters.add_workspace(name)

    def _update_count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.filters.show_count(shown, total)
        self.empty_label.setVisible(total == 0)
        self.table.setVisible(total > 0)
        has_rows = shown > 0
        self.har_button.setEnabled(has_rows)
        self.curl_button.setEnabled(has_rows)
