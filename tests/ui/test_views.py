"""The four views of issue 15 with real widgets against the sandbox: the live activity stream (rows, filters,
pause, pausing while hidden, JSON and the link to lookup), the usage chart over the history, the key box
(ages, badge, replace flow), and the first-time explanations that stay dismissed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import second_key
from cio_desktop.ui.panels.settings_panel import SettingsPanel
from cio_desktop.ui.panels.stream_panel import StreamPanel
from cio_desktop.ui.panels.usage_panel import UsagePanel
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_lookup_panel import connect_services


@pytest.fixture
def connected(qloop: QtAsyncLoop, sandbox: ThreadedSandbox) -> Iterator[tuple[Services, Workspace]]:
    services, workspace = qloop.run(connect_services(sandbox))
    yield services, workspace
    qloop.run(services.aclose())


def test_the_stream_fills_filters_pauses_and_links_to_lookup(
    qtbot: QtBot, qloop: QtAsyncLoop, keep_widget: Any, connected: tuple[Services, Workspace]
) -> None:
    services, workspace = connected
    panel: StreamPanel = keep_widget(StreamPanel(services))
    panel.resize(1000, 700)
    panel.set_workspace(workspace)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.rows) > 0, timeout=10000)  # the newest page fills it at once
    assert panel.stream is not None
    assert panel.stream.running
    assert "Checking every 5 s" in panel.pace_label.text()
    assert panel.intro.isVisible()  # first time: the plain-words explanation

    client = qloop.run(services.client_for(workspace))
    qloop.run(client.track.event("demo-ada", "stream_panel_check", {"plan": "pro"}))
    panel.refresh()  # F5: check now instead of in 5 s
    qtbot.waitUntil(lambda: panel.rows[0].name == "stream_panel_check", timeout=10000)
    top = panel.rows[0]
    assert panel.table.item(0, 3).text() == "stream_panel_check"
    assert panel.table.item(0, 2).text() == "Event"
    assert "plan: pro" in panel.table.item(0, 4).text()

    panel.name_edit.setText("stream_panel")
    assert [r.name for r in panel.visible_rows()] == ["stream_panel_check"]
    assert "1 of" in panel.count_label.text()
    panel.name_edit.clear()
    panel.type_combo.setCurrentIndex(panel.type_combo.findData("page"))
    assert all(r.type == "page" for r in panel.visible_rows())
    panel.type_combo.setCurrentIndex(0)

    panel.table.setFocus()
    panel.table.setCurrentCell(0, 0)  # as the arrow keys do
    assert top.id in panel.json_view.toPlainText()
    with qtbot.waitSignal(panel.lookup_requested) as asked:
        qtbot.mouseClick(panel.lookup_button, Qt.MouseButton.LeftButton)
    assert asked.args == [top.lookup]

    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.pace_label.text().startswith("Paused"), timeout=5000)
    assert not panel.stream.running
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.stream.running, timeout=5000)
    panel.setWindowState(Qt.WindowState.WindowMinimized)  # the window minimised (it is the window here)
    qtbot.waitUntil(lambda: not panel.stream.running, timeout=5000)
    panel.setWindowState(Qt.WindowState.WindowNoState)
    qtbot.waitUntil(lambda: panel.stream.running, timeout=5000)
    panel.hide()  # another tab
    qtbot.waitUntil(lambda: not panel.stream.running, timeout=5000)
    requests = panel.stream.requests
    panel.show()
    qtbot.waitUntil(lambda: panel.stream.running, timeout=5000)
    assert panel.stream.requests >= requests


def test_the_first_time_explanation_stays_dismissed(
    qtbot: QtBot, qloop: QtAsyncLoop, keep_widget: Any, connected: tuple[Services, Workspace]
) -> None:
    services, _workspace = connected
    panel: UsagePanel = keep_widget(UsagePanel(services))
    panel.show()
    assert panel.intro.isVisible()
    qtbot.mouseClick(panel.intro.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: services.settings.ui_state.get("intro_usage") == "seen", timeout=5000)
    again: UsagePanel = keep_widget(UsagePanel(services))
    again.show()
    assert not again.intro.isVisible()


def test_usage_shows_todays_calls_401s_and_a_note(
    qtbot: QtBot, qloop: QtAsyncLoop, keep_widget: Any, connected: tuple[Services, Workspace], sandbox: Any
) -> None:
    services, workspace = connected
    client = qloop.run(services.client_for(workspace))
    qloop.run(client.app.workspaces())
    sandbox.set_faults(["status=401@/v1/workspaces"])
    for _ in range(3):
        with pytest.raises(Exception):  # noqa: B017,PT011 - any refusal: the point is the record
            qloop.run(client.app.workspaces())
    sandbox.set_faults([])
    panel: UsagePanel = keep_widget(UsagePanel(services))
    panel.resize(1000, 700)
    panel.set_workspace(workspace)
    panel.show()
    today = panel.chart.days[-1]
    assert (today.calls, today.unauthorized) == (4, 3)
    assert panel.scope_combo.currentText() == workspace.name
    assert "4 calls, 3 failed (3 × 401" in panel.totals_label.text()
    assert "rejected with 401 since today" in panel.notes_label.text()
    assert panel.slowest.rowCount() == 4
    panel.chart.setFocus()
    qtbot.keyClick(panel.chart, Qt.Key.Key_Left)
    assert panel.day_label.text().endswith("no calls")  # yesterday
    assert panel.chart.accessibleDescription() == panel.day_label.text()


def test_key_box_shows_ages_badges_and_replaces_a_key(
    qtbot: QtBot, qloop: QtAsyncLoop, keep_widget: Any, services: Services, sandbox: Any
) -> None:
    info = sandbox.info
    workspace = qloop.run(
        services.add_workspace(
            Workspace(name="Shop", site_id=info.site_id),
            {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: info.app_api_key},
        )
    )
    long_ago = {SecretKind.TRACK_API_KEY: "2020-01-01", SecretKind.APP_API_KEY: "2020-01-01"}
    old = services.workspaces.get("Shop").replace(key_dates=long_ago)
    services.workspaces.update(old)
    qloop.run(services.load_workspaces())
    panel: SettingsPanel = keep_widget(SettingsPanel(services))
    panel.resize(1000, 900)
    panel.show()
    panel.set_workspace(workspace)
    box = panel.key_box
    qtbot.waitUntil(lambda: len(box.ages) == 3, timeout=5000)  # Track, App, Pipelines (not stored)
    assert "2 keys are older than 90 days" in box.summary.text()
    assert "older than 90 days: replace it" in box.rows[SecretKind.APP_API_KEY][1].text()

    box.open_replace(SecretKind.APP_API_KEY)
    qtbot.waitUntil(lambda: box.dialog is not None and box.dialog.isVisible(), timeout=5000)
    dialog = box.dialog
    assert dialog is not None
    assert not dialog.second_button.isVisible()  # only the practice workspace has a second key to offer
    dialog.field.set_value("sbx_app_wrong")
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10000)
    assert "old key is still in use" in dialog.result_label.text()
    dialog.field.set_value(second_key(info.app_api_key))
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None and dialog.outcome.replaced, timeout=10000)
    assert dialog.field.value() == ""  # nothing of the key stays in the window
    assert "now the one in use" in dialog.result_label.text()
    dialog.accept()
    qtbot.waitUntil(lambda: "1 key is older" in box.summary.text(), timeout=5000)
    assert "today" in box.rows[SecretKind.APP_API_KEY][1].text()


def test_a_persons_timeline_zooms_hovers_and_shows_json(
    qtbot: QtBot, qloop: QtAsyncLoop, keep_widget: Any, connected: tuple[Services, Workspace]
) -> None:
    from cio_desktop.operations.timeline import MarkKind
    from cio_desktop.ui.panels.lookup_panel import LookupPanel

    services, workspace = connected
    panel: LookupPanel = keep_widget(LookupPanel(services))
    panel.resize(1100, 800)
    panel.set_workspace(workspace)
    panel.show()
    task = panel.search_for("demo-ada")
    assert task is not None
    qloop.run(task, timeout=15)
    view = panel.profile_view
    view.tabs.setCurrentIndex(view.tab_index("Timeline"))
    timeline = view.timeline
    kinds = {m.kind for m in timeline.marks}
    assert {MarkKind.EVENT, MarkKind.SENT, MarkKind.DELIVERED} <= kinds
    canvas = timeline.canvas
    assert canvas.shown
    assert f"of {len(timeline.marks)} marks" in timeline.count_label.text()

    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)  # zoom out one step
    wider = timeline.zoom_combo.currentIndex()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert timeline.zoom_combo.currentIndex() == wider - 1
    timeline.zoom_combo.setCurrentIndex(4)  # a year
    assert len(canvas.shown) == len(timeline.marks)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    chosen = canvas.shown[canvas.current]
    assert timeline.current_label.text() == chosen.describe()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert '"id"' in timeline.json_view.toPlainText()

    last = canvas.shown[-1]
    point = canvas._centre(last)
    assert canvas.mark_at(point) >= 0  # what hover and click find under the mouse
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert timeline.json_view.toPlainText() != ""
