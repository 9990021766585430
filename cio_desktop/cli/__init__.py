"""The ``cio-desktop`` command: the GUI by default, or one of the scriptable sub-commands.

Each sub-command lives in its own module exposing ``register(subparsers)``; they import their heavy
dependencies (httpx, keyring, aiohttp, Qt) only when run, so ``cio-desktop`` opens its window fast.
Exit codes: 0 success, 1 an operation failed (one line on stderr), 2 usage error (argparse), 141 the
reader of the output went away. An unexpected exception is reported in one line; its data-free report goes
to the logs folder.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from cio_desktop import __version__
from cio_desktop.cli import (
    account_cmd,
    history_cmd,
    login_cmd,
    lookup_cmd,
    sandbox_cmd,
    selftest_cmd,
    send_cmd,
    workspace_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by the tests)."""
    parser = argparse.ArgumentParser(
        prog="cio-desktop",
        description="Desktop admin tool for Customer.io. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"cio-desktop {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open straight into the practice workspace (fictional data)"
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="quit as soon as the main window is shown and idle (for start-up benchmarks)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    workspace_cmd.register(sub)
    sandbox_cmd.register(sub)
    lookup_cmd.register(sub)
    send_cmd.register(sub)
    history_cmd.register(sub)
    login_cmd.register(sub)
    account_cmd.register(sub)
    selftest_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cio-desktop`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from cio_desktop.json_check import has_lone_surrogate

    for name, value in vars(args).items():
        if isinstance(value, str) and has_lone_surrogate(value):
            # Python turns bytes that are not UTF-8 into lone surrogates; they would crash later.
            parser.error(f"the value of {name.replace('_', '-')} holds bytes that are not UTF-8 text")
    func = getattr(args, "func", None)
    if func is None:
        from cio_desktop.app import run_gui  # lazy: Qt loads only for the GUI

        return run_gui(demo=args.demo, exit_when_ready=args.exit_when_ready)
    from cio_desktop.text_safety import SafeStream

    # Every line a command prints may quote a server or a file: control characters never reach the
    # terminal raw (ESC, OSC, CR, C1, bidi overrides; lone surrogates from non-UTF-8 arguments).
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(real_out), SafeStream(real_err)
    try:
        code: int = func(args)
        sys.stdout.flush()  # inside the try: a closed pipe surfaces here, not at interpreter exit
    except KeyboardInterrupt:
        print("cio-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``cio-desktop lookup ... | head``): stop quietly, as SIGPIPE would.
        # Point stdout at /dev/null so the interpreter's final flush cannot raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say so in one line, keep the (data-free) details in a report
        return _report_unexpected(exc)
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    return code


def _report_unexpected(exc: Exception) -> int:
    """One secret-free line on stderr and a crash report in the logs folder; exit status 1."""
    from cio_desktop import crash_report, paths

    report = crash_report.build_report(exc, exc.__traceback__)
    where = "The report for support could not be saved."
    with contextlib.suppress(OSError):
        where = f"Details for support: {crash_report.write_report(report, paths.log_dir())}"
    print(f"cio-desktop: something unexpected went wrong ({type(exc).__name__}). {where}", file=sys.stderr)
    return 1
