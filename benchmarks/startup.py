"""Start-up: ``cio-desktop --exit-when-ready`` (one workspace configured; and ``--demo``) against a bare
PySide6 ``QMainWindow`` (``benchmarks/minimal_window.py``) that quits at its first idle moment.

Wall time and peak RSS (``os.wait4``) of each whole process, offscreen, with a fresh ``CIO_DESKTOP_HOME``;
runs are interleaved (app, floor, demo app, app, floor, demo app …) and medians compared.
``python -m benchmarks.startup [--runs N]`` runs this one alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import Options, Row, bench_main, child_env, median, run_child, scratch_home

# The yardstick the bundle benchmark bundles too: a bare window quitting at its first idle moment.
BARE_WINDOW = [sys.executable, str(Path(__file__).with_name("minimal_window.py"))]


def configure_workspace(home: str) -> None:
    """One (non-demo) workspace in ``home``'s workspace file, as after the wizard."""
    from cio_desktop.models import Region, Workspace
    from cio_desktop.workspaces import WorkspaceStore

    store = WorkspaceStore(Path(home) / "config" / "workspaces.json")
    store.add(Workspace(name="Acme", region=Region.US, site_id="site-123"))


def run(opts: Options) -> list[Row]:
    runs = 1 if opts.quick else opts.runs
    samples: dict[str, list[tuple[float, float]]] = {"app": [], "floor": [], "demo": []}
    with scratch_home() as home, scratch_home() as demo_home:
        configure_workspace(home)
        commands = {
            "app": ([sys.executable, "-m", "cio_desktop", "--exit-when-ready"], child_env(home)),
            "floor": (BARE_WINDOW, child_env(home)),
            "demo": (
                [sys.executable, "-m", "cio_desktop", "--demo", "--exit-when-ready"],
                child_env(demo_home),
            ),
        }
        for round_ in range(runs + (0 if opts.quick else 1)):  # one warm-up round (file cache)
            for name, (argv, env) in commands.items():
                result = run_child(argv, env)
                if opts.quick or round_ > 0:
                    samples[name].append((result.wall_ms, result.max_rss_mb))

    def med(name: str, i: int) -> float:
        return median([s[i] for s in samples[name]])

    n = f"median of {len(samples['app'])}"
    return [
        Row("start-up wall time, one workspace", "ms", med("floor", 0), med("app", 0), "ratio<=1.3", n),
        Row("start-up peak RSS, one workspace", "MB", med("floor", 1), med("app", 1), "ratio<=1.3", n),
        Row("start-up wall time, --demo", "ms", med("floor", 0), med("demo", 0), "ratio<=1.3", n),
        Row("start-up peak RSS, --demo", "MB", med("floor", 1), med("demo", 1), "ratio<=1.3", n),
    ]


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__))
