"""Event test panel against a real sandbox: every call type, verify arrival, invalid JSON, templates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from cio_desktop.models import Workspace
from cio_desktop.operations.send import SPECS, CallType
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.ui.panels.event_panel import EventPanel
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_lookup_panel import connect_services


@pytest.fixture
def setup(
    qtbot, qloop: QtAsyncLoop, sandbox: ThreadedSandbox
) -> Iterator[tuple[EventPanel, Services, Workspace]]:
    services, workspace = qloop.run(connect_services(sandbox))
    panel = EventPanel(services)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.set_workspace(workspace)
    panel.form.customer_edit.setText(WELL_KNOWN["customer_id"])
    yield panel, services, workspace
    panel.tasks.cancel()
    qloop.run(services.aclose())


def _choose(panel: EventPanel, call_type: CallType) -> None:
    form = panel.form
    form.type_combo.setCurrentIndex(form.type_combo.findData(call_type.value))


def _send(qtbot, qloop: QtAsyncLoop, panel: EventPanel) -> None:
    assert panel.form.send_button.isEnabled(), panel.form.send_hint.text()
    qtbot.mouseClick(panel.form.send_button, Qt.MouseButton.LeftButton)
    task = panel.current_task
    assert task is not None
    qloop.run(task, timeout=15)


@pytest.mark.parametrize("call_type", [CallType.PERSON_EVENT, CallType.PAGE_VIEW, CallType.SCREEN_VIEW])
def test_sending_and_verifying_arrival(qtbot, qloop: QtAsyncLoop, setup, call_type: CallType) -> None:
    panel, _, _ = setup
    _choose(panel, call_type)
    form = panel.form
    form.customer_edit.setText(WELL_KNOWN["customer_id"])
    form.name_edit.clear()
    qtbot.keyClicks(form.name_edit, f"{SPECS[call_type].default_name}-check")
    _send(qtbot, qloop, panel)
    result = panel.result
    assert "Accepted by Customer.io (HTTP 200)" in result.outcome_label.text()
    request = result.request_view.toPlainText()
    assert request.startswith("POST ")
    assert "-check" in request
    assert "HTTP 200" in result.response_view.toPlainText()
    assert result.verify_button.isEnabled()
    qtbot.mouseClick(result.verify_button, Qt.MouseButton.LeftButton)
    qloop.run(panel.current_task, timeout=15)
    assert result.verify_label.text().startswith("✔ Arrived at ")
    assert panel.arrived_at is not None


@pytest.mark.parametrize("call_type", [CallType.IDENTIFY, CallType.ANONYMOUS_EVENT, CallType.BATCH])
def test_calls_without_a_single_activity_are_sent_and_explained(
    qtbot, qloop: QtAsyncLoop, setup, call_type: CallType
) -> None:
    panel, _, _ = setup
    _choose(panel, call_type)
    panel.form.customer_edit.setText(WELL_KNOWN["customer_id"])
    _send(qtbot, qloop, panel)
    assert "HTTP 200" in panel.result.outcome_label.text()
    assert not panel.result.verify_button.isEnabled()
    assert panel.result.verify_label.text()  # says why there is nothing to verify


def test_request_shown_is_redacted(qtbot, qloop: QtAsyncLoop, setup, sandbox: ThreadedSandbox) -> None:
    panel, _, _ = setup
    _send(qtbot, qloop, panel)
    shown = panel.result.request_view.toPlainText()
    assert "authorization: basic [redacted]" in shown.lower()
    assert sandbox.info.track_api_key not in shown


def test_invalid_json_disables_send_and_points_at_the_mistake(qtbot, setup) -> None:
    panel, _, _ = setup
    form = panel.form
    form.editor.set_text('{\n  "plan": "pro",\n  "seats": \n}')
    assert not form.send_button.isEnabled()
    assert "JSON mistake" in form.send_hint.text()
    assert "Line 4, column 1" in form.editor.problem_label.text()
    form.editor.set_text('{"plan": "pro"}')
    form.customer_edit.clear()
    assert not form.send_button.isEnabled()
    assert form.send_hint.text() == "Enter the person's customer ID or email."
    form.customer_edit.setText("someone")
    assert form.send_button.isEnabled()


def test_a_rejected_batch_shows_what_to_fix(qtbot, qloop: QtAsyncLoop, setup) -> None:
    panel, _, _ = setup
    _choose(panel, CallType.BATCH)
    panel.form.editor.set_text(
        '{"batch": [{"type": "person", "action": "event", "identifiers": {"id": "a"}}]}'
    )
    _send(qtbot, qloop, panel)
    assert panel.result.outcome_label.text().startswith("✖ Not accepted")
    assert not panel.banner.isHidden()
    assert panel.result.response_view.toPlainText()  # the server's answer is shown beside the request


def test_templates_are_saved_per_workspace_and_history_keeps_sent_payloads(
    qtbot, qloop: QtAsyncLoop, setup, sandbox: ThreadedSandbox
) -> None:
    panel, services, workspace = setup
    form = panel.form
    form.name_edit.setText("template_event")
    qloop.run(panel.save_template("Purchase test"))
    assert form.template_combo.findData("Purchase test") > 0
    _send(qtbot, qloop, panel)
    qtbot.waitUntil(lambda: form.history_combo.count() == 2, timeout=3000)
    assert "template_event" in form.history_combo.itemText(1)

    other = qloop.run(services.add_workspace(Workspace(name="Other", track_url=sandbox.info.track_url), {}))
    panel.set_workspace(other)
    qtbot.waitUntil(lambda: form.template_combo.findData("Purchase test") < 0, timeout=3000)
    panel.set_workspace(workspace)
    qtbot.waitUntil(lambda: form.template_combo.findData("Purchase test") > 0, timeout=3000)
    form.name_edit.setText("changed")
    form.load_template("Purchase test")
    assert form.name_edit.text() == "template_event"
    form.history_combo.setCurrentIndex(1)
    form.history_combo.activated.emit(1)
    assert form.name_edit.text() == "template_event"


def test_not_seen_says_what_to_check(qtbot, qloop: QtAsyncLoop, setup) -> None:
    panel, _, _ = setup
    panel.verify_timeout_s = 1.5
    task = panel.start_verify((WELL_KNOWN["customer_id"], "never-sent-event"))
    assert task is not None
    qtbot.waitUntil(lambda: panel.result.counting_down, timeout=1000)
    assert "s left" in panel.result.verify_label.text()
    qloop.run(task, timeout=10)
    text = panel.result.verify_label.text()
    assert text.startswith("Not seen after 2 s. What to check:")
    assert "customer ID" in text


def test_cancelling_verification_and_a_slow_send(qtbot, qloop: QtAsyncLoop, make_sandbox) -> None:
    slow = make_sandbox(faults=("latency=2@/api/v1",))
    services, workspace = qloop.run(connect_services(slow))
    panel = EventPanel(services)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    try:
        panel.form.customer_edit.setText(WELL_KNOWN["customer_id"])
        task = panel.start_send()
        assert task is not None
        qtbot.waitUntil(lambda: panel.busy.is_busy, timeout=2000)
        qtbot.keyClicks(panel.form.name_edit, "x")  # the form still reacts while the call waits
        assert panel.form.name_edit.text().endswith("x")
        qtbot.mouseClick(panel.busy.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(task.done, timeout=1000)
        assert "Cancelled" in panel.result.outcome_label.text()
        assert panel.form.send_button.isEnabled()

        verify = panel.start_verify((WELL_KNOWN["customer_id"], "never-sent-event"))
        assert verify is not None
        qtbot.waitUntil(lambda: panel.result.counting_down, timeout=1000)
        qtbot.mouseClick(panel.result.verify_cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(verify.done, timeout=1000)
        assert panel.result.verify_label.text().startswith("Cancelled")
    finally:
        qloop.run(services.aclose())


def test_a_small_window_keeps_request_and_response_readable(qtbot, qloop: QtAsyncLoop, setup) -> None:
    """Issue 12: at 1024×640 the panes shrank to about 150 px, breaking header names mid-word, and their
    two titles ran together. Too narrow for two readable panes side by side, they stack instead."""
    panel, _, _ = setup
    panel.resize(760, 520)  # the panel's room in a 1024×640 window
    panel.show()
    qtbot.waitExposed(panel)
    _send(qtbot, qloop, panel)
    result = panel.result
    for view in (result.request_view, result.response_view):
        assert view.width() >= result.readable_width(), f"{view.accessibleName()} is {view.width()} px"
    assert result.panes.orientation() == Qt.Orientation.Vertical
    panel.resize(1400, 800)
    qtbot.waitUntil(lambda: result.panes.orientation() == Qt.Orientation.Horizontal)
