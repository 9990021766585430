"""Crash reports without data: exception types and code locations, never an exception's own text.

Used by the GUI's unexpected-error dialog and by the command line. A ``KeyError`` or an httpx error can
carry a key, an email or a response body, so only ``CioDesktopError`` messages (written secret-free) are kept.
"""

from __future__ import annotations

import os
import platform
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from cio_desktop import __version__
from cio_desktop.errors import CioDesktopError


def build_report(exc: BaseException, tb: TracebackType | None, *, versions: str = "") -> str:
    """A support report: versions, the exception chain's types and each frame's code location."""
    lines = [
        f"cio-desktop {__version__}",
        f"Python {platform.python_version()}{versions} · {platform.platform()}",
        "",
    ]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = f"{type(current).__module__}.{type(current).__qualname__}"
        if isinstance(current, CioDesktopError):
            lines.append(f"{name}: {current.message}")
            if current.detail:
                lines.append(f"  detail: {current.detail}")
        else:
            lines.append(f"{name} (message withheld: it may contain data)")
        for frame in traceback.extract_tb(current.__traceback__ if current is not exc else tb):
            lines.append(f"  at {frame.filename}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by / while handling:")
    return "\n".join(lines)


def write_report(report: str, folder: Path) -> Path:
    """Save ``report`` as ``crash-<UTC time>.txt`` (mode 0600) in ``folder``; returns the path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"crash-{stamp}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(report + "\n")
    return path
