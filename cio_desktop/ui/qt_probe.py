"""The Qt half of ``cio-desktop self-test``, run in a child process (``self-test --qt-probe``).

Starts Qt (offscreen), shows and paints a window with the app icon, and on Linux loads the xcb platform
plugin as a shared library, so a missing system library (libxcb-cursor0, libxkbcommon-x11-0, ...) is named
exactly instead of Qt's vague "xcb-cursor0 is needed". Prints one JSON line.
"""

from __future__ import annotations

import ctypes
import json
import sys
from pathlib import Path
from typing import Any


def _xcb_plugin() -> tuple[bool, str]:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    if not sys.platform.startswith("linux"):
        return True, f"not used on {sys.platform} (Linux only)"
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), *QCoreApplication.libraryPaths()]
    candidates = [Path(folder) / "platforms" / "libqxcb.so" for folder in folders]
    plugin = next((path for path in candidates if path.is_file()), None)
    if plugin is None:
        return False, f"libqxcb.so not found in {', '.join(dict.fromkeys(folders))}"
    try:
        ctypes.CDLL(str(plugin))  # the dynamic loader resolves every library it links to, or says which
    except OSError as exc:
        return False, f"{plugin} does not load: {exc}"
    return True, f"{plugin} and the libraries it needs loaded"


def probe() -> dict[str, Any]:
    """Start Qt, paint a window, check the xcb plugin; the findings as a JSON-ready dict."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel

    from cio_desktop.ui.app_icon import app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    icon = app_icon()
    window = QLabel("cio-desktop self-test")
    window.setWindowIcon(icon)
    window.resize(320, 120)
    window.show()
    app.processEvents()
    painted = not window.grab().isNull()
    platform = QGuiApplication.platformName()
    sizes = len(icon.availableSizes())
    offscreen_ok = painted and platform == "offscreen" and sizes > 0
    result: dict[str, Any] = {
        "offscreen_ok": offscreen_ok,
        "offscreen": (
            f"Qt {pyside_version} started on the '{platform}' platform, "
            f"{'painted' if painted else 'could not paint'} a window with a {sizes}-size icon"
        ),
    }
    result["xcb_ok"], result["xcb"] = _xcb_plugin()
    window.close()
    return result


def main() -> int:
    """Print the probe's JSON line; exit 0 (the parent judges the findings)."""
    print(json.dumps(probe()), flush=True)
    return 0
