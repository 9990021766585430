"""Size and start-up of the PyInstaller bundle against a bare PySide6 window bundled the same way, one run.

Run by hand (not in CI; about two minutes on 2 cores): ``.venv/bin/python -m benchmarks.bundle [--write]``.
It runs ``bash packaging/build.sh`` (the app bundle and the .deb), bundles ``benchmarks/minimal_window.py``
with the same spec and rules (``CIO_MINIMAL=1``), bundles the app once more without slimming
(``CIO_SLIM=0``, the "before" size), then times ``--exit-when-ready`` against the bare window (offscreen,
fresh CIO_DESKTOP_HOME, one warm-up each, interleaved runs, medians). ``--write`` puts the table into
``benchmarks/RESULTS.md``. Targets: bundle at most 1.25x the minimal one, start-up at most 1.3x.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
BENCH = BUILD / "bench"
SIZE_TARGET = 1.25
STARTUP_TARGET = 1.3


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return BUILD / "venv" / scripts / ("python.exe" if os.name == "nt" else "python")


def _pyinstaller(distpath: Path, **env: str) -> float:
    """Run the spec with ``env`` set; returns the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        [
            str(_venv_python()),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "ERROR",
            "--workpath",
            str(BENCH / "work"),
            "--distpath",
            str(distpath),
            str(ROOT / "packaging" / "cio-desktop.spec"),
        ],
        env=dict(os.environ, **env),
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - start


def _folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120
    )
    return (time.perf_counter() - start) * 1000


def _startup(app: Path, minimal: Path, runs: int) -> tuple[list[float], list[float]]:
    """Interleaved timings (ms) of the app's ``--exit-when-ready`` and the bare window (executables)."""
    app_times: list[float] = []
    minimal_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIO_DESKTOP_HOME=home)
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        _time([str(minimal)], env)  # warm the file cache once for both
        _time([str(app), "--exit-when-ready"], env)
        for _ in range(runs):
            minimal_times.append(_time([str(minimal)], env))
            app_times.append(_time([str(app), "--exit-when-ready"], env))
    return app_times, minimal_times


def _onefile_rows(runs: int, exe: str) -> list[str]:
    """Size and start-up of the one-file executables (they unpack themselves on every start)."""
    app, minimal = BENCH / "onefile" / f"cio-desktop{exe}", BENCH / "onefile" / f"minimal-window{exe}"
    app_times, min_times = _startup(app, minimal, runs)
    app_ms, min_ms = statistics.median(app_times), statistics.median(min_times)
    app_size, min_size = app.stat().st_size, minimal.stat().st_size
    return [
        f"| one-file executable (`--onefile`) | {_mb(app_size)} | {_mb(min_size)} "
        f"| {app_size / min_size:.2f}x |",
        f"| one-file start-up (median of {runs}) | {app_ms:.0f} ms | {min_ms:.0f} ms "
        f"| {app_ms / min_ms:.2f}x |",
    ]


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="timed start-ups of each (default 7)")
    parser.add_argument("--skip-build", action="store_true", help="reuse dist/ and build/venv from build.sh")
    parser.add_argument("--write", action="store_true", help="write the table to benchmarks/RESULTS.md")
    parser.add_argument("--onefile", action="store_true", help="also compare the one-file executables")
    args = parser.parse_args()

    build_s = 0.0
    if not args.skip_build:
        start = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], check=True, cwd=ROOT)
        build_s = time.perf_counter() - start
    minimal_s = _pyinstaller(BENCH / "minimal", CIO_MINIMAL="1")
    _pyinstaller(BENCH / "unslimmed", CIO_SLIM="0")
    _pyinstaller(BENCH / "minimal-unslimmed", CIO_MINIMAL="1", CIO_SLIM="0")
    if args.onefile:
        _pyinstaller(BENCH / "onefile", CIO_ONEFILE="1")
        _pyinstaller(BENCH / "onefile", CIO_ONEFILE="1", CIO_MINIMAL="1")

    exe = ".exe" if os.name == "nt" else ""
    app_dir, minimal_dir = ROOT / "dist" / "cio-desktop", BENCH / "minimal" / "minimal-window"
    app_size, app_files = _folder_size(app_dir)
    min_size, min_files = _folder_size(minimal_dir)
    before_size, before_files = _folder_size(BENCH / "unslimmed" / "cio-desktop")
    min_before, min_before_files = _folder_size(BENCH / "minimal-unslimmed" / "minimal-window")
    debs = sorted((ROOT / "dist").glob("cio-desktop_*.deb"))
    deb_size = debs[-1].stat().st_size if debs else 0
    app_times, min_times = _startup(
        app_dir / f"cio-desktop{exe}", minimal_dir / f"minimal-window{exe}", args.runs
    )
    app_ms, min_ms = statistics.median(app_times), statistics.median(min_times)
    size_ratio, time_ratio = app_size / min_size, app_ms / min_ms

    def verdict(ratio: float, target: float) -> str:
        return f"{ratio:.2f}x (target <= {target}x: {'met' if ratio <= target else 'NOT met'})"

    try:
        from PySide6 import __version__ as pyside
    except ImportError:
        pyside = "?"
    rows = [
        "| What | cio-desktop | minimal PySide6 window | ratio |",
        "|---|---|---|---|",
        f"| one-folder bundle, slimmed (the shipped one) | {_mb(app_size)}, {app_files} files "
        f"| {_mb(min_size)}, {min_files} files | {verdict(size_ratio, SIZE_TARGET)} |",
        f"| one-folder bundle, PyInstaller defaults (before slimming) "
        f"| {_mb(before_size)}, {before_files} files "
        f"| {_mb(min_before)}, {min_before_files} files | {before_size / min_before:.2f}x |",
        f"| .deb (zstd) | {_mb(deb_size) if deb_size else 'not built'} | | |",
        *(_onefile_rows(args.runs, exe) if args.onefile else []),
        f"| start-up to first idle, offscreen (median of {args.runs}) | {app_ms:.0f} ms | {min_ms:.0f} ms "
        f"| {verdict(time_ratio, STARTUP_TARGET)} |",
    ]
    built = (
        "build.sh was not rerun (--skip-build)."
        if args.skip_build
        else f"build.sh took {build_s:.0f} s (with the build environment as it was)."
    )
    facts = (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {platform.platform()}, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}), "
        f"Python {platform.python_version()}, PySide6 {pyside}. "
        f"{built} The minimal bundle took {minimal_s:.0f} s to build. "
        f"Start-up runs (ms): app {[round(t) for t in app_times]}, "
        f"minimal {[round(t) for t in min_times]}."
    )
    print("\n".join(rows))
    print(facts)
    if args.write:
        from benchmarks.common import replace_section

        replace_section(
            ROOT / "benchmarks" / "RESULTS.md",
            "Bundle size and start-up (`python -m benchmarks.bundle --write`)",
            "The app bundled by `packaging/cio-desktop.spec`, against `benchmarks/minimal_window.py`\n"
            "(a bare PySide6 main window) bundled by the same spec and rules in the same run. Sizes are\n"
            "the bytes of all files in the one-folder bundle. Start-up is process start to the first idle\n"
            "moment after the window is shown (`--exit-when-ready`), offscreen.\n\n"
            + "\n".join(rows)
            + "\n\n"
            + facts
            + "\n",
        )
        print("written to benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
