"""The window carries the app icon (every size), and the desktop file name matches the installed one."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cio_desktop.resources import APP_ID, ICON_SIZES
from cio_desktop.ui.app_icon import app_icon

CODE = """
import json
from PySide6.QtWidgets import QApplication
from cio_desktop.app import run_gui
code = run_gui(exit_when_ready=True)
app = QApplication.instance()
sizes = sorted(s.width() for s in app.windowIcon().availableSizes())
print(json.dumps({"code": code, "sizes": sizes, "desktop": app.desktopFileName()}))
"""


def test_the_app_uses_its_icon_and_app_id(cio_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIO_DESKTOP_HOME=str(cio_home))
    result = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"code": 0, "sizes": list(ICON_SIZES), "desktop": APP_ID}


def test_a_bundle_without_its_icons_still_starts_and_logs_why(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with caplog.at_level(logging.WARNING, logger="cio_desktop.ui"):
        icon = app_icon()
    assert icon.isNull()
    assert "is missing from" in caplog.text
