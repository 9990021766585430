"""Shared steps of the lookup panel tests: open the panel on a workspace, type a search and wait for it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt

from cio_desktop.models import Workspace
from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.lookup_panel import LookupPanel
from tests.ui.conftest import QtAsyncLoop


@contextmanager
def open_lookup(
    qtbot: Any, qloop: QtAsyncLoop, services: Services, workspace: Workspace
) -> Iterator[LookupPanel]:
    """A lookup panel on ``workspace``; cancelled and the services closed afterwards."""
    panel = LookupPanel(services)
    qtbot.addWidget(panel)
    panel.resize(1100, 750)
    panel.set_workspace(workspace)
    try:
        yield panel
    finally:
        panel.cancel()
        qloop.run(services.aclose())


def search(qtbot: Any, qloop: QtAsyncLoop, panel: LookupPanel, text: str) -> None:
    """Type ``text``, press Return and wait until the search has finished."""
    panel.query_edit.clear()
    qtbot.keyClicks(panel.query_edit, text)
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)
    task = panel.search_task
    assert task is not None
    qloop.run(task, timeout=15)
