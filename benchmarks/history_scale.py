"""History at scale: the request inspector opening 100,000 persisted entries (history limit raised to
100,000 in Settings), filtering them and exporting HAR, against reading the same file raw.

Each side runs in its own process (peak RSS from ``os.wait4``); runs alternate (ours, floor …).
"Open" is from the start of loading the history file to the inspector's table shown and painted,
"filter" a search typed in one go until the table is filtered, "export" the visible rows written as HAR.
The floor reads the file in one go and splits it into lines, scans the lines for the same text, and
writes the matching lines back out.
The bound: with the default limit (1,000 kept), opening the 100,000-entry file against opening a
1,000-entry file; peak memory growing with the file would be what "unbounded" looks like.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Options, Row, bench_main, child_env, median, python_child

ENTRIES = 100_000
DEFAULT_LIMIT = 1_000  # the history limit a new user has
NEEDLE = "person-12"


def run(opts: Options) -> list[Row]:
    from benchmarks.data import write_history

    runs = 1 if opts.quick else max(3, opts.runs // 2)  # each run reads 100k records twice: keep it sane
    entries = 1_000 if opts.quick else ENTRIES
    small = entries // 10 if opts.quick else DEFAULT_LIMIT
    with tempfile.TemporaryDirectory(prefix="cio-bench-") as tmp:
        big_file, small_file = Path(tmp) / "big.jsonl", Path(tmp) / "small.jsonl"
        size = write_history(big_file, entries)
        write_history(small_file, small)
        env = child_env(tmp)
        ours: list[dict[str, Any]] = []
        floor: list[dict[str, Any]] = []
        capped: list[dict[str, Any]] = []
        small_runs: list[dict[str, Any]] = []
        for _ in range(runs):
            ours.append(_child("ours", big_file, entries, env))
            floor.append(_child("floor", big_file, entries, env))
            capped.append(_child("ours", big_file, small, env))
            small_runs.append(_child("ours", small_file, small, env))

    def med(samples: list[dict[str, Any]], key: str) -> float:
        return median([s[key] for s in samples])

    n = f"{entries:,} entries, {size / 1e6:.0f} MB file, median of {runs}"
    return [
        Row("history open (load + table shown)", "s", med(floor, "open_s"), med(ours, "open_s"), "ours<1", n),
        Row("history filter", "s", med(floor, "filter_s"), med(ours, "filter_s"), "", n),
        Row("history HAR export of the filtered rows", "s",
            med(floor, "export_s"), med(ours, "export_s"), "", n),
        Row("history peak RSS", "MB", med(floor, "rss_mb"), med(ours, "rss_mb"), "", n),
        Row(f"history peak RSS, limit {small:,}: {small:,}- vs {entries:,}-entry file", "MB",
            med(small_runs, "rss_mb"), med(capped, "rss_mb"), "ratio<=1.2", "memory follows the limit"),
        Row(f"history open, limit {small:,}, {entries:,}-entry file", "s",
            med(small_runs, "open_s"), med(capped, "open_s"), "ours<1", ""),
    ]  # fmt: skip


def _child(side: str, path: Path, entries: int, env: dict[str, str]) -> dict[str, Any]:
    result = python_child("history_scale", side, str(path), str(entries), env=env)
    data = dict(result.data)
    data["rss_mb"] = result.max_rss_mb
    return data


def child_floor(path: Path) -> dict[str, Any]:
    start = time.perf_counter()
    lines = path.read_bytes().splitlines()
    opened = time.perf_counter()
    needle = NEEDLE.encode()
    matching = [line for line in lines if needle in line]
    filtered = time.perf_counter()
    out = path.with_suffix(".raw-out")
    out.write_bytes(b"\n".join(matching))
    exported = time.perf_counter()
    out.unlink()
    return {
        "open_s": opened - start,
        "filter_s": filtered - opened,
        "export_s": exported - filtered,
        "rows": len(lines),
        "matching": len(matching),
    }


def child_ours(path: Path, entries: int) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from benchmarks.gui import qt_app, run_async
    from cio_desktop.api.history import RequestHistory
    from cio_desktop.operations.services import Services
    from cio_desktop.ui.panels.inspector_panel import InspectorPanel

    qt_app()
    out: dict[str, Any] = {}

    async def main() -> None:
        start = time.perf_counter()
        history = RequestHistory(path, limit=entries)
        await history.aload()
        panel = InspectorPanel(Services(history=history))
        panel.resize(1100, 720)
        panel.show()
        QApplication.processEvents()  # the first paint
        opened = time.perf_counter()
        panel.search_edit.setText(NEEDLE)
        settle = getattr(panel, "filter_settled", None)
        if settle is not None:
            await settle()
        QApplication.processEvents()
        filtered = time.perf_counter()
        target = path.with_suffix(".har")
        count = await panel.export_har(target)
        exported = time.perf_counter()
        target.unlink()
        out.update(
            open_s=opened - start,
            filter_s=filtered - opened,
            export_s=exported - filtered,
            rows=panel.model.rowCount(),
            matching=count,
        )
        panel.close()

    run_async(main)
    return out


def child_main(argv: list[str]) -> dict[str, Any]:
    side, path, entries = argv[0], Path(argv[1]), int(argv[2])
    return child_floor(path) if side == "floor" else child_ours(path, entries)


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__, child_main))
