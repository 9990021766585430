"""Everything cio-desktop writes is 0600 in 0700 folders, and it never writes through a symlink it did not
make (attacker finding: the log, HAR exports and ``history.jsonl.lock`` were 0644, and a symlinked
``history.jsonl`` had records appended to its target)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cio_desktop import crash_report
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
from cio_desktop.operations.templates import TemplateStore
from cio_desktop.paths import data_dir, log_dir
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.settings import SettingsStore
from tests.api.cli_helpers import run_cli, sandbox_workspace


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A typical desktop umask (022): without care every new file would be 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _modes(home: Path) -> dict[str, str]:
    """Every file and folder under ``home`` that is not private, with its mode."""
    bad: dict[str, str] = {}
    for path in [home, *home.rglob("*")]:
        info = path.lstat()
        mode = stat.S_IMODE(info.st_mode)
        want = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
        if mode != want:
            bad[str(path.relative_to(home.parent))] = oct(mode)
    return bad


def test_every_file_written_is_private(
    cio_home: Path,
    loose_umask: None,
    capsys: pytest.CaptureFixture[str],
    sandbox: ThreadedSandbox,
    secret_service: Any,
) -> None:
    os.chmod(cio_home, 0o755)  # tightened on first use
    from cio_desktop.app import setup_logging  # the GUI's log file (Qt is loaded here, not used)

    setup_logging()
    logger = logging.getLogger("cio_desktop")
    logger.info("file mode check")
    handler = next(h for h in logger.handlers if getattr(h, "cio_desktop_handler", False))
    handler.flush()
    handler.close()
    with sandbox_workspace(sandbox, secret_service):
        code, _, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "m-1", "--data", "{}")
        assert code == 0, err
    har = cio_home / "exports" / "out.har"
    har.parent.mkdir(mode=0o700)
    assert run_cli(capsys, "history", "export", "--har", str(har))[0] == 0
    crash_report.write_report("report", log_dir())
    SettingsStore().update(timeout_s=20.0)
    templates = TemplateStore()
    from cio_desktop.operations.send import CallType, default_draft

    templates.save_template("ws-1", "t", default_draft(CallType.IDENTIFY, "x"))
    names = {p.name for p in cio_home.rglob("*")}
    for expected in ("cio-desktop.log", "history.jsonl", "history.jsonl.lock", "out.har", "settings.json"):
        assert expected in names
    assert any(n.startswith("crash-") for n in names)
    assert _modes(cio_home) == {}
    print(f"file modes checked: {sum(1 for _ in cio_home.rglob('*'))} paths")


def test_existing_loose_files_are_tightened(loose_umask: None, tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text("")
    os.chmod(path, 0o644)
    RequestHistory(path).record(Exchange(id="a", workspace="W", method="GET", url="https://x/"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlinked_history_is_not_written_through(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    link = data_dir() / "history.jsonl"
    link.symlink_to(target)
    with sandbox_workspace(sandbox, secret_service):
        code, _, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "s-1", "--data", "{}")
    assert code == 0, err  # the send itself works; only the history is not saved
    assert "symbolic link" in err
    assert target.read_text() == "precious\n"
    assert link.is_symlink()
    history = RequestHistory(link)
    assert history.load() == 0
    assert history.persist_error is not None
    assert "symbolic link" in history.persist_error


def test_symlinked_har_export_and_log_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    link = tmp_path / "export.har"
    link.symlink_to(target)
    code, _, err = run_cli(capsys, "history", "export", "--har", str(link))
    assert code == 1
    assert "symbolic link" in err
    assert target.read_text() == "precious\n"
    from cio_desktop.private_files import PrivateRotatingFileHandler, SymlinkRefusedError

    log_link = tmp_path / "cio-desktop.log"
    log_link.symlink_to(target)
    with pytest.raises(SymlinkRefusedError):
        PrivateRotatingFileHandler(log_link, maxBytes=10, backupCount=1)
    assert target.read_text() == "precious\n"
