"""The window icon, built from the PNGs the resource lookup finds (Qt loads each size on demand)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

from cio_desktop.resources import ResourceMissingError, app_icon_paths


def app_icon() -> QIcon:
    """The app icon; an empty icon (and one log line) when the files are missing, so start-up goes on."""
    icon = QIcon()
    try:
        paths = app_icon_paths()
    except ResourceMissingError as exc:
        logging.getLogger("cio_desktop.ui").warning("app icon: %s", exc)
        return icon
    for path in paths:
        icon.addFile(str(path))
    return icon
