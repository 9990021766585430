"""Start-up time of ``cio-desktop --exit-when-ready`` against a bare PySide6 window, measured in one run.

Run by hand (not in CI): ``.venv/bin/python -m benchmarks.startup [--runs 7]``. Prints medians and the
ratio to the floor; both processes run offscreen with a fresh CIO_DESKTOP_HOME.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The bare window is the same script the bundle benchmark bundles (benchmarks/bundle.py).
BARE_WINDOW = [sys.executable, str(Path(__file__).with_name("minimal_window.py"))]


def _time_command(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIO_DESKTOP_HOME=home)
        # Warm the file cache once for both.
        _time_command(BARE_WINDOW, env, 1)
        _time_command([sys.executable, "-m", "cio_desktop", "--exit-when-ready"], env, 1)
        floor = _time_command(BARE_WINDOW, env, args.runs)
        app = _time_command([sys.executable, "-m", "cio_desktop", "--exit-when-ready"], env, args.runs)
    floor_ms, app_ms = statistics.median(floor), statistics.median(app)
    print(f"bare PySide6 window   median {floor_ms:7.1f} ms  (runs: {args.runs})")
    print(f"cio-desktop           median {app_ms:7.1f} ms")
    print(f"ratio                 {app_ms / floor_ms:7.2f}x the floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
