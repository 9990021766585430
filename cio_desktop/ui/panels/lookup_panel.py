"""Customer lookup: one search field (id, email or cio_id, detected as you type), then the person's profile.

Signals:
    busy_changed(bool): a lookup started or finished.
    status_message(str): one line for the main window's status bar.

A new search cancels the one in flight (latest wins). Fetching is ``cio_desktop.operations.lookup``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.errors import CioDesktopError
from cio_desktop.lookup_query import (
    IdentifierKind,
    LookupQuery,
    build_query,
    detect_kind,
    empty_state_hint,
    found_message,
    no_match_message,
)
from cio_desktop.models import Workspace
from cio_desktop.operations.lookup import (
    CustomerProfile,
    Match,
    NoMatch,
    Outcome,
    SeveralMatches,
    look_up,
    more_activities,
)
from cio_desktop.operations.practice import demo_examples
from cio_desktop.operations.services import Services
from cio_desktop.person_activity import is_same_person
from cio_desktop.ui.panels.lookup_pages import MatchesView, MessagePage
from cio_desktop.ui.panels.lookup_profile_view import ProfileView
from cio_desktop.ui.tasks import LatestTask
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.clear_button import add_clear_button
from cio_desktop.ui.widgets.error_banner import ErrorBanner

AUTO = ""
FIND_PLACEHOLDER = "Email, ID or cio_id"
PAGE_EMPTY, PAGE_MESSAGE, PAGE_MATCHES, PAGE_PROFILE = range(4)


class LookupPanel(QWidget):
    """Search field, kind selector, and a stack: hint / message / several matches / profile.

    Signals:
        busy_changed(bool)
        status_message(str)
    """

    busy_changed = Signal(bool)
    status_message = Signal(str)

    panel_title = "Customer lookup"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupPanel")
        self.setAccessibleName("Customer lookup")
        self._services = services
        self._workspace: Workspace | None = None
        self._last: tuple[LookupQuery, bool, LookupQuery] | None = None  # rerun, fallback, searched
        self.outcome: Outcome | None = None
        self._page_running = False

        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("lookupQueryEdit")
        self.query_edit.setAccessibleName("Find a person")
        self.query_edit.setAccessibleDescription("Who to look up: an email address, an ID or a cio_id")
        self.query_edit.setPlaceholderText(FIND_PLACEHOLDER)
        # Wide enough for the whole placeholder: a cut-off hint ("Email, ID or ci…") helps nobody.
        room = self.query_edit.fontMetrics().horizontalAdvance(FIND_PLACEHOLDER) + 40  # + clear button
        self.query_edit.setMinimumWidth(room)
        add_clear_button(self.query_edit)  # named "Clear"
        self.query_edit.textChanged.connect(self._on_query_edit_changed)
        self.query_edit.returnPressed.connect(self.start_search)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("lookupKindCombo")
        self.kind_combo.setAccessibleName("Search by")
        self.kind_combo.addItem("Automatic", AUTO)
        for kind in IdentifierKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.detected_label = QLabel(self)
        self.detected_label.setObjectName("lookupDetectedLabel")
        self.detected_label.setAccessibleName("Detected identifier type")
        self.search_button = QPushButton("Search", self)
        self.search_button.setObjectName("lookupSearchButton")
        self.search_button.setAccessibleName("Search")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.start_search)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("lookupRefreshButton")
        self.refresh_button.setAccessibleName("Refresh the person shown")
        self.refresh_button.setToolTip("Load the person again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+L"), self, self._focus_query)

        bar = QHBoxLayout()
        find = QLabel("&Find:", self)
        find.setBuddy(self.query_edit)
        bar.addWidget(find)
        bar.addWidget(self.query_edit, 3)
        by = QLabel("Search &by:", self)
        by.setBuddy(self.kind_combo)
        bar.addWidget(by)
        bar.addWidget(self.kind_combo, 1)
        bar.addWidget(self.search_button)
        bar.addWidget(self.refresh_button)

        self.banner = ErrorBanner(self, name="lookupError")
        self.busy = BusyIndicator(self, name="lookupBusy")
        self.busy.busy_changed.connect(self.busy_changed)
        self.tasks = LatestTask(self, self.busy)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("lookupStack")
        empty_page = MessagePage(self, name="lookupEmptyState")
        message_page = MessagePage(self, name="lookupMessage")
        self.empty_label, self.message_label = empty_page.label, message_page.label
        self.matches_view = MatchesView(self)
        self.matches_view.match_chosen.connect(self._on_match_chosen)
        self.matches_list = self.matches_view.list
        self.profile_view = ProfileView(self)
        self.profile_view.load_more_requested.connect(self._on_load_more_requested)
        self.profile_view.activity_type_changed.connect(self._on_activity_type_changed)
        for page in (empty_page, message_page):
            self.stack.addWidget(page)
        self.stack.addWidget(self.matches_view)
        self.stack.addWidget(self.profile_view)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.detected_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.busy)
        layout.addWidget(self.stack, 1)
        self._on_query_edit_changed("")
        self._show_empty_state()

    # -- panel contract ----------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Switch workspace: cancels a running lookup and clears the person shown."""
        if workspace == self._workspace:
            return
        self._workspace = workspace
        self.tasks.abandon()
        self.banner.clear()
        self.outcome = None
        self._last = None
        self._on_query_edit_changed(self.query_edit.text())  # no "Found by …" for a person no longer shown
        self._show_empty_state()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the panel cancels what it is doing."""
        self.cancel()
        super().closeEvent(event)

    # -- public API --------------------------------------------------------------------------------

    @property
    def search_task(self) -> asyncio.Task[None] | None:
        """The operation in flight (or the last one), for tests and the main window."""
        return self.tasks.task

    def start_search(self) -> asyncio.Task[None] | None:
        """Search for what is typed (cancelling any lookup in flight); None when nothing was typed."""
        chosen = self.kind_combo.currentData() or None
        query = build_query(self.query_edit.text(), IdentifierKind(chosen) if chosen else None)
        if query is None:
            self.banner.show_message("Type an email address, an ID or a cio_id first.", level="info")
            self.query_edit.setFocus()
            return None
        return self._launch(f"Looking up {query.value}…", self._run_lookup, query, try_cio_id=chosen is None)

    def refresh(self) -> asyncio.Task[None] | None:
        """Load the person shown again (F5); searches instead when nothing was loaded yet."""
        if self._last is None:
            return self.start_search()
        query, fallback, _searched = self._last
        return self._launch(
            f"Refreshing {query.value}…", self._run_lookup, query, try_cio_id=fallback, refresh=True
        )

    def search_for(self, text: str) -> asyncio.Task[None] | None:
        """Search for ``text`` as if typed (the live activity's "Open this person")."""
        self.kind_combo.setCurrentIndex(0)
        self.query_edit.setText(text)
        return self.start_search()

    def reload_if_showing(self, workspace: Workspace, value: str, id_type: str) -> asyncio.Task[None] | None:
        """Reload the activities when the person shown (in ``workspace``) was just sent something; a lookup
        or page load already running is left alone (it shows fresh data anyway)."""
        profile = self.outcome
        if (
            not isinstance(profile, CustomerProfile)
            or workspace != self._workspace
            or self.tasks.running
            or not is_same_person(profile.identifiers, value, id_type)
        ):
            return None
        return self._launch_page(append=False)

    def focus_input(self) -> None:
        """Put the keyboard focus in the search field, text selected (Ctrl+L)."""
        self._focus_query()

    async def aclose(self) -> None:
        """Cancel the lookup in flight and wait for it (the window awaits this before closing clients)."""
        await self.tasks.aclose()

    def cancel(self) -> None:
        """Cancel the lookup and any page load in flight."""
        self.tasks.cancel()

    # -- running -----------------------------------------------------------------------------------

    def _launch(
        self, text: str, work: Callable[..., Awaitable[None]], *args: Any, **kw: Any
    ) -> asyncio.Task[None]:
        self.banner.clear()
        if work != self._run_activity_page:
            # "Found by email address: …" belongs to the last result; a new lookup (which may fail) must not
            # leave it above its own error. The line goes back to what the typed text looks like.
            self._on_query_edit_changed(self.query_edit.text())
        self.status_message.emit(text)
        self._page_running = work == self._run_activity_page
        return self.tasks.start(text, work, *args, **kw)

    async def _run_lookup(self, query: LookupQuery, *, try_cio_id: bool, refresh: bool = False) -> None:
        workspace = self._workspace
        if workspace is None:
            self.banner.show_message("Choose a workspace on the left first.", level="info")
            return
        activity_type = self.profile_view.activity_type()
        try:
            client = await self._services.client_for(workspace)
            outcome = await look_up(client, query, activity_type=activity_type or None, try_cio_id=try_cio_id)
        except asyncio.CancelledError:
            if self.tasks.is_current() and self.tasks.alive:  # the user cancelled; not replaced by a search
                self.banner.show_message("Cancelled. Nothing was changed.", level="info")
                self.status_message.emit("Lookup cancelled")
            return
        except CioDesktopError as exc:
            if self.tasks.alive:
                self.banner.show_error(exc)
                self.status_message.emit("Lookup failed")
            return
        if not self.tasks.alive:
            return
        searched = self._last[2] if refresh and self._last is not None else query
        rerun = outcome.query if isinstance(outcome, CustomerProfile) else query
        self._last = (rerun, try_cio_id, searched)
        self._show_outcome(outcome, searched)
        if isinstance(outcome, CustomerProfile) and self.profile_view.activity_type() != activity_type:
            # The filter changed while the lookup ran: the lookup is finished, so reload just activities.
            # Scheduled, not awaited: this coroutine is the task the new page load would cancel.
            asyncio.get_running_loop().call_soon(self._launch_page, False)

    def _show_outcome(self, outcome: Outcome, searched: LookupQuery) -> None:
        self.outcome = outcome
        if isinstance(outcome, NoMatch):
            self.message_label.setText(no_match_message(outcome.query))
            self.stack.setCurrentIndex(PAGE_MESSAGE)
            self.status_message.emit("No match")
            return
        if isinstance(outcome, SeveralMatches):
            self.stack.setCurrentIndex(PAGE_MATCHES)
            self.matches_view.show_matches(outcome)
            self.status_message.emit(f"{len(outcome.matches)} people match")
            return
        self.profile_view.show_profile(outcome)
        self.stack.setCurrentIndex(PAGE_PROFILE)
        self.detected_label.setText(found_message(searched, outcome.query))
        problems = outcome.problems
        if problems:
            sections = ", ".join(problems)
            first = next(iter(problems.values()))
            self.banner.show_message(
                f"Some sections could not be loaded ({sections}); the rest is shown.",
                level="warning",
                detail=f"{first.message}\n{first.detail}",
            )
        self.status_message.emit(f"Showing {self.profile_view.header.text()}")

    async def _run_activity_page(self, *, append: bool) -> None:
        profile = self.outcome
        workspace = self._workspace
        if not isinstance(profile, CustomerProfile) or workspace is None:
            return
        start = profile.activities.next if append else None
        try:
            client = await self._services.client_for(workspace)
            page = await more_activities(
                client, profile.query, start=start, activity_type=self.profile_view.activity_type() or None
            )
        except asyncio.CancelledError:
            if self.tasks.is_current() and self.tasks.alive:
                self.banner.show_message("Cancelled loading activities.", level="info")
            return
        except CioDesktopError as exc:
            self.banner.show_error(exc)
            return
        if not self.tasks.alive:
            return
        if append:
            page_items = profile.activities.items + page.items
            profile.activities = type(page)(page_items, page.next)
            self.profile_view.set_activities(page, append=True)
        else:
            profile.activities = page
            self.profile_view.set_activities(page)
        # "Loading activities…" must not stay in the status bar once they are shown.
        self.status_message.emit(
            f"Showing {self.profile_view.header.text()}: {self.profile_view.activities_note.text()}"
        )

    def _launch_page(self, append: bool) -> asyncio.Task[None]:
        return self._launch("Loading activities…", self._run_activity_page, append=append)

    # -- slots -------------------------------------------------------------------------------------

    def _on_query_edit_changed(self, text: str) -> None:
        kind = detect_kind(text)
        chosen = self.kind_combo.currentData()
        if not text.strip():
            self.detected_label.setText("")
        elif chosen:
            self.detected_label.setText(f"Searching by {IdentifierKind(chosen).label} (chosen by you)")
        elif kind is not None:
            self.detected_label.setText(f"Looks like: {kind.label}. Not right? Choose under “Search by”.")
        auto = f"Automatic ({kind.label.split(' (')[0]})" if kind else "Automatic"
        self.kind_combo.setItemText(0, auto)

    def _on_kind_combo_changed(self, _index: int) -> None:
        self._on_query_edit_changed(self.query_edit.text())

    def _on_match_chosen(self, match: Match) -> None:
        self._launch(f"Opening {match.cio_id}…", self._run_lookup, match.query(), try_cio_id=False)

    def _on_load_more_requested(self) -> None:
        self._launch_page(append=True)

    def _on_activity_type_changed(self, _value: str) -> None:
        # While a lookup runs, it picks the filter up when it finishes (see _run_lookup).
        if isinstance(self.outcome, CustomerProfile) and (not self.tasks.running or self._page_running):
            self._launch_page(append=False)

    def redisplay(self) -> None:
        """Show the person again with the current display settings (no new request)."""
        self.profile_view.redisplay()

    def _focus_query(self) -> None:
        self.query_edit.setFocus()
        self.query_edit.selectAll()

    def _show_empty_state(self) -> None:
        example_id = example_email = None
        if self._workspace is not None and self._workspace.demo:
            examples = demo_examples()
            example_id, example_email = examples.customer_id, examples.email
        self.empty_label.setText(empty_state_hint(example_id, example_email))
        self.stack.setCurrentIndex(PAGE_EMPTY)
