"""The request inspector: live table, filters, details, copy as curl and HAR export."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.inspector_panel import InspectorPanel
from tests.ui.conftest import QtAsyncLoop

T0 = datetime(2026, 11, 26, 12, 0, 0).astimezone()


def _Services(history: RequestHistory) -> Services:
    """The real application layer over a history of made-up records."""
    return Services(history=history)


def _exchange(
    n: int, *, workspace: str = "Shop", status: int | None = 200, path: str = "/api/v1/customers/a"
) -> Exchange:
    return Exchange(
        id=f"ex{n}",
        workspace=workspace,
        method="PUT",
        url=f"https://track.customer.io{path}",
        request_headers={"Authorization": "Basic [redacted]", "Content-Type": "application/json"},
        request_body='{"plan":"pro"}',
        status=status,
        response_headers={"content-type": "application/json"},
        response_body="{}" if status else None,
        error=None if status else "The connection timed out.",
        started_at=T0 + timedelta(seconds=n),
        timings={"connect": 3.0, "tls": 0.0, "first_byte": 40.0, "total": 45.0},
        operation="Identify",
        api="track",
    )


def _panel(qtbot, history: RequestHistory) -> InspectorPanel:
    panel = InspectorPanel(_Services(history))
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    return panel


def test_empty_history_explains_what_will_appear(qtbot) -> None:
    panel = _panel(qtbot, RequestHistory(persist=False))
    assert panel.panel_title == "Request inspector"
    assert not panel.empty_label.isHidden()
    assert "No calls yet" in panel.empty_label.text()
    assert not panel.har_button.isEnabled()


def test_new_calls_appear_live_newest_first_and_filters_narrow_them(qtbot) -> None:
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    panel = _panel(qtbot, history)
    history.add(_exchange(2, workspace="Blog", status=401))
    history.add(_exchange(3, status=None, path="/v1/customers/b/attributes"))
    assert panel.proxy.rowCount() == 3
    assert [e.id for e in panel.visible_exchanges()] == ["ex3", "ex2", "ex1"]
    assert panel.count_label.text() == "3 calls"

    panel.workspace_combo.setCurrentIndex(panel.workspace_combo.findData("Blog"))
    assert [e.id for e in panel.visible_exchanges()] == ["ex2"]
    assert panel.count_label.text() == "1 of 3 calls"
    panel.workspace_combo.setCurrentIndex(0)

    panel.status_combo.setCurrentIndex(panel.status_combo.findData("failed"))
    assert [e.id for e in panel.visible_exchanges()] == ["ex3"]
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("4xx"))
    assert [e.id for e in panel.visible_exchanges()] == ["ex2"]
    panel.status_combo.setCurrentIndex(0)

    qtbot.keyClicks(panel.search_edit, "attributes")
    assert [e.id for e in panel.visible_exchanges()] == ["ex3"]
    assert panel.proxy.index(0, 5).data() == "No answer"
    assert "timed out" in panel.proxy.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.proxy.index(0, 2).data() == "Identify"


def test_details_show_headers_pretty_bodies_and_timings(qtbot) -> None:
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    panel = _panel(qtbot, history)
    panel.select_row(0)
    details = panel.details
    assert details.summary_labels["request"].text() == "PUT https://track.customer.io/api/v1/customers/a"
    assert details.summary_labels["status"].text() == "200 OK"
    assert "Authorization: Basic [redacted]" in details.request_headers.toPlainText()
    assert details.request_body.toPlainText() == '{\n  "plan": "pro"\n}'
    assert details.timing_bars["first_byte"].text() == "40 ms"
    assert "reused" in details.timing_bars["tls"].text()
    assert details.timing_bars["total"].value() == 1000


def test_copy_as_curl_puts_placeholders_on_the_clipboard(qtbot) -> None:
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    panel = _panel(qtbot, history)
    panel.select_row(0)
    qtbot.mouseClick(panel.curl_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    assert text.startswith("curl -X PUT")
    assert "$CIO_TRACK_API_KEY" in text
    assert "Copied as curl" in panel.banner.message()


def test_export_har_writes_the_visible_calls_off_the_ui_thread(
    qtbot, qloop: QtAsyncLoop, tmp_path: Path
) -> None:
    history = RequestHistory(persist=False)
    for n in range(3):
        history.add(_exchange(n, workspace="Shop" if n else "Blog"))
    panel = _panel(qtbot, history)
    panel.workspace_combo.setCurrentIndex(panel.workspace_combo.findData("Shop"))
    target = tmp_path / "calls.har"
    with qtbot.waitSignal(panel.busy_changed):
        count = qloop.run(panel.export_har(target))
    assert count == 2
    har = json.loads(target.read_text(encoding="utf-8"))
    assert len(har["log"]["entries"]) == 2
    assert "Saved 2 calls" in panel.banner.message()


def test_har_and_curl_of_real_calls_hold_no_secret(
    qtbot, qloop: QtAsyncLoop, sandbox, tmp_path: Path
) -> None:
    from cio_desktop.operations.send import CallType, default_draft, send_draft
    from tests.ui.test_lookup_panel import connect_services

    services, workspace = qloop.run(connect_services(sandbox))
    panel = InspectorPanel(services)
    qtbot.addWidget(panel)

    async def calls() -> None:
        client = await services.client_for(workspace)
        draft = default_draft(CallType.IDENTIFY, customer_id="har-person")
        await send_draft(client, draft, json.loads(draft.body))
        await client.app.attributes("har-person")

    try:
        qloop.run(calls())
        assert panel.proxy.rowCount() == 2  # both calls appeared live
        target = tmp_path / "real.har"
        qloop.run(panel.export_har(target))
        raw = target.read_bytes()
        har = json.loads(raw)
        assert len(har["log"]["entries"]) == 2
        info = sandbox.info
        basic = base64.b64encode(f"{info.site_id}:{info.track_api_key}".encode()).decode()
        for secret in (info.track_api_key, info.app_api_key, basic):
            assert secret.encode() not in raw
        for row in range(2):
            panel.select_row(row)
            panel.copy_curl()
            curl = QApplication.clipboard().text()
            assert info.track_api_key not in curl
            assert info.app_api_key not in curl
            assert "$CIO_TRACK_API_KEY" in curl or "$CIO_APP_API_KEY" in curl
    finally:
        qloop.run(services.aclose())


def test_the_table_follows_the_history_limit_and_a_late_load(qtbot, tmp_path: Path) -> None:
    history = RequestHistory(limit=3, persist=False)
    panel = _panel(qtbot, history)
    for n in range(5):
        history.add(_exchange(n))
    assert [e.id for e in panel.visible_exchanges()] == ["ex4", "ex3", "ex2"]

    saved = RequestHistory(tmp_path / "history.jsonl")
    saved.record(_exchange(7))
    late = RequestHistory(tmp_path / "history.jsonl")
    panel = _panel(qtbot, late)
    assert panel.model.rowCount() == 0
    late.load()  # the app reads the file in the background after the window is up
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)


def test_details_follow_the_newest_call_unless_another_is_chosen(qtbot) -> None:
    history = RequestHistory(persist=False)
    panel = _panel(qtbot, history)
    history.add(_exchange(1))
    history.add(_exchange(2))
    # A stream of calls is followed once per FOLLOW_MS, not call by call (that froze the window).
    qtbot.waitUntil(lambda: getattr(panel.selected_exchange(), "id", None) == "ex2")
    panel.select_row(1)  # the user looks at an older call
    history.add(_exchange(3))
    selected = panel.selected_exchange()
    assert selected is not None
    assert selected.id == "ex1"


def test_a_call_chosen_while_a_stream_is_followed_stays_chosen(qtbot) -> None:
    history = RequestHistory(persist=False)
    panel = _panel(qtbot, history)
    history.add(_exchange(1))
    qtbot.waitUntil(lambda: getattr(panel.selected_exchange(), "id", None) == "ex1")
    history.add(_exchange(2))
    history.add(_exchange(3))  # following is due, not done yet
    assert panel._follow_timer.isActive()
    panel.select_row(1)  # the user picks ex2 meanwhile
    assert not panel._follow_timer.isActive()  # so nothing will jump back to the newest
    selected = panel.selected_exchange()
    assert selected is not None
    assert selected.id == "ex2"


def test_clearing_the_history_empties_the_table(qtbot, qloop: QtAsyncLoop, tmp_path: Path) -> None:
    history = RequestHistory(tmp_path / "history.jsonl")
    history.record(_exchange(1))
    panel = _panel(qtbot, history)
    assert panel.model.rowCount() == 1
    qloop.run(panel.clear_history())
    assert panel.model.rowCount() == 0
    assert not (tmp_path / "history.jsonl").exists()
    assert "cleared" in panel.banner.message()


def _failed_try(n: int, attempt: int) -> Exchange:
    """A try that never connected (connection refused), as the client records it."""
    return Exchange(
        id=f"try{n}",
        workspace="Shop",
        method="GET",
        url="https://track.customer.io/api/v1/accounts/region",
        status=None,
        error="Could not connect to track.customer.io.",
        started_at=T0 + timedelta(seconds=n),
        timings={"connect": 0.0, "tls": 0.0, "first_byte": 3.0, "total": 3.0},
        operation="Region lookup",
        api="track",
        attempt=attempt,
    )


def test_retries_of_one_call_show_as_one_row(qtbot) -> None:
    """Issue 12: one key test added eight "No answer" rows (two calls, four tries each), ungrouped."""
    history = RequestHistory(persist=False)
    for n, attempt in enumerate((1, 2, 3, 4)):
        history.add(_failed_try(n, attempt))
    panel = _panel(qtbot, history)
    for n, attempt in enumerate((1, 2, 3, 4), start=10):  # a second call, arriving live
        history.add(_failed_try(n, attempt))
    assert [e.id for e in panel.visible_exchanges()] == ["try13", "try3"]
    assert panel.proxy.index(0, 5).data() == "No answer (4 tries)"
    panel.filters.retries_check.setChecked(True)
    assert len(panel.visible_exchanges()) == 8
    panel.filters.retries_check.setChecked(False)
    assert len(panel.visible_exchanges()) == 2


def test_a_call_that_never_connected_has_no_connection_or_waiting_time(qtbot) -> None:
    history = RequestHistory(persist=False)
    history.add(_failed_try(1, 1))
    panel = _panel(qtbot, history)
    panel.select_row(0)
    bars = panel.details.timing_bars
    assert bars["connect"].text() == "no connection was made"
    assert "reused" not in bars["tls"].text()
    assert bars["first_byte"].text() == "no answer came"
    assert bars["total"].text() == "3 ms until it gave up"


def test_copy_with_export_lines_masks_the_values_and_says_what_to_do(qtbot) -> None:
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    panel = _panel(qtbot, history)
    panel.select_row(0)
    assert "stand for your keys" in panel.placeholder_note.text()  # said on screen, not only in a tooltip
    panel.curl_actions["exports"].trigger()
    text = QApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].startswith("# Replace each ••••••••")
    assert "export CIO_SITE_ID='••••••••'" in lines
    assert "export CIO_TRACK_API_KEY='••••••••'" in lines
    assert not any("CIO_APP_API_KEY" in line for line in lines), "only what this call needs"
    assert lines[lines.index("export CIO_TRACK_API_KEY='••••••••'") + 1].startswith("curl -X PUT")
    assert "export lines" in panel.banner.message()


def test_har_export_of_the_selected_call_only(qtbot, qloop: QtAsyncLoop, tmp_path: Path) -> None:
    history = RequestHistory(persist=False)
    for n in range(3):
        history.add(_exchange(n))
    panel = _panel(qtbot, history)
    assert [a.text() for a in panel.har_button.menu().actions()] == ["All calls shown…", "The selected call…"]
    panel.select_row(1)
    target = tmp_path / "one.har"
    assert qloop.run(panel.export_har(target, [panel.selected_exchange()])) == 1
    entries = json.loads(target.read_text(encoding="utf-8"))["log"]["entries"]
    assert len(entries) == 1
    assert "Saved 1 call to" in panel.banner.message()


def test_a_narrow_inspector_keeps_the_search_box_readable(qtbot) -> None:
    """Issue 12: at 1024×640 the search box shrank to "Se…"."""
    history = RequestHistory(persist=False)
    history.add(_exchange(1))
    panel = _panel(qtbot, history)
    panel.resize(640, 480)
    panel.show()
    qtbot.waitExposed(panel)
    edit = panel.search_edit
    assert edit.width() >= edit.fontMetrics().horizontalAdvance(edit.placeholderText())
