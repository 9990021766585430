"""One-click resend in the request inspector (issue 14, Deliver item 2): a send that failed stays in the
history marked failed; "Resend" sends it again with the same event id, so the event lands once even when
the first try was processed before its answer was lost. Real Services, a real sandbox, real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cio_desktop.api.errors import ApiError
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.ui.panels.inspector_panel import InspectorPanel
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_lookup_panel import connect_services


def test_a_failed_send_is_resent_once_with_one_click(
    qtbot, qloop: QtAsyncLoop, sandbox: ThreadedSandbox
) -> None:
    services, workspace = qloop.run(connect_services(sandbox))
    panel = InspectorPanel(services)
    qtbot.addWidget(panel)
    try:
        client = qloop.run(services.client_for(workspace))
        qloop.run(client.track.region())  # region known: the failing send is the newest call
        sandbox.set_faults(["truncate=1@/api/v1/customers"])  # processed, then the answer is cut off

        async def send() -> None:
            with pytest.raises(ApiError):
                await client.track.event("ui-resend", "ui resent", {"n": 1})

        qloop.run(send())
        sandbox.set_faults([])
        panel.select_row(0)
        failed = panel.selected_exchange()
        assert failed is not None
        assert failed.error is not None
        assert panel.resend_button.isEnabled()
        qtbot.mouseClick(panel.resend_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.banner.level == "success", timeout=10_000)
        assert "same event id" in panel.banner.message()
        landed = sandbox.inspect(lambda ws: [a for a in ws.activities if a.get("name") == "ui resent"])
        assert len(landed) == 1
        newest = services.history.records()[-1]
        assert newest.ok
        assert newest.request_body == failed.request_body
        panel.select_row(0)  # the successful resend: nothing left to resend
        assert not panel.resend_button.isEnabled()
    finally:
        qloop.run(services.aclose())
