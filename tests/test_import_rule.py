"""The import rule: only ``cio_desktop.ui`` and the composition root may load Qt or qasync."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import cio_desktop

# The composition root starts Qt; everything under ui/ is Qt by definition.
QT_ALLOWED = ("cio_desktop.ui", "cio_desktop.app")


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(cio_desktop.__path__, prefix="cio_desktop."):
        if not info.name.startswith(QT_ALLOWED):
            names.append(info.name)
    return sorted(names)


def test_non_ui_modules_never_load_qt_or_qasync() -> None:
    modules = _non_ui_modules()
    assert "cio_desktop.cli" in modules
    assert "cio_desktop.workspaces" in modules
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], "Qt was imported outside cio_desktop.ui"


def test_cli_start_does_not_import_heavy_libraries() -> None:
    """Building the command parser must stay cheap so the window appears fast."""
    code = (
        "import json, sys\n"
        "from cio_desktop.cli import build_parser\n"
        "build_parser()\n"
        "heavy = ('PySide6', 'httpx', 'keyring', 'aiohttp', 'trustme', 'cryptography', 'asyncio')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
