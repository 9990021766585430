"""The ``cio-desktop`` entry point itself: version, usage errors, and a closed pipe."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cio_desktop import __version__
from cio_desktop.cli import main


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
