"""Copy as curl with the real keys: the user's deliberate choice, read from the real keyring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cio_desktop.api.exchange import Exchange
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.inspector_panel import InspectorPanel
from tests.ui.conftest import QtAsyncLoop


def test_copy_with_the_real_keys_reads_them_from_the_keyring(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    workspace = qloop.run(
        services.add_workspace(
            Workspace(name="Acme", site_id="site-123", region=Region.US),
            {SecretKind.TRACK_API_KEY: "track-key-abc123", SecretKind.APP_API_KEY: "app-key-xyz789"},
        )
    )
    services.history.add(
        Exchange(
            id="ex1",
            workspace=workspace.name,
            method="POST",
            url="https://track.customer.io/api/v1/customers/a/events",
            request_headers={"Authorization": "Basic [redacted]"},
            status=200,
            started_at=datetime.now().astimezone(),
            operation="Event",
            api="track",
        )
    )
    panel = InspectorPanel(services)
    qtbot.addWidget(panel)
    panel.select_row(0)
    assert qloop.run(panel.copy_curl_with_secret())
    text = QApplication.clipboard().text()
    assert "-u site-123:track-key-abc123" in text
    assert panel.banner.level == "warning", "the real keys are copied with a warning, never silently"
    QApplication.clipboard().clear()
