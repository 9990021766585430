"""The request history: every exchange in memory for the GUI, persisted as bounded JSONL (newest kept).

File: ``<data_dir>/history.jsonl``, one ``Exchange.to_json_dict()`` per line, appended under a file lock
(the GUI and the CLI may both write) and compacted to the newest ``limit`` records now and then.
Loading and compaction read the file backwards and stop at the limit, so a huge file costs what is kept.
Records arrive already redacted; this module never sees a secret. Corrupt lines are skipped on load.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from cio_desktop.api.curl import to_curl
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.har import to_har
from cio_desktop.private_files import FILE_MODE, SymlinkRefusedError, open_private, private_dir

__all__ = ["RequestHistory", "default_history_path", "to_curl", "to_har"]

HISTORY_FILE = "history.jsonl"
WRITE_DELAY_S = 0.05  # records made within this time are appended together

Listener = Callable[[Exchange], None]
_T = TypeVar("_T")


def default_history_path() -> Path:
    from cio_desktop.paths import data_dir

    return data_dir() / HISTORY_FILE


class RequestHistory:
    """In-memory list of the newest ``limit`` exchanges, optionally persisted to ``path``.

    ``path=None`` means the default file under ``data_dir()``; ``persist=False`` keeps it in memory only.
    Sync methods (``load``, ``record``, ``clear``) do file I/O directly: from async code use ``aload``,
    ``arecord`` and ``aclear``, which run it in a thread.
    """

    def __init__(self, path: Path | None = None, *, limit: int = 1000, persist: bool = True) -> None:
        self._path = path
        self._persist = persist
        self._limit = max(1, int(limit))
        self._items: deque[Exchange] = deque(maxlen=self._limit)
        self._listeners: list[Listener] = []
        self._clear_listeners: list[Callable[[], None]] = []
        self._file_lock = threading.Lock()
        self._lines_on_disk = 0
        self._pending: list[Exchange] = []  # recorded, not yet appended to the file
        self._writer: asyncio.Task[None] | None = None
        self.persist_error: str | None = None
        #: Lines of the file that the last load (or compaction) could not use and left out.
        self.skipped_lines = 0

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = default_history_path()
        return self._path

    @property
    def limit(self) -> int:
        return self._limit

    def set_limit(self, limit: int) -> None:
        """Change how many records are kept (oldest dropped first)."""
        self._limit = max(1, int(limit))
        self._items = deque(self._items, maxlen=self._limit)

    # ---- reading ----------------------------------------------------------------------------------
    def records(self) -> list[Exchange]:
        """All records held, oldest first."""
        return list(self._items)

    def get(self, exchange_id: str) -> Exchange | None:
        """The record with this id (or a unique prefix of it), if held."""
        exact = [e for e in self._items if e.id == exchange_id]
        if exact:
            return exact[-1]
        matches = [e for e in self._items if exchange_id and e.id.startswith(exchange_id)]
        return matches[0] if len(matches) == 1 else None

    def __len__(self) -> int:
        return len(self._items)

    # ---- listening --------------------------------------------------------------------------------
    def subscribe(
        self, callback: Listener, on_cleared: Callable[[], None] | None = None
    ) -> Callable[[], None]:
        """Call ``callback(exchange)`` for every new record (and ``on_cleared()`` after ``clear``).
        Returns a function that unsubscribes. Callbacks run on the thread/loop that recorded."""
        self._listeners.append(callback)
        if on_cleared is not None:
            self._clear_listeners.append(on_cleared)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)
            if on_cleared is not None:
                with contextlib.suppress(ValueError):
                    self._clear_listeners.remove(on_cleared)

        return unsubscribe

    # ---- writing ----------------------------------------------------------------------------------
    def add(self, exchange: Exchange) -> None:
        """Keep ``exchange`` in memory and tell subscribers (no file I/O)."""
        self._items.append(exchange)
        for listener in list(self._listeners):
            listener(exchange)

    def record(self, exchange: Exchange) -> None:
        """``add`` plus append to the file (blocking). A file problem never fails the call that was
        recorded: the record stays in memory and ``persist_error`` says what went wrong."""
        self.add(exchange)
        if self._persist:
            self._safe_append(exchange)

    async def arecord(self, exchange: Exchange, *, durable: bool = False) -> None:
        """``add`` now; the file append follows in a worker thread, without the caller waiting for it.

        ``durable`` records (calls that send data: a kill right after the answer must not lose the record
        of an event that was delivered) are appended before this returns, outside the batch.

        A call must not wait for the disk (a thread hop and a file lock cost more than a whole request
        to a nearby server), so records are queued and one writer appends what has queued up within
        ``WRITE_DELAY_S``, in one batch under one lock. ``aflush`` waits until everything recorded so
        far is on disk; ``CioClient.aclose`` calls it. Same error rules as ``record``.
        """
        self.add(exchange)
        if self._persist and durable:
            await asyncio.to_thread(self._safe_append, exchange)
        elif self._persist:
            self._pending.append(exchange)
            if self._writer is None or self._writer.done():
                self._writer = asyncio.get_running_loop().create_task(self._write_pending())

    async def aflush(self) -> None:
        """Wait until every record made with ``arecord`` so far is in the file (or failed to be)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_pending(self) -> None:
        await asyncio.sleep(WRITE_DELAY_S)  # let records made meanwhile (sequential calls too) join the batch
        while self._pending:
            batch, self._pending = self._pending, []
            await asyncio.to_thread(self._safe_append, *batch)

    def _safe_append(self, *exchanges: Exchange) -> None:
        try:
            self._append(*exchanges)
        except SymlinkRefusedError as exc:
            self.persist_error = f"The request history was not saved: {exc.strerror}."
        except OSError as exc:  # disk full, permissions, lock timeout (filelock.Timeout is an OSError)
            self.persist_error = f"The request history could not be saved ({type(exc).__name__})."
        else:
            self.persist_error = None

    def clear(self) -> None:
        """Forget every record, in memory and on disk."""
        self._items.clear()
        if self._persist:
            self._unlink()
        for listener in list(self._clear_listeners):
            listener()

    async def aclear(self) -> None:
        self._items.clear()
        self._pending.clear()
        if self._persist:
            await self.aflush()  # a batch being written lands before the file goes
            await asyncio.to_thread(self._unlink)
        for listener in list(self._clear_listeners):
            listener()

    def _unlink(self) -> None:
        with self._file_lock, self._lock():
            self.path.unlink(missing_ok=True)
            self._lines_on_disk = 0

    # ---- persistence ------------------------------------------------------------------------------
    def load(self) -> int:
        """Read the file (newest ``limit`` records kept, sorted by start time). Returns how many loaded."""
        if not self._persist:
            return 0
        try:
            with self._file_lock, self._lock():
                loaded = self._read()
        except SymlinkRefusedError as exc:
            self.persist_error = f"The saved request history was not read: {exc.strerror}."
            return 0
        except OSError as exc:
            self.persist_error = f"The saved request history could not be read ({type(exc).__name__})."
            return 0
        loaded.sort(key=lambda e: e.started_at)
        self._items = deque(loaded[-self._limit :], maxlen=self._limit)
        return len(self._items)

    async def aload(self) -> int:
        return await asyncio.to_thread(self.load)

    def _lock(self) -> contextlib.AbstractContextManager[object]:
        from filelock import FileLock

        private_dir(self.path.parent)
        return FileLock(str(self.path) + ".lock", timeout=10, mode=FILE_MODE)

    def _read(self) -> list[Exchange]:
        """The newest ``limit`` good records of the file, oldest first, reading it backwards in blocks
        so a huge file costs what the limit keeps, not its size. A line that is not a good record (bad
        bytes, not JSON, nested too deep, not an object, a field of the wrong type) is skipped and counted
        in ``skipped_lines``. Caller holds the locks."""
        out: list[Exchange] = []
        self._scan_newest(lambda line: _keep(out, _parse_line(line)))
        out.reverse()
        return out

    def _scan_newest(self, take: Callable[[bytes], bool]) -> bool:
        """Feed the file's lines, newest first, to ``take`` (True: a good record) until ``limit`` were
        good; sets ``skipped_lines`` and ``_lines_on_disk``. False when there is no file."""
        try:
            fd = open_private(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._lines_on_disk = 0
            self.skipped_lines = 0
            return False
        kept = skipped = 0
        more = False
        try:
            for line in _lines_backwards(fd):
                if kept >= self._limit:
                    more = True  # older lines remain: the next append compacts them away
                    break
                if take(line):
                    kept += 1
                else:
                    skipped += 1  # a torn or hand-edited line: skip it, keep the rest
        finally:
            os.close(fd)
        self.skipped_lines = skipped
        self._lines_on_disk = self._compact_at() if more else kept + skipped
        return True

    def _compact_at(self) -> int:
        """Lines on disk beyond which an append compacts the file (slack so it is not every append)."""
        return self._limit + max(20, self._limit // 5) + 1

    def _append(self, *exchanges: Exchange) -> None:
        lines = "".join(
            json.dumps(e.to_json_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for e in exchanges
        )
        with self._file_lock, self._lock():
            fd = open_private(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            try:
                os.write(fd, lines.encode("utf-8"))
            finally:
                os.close(fd)
            self._lines_on_disk += len(exchanges)
            if self._lines_on_disk >= self._compact_at():
                self._compact()

    def _compact(self) -> None:
        """Rewrite the file with only its newest ``limit`` good lines (caller holds the locks).

        Streams: reads the file backwards in blocks and copies the kept lines' bytes as they are, so
        memory holds the kept lines only, never the whole file or a record object per line (native
        memory freed by such transient peaks is not returned to the system). Each line is still parsed
        once, to drop lines that are not good records."""
        kept: list[bytes] = []
        self._scan_newest(lambda line: _parse_line(line) is not None and _keep(kept, line))
        kept.reverse()
        tmp = self.path.with_suffix(".jsonl.tmp")
        tmp.unlink(missing_ok=True)  # a leftover of a killed compaction (or a planted link): start fresh
        fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        with os.fdopen(fd, "wb") as fh:
            for line in kept:
                fh.write(line + b"\n")
        os.replace(tmp, self.path)
        self._lines_on_disk = len(kept)


def _keep(into: list[_T], item: _T | None) -> bool:
    """Append ``item`` unless it is None; says whether it was kept."""
    if item is None:
        return False
    into.append(item)
    return True


def _lines_backwards(fd: int, block: int = 1 << 16) -> Iterator[bytes]:
    """The non-empty lines of the open file ``fd``, last first, read in blocks from the end: a caller
    that stops early never reads (or holds) the rest of the file."""
    pos = os.fstat(fd).st_size
    tail = b""
    while pos > 0:
        size = min(block, pos)
        pos -= size
        parts = (os.pread(fd, size, pos) + tail).split(b"\n")
        tail = parts[0]  # may continue in the previous block
        for line in reversed(parts[1:]):
            if line.strip():
                yield line
    if tail.strip():
        yield tail


def _parse_line(line: bytes) -> Exchange | None:
    """One history line as a record, or None when it is not one. Never raises: a hostile line (bad
    UTF-8, nesting deep enough to hit the recursion limit, any JSON of the wrong shape) is just skipped."""
    try:
        return Exchange.from_json_dict(json.loads(line.decode("utf-8")))
    except (ValueError, TypeError, KeyError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
