"""The GUI's log file is written by a background thread: logging never does file I/O on the UI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from cio_desktop.app import setup_logging


def _drop_installed_handlers() -> None:
    root = logging.getLogger("cio_desktop")
    for handler in [h for h in root.handlers if getattr(h, "cio_desktop_handler", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def fresh_log() -> Iterator[None]:
    """``setup_logging`` installs once per process: start from none (this test's home) and clean up."""
    _drop_installed_handlers()
    yield
    _drop_installed_handlers()


@pytest.mark.usefixtures("fresh_log")
def test_log_records_are_written_off_the_calling_thread(
    cio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written_on: list[threading.Thread] = []
    real_emit = RotatingFileHandler.emit

    def spy(self: RotatingFileHandler, record: logging.LogRecord) -> None:
        written_on.append(threading.current_thread())
        real_emit(self, record)

    monkeypatch.setattr(RotatingFileHandler, "emit", spy)
    setup_logging()
    log = logging.getLogger("cio_desktop.test")
    log.warning("panel %s did not stop", "lookup")
    for handler in logging.getLogger("cio_desktop").handlers:
        handler.flush()  # waits until the writer thread has written what was logged
    text = (cio_home / "logs" / "cio-desktop.log").read_text(encoding="utf-8")
    assert "WARNING cio_desktop.test: panel lookup did not stop" in text
    assert written_on, "the record reached the log file"
    assert threading.current_thread() not in written_on, "the log file was written on the UI thread"


@pytest.mark.usefixtures("fresh_log")
def test_closing_the_log_writes_everything_and_detaches(cio_home: Path) -> None:
    setup_logging()
    root = logging.getLogger("cio_desktop")
    (handler,) = [h for h in root.handlers if getattr(h, "cio_desktop_handler", False)]
    root.error("last words before quitting")
    handler.close()
    handler.close()  # atexit and logging.shutdown may both close it
    handler.flush()  # and flushing a closed handler returns at once
    assert handler not in root.handlers
    assert "last words before quitting" in (cio_home / "logs" / "cio-desktop.log").read_text(encoding="utf-8")
