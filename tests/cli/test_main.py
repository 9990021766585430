"""The ``cio-desktop`` entry point itself: version, usage errors, and a closed pipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cio_desktop import __version__
from cio_desktop.cli import history_cmd, main


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"cio-desktop {__version__}"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """``cio-desktop sandbox --help | head -1`` must not end in a BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cio_desktop", "workspace", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the command writes
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err
    assert proc.returncode in (0, 141)


def test_an_unexpected_error_is_one_line_and_a_report_without_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cio_home: Path
) -> None:
    secret = "sk-live-0123456789abcdef"

    def broken(_args: object) -> int:
        raise KeyError(f"track key {secret}")

    monkeypatch.setattr(history_cmd, "_list", broken)
    assert main(["history", "list"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cio-desktop: something unexpected went wrong (KeyError)")
    assert secret not in captured.err + captured.out
    reports = list((cio_home / "logs").glob("crash-*.txt"))
    assert len(reports) == 1
    assert str(reports[0]) in lines[0]
    text = reports[0].read_text()
    assert "builtins.KeyError (message withheld" in text
    assert "in broken" in text
    assert secret not in text
    assert oct(reports[0].stat().st_mode & 0o777) == "0o600"
