"""Event test panel with "Pipelines API" chosen, against a real sandbox: typed forms per call, the request
and response side by side, verify arrival through the App API, and the inspector showing the call with the
write key redacted."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.pipelines_send import PIPELINES_SPECS, PipelinesCall
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SecretStore
from cio_desktop.ui.panels.event_panel import EventPanel
from cio_desktop.ui.panels.inspector_panel import InspectorPanel
from tests.ui.conftest import QtAsyncLoop


async def _connect(sandbox: ThreadedSandbox) -> tuple[Services, Workspace]:
    info = sandbox.info
    services = Services(secrets=SecretStore(session_only=True))
    workspace = Workspace(
        name="CDP shop", region=Region(info.region), app_url=info.app_url, pipelines_url=info.pipelines_url
    )
    secrets = {SecretKind.APP_API_KEY: info.app_api_key, SecretKind.PIPELINES_KEY: info.pipelines_write_key}
    return services, await services.add_workspace(workspace, secrets)


@pytest.fixture
def setup(qtbot, qloop: QtAsyncLoop, sandbox: ThreadedSandbox) -> Iterator[tuple[EventPanel, Services]]:
    services, workspace = qloop.run(_connect(sandbox))
    panel = EventPanel(services)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.set_workspace(workspace)
    yield panel, services
    panel.tasks.cancel()
    qloop.run(services.aclose())


def _choose(panel: EventPanel, call: PipelinesCall) -> None:
    form = panel.form
    form.api_combo.setCurrentIndex(form.api_combo.findData("pipelines"))
    form.type_combo.setCurrentIndex(form.type_combo.findData(call.value))


def _send(qtbot, qloop: QtAsyncLoop, panel: EventPanel) -> None:
    assert panel.form.send_button.isEnabled(), panel.form.send_hint.text()
    qtbot.mouseClick(panel.form.send_button, Qt.MouseButton.LeftButton)
    task = panel.current_task
    assert task is not None
    qloop.run(task, timeout=15)


def _visible(widget: Any) -> bool:
    return not widget.isHidden()


def test_choosing_the_pipelines_api_lists_its_calls_and_their_fields(setup) -> None:
    panel, _ = setup
    form = panel.form
    assert [form.api_combo.itemText(i) for i in range(form.api_combo.count())] == [
        "Track API",
        "Pipelines API",
    ]
    _choose(panel, PipelinesCall.TRACK)
    assert form.type_combo.count() == len(PIPELINES_SPECS)
    assert form.customer_label.text() == "&User ID (userId):"
    assert _visible(form.anonymous_edit)
    assert _visible(form.name_edit)
    assert not _visible(form.group_edit)
    assert not _visible(form.previous_edit)
    assert "Pipelines API" in form.help_label.text()
    _choose(panel, PipelinesCall.GROUP)
    assert _visible(form.group_edit)
    assert not _visible(form.previous_edit)
    assert '"traits"' in form.editor.text()
    _choose(panel, PipelinesCall.ALIAS)
    assert _visible(form.previous_edit)
    assert not _visible(form.anonymous_edit)
    form.customer_edit.setText("u-1")
    assert form.send_hint.text() == "Enter the previousId (the id the person had before)."
    form.previous_edit.setText("visitor-1")
    assert form.send_button.isEnabled()
    draft = form.draft()
    assert (draft.api, draft.call_type, draft.previous_id) == ("pipelines", "alias", "visitor-1")
    form.api_combo.setCurrentIndex(form.api_combo.findData("track"))
    assert form.customer_label.text() == "&Customer ID or email:"
    assert not _visible(form.previous_edit)
    form.set_draft(draft)  # a saved Pipelines template comes back as one
    assert form.api() == "pipelines"
    assert form.type_combo.currentData() == "alias"
    assert form.previous_edit.text() == "visitor-1"


def test_identify_and_track_arrive_and_verify(
    qtbot, qloop: QtAsyncLoop, setup, sandbox, tmp_path: Path
) -> None:
    panel, services = setup
    form = panel.form
    changed: list[tuple[str, str]] = []
    panel.person_changed.connect(lambda _ws, value, id_type: changed.append((value, id_type)))
    _choose(panel, PipelinesCall.IDENTIFY)
    form.customer_edit.setText("gui-cdp-1")
    _send(qtbot, qloop, panel)
    assert "Accepted by Customer.io (HTTP 200)" in panel.result.outcome_label.text()
    assert panel.result.request_view.toPlainText().startswith("POST ")
    assert "/cdp/v1/identify" in panel.result.request_view.toPlainText()
    assert not panel.result.verify_button.isEnabled()
    assert sandbox.inspect(lambda ws: ws.by_id("gui-cdp-1").attributes["plan"]) == "trial"

    _choose(panel, PipelinesCall.TRACK)
    form.name_edit.clear()
    qtbot.keyClicks(form.name_edit, "Course Started")
    _send(qtbot, qloop, panel)
    request = panel.result.request_view.toPlainText()
    assert '"event": "Course Started"' in request or '"event":"Course Started"' in request
    assert '"userId": "gui-cdp-1"' in request or '"userId":"gui-cdp-1"' in request
    assert "Order Completed" not in request  # the default name was replaced, not kept
    assert panel.result.verify_button.isEnabled()
    qtbot.mouseClick(panel.result.verify_button, Qt.MouseButton.LeftButton)
    task = panel.current_task
    assert task is not None
    qloop.run(task, timeout=20)
    assert panel.result.verify_label.text().startswith("✔ Arrived at"), panel.result.verify_label.text()
    assert changed == [("gui-cdp-1", "id")] * 3  # identify, track, arrival: a userId is an id

    inspector = InspectorPanel(services)  # opened after the calls: it shows the history so far
    qtbot.addWidget(inspector)
    key = sandbox.info.pipelines_write_key
    key_forms = (key, base64.b64encode(f"{key}:".encode()).decode())
    urls = []
    for row in range(inspector.proxy.rowCount()):
        inspector.select_row(row)
        exchange = inspector.selected_exchange()
        assert exchange is not None
        urls.append(exchange.url)
        details = inspector.details
        shown = details.request_headers.toPlainText() + details.request_body.toPlainText()
        inspector.copy_curl()
        shown += QApplication.clipboard().text()
        assert not any(secret in shown for secret in key_forms)
        if exchange.url.endswith("/cdp/v1/track"):
            assert "authorization: basic [redacted]" in details.request_headers.toPlainText().lower()
            assert '-u "$CIO_PIPELINES_KEY:"' in QApplication.clipboard().text()
    assert any(url.endswith("/cdp/v1/track") for url in urls)
    har = tmp_path / "cdp.har"
    qloop.run(inspector.export_har(har))
    raw = har.read_text(encoding="utf-8")
    assert "/cdp/v1/identify" in raw
    assert not any(secret in raw for secret in key_forms)


def test_a_wrong_call_shape_is_refused_before_sending(qtbot, qloop: QtAsyncLoop, setup) -> None:
    panel, services = setup
    form = panel.form
    _choose(panel, PipelinesCall.IDENTIFY)
    form.editor.set_text('{"traits": ["not", "an", "object"]}')
    assert not form.send_button.isEnabled()
    assert "Fix the JSON mistake" in form.send_hint.text()
    _choose(panel, PipelinesCall.PAGE)
    form.editor.set_text('{"properties": {"url": "https://example.com/a"}}')
    form.anonymous_edit.setText("visitor-9")
    before = len(services.history_records())
    _send(qtbot, qloop, panel)
    assert len(services.history_records()) == before + 1
    assert not panel.result.verify_button.isEnabled()
    assert "no person's activity log" in panel.result.verify_label.text() or "without a userId" in (
        panel.result.verify_label.text()
    )
