"""The request inspector: every call to Customer.io, filterable, with details, copy as curl and HAR export.

Signals:
    busy_changed(bool): an export started or finished.
    status_message(str): one line for the main window's status bar.

Reads ``services.history`` (live through ``subscribe``); never talks to the network itself.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.api.exchange import Exchange
from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Workspace
from cio_desktop.operations.services import Services
from cio_desktop.ui.models.exchange_table import (
    COL_PATH,
    COL_WORKSPACE,
    ExchangeFilterProxy,
    ExchangeRole,
    ExchangeTableModel,
)
from cio_desktop.ui.panels.inspector_details import ExchangeDetails
from cio_desktop.ui.panels.inspector_filters import InspectorFilterBar
from cio_desktop.ui.tasks import TaskKeeper, run_dialog
from cio_desktop.ui.theme import set_tone
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner

FOLLOW_MS = 50  # how often the selection follows a stream of new calls


PLACEHOLDER_NOTE = (
    "In curl copies, $CIO_SITE_ID, $CIO_TRACK_API_KEY and $CIO_APP_API_KEY stand for your keys "
    "(the ▾ menu also copies export lines to fill in)."
)


class _FittingColumn(QVBoxLayout):
    """A column that never asks for its height-for-width. The main window puts each panel in a scroll area,
    and a scroll area gives a height-for-width widget its *preferred* height: word-wrapped notices made the
    inspector taller than a 1024×640 window, its details and buttons below the fold (issue 12)."""

    def hasHeightForWidth(self) -> bool:
        return False


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

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorPanel")
        self.setAccessibleName("Request inspector")
        self._services = services
        self._workspace: Workspace | None = None
        self.tasks = TaskKeeper()

        self.model = ExchangeTableModel(self, max_rows=int(getattr(services.history, "limit", 1000)))
        self.model.workspace_label = services.history_label  # renamed workspaces keep their records
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

        layout = _FittingColumn(self)
        layout.addWidget(self.banner)
        # The actions sit above the table: a notice or a small window can never push them out of view.
        layout.addLayout(self._actions_layout)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.busy)

        # Tab follows reading order: the actions row now sits above the filters and the table.
        order = [
            self.curl_button,
            self.har_button,
            self.clear_button,
            self.workspace_combo,
            self.status_combo,
            self.search_edit,
            self.filters.retries_check,
            self.table,
            self.details.tabBar(),
            self.details.summary_scroll,
            self.details.request_headers,
            self.details.request_body,
            self.details.response_headers,
            self.details.response_body,
        ]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)

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
        # A long workspace name is elided rather than squeezing the path to "/…" in a small window.
        header.setSectionResizeMode(COL_WORKSPACE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_WORKSPACE, self.table.fontMetrics().horizontalAdvance("M" * 12))
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def _build_actions(self) -> None:
        self.curl_button = QToolButton(self)
        self.curl_button.setText("Copy as curl")
        self.curl_button.setObjectName("inspectorCopyCurlButton")
        self.curl_button.setAccessibleName("Copy as curl (the selected call)")
        self.curl_button.setToolTip(
            "Copies a command line that repeats this call. Keys are left out: set CIO_SITE_ID, "
            "CIO_TRACK_API_KEY or CIO_APP_API_KEY in your shell first. (Ctrl+Shift+C)\n"
            "The arrow offers the same with export lines, or with the real keys."
        )
        self.curl_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.curl_button.clicked.connect(self.copy_curl)
        curl_menu = QMenu(self.curl_button)
        curl_menu.setObjectName("inspectorCurlMenu")
        self.curl_actions = {
            "placeholders": curl_menu.addAction("Copy with $CIO_… placeholders", self.copy_curl),
            "exports": curl_menu.addAction(
                "Copy with export lines (keys masked, fill them in)", self.copy_curl_with_exports
            ),
            "secret": curl_menu.addAction("Copy with the real keys…", self._on_copy_with_secret),
        }
        self.curl_button.setMenu(curl_menu)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_curl)
        self.har_button = QToolButton(self)
        self.har_button.setText("Export HAR…")
        self.har_button.setObjectName("inspectorExportHarButton")
        self.har_button.setAccessibleName("Export HAR file of the calls shown")
        self.har_button.setToolTip(
            "Saves the calls shown above as a HAR file (keys and tokens removed); the arrow offers the "
            "selected call alone"
        )
        self.har_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.har_button.clicked.connect(self._on_har_button_clicked)
        har_menu = QMenu(self.har_button)
        har_menu.setObjectName("inspectorHarMenu")
        self.har_actions = {
            "shown": har_menu.addAction("All calls shown…", self._on_har_button_clicked),
            "selected": har_menu.addAction("The selected call…", self._on_har_selected_clicked),
        }
        self.har_button.setMenu(har_menu)
        self.placeholder_note = QLabel(PLACEHOLDER_NOTE, self)
        self.placeholder_note.setObjectName("inspectorCurlNote")
        self.placeholder_note.setWordWrap(True)
        set_tone(self.placeholder_note, "muted")
        self.resend_button = QPushButton("Resend", self)
        self.resend_button.setObjectName("inspectorResendButton")
        self.resend_button.setAccessibleName("Resend the selected failed call")
        self.resend_button.setToolTip(
            "Sends this failed Track call again exactly as it was, with the same event id, so "
            "Customer.io keeps one event even if the first try arrived after all."
        )
        self.resend_button.clicked.connect(self._on_resend_button_clicked)
        self.clear_button = QPushButton("Clear history", self)
        self.clear_button.setObjectName("inspectorClearButton")
        self.clear_button.setAccessibleName("Clear history (forget every recorded call)")
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self._actions_layout = QHBoxLayout()
        self._actions_layout.addWidget(self.curl_button)
        self._actions_layout.addWidget(self.har_button)
        self._actions_layout.addWidget(self.resend_button)
        self._actions_layout.addWidget(self.placeholder_note, 1)
        self._actions_layout.addWidget(self.count_label)  # "N of M calls", beside what acts on them
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
        """Close an open dialog and wait for a HAR write to end (it is short)."""
        await self.tasks.cancel_all()

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

    def _selected_or_say(self) -> Exchange | None:
        """The selected call, or None after asking the user to select one."""
        exchange = self.selected_exchange()
        if exchange is None:
            self.banner.show_message("Select a call in the table first.", level="info")
        return exchange

    def _copied(self, text: str, message: str, hint: str, status: str, *, level: str = "success") -> None:
        QApplication.clipboard().setText(text)
        self.banner.show_message(message, level=level, hint=hint)
        self.status_message.emit(status)

    def copy_curl(self) -> None:
        """Put the selected call on the clipboard as a curl command with placeholders for the keys."""
        if (exchange := self._selected_or_say()) is not None:
            self._copied(
                self._services.curl_for(exchange),
                "Copied as curl.",
                "The keys are not in it: set CIO_SITE_ID and CIO_TRACK_API_KEY (Track calls) or "
                "CIO_APP_API_KEY (App calls) in your terminal before running it.",
                "Copied the call as a curl command",
            )

    def copy_curl_with_exports(self) -> None:
        """The curl command after ``export CIO_…='••••••••'`` lines to fill in (values masked)."""
        if (exchange := self._selected_or_say()) is not None:
            self._copied(
                self._services.curl_with_exports(exchange),
                "Copied as curl, with export lines.",
                "In the terminal, replace each •••••••• with your key before pressing Enter.",
                "Copied the call as curl with export lines",
            )

    async def copy_curl_with_secret(self) -> bool:
        """The curl command with the workspace's real keys (the user's deliberate choice); False when the
        keys could not be read (the banner says why)."""
        exchange = self._selected_or_say()
        if exchange is None:
            return False
        try:
            text = await self._services.curl_with_keys(exchange)
        except CioDesktopError as exc:
            self.banner.show_error(exc, hint="Use “Copy with export lines” and fill the keys in yourself.")
            return False
        self._copied(
            text,
            "Copied as curl WITH the real keys.",
            "Anyone who sees this text can use your workspace: paste it only into your own terminal, "
            "and copy something else afterwards to clear the clipboard.",
            "Copied the call as curl with the real keys",
            level="warning",
        )
        return True

    def _on_copy_with_secret(self) -> None:
        self.tasks.spawn(self.copy_curl_with_secret(), key="curl-keys")

    async def export_har(self, path: Path, records: list[Exchange] | None = None) -> int:
        """Write ``records`` (default: the visible calls) to ``path`` as HAR in a worker thread; returns how
        many were written."""
        records = self.visible_exchanges() if records is None else records
        self.banner.clear()
        self.busy.start(f"Saving {len(records)} calls to {path.name}…", cancellable=False)
        try:
            count = await self._services.export_har(path, records)
        except OSError as exc:
            self.banner.show_error(
                f"Could not save {path.name}.",
                detail=f"{type(exc).__name__}: {exc.strerror or ''}",
                hint="Choose a folder you can write to, or check there is free disk space.",
            )
            raise
        finally:
            self.busy.stop()
        self.banner.show_message(f"Saved {count} call{'' if count == 1 else 's'} to {path}.", level="success")
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
        self._ensure_workspace_item(self._services.history_label(exchange))
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
        self._update_resend()

    def _update_resend(self) -> None:
        """Resend is offered for a failed Track call that can be sent again exactly as it was."""
        from cio_desktop.operations.resend import resend_problem

        exchange = self.selected_exchange()
        failed = exchange is not None and (exchange.error is not None or not exchange.ok)
        self.resend_button.setEnabled(bool(failed and exchange and resend_problem(exchange) is None))

    async def resend_selected(self) -> Exchange | None:
        """Send the selected failed call again (same body, same event id); the banner says how it went.
        Returns the new record, or None when it failed (the banner says why)."""
        from cio_desktop.errors import CioDesktopError

        exchange = self.selected_exchange()
        if exchange is None:
            return None
        self.banner.clear()
        self.busy.start(f"Resending {exchange.operation or exchange.method}…", cancellable=False)
        try:
            result = await self._services.resend(exchange)
        except CioDesktopError as exc:
            self.banner.show_error(exc)
            return None
        finally:
            self.busy.stop()
        self.banner.show_message(
            f"Resent: {result.status}. The same event id was used, so Customer.io keeps one event.",
            level="success",
        )
        self.status_message.emit("Resent the call")
        return result.exchange

    def _on_har_button_clicked(self) -> None:
        if not self.visible_exchanges():
            self.banner.show_message("There are no calls to export with the current filters.", level="info")
            return
        self.tasks.spawn(self._ask_and_export(None), key="export")

    def _on_har_selected_clicked(self) -> None:
        if (exchange := self._selected_or_say()) is not None:
            self.tasks.spawn(self._ask_and_export([exchange]), key="export")

    async def _ask_and_export(self, records: list[Exchange] | None) -> None:
        title = "Export calls as HAR" if records is None else "Export the selected call as HAR"
        dialog = QFileDialog(self, title, str(Path.home() / "cio-desktop.har"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["HAR files (*.har)", "All files (*)"])
        accepted = await run_dialog(dialog) == QFileDialog.DialogCode.Accepted
        chosen = dialog.selectedFiles()
        dialog.deleteLater()
        if not accepted or not chosen:
            return
        with contextlib.suppress(OSError):  # export_har shows it in the banner
            await self.export_har(Path(chosen[0]), records)

    def _on_resend_button_clicked(self) -> None:
        self.tasks.spawn(self.resend_selected(), key="resend")

    def _on_clear_button_clicked(self) -> None:
        self.tasks.spawn(self._ask_and_clear(), key="clear")

    async def _ask_and_clear(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Clear the request history?",
            "Forget every recorded call, here and in the history file? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        await run_dialog(box)
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes:
            await self.clear_history()

    async def clear_history(self) -> None:
        """Forget every recorded call (memory and file, the file in a thread)."""
        await self._services.clear_history()
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
        self._update_resend()
