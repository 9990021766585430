"""The Settings panel: keyring status in words, network and theme settings saved and applied."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cio_desktop.operations.services import Services
from cio_desktop.ui.panels.settings_panel import SettingsPanel
from cio_desktop.ui.theme import is_dark
from tests.ui.conftest import QtAsyncLoop


@pytest.fixture
def keep_palette(qapp: QApplication) -> Iterator[None]:
    palette = qapp.palette()
    yield
    qapp.setPalette(palette)


@pytest.fixture
def make_panel(keep_widget: Any) -> Callable[[Services], SettingsPanel]:
    def make(services: Services) -> SettingsPanel:
        panel: SettingsPanel = keep_widget(SettingsPanel(services))
        panel.show()
        return panel

    return make


@pytest.mark.usefixtures("keep_palette")
def test_settings_are_saved_applied_and_read_back(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_panel: Any, sandbox: Any
) -> None:
    panel = make_panel(services)
    panel.proxy_edit.setText("http://proxy.example.com:3128")
    panel.timeout_spin.setValue(45)
    panel.connect_spin.setValue(5)
    panel.history_spin.setValue(250)
    panel.theme_combo.setCurrentIndex(panel.theme_combo.findData("dark"))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.banner.isVisible(), timeout=5000)
    assert panel.banner.level == "success"
    assert is_dark(), "the theme applies at once"
    stored = json.loads(services.settings_store.path.read_text())
    assert stored["proxy"] == "http://proxy.example.com:3128"
    assert stored["timeout_s"] == 45
    assert stored["theme"] == "dark"
    fresh = Services()
    qloop.run(fresh.load_settings())
    again = make_panel(fresh)
    assert again.proxy_edit.text() == "http://proxy.example.com:3128"
    assert again.timeout_spin.value() == 45
    assert again.connect_spin.value() == 5
    assert again.history_spin.value() == 250
    assert again.theme_combo.currentData() == "dark"
    assert again.path_labels["config"].text().startswith(str(services.settings_store.path.parent))


def test_an_invalid_proxy_is_explained_inline_and_nothing_is_saved(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_panel: Any
) -> None:
    panel = make_panel(services)
    panel.proxy_edit.setText("proxy with spaces")
    ok = qloop.run(panel.save())
    assert ok is False
    assert panel.banner.level == "error"
    assert "proxy" in panel.banner.message().lower()
    assert "Nothing was saved" in panel.banner.hint_label.text()
    assert not services.settings_store.path.exists()


def test_keyring_status_in_words(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_panel: Any
) -> None:
    panel = make_panel(services)
    qtbot.waitUntil(lambda: panel.keyring_state.text() != "Checking…", timeout=10000)
    assert panel.keyring_state.text().startswith("Secure")


def test_a_missing_keyring_is_said_plainly(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_panel: Any, fail_keyring: Any
) -> None:
    panel = make_panel(services)
    qtbot.waitUntil(lambda: panel.keyring_state.text() != "Checking…", timeout=10000)
    assert panel.keyring_state.text().startswith("Not available")
    assert panel.keyring_detail.text()
