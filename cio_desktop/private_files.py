"""Files only the user may read: 0600 files in 0700 folders, and no following of symlinks it did not make.

Every file cio-desktop writes (history, log, HAR exports, crash reports, locks, settings) holds data about
the user's customers; another account on the machine must not read it, and a symlink planted where the
app writes (``history.jsonl -> ~/.bashrc``) must not redirect its writes. ``O_NOFOLLOW`` refuses the
link; ``SymlinkRefusedError`` says so in words. Blocking I/O: call from a thread in the GUI.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class SymlinkRefusedError(OSError):
    """The path is a symbolic link: cio-desktop does not write through links it did not make."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.ELOOP,
            f"{path.name} is a symbolic link; cio-desktop does not follow links it did not make "
            f"(remove the link {path} to let it write there)",
        )
        self.path = path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing folder of ours is tightened."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
    tighten(path, DIR_MODE)
    return path


def tighten(path: Path, mode: int) -> None:
    """Set ``mode`` on ``path`` if it is ours and not already that (best effort; never follows a link)."""
    with contextlib.suppress(OSError, NotImplementedError):
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
            return
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """``os.open`` that refuses a symlink (``SymlinkRefusedError``), creates 0600 and makes an existing
    file 0600. Returns the file descriptor."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and path.is_symlink()):
            raise SymlinkRefusedError(path) from None
        raise
    try:
        if flags & (os.O_WRONLY | os.O_RDWR) and hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def read_private(path: Path) -> bytes:
    """The bytes of ``path``, refusing a symlink (``SymlinkRefusedError``)."""
    fd = open_private(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as a 0600 file, refusing a symlink."""
    payload = text.encode("utf-8")
    fd = open_private(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are 0600 and never written through a symlink."""

    def _open(self) -> TextIOWrapper:
        path = Path(self.baseFilename)
        fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        handle = os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)
        assert isinstance(handle, TextIOWrapper)
        return handle
