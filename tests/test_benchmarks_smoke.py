"""The benchmark suite cannot rot: ``python -m benchmarks --quick`` runs every benchmark once, tiny.

Nothing here is timed or compared with a target (CI machines are too noisy for that); the test only
proves each benchmark still runs against the current code and reports every figure.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.common import ROOT, Row, child_env

pytestmark = pytest.mark.slow


def test_quick_run_reports_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout
    for figure in (
        "start-up wall time, one workspace",
        "start-up peak RSS, --demo",
        "timer lateness p99, 10 concurrent lookups",
        "blocking baseline max, 10 concurrent lookups",
        "timer lateness max, inspector filter",
        "timer lateness max, 0.5 MB raw view",
        "per-call time, 20 sequential Track calls",
        "TCP connections, 20 sequential calls",
        "history open",
        "RSS after 20 lookups",
    ):
        assert figure in table, f"{figure!r} missing from:\n{table}"


def test_targets_read_as_written() -> None:
    assert Row("x", "ms", 10.0, 13.0, "ratio<=1.3").met is True
    assert Row("x", "ms", 10.0, 13.1, "ratio<=1.3").met is False
    assert Row("x", "ms", None, 15.9, "ours<16").met is True
    assert Row("x", "MB", 100.0, 121.0, "growth<20").met is False
    assert Row("x", "MB", 100.0, 1.0).met is None
