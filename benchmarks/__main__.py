"""``python -m benchmarks``: run every benchmark and print one table (figure, floor, ours, ratio, target,
met). ``--write`` also stores it in ``benchmarks/RESULTS.md`` with the machine and the date.
``--quick`` runs each benchmark once, tiny (the CI smoke test uses it so the suite cannot rot).
``--only startup,overhead`` picks benchmarks. Run by hand on a quiet machine; never a timed test in CI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Options, Row, machine, replace_section, table

BENCHMARKS = ("startup", "responsiveness", "overhead", "history_scale", "workday")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "The suite (`python -m benchmarks --write`)"


def run_all(names: list[str], opts: Options, *, echo: bool = True) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        start = time.perf_counter()
        found = module.run(opts)
        rows += found
        if echo:
            print(f"# {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            print(table(found), file=sys.stderr, flush=True)
    return rows


def write_results(rows: list[Row], opts: Options, seconds: float) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    replace_section(
        RESULTS,
        SECTION,
        f"Latest full run of `python -m benchmarks --write` ({opts.runs} interleaved runs each, "
        f"{seconds / 60:.0f} min), {stamp}.\n\n"
        f"Machine: {machine()}.\n\n"
        f"{table(rows)}\n\n"
        "Floors: start-up, a bare PySide6 `QMainWindow` quitting at its first idle moment; responsiveness,\n"
        "the same timer while the app is idle (the blocking rows do the work on the UI thread instead);\n"
        "overhead, a bare `httpx.AsyncClient`; history, reading the file raw (and, for the memory bound,\n"
        "the app opening a file of as many entries as it keeps); working day, RSS after the warm-up.\n",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="each benchmark once, tiny (smoke test)")
    parser.add_argument("--runs", type=int, default=10, help="interleaved runs per figure (default 10)")
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join(BENCHMARKS))
    parser.add_argument("--write", action="store_true", help="store the table in benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(unknown)}")
    opts = Options(quick=args.quick, runs=max(1, args.runs))
    start = time.perf_counter()
    rows = run_all(names, opts)
    print(table(rows))
    print(f"\n{machine()}")
    if args.write and not args.quick:
        write_results(rows, opts, time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
