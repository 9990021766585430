"""The one way to find files under ``resources/`` (icons), from a source checkout and from a bundle.

From source the folder is the repository's ``resources/``; in a PyInstaller bundle it is
``resources/`` inside the unpacked bundle (``sys._MEIPASS``), where the spec puts it. Plain Python: no Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "io.github.cio_desktop.CioDesktop"
"""The reverse-DNS id of the app: desktop file, AppStream metainfo, icon names, macOS bundle id."""

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class ResourceMissingError(FileNotFoundError):
    """A file the app ships with is not where it should be (a broken install or bundle)."""


def resource_root() -> Path:
    """The folder holding the app's resources (it exists in a correct install)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(relative: str) -> Path:
    """The path of ``relative`` (``/``-separated, inside ``resources/``); ResourceMissingError if absent."""
    root = resource_root()
    path = root.joinpath(*relative.split("/"))
    if not path.is_file():
        raise ResourceMissingError(f"{relative} is missing from {root}: the installation is incomplete")
    return path


def app_icon_paths() -> list[Path]:
    """The app icon's PNGs, smallest first (ResourceMissingError if one is absent)."""
    return [resource_path(f"icons/hicolor/{n}x{n}/apps/{APP_ID}.png") for n in ICON_SIZES]
