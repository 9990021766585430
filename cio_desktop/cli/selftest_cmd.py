"""``cio-desktop self-test``: check that this installation works (Qt, resources, keyring, TLS, sandbox).

One line per check (``ok`` or ``FAIL``, what was checked or why it failed), then a summary; exit status
0 only if every check passed, 1 otherwise. The checks live in ``cio_desktop.operations.selftest``.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``self-test`` sub-command to ``sub``."""
    p = sub.add_parser(
        "self-test",
        help="check that this installation works (Qt, icons, keyring, TLS, a sandbox round trip)",
        description="Check that this installation works: Qt starts offscreen and its X11 (xcb) plugin "
        "loads, the app's resources are found, the keyring is a real one, TLS verification works with "
        "the practice sandbox's CA and fails with a wrong one, and a lookup and a send through the "
        "sandbox succeed. One line per check; exit status 0 only if all passed.",
    )
    # Internal: the Qt half runs in a child process (see cio_desktop.operations.selftest.check_qt).
    p.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks (or, with --qt-probe, only the Qt half) and print one line each."""
    if args.qt_probe:
        from cio_desktop.app import run_qt_probe  # lazy: Qt loads only here (the GUI's composition root)

        return run_qt_probe()
    import asyncio

    from cio_desktop.operations.selftest import Check, run_all

    def report(check: Check) -> None:
        print(check.line(), flush=True)

    results = asyncio.run(run_all(report))
    failed = [c.name for c in results if not c.ok]
    if failed:
        print(f"self-test: {len(failed)} of {len(results)} checks failed ({', '.join(failed)})")
        return 1
    print(f"self-test: all {len(results)} checks passed")
    return 0
