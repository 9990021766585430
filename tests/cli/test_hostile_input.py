"""Hostile command-line input gets a clear error (attacker finding: an empty identifier, non-UTF-8 bytes
in arguments, a lone surrogate or NaN in ``--data`` and ``--data-file /dev/zero`` crashed or read until
the kernel killed the process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.cli_helpers import run_cli

REPO = Path(__file__).resolve().parents[2]
SEND = ["send", "Nobody", "event", "--customer", "c", "--name", "e"]

CASES: dict[str, tuple[list[str], str]] = {
    "lone surrogate in --data": ([*SEND, "--data", '{"a": "\\ud800"}'], "lone surrogate"),
    "NaN in --data": ([*SEND, "--data", '{"a": NaN}'], "NaN is not a JSON number"),
    "Infinity in --data": ([*SEND, "--data", '{"a": -Infinity}'], "-Infinity is not a JSON number"),
    "--data-file /dev/zero": ([*SEND, "--data-file", "/dev/zero"], "more than 1 MB"),
    "--data-file a folder": ([*SEND, "--data-file", "/"], "could not read /"),
    "--data-file missing": ([*SEND, "--data-file", "/nonexistent/x.json"], "could not read"),
    "non-UTF-8 argument": ([*SEND[:4], "c\udcff", "--name", "e"], "not UTF-8 text"),
    "non-UTF-8 workspace name": (["workspace", "show", "A\udcff"], "not UTF-8 text"),
}


@pytest.mark.parametrize("case", CASES)
def test_in_process(capsys: pytest.CaptureFixture[str], case: str) -> None:
    argv, expected = CASES[case]
    try:
        code, out, err = run_cli(capsys, *argv)
    except SystemExit as exc:  # argparse usage errors exit 2
        code = int(exc.code or 0)
        out, err = capsys.readouterr()
    assert code in (1, 2)
    assert expected in err
    assert "something unexpected" not in err
    assert out == ""


def test_non_utf8_file_and_huge_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"name": "Andr\xe9"}')
    code, _, err = run_cli(capsys, *SEND, "--data-file", str(bad))
    assert code == 1
    assert "is not UTF-8 text" in err
    code, _, err = run_cli(capsys, *SEND, "--data-file", "-", stdin="x" * (2 * 1024 * 1024))
    assert code == 1
    assert "more than 1 MB" in err


@pytest.mark.slow
def test_real_process_with_raw_bytes(cio_home: Path) -> None:
    """The bytes as a shell passes them: a real child process, its real argv decoding."""
    for argv in ([b"lookup", b"Nobody", b"--id", b"\xff\xfe"], [b"workspace", b"show", b"\xc3"],
                 [*(a.encode() for a in SEND), b"--data-file", b"/dev/zero"]):  # fmt: skip
        proc = subprocess.run(
            [sys.executable.encode(), b"-m", b"cio_desktop", *argv],
            capture_output=True, timeout=60, env=dict(os.environ), cwd=REPO,
        )  # fmt: skip
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (1, 2), err
        assert "Traceback" not in err
        assert "something unexpected" not in err
        assert "not UTF-8 text" in err or "more than 1 MB" in err
