"""Where cio-desktop keeps its files: config, data and logs.

``CIO_DESKTOP_HOME=DIR`` puts all three under DIR (tests and scripts rely on it); without it the
platform's per-user locations from platformdirs are used. Nothing here creates secrets or reads them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

HOME_ENV = "CIO_DESKTOP_HOME"
_APP = "cio-desktop"


def home_override() -> Path | None:
    """The ``CIO_DESKTOP_HOME`` folder, if set and non-empty."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _dir(kind: str) -> Path:
    override = home_override()
    if override is not None:
        path = override / kind
    else:
        import platformdirs  # lazy: not needed when the override is set

        getters: dict[str, Callable[..., Path]] = {
            "config": platformdirs.user_config_path,
            "data": platformdirs.user_data_path,
            "logs": platformdirs.user_log_path,
        }
        path = getters[kind](_APP, appauthor=False)
    from cio_desktop.private_files import private_dir, tighten

    private_dir(path)
    if override is not None:
        tighten(override, 0o700)  # CIO_DESKTOP_HOME holds every folder: private too
    elif path.parent.name == _APP:  # e.g. ~/.local/state/cio-desktop/log: the app's own folder too
        tighten(path.parent, 0o700)
    return path


def config_dir() -> Path:
    """Folder for settings and the workspace list (created on first use)."""
    return _dir("config")


def data_dir() -> Path:
    """Folder for the request history and saved templates (created on first use)."""
    return _dir("data")


def log_dir() -> Path:
    """Folder for log files and crash reports (created on first use)."""
    return _dir("logs")
