"""Helpers every CLI sub-command shares: one-line errors, the workspace store, credentials, secret input.

Cheap to import: keyring and filelock load only when a command actually runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from cio_desktop.errors import CioDesktopError, for_command_line
from cio_desktop.models import SecretKind, Workspace

if TYPE_CHECKING:
    import argparse

    from cio_desktop.secrets import SecretStore
    from cio_desktop.workspaces import WorkspaceStore

PROG = "cio-desktop"
KEYRING_TIMEOUT_ENV = "CIO_DESKTOP_KEYRING_TIMEOUT"
DEFAULT_KEYRING_TIMEOUT_S = 10.0


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


def open_store() -> WorkspaceStore:
    """The workspace store; if the file was broken and moved aside, say so on stderr (once)."""
    from cio_desktop.workspaces import WorkspaceStore

    store = WorkspaceStore()
    report = store.load()
    if report.problem:
        warn(report.problem)
    return store


def resolve_workspace(name: str) -> Workspace:
    """The workspace called ``name`` (``WorkspaceError`` in plain words if there is none)."""
    return open_store().get(name)


def secret_store() -> SecretStore:
    """A SecretStore for one command. ``CIO_DESKTOP_KEYRING_TIMEOUT=SECONDS`` changes how long a keyring
    call may take before the command gives up (default 10 s)."""
    import os

    from cio_desktop.secrets import SecretStore

    try:
        timeout = float(os.environ.get(KEYRING_TIMEOUT_ENV, "") or DEFAULT_KEYRING_TIMEOUT_S)
    except ValueError:
        timeout = DEFAULT_KEYRING_TIMEOUT_S
    return SecretStore(timeout=timeout if timeout > 0 else DEFAULT_KEYRING_TIMEOUT_S)


async def load_credentials(workspace: Workspace) -> dict[SecretKind, str]:
    """The secrets stored for ``workspace`` (only the kinds present, every kind looked up).
    ``SecretStoreError`` in plain words when the keyring cannot be used."""
    return await secret_store().stored(workspace.id)


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
