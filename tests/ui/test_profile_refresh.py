"""Issue 12: after a send to the person shown in the lookup, their activities refresh by themselves."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cio_desktop.operations.services import Services
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_main_window import add, close_window, open_window


def test_a_send_to_the_person_shown_reloads_their_activities(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    add(qloop, services, sandbox, "Acme")
    window = open_window(qtbot, qloop, services)
    try:
        lookup, event = window.panels["lookup"], window.panels["event"]
        lookup.query_edit.setText(WELL_KNOWN["email"])
        qloop.run(lookup.start_search(), timeout=15)
        table = lookup.profile_view.activities_table
        names = lambda: {table.item(r, 3).text() for r in range(table.rowCount())}  # noqa: E731
        assert "refresh_check" not in names()

        event.form.customer_edit.setText(WELL_KNOWN["email"])  # another way to name the same person
        event.form.name_edit.setText("refresh_check")
        qtbot.mouseClick(event.form.send_button, Qt.MouseButton.LeftButton)
        qloop.run(event.current_task, timeout=15)
        qtbot.waitUntil(lambda: "refresh_check" in names(), timeout=10000)
        assert "refresh_check" in lookup.profile_view.last_seen.text(), "the last-activity line follows"
        assert "Loading" not in window.status_label.text(), "no stale 'Loading activities…' in the status bar"
    finally:
        close_window(qtbot, window)
