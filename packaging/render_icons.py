"""Render the app icon's PNGs (16..512 px), the Windows .ico and the macOS .icns from the one SVG.

Run after changing the SVG: ``.venv/bin/python packaging/render_icons.py``. Uses Qt's own SVG renderer
(QtSvg is part of PySide6-Essentials), offscreen, so no ImageMagick or rsvg is needed. The outputs are
committed; the build only copies them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_ID = "io.github.cio_desktop.CioDesktop"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / f"{APP_ID}.svg"))
    if not renderer.isValid():
        print(f"render_icons: {APP_ID}.svg is not a valid SVG", file=sys.stderr)
        return 1

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image

    for size in SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(target), "PNG"):
            print(f"render_icons: could not write {target}", file=sys.stderr)
            return 1
    # Windows takes a 256 px .ico and scales down; macOS a 512 px .icns (Qt's icns writer).
    for name, fmt, size in ((f"{APP_ID}.ico", "ICO", 256), (f"{APP_ID}.icns", "ICNS", 512)):
        if not render(size).save(str(ICONS / name), fmt):
            print(f"render_icons: could not write {name} (Qt image format plugin missing?)", file=sys.stderr)
            return 1
    print(f"render_icons: wrote {len(SIZES)} PNGs, .ico and .icns under {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
