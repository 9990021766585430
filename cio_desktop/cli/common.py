"""Helpers every CLI sub-command shares: one-line errors, the application layer for one run, secret input.

Cheap to import: the layer (and with it keyring, filelock, httpx) loads only when a command actually runs.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from cio_desktop.errors import CioDesktopError, for_command_line

if TYPE_CHECKING:
    import argparse

    from cio_desktop.operations.services import Services

T = TypeVar("T")

PROG = "cio-desktop"


def fail(message: str) -> int:
    """Print ``cio-desktop: <message>`` on one line of stderr and return exit code 1."""
    one_line = " ".join(for_command_line(str(message)).split())
    print(f"{PROG}: {one_line}", file=sys.stderr)
    return 1


def warn(message: str) -> None:
    """Print ``cio-desktop: warning: <message>`` on stderr (the command goes on)."""
    one_line = " ".join(for_command_line(str(message)).split())
    print(f"{PROG}: warning: {one_line}", file=sys.stderr)


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command handler: any ``CioDesktopError`` becomes a one-line error and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CioDesktopError as exc:
            return fail(exc.message)

    run.__name__ = getattr(handler, "__name__", "run")
    run.__doc__ = handler.__doc__
    return run


@asynccontextmanager
async def open_services(*, network: bool = False) -> AsyncIterator[Services]:
    """The application layer for one command: workspaces read (a broken file moved aside is reported on
    stderr), settings and history loaded when ``network`` calls will be made; closed at the end (a region
    detected on the way is saved first)."""
    from cio_desktop.operations.services import Services
    from cio_desktop.text_safety import SafeStream

    services = Services.create()
    for stream in (sys.stdout, sys.stderr):  # nothing printed can show a key of a client used here
        if isinstance(stream, SafeStream):
            stream.add_redactor(services.clients.redact)
    report = await services.load_workspaces()
    if report.problem:
        warn(report.problem)
    try:
        if network:
            await services.load_settings()
            if services.settings_problem:  # a broken settings file was moved aside: say so
                warn(services.settings_problem)
            await services.load_history()
            _history_notes(services)
        yield services
    finally:
        await services.aclose()
        if network:
            _history_notes(services, skipped=False)


def _history_notes(services: Services, *, skipped: bool = True) -> None:
    """Warn when the history could not be read or saved, and how many damaged lines were skipped."""
    history = services.history
    if history.persist_error:
        warn(history.persist_error)
    if skipped and history.skipped_lines:
        warn(f"{history.skipped_lines} damaged line(s) of {history.path} were skipped.")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` with asyncio imported on use: the GUI start-up builds the parser too."""
    import asyncio

    return asyncio.run(coro)


def stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def read_secret(prompt: str) -> str:
    """One secret: prompted without echo on a terminal, else one line of standard input.

    Returns the text without surrounding whitespace; ``""`` for an empty answer or end of input.
    """
    if stdin_is_tty():
        import getpass

        return getpass.getpass(prompt).strip()
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()
