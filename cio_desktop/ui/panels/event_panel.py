"""Event test: send identify, events, page/screen views or a batch with the Track or the Pipelines API; see
request and response; verify.

Signals:
    busy_changed(bool): sending or verifying started or finished.
    status_message(str): one line for the main window's status bar.

The form (``event_form``) and result view (``event_result_view``) are dumb widgets; this panel runs the
calls (``cio_desktop.operations.send``), the verification (``cio_desktop.api.verify``) and the templates
store (``cio_desktop.operations.templates``, file I/O in a thread).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QInputDialog, QSplitter, QVBoxLayout, QWidget

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Workspace
from cio_desktop.operations.pipelines_send import no_verify_reason, pipelines_spec
from cio_desktop.operations.practice import demo_examples
from cio_desktop.operations.send import (
    CallType,
    default_draft,
    is_pipelines,
    person_of,
    send_draft,
    verify_sent,
    verify_target,
)
from cio_desktop.operations.services import Services
from cio_desktop.operations.templates import EventDraft, TemplateStore, WorkspaceTemplates
from cio_desktop.time_display import format_clock
from cio_desktop.ui.panels.event_form import EventForm
from cio_desktop.ui.panels.event_result_view import NOT_SEEN_TIPS, EventResultView
from cio_desktop.ui.tasks import LatestTask, TaskKeeper, run_dialog
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner

VERIFY_TIMEOUT_S = 30.0


class EventPanel(QWidget):
    """Form on the left, outcome on the right, one running operation at a time (latest wins).

    Signals:
        busy_changed(bool)
        status_message(str)
        person_changed(object, str, str): a call to the person (workspace, value, id_type) was accepted or
            its arrival seen, so a view showing that person can reload their activities.
    """

    busy_changed = Signal(bool)
    status_message = Signal(str)
    person_changed = Signal(object, str, str)

    panel_title = "Event test"

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, store: TemplateStore | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.setAccessibleName("Event test")
        self._services = services
        self._store = store or TemplateStore()
        self._workspace: Workspace | None = None
        self._last_sent: EventDraft | None = None
        self._sent_at = 0.0
        self.verify_timeout_s = VERIFY_TIMEOUT_S
        self.arrived_at: datetime | None = None
        self._store_tasks = TaskKeeper()  # template file I/O: finished, never cut, on close

        self.form = EventForm(self)
        self.result = EventResultView(self)
        self.banner = ErrorBanner(self, name="eventError")
        self.busy = BusyIndicator(self, name="eventBusy")
        self.busy.busy_changed.connect(self.busy_changed)
        self.tasks = LatestTask(self, self.busy)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("eventSplitter")
        splitter.addWidget(self.form)
        splitter.addWidget(self.result)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.splitter = splitter
        self._sized = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.busy)

        self.form.send_requested.connect(self.start_send)
        self.form.save_template_requested.connect(self._on_save_template_requested)
        self.form.delete_template_requested.connect(self._on_delete_template_requested)
        self.result.verify_requested.connect(lambda: self.start_verify())
        self.result.verify_cancel_requested.connect(self.tasks.cancel)
        self.form.set_draft(default_draft(CallType.PERSON_EVENT))

    # -- panel contract ----------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Switch workspace: cancels what is running and loads that workspace's templates and history."""
        if workspace == self._workspace:
            return
        self._workspace = workspace
        self.tasks.abandon()
        self.banner.clear()
        self.result.clear()
        self.result.outcome_label.setText("Nothing sent yet in this workspace.")
        self.form.set_sending(False)
        self._last_sent = None
        self.result.verify_button.setEnabled(False)
        if workspace is not None and workspace.demo and not self.form.customer_edit.text():
            self.form.customer_edit.setText(demo_examples().customer_id)
        self.form.set_templates([])
        self.form.set_history([])
        if workspace is not None:
            self._spawn_store(self._store.load, workspace.id)

    def showEvent(self, event: QShowEvent) -> None:
        """On first show, give the request/response side the larger share of the width."""
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([int(width * 0.42), width - int(width * 0.42)])

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the panel cancels what it is doing."""
        self.tasks.cancel()
        super().closeEvent(event)

    def focus_input(self) -> None:
        """Put the keyboard focus on the first field of the form."""
        target = self.form.customer_edit if not self.form.customer_edit.isHidden() else self.form.type_combo
        target.setFocus()

    def refresh(self) -> None:
        """F5: read the workspace's templates and recent payloads again."""
        if self._workspace is not None:
            self._spawn_store(self._store.load, self._workspace.id)

    async def aclose(self) -> None:
        """Cancel sending or verifying and wait for it, and for pending template saves."""
        await self.tasks.aclose()
        await self._store_tasks.finish_all()

    # -- public API --------------------------------------------------------------------------------

    @property
    def current_task(self) -> asyncio.Task[None] | None:
        return self.tasks.task

    def start_send(self) -> asyncio.Task[None] | None:
        """Send what the form describes (cancelling a running verification)."""
        if not self.form.send_button.isEnabled():
            return None
        draft = self.form.draft()
        self.banner.clear()
        self.result.clear()
        self.form.set_sending(True)
        self.status_message.emit("Sending…")
        return self.tasks.start("Sending to Customer.io…", self._send, draft)

    def start_verify(self, target: tuple[str, str] | None = None) -> asyncio.Task[None] | None:
        """Watch the person's activity for the last sent event (or ``target``: customer id, event name),
        with a countdown and Cancel."""
        draft = self._last_sent
        if target is not None:  # watch for another event of the same kind
            base = draft or default_draft(CallType.PERSON_EVENT)
            draft = dataclasses.replace(base, customer_id=target[0], event_name=target[1])
        if draft is None or verify_target(draft) is None:
            return None
        self.status_message.emit("Verifying arrival…")
        return self.tasks.start("Waiting for the event to arrive…", self._verify, draft)

    async def save_template(self, name: str) -> None:
        """Save the form as template ``name`` for the current workspace."""
        if self._workspace is not None:
            state = await asyncio.to_thread(
                self._store.save_template, self._workspace.id, name, self.form.draft()
            )
            self._apply_store(state)
            self.banner.show_message(f"Saved the template “{name.strip()}”.", level="success")

    # -- running -----------------------------------------------------------------------------------

    async def _send(self, draft: EventDraft) -> None:
        workspace = self._workspace
        try:
            if workspace is None:
                self.banner.show_message("Choose a workspace on the left first.", level="info")
                return
            body = self.form.editor.check.value or {}
            started = time.time()
            try:
                client = await self._services.client_for(workspace)
                result = await send_draft(client, draft, body)
            except asyncio.CancelledError:
                if self.tasks.is_current() and self.tasks.alive:
                    self.result.show_outcome(
                        "Cancelled. The call may or may not have reached Customer.io.", ok=False
                    )
                    self.status_message.emit("Cancelled")
                return
            except CioDesktopError as exc:
                if self.tasks.alive:
                    self._show_failure(exc)
                return
            if not self.tasks.alive:
                return
            exchange = result.exchange
            self.result.show_exchange(exchange)
            receiver = "the practice server" if self._workspace and self._workspace.demo else "Customer.io"
            self.result.show_outcome(
                f"✔ Accepted by {receiver} (HTTP {result.status}) in {exchange.total_ms:.0f} ms", ok=True
            )
            self._last_sent, self._sent_at = draft, started
            can_verify = verify_target(draft) is not None
            self.result.verify_button.setEnabled(can_verify)
            self.result.stop_countdown(
                "Press “Verify arrival” to check it reached the person."
                if can_verify
                else _no_verify_reason(draft)
            )
            self.status_message.emit(f"Sent: HTTP {result.status}")
            person = person_of(draft)
            if person is not None:
                self.person_changed.emit(workspace, *person)
            self._spawn_store(self._store.record_sent, workspace.id, draft)
        finally:
            if self.tasks.alive:
                self.form.set_sending(False)

    async def _verify(self, draft: EventDraft) -> None:
        workspace = self._workspace
        if workspace is None:
            return
        self.arrived_at = None
        timeout = self.verify_timeout_s
        self.result.start_countdown(timeout)
        try:
            client = await self._services.client_for(workspace)
            found = await verify_sent(client, draft, since=self._sent_at, timeout_s=timeout)
        except asyncio.CancelledError:
            if self.tasks.alive:
                self.result.stop_countdown(
                    "Cancelled: stopped watching. Press “Verify arrival” to try again."
                )
                self.result.verify_button.setEnabled(True)
                self.status_message.emit("Verification cancelled")
            return
        except CioDesktopError as exc:
            if self.tasks.alive:
                self.result.stop_countdown("Could not check the activity log.", ok=False)
                self.result.verify_button.setEnabled(True)
                self.banner.show_error(exc, hint="Verifying needs the workspace's App API key.")
            return
        if not self.tasks.alive:
            return
        self.result.verify_button.setEnabled(True)
        if found is None:
            tips = "\n".join(f"• {tip}" for tip in NOT_SEEN_TIPS)
            self.result.stop_countdown(f"Not seen after {timeout:.0f} s. What to check:\n{tips}", ok=False)
            self.status_message.emit("Event not seen yet")
            return
        stamp = found.get("timestamp")
        moment = datetime.now(UTC)
        if isinstance(stamp, int | float):
            moment = datetime.fromtimestamp(float(stamp), UTC)
        self.arrived_at = moment
        self.result.stop_countdown(f"✔ Arrived at {format_clock(moment)}", ok=True)
        self.status_message.emit(f"Event arrived at {format_clock(moment)}")
        person = person_of(draft)
        if self._workspace is not None and person is not None:
            self.person_changed.emit(self._workspace, *person)

    def _show_failure(self, exc: CioDesktopError) -> None:
        exchange_id = getattr(exc, "exchange_id", None)
        exchange = self._services.history.get(exchange_id) if exchange_id else None
        self.result.show_exchange(exchange)
        self.result.show_outcome(f"✖ Not accepted: {exc.message}", ok=False)
        field_errors = getattr(exc, "field_errors", None) or []
        hint = "\n".join(
            f"• {'item ' + str(e.batch_index) + ': ' if e.batch_index is not None else ''}"
            f"{e.field + ': ' if e.field else ''}{e.message}"
            for e in field_errors[:8]
        )
        self.banner.show_error(exc, hint=hint)
        self.status_message.emit("Send failed")

    # -- templates store (file I/O in a thread) ------------------------------------------------------

    def _spawn_store(self, method: Any, *args: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no event loop (e.g. a screenshot script): templates simply stay empty
            return
        self._store_tasks.spawn(self._run_store(method, *args))

    async def _run_store(self, method: Any, *args: Any) -> None:
        try:
            state = await asyncio.to_thread(method, *args)
        except (OSError, CioDesktopError, ValueError) as exc:
            if self.tasks.alive:
                self.banner.show_error(exc, hint="Templates and history could not be read or saved.")
            return
        if self.tasks.alive and self._workspace is not None and args and args[0] == self._workspace.id:
            self._apply_store(state)

    def _apply_store(self, state: WorkspaceTemplates) -> None:
        self.form.set_templates(state.templates)
        self.form.set_history(state.sent)

    def _on_save_template_requested(self) -> None:
        if self._workspace is None:
            self.banner.show_message("Choose a workspace on the left first.", level="info")
            return
        self._store_tasks.spawn(self._ask_template_name(), key="template-name")

    async def _ask_template_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save as template")
        dialog.setLabelText("Name for this template:")
        ok = await run_dialog(dialog) == QInputDialog.DialogCode.Accepted
        name = dialog.textValue()
        dialog.deleteLater()
        if ok and name.strip():
            await self.save_template(name)

    def _on_delete_template_requested(self, name: str) -> None:
        if self._workspace is not None:
            self._spawn_store(self._store.delete_template, self._workspace.id, name)


def _no_verify_reason(draft: EventDraft) -> str:
    if is_pipelines(draft):
        return no_verify_reason(pipelines_spec(draft.call_type).call)
    if draft.call_type == CallType.IDENTIFY.value:
        return "Identify updates the profile: open Customer lookup to see the new attributes."
    if draft.call_type == CallType.ANONYMOUS_EVENT.value:
        return "Anonymous events belong to no person yet, so there is no activity log to watch."
    return "A batch can touch many people: open Customer lookup to check each one."
