"""What every benchmark shares: result rows, interleaved medians, child processes and a sandbox process.

Each benchmark module has ``run(opts) -> list[Row]``. Work that needs Qt, or whose peak memory is
measured, runs in a child process (``python -m benchmarks.<module> --child ...``) that prints one JSON
line; the suite itself never imports Qt, so one benchmark cannot colour the next.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Options:
    """``quick``: one tiny run of everything (the CI smoke test); ``runs``: interleaved pairs."""

    quick: bool = False
    runs: int = 10


@dataclass
class Row:
    """One line of the table. ``target`` is ``"ratio<=1.3"``, ``"ours<16"``, ``"growth<20"`` (ours minus
    floor) or ``""`` (a figure without a target)."""

    figure: str
    unit: str
    floor: float | None
    ours: float
    target: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.ours / self.floor

    @property
    def growth(self) -> float | None:
        return None if self.floor is None else self.ours - self.floor

    @property
    def met(self) -> bool | None:
        if not self.target:
            return None
        kind, _, limit_text = self.target.partition("<")
        strict = not limit_text.startswith("=")
        limit = float(limit_text.lstrip("="))
        value = {"ratio": self.ratio, "growth": self.growth}.get(kind, self.ours)
        if value is None:
            return None
        return value < limit if strict else value <= limit

    def target_text(self) -> str:
        if not self.target:
            return "-"
        kind, _, limit = self.target.partition("<")
        if kind == "ratio":
            return f"<={limit.lstrip('=')}x" if limit.startswith("=") else f"<{limit}x"
        if kind == "growth":
            return f"growth <{limit} {self.unit}"
        return f"<={limit.lstrip('=')} {self.unit}" if limit.startswith("=") else f"<{limit} {self.unit}"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def interleave(
    ours: Callable[[], float], floor: Callable[[], float], runs: int, *, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """``runs`` samples of each, taken ours, floor, ours, floor … after ``warmup`` unrecorded pairs,
    so a change in machine load hits both sides alike."""
    for _ in range(warmup):
        ours()
        floor()
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(ours())
        b.append(floor())
    return a, b


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("ms", "µs") and value < 10:
        return f"{value:.2f} {unit}"
    if unit in ("MB", "ms", "µs", "s") and value < 100:
        return f"{value:.1f} {unit}" if unit != "s" else f"{value:.3f} s"
    return f"{value:.0f} {unit}".rstrip()


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: figure, floor, ours, ratio, target, met."""
    lines = ["| figure | floor | ours | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        met = {True: "yes", False: "**no**", None: "-"}[row.met]
        figure = row.figure + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {figure} | {fmt(row.floor, row.unit)} | {fmt(row.ours, row.unit)} | {ratio} | "
            f"{row.target_text()} | {met} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """Where the figures came from, and how busy the machine was (load averages)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average {load} when the run ended"
    )


# ---- child processes -------------------------------------------------------------------------------
@dataclass
class ChildResult:
    """One finished process: wall time, its peak RSS (from ``os.wait4``) and its last JSON line."""

    wall_ms: float
    max_rss_mb: float
    data: dict[str, Any]


def child_env(home: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if home is not None:
        env["CIO_DESKTOP_HOME"] = home
    env.update(extra)
    return env


def run_child(argv: Sequence[str], env: dict[str, str], *, timeout_s: float = 600) -> ChildResult:
    """Run ``argv`` to its end. Output goes to files, so a full pipe can never stall the child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        deadline = start + timeout_s
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(" ".join(argv))
            time.sleep(0.001)
        wall_ms = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            tail = err.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(argv[:5])} failed ({proc.returncode}): {tail}")
    data: dict[str, Any] = {}
    lines = text.strip().splitlines()
    if lines:
        try:
            data = json.loads(lines[-1])
        except ValueError:
            data = {}
    return ChildResult(wall_ms, usage.ru_maxrss / 1024, data)


def python_child(module: str, *args: str, env: dict[str, str]) -> ChildResult:
    """``python -m benchmarks.<module> --child ARGS``."""
    return run_child([sys.executable, "-m", f"benchmarks.{module}", "--child", *args], env)


def own_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident memory now (Linux ``/proc/self/statm``; peak RSS elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return own_peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def emit(data: dict[str, Any]) -> None:
    """A child's answer: one JSON line, with its peak RSS."""
    data.setdefault("max_rss_mb", own_peak_rss_mb())
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


@contextmanager
def scratch_home() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="cio-bench-") as home:
        yield home


# ---- a sandbox in its own process (its work must not share our GIL) ---------------------------------
@contextmanager
def sandbox_process(*faults: str, rate_limit: float | None = None) -> Iterator[Any]:
    """``cio-desktop sandbox`` as a child on 127.0.0.1; yields its ``SandboxInfo``; stops on exit."""
    from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions
    from cio_desktop.sandbox.process import sandbox_command

    argv = sandbox_command(SandboxOptions(faults=tuple(faults), rate_limit=rate_limit))
    proc = subprocess.Popen(
        argv, env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.strip():
            raise RuntimeError("the sandbox did not start")
        yield SandboxInfo.from_json_dict(json.loads(line))
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def workspace_for(info: Any, name: str = "Bench") -> Any:
    """A US workspace pointing at the sandbox ``info``."""
    from cio_desktop.models import Region, Workspace

    return Workspace(
        name=name, region=Region.US, site_id=info.site_id, track_url=info.track_url, app_url=info.app_url
    )


def credentials_for(info: Any) -> Any:
    from cio_desktop.api.models import Credentials

    return Credentials(info.track_api_key, info.app_api_key)


def bench_main(
    run: Callable[[Options], list[Row]],
    doc: str | None,
    child: Callable[[list[str]], dict[str, Any]] | None = None,
) -> int:
    """``python -m benchmarks.<one>``: that benchmark alone (``--runs``, ``--quick``); with ``--child
    ARGS`` the child-process side, which prints its answer as one JSON line."""
    import argparse

    if child is not None and sys.argv[1:2] == ["--child"]:
        emit(child(sys.argv[2:]))
        return 0
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(table(run(Options(quick=args.quick, runs=max(1, args.runs)))))
    return 0


def replace_section(path: Path, heading: str, body: str) -> None:
    """Write ``## heading`` + ``body`` into the Markdown file ``path`` in place of that section (added
    at the end when new); other ``## `` sections stay as they are (each benchmark owns its section)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    parts = text.split("\n## ")
    head, sections = parts[0], parts[1:]
    new = f"{heading}\n\n{body.strip()}\n"
    for i, section in enumerate(sections):
        if section.startswith(heading):
            sections[i] = new
            break
    else:
        sections.append(new)
    path.write_text("\n## ".join([head.rstrip("\n") + "\n", *sections]).rstrip("\n") + "\n", encoding="utf-8")
