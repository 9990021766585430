"""Small JSON files done safely: atomic writes (mode 0600), a cross-process lock, corrupt-file recovery.

Used by ``workspaces.py`` and ``settings.py``. Blocking file I/O: GUI code calls it through
``asyncio.to_thread``. ``filelock`` is imported lazily so merely importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cio_desktop.errors import ConfigError

FILE_MODE = 0o600
LOCK_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What ``read_json`` found: the parsed object (``None`` when there was no usable file),
    and, when the file was broken, where it was moved and what was wrong in plain words."""

    data: dict[str, Any] | None
    backup: Path | None = None
    problem: str | None = None


class FileLock:
    """A cross-process (and cross-thread) lock next to ``path`` (``<name>.lock``).

    Re-entrant within one thread of one object; other threads and processes wait their turn.
    """

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT_S) -> None:
        self._lock_path = path.with_name(path.name + ".lock")
        self._timeout = timeout
        self._lock: Any = None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock for the ``with`` block; ``ConfigError`` if another program keeps it too long."""
        import filelock  # lazy: keeps CLI start-up cheap

        if self._lock is None:
            self._lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._lock = filelock.FileLock(str(self._lock_path), timeout=self._timeout, mode=FILE_MODE)
        try:
            self._lock.acquire()
        except filelock.Timeout as exc:
            raise ConfigError(
                f"Another cio-desktop window or command is busy with {self._lock_path.name[:-5]}; "
                "try again in a moment.",
                detail=f"lock {self._lock_path} not acquired within {self._timeout:g} s",
            ) from exc
        except OSError as exc:
            raise ConfigError(
                f"cio-desktop cannot write in {self._lock_path.parent}: {exc.strerror or 'unknown error'}.",
                detail=f"{type(exc).__name__} errno={exc.errno} creating {self._lock_path.name}",
            ) from exc
        try:
            yield
        finally:
            self._lock.release()


def backup_name(path: Path, now: datetime | None = None) -> Path:
    """A free ``<name>.corrupt-YYYYmmdd-HHMMSS`` path next to ``path`` (suffix ``-2``, ``-3``... if taken)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return candidate


def move_aside(path: Path) -> Path:
    """Rename a broken file out of the way (keeping its content for the user) and return the new path."""
    target = backup_name(path)
    try:
        os.replace(path, target)
    except OSError as exc:
        raise ConfigError(
            f"{path.name} is damaged and could not be moved aside; fix or delete it by hand: {path}",
            detail=f"{type(exc).__name__}: {exc.strerror}",
        ) from exc
    return target


def damaged_message(path: Path, reason: str, backup: Path) -> str:
    """The plain-words report shown to the user after a broken file was moved aside."""
    return (
        f"{path.name} could not be read ({reason}). It was moved aside to {backup} "
        "so nothing is lost, and cio-desktop started with what it could keep."
    )


def read_json(path: Path) -> ReadResult:
    """Read a JSON object from ``path``. A missing file gives ``data=None``; anything that is not a
    usable JSON object (bad bytes or syntax, nesting deeper than the parser can go, a number too long to
    convert, a lone surrogate escape, a folder in place of the file) is moved aside (call this with the
    lock held) and reported in ``problem``."""
    reason: str | None = None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ReadResult(None)
    except IsADirectoryError:
        raw, reason = b"", "it is a folder, not a file"
    except OSError as exc:
        raise ConfigError(
            f"Could not read {path}: {exc.strerror or 'unknown error'}.",
            detail=f"{type(exc).__name__} errno={exc.errno}",
        ) from exc
    if reason is None:
        data, reason = _parse_object(raw)
        if reason is None:
            return ReadResult(data)
    backup = move_aside(path)
    return ReadResult(None, backup=backup, problem=damaged_message(path, reason, backup))


def read_json_if_healthy(path: Path) -> ReadResult | None:
    """``read_json`` without the lock for a file that needs no repair: ``None`` when it would have to
    be moved aside (or cannot be read), so the caller takes the lock and lets ``read_json`` do that.

    Writers replace the file atomically (``write_json_atomic``), so a reader sees a whole old or new
    file without holding the lock; start-up reads this way, which keeps ``filelock`` (~12 ms of
    imports) out of the path to the first usable window.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ReadResult(None)
    except OSError:
        return None
    data, reason = _parse_object(raw)
    return ReadResult(data) if reason is None else None


def _parse_object(raw: bytes) -> tuple[dict[str, Any], None] | tuple[None, str]:
    """The JSON object in ``raw`` or, in plain words, why there is none. Never raises."""
    from cio_desktop.json_check import has_lone_surrogate

    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"it is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        return None, "it is nested too deeply to read"
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        return None, f"it holds a value that cannot be read ({str(exc).split(':')[0]})"
    if not isinstance(data, dict):
        return None, f"it holds a JSON {type(data).__name__}, not an object"
    if has_lone_surrogate(data):
        return None, "it holds a lone surrogate escape (\\ud800-\\udfff), which is not a character"
    return data, None


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to a temporary file in the same folder, fsync it, then rename it over ``path``.

    Readers see either the old file or the new one, never half of one. The file is private (0600). The
    text is encoded before the temporary file exists, and the temporary file is removed on any failure,
    so nothing is ever left behind. Callers hold the file's ``FileLock``: a temporary file of ``path``
    that exists now was left by a writer killed while it held the lock (SIGKILL between creating and
    renaming it), so it is removed first and such leftovers never pile up.
    """
    folder = path.parent
    try:
        payload = (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    except (ValueError, TypeError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise ConfigError(
            f"Could not save {path.name}: a value cannot be written as JSON. "
            "Your previous file is unchanged.",
            detail=type(exc).__name__,
        ) from None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_leftovers(path)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # mkstemp already makes it 0600; be explicit where possible
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not isinstance(exc, OSError):
            raise
        raise ConfigError(
            f"Could not save {path}: {exc.strerror or 'unknown error'}. Your previous file is unchanged.",
            detail=f"{type(exc).__name__} errno={exc.errno}",
        ) from exc
    _fsync_dir(folder)


def _remove_leftovers(path: Path) -> None:
    """Delete temporary files of ``path`` that a killed writer left (``.NAME.*.tmp``; a symlink is
    unlinked, never followed)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
