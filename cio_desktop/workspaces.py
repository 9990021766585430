"""The workspace list: non-secret workspace data in one JSON file (schema version, atomic, locked).

Not responsible for secrets (``secrets.py``) nor for talking to Customer.io (``api/``).
CONTRACT (issue #2 fills in the bodies; signatures are what other layers rely on).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cio_desktop.models import Workspace


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What ``WorkspaceStore.load`` found: the workspaces, and where a corrupt file was moved, if it was."""

    workspaces: tuple[Workspace, ...]
    recovered_backup: Path | None = None
    problem: str | None = None  # plain words: what was wrong with the file, when it was moved aside


class WorkspaceStore:
    """Reads and writes ``workspaces.json`` under the config dir. Blocking file I/O: call it from a
    thread (``asyncio.to_thread``) in the GUI. Every mutation locks the file, re-reads it, applies the
    change and writes atomically, so two processes editing at once lose nothing."""

    def __init__(self, path: Path | None = None) -> None:
        raise NotImplementedError

    @property
    def path(self) -> Path:
        raise NotImplementedError

    def load(self) -> LoadReport:
        raise NotImplementedError

    def list(self) -> list[Workspace]:
        raise NotImplementedError

    def get(self, name: str) -> Workspace:
        """The workspace called ``name``; ``WorkspaceError`` if there is none."""
        raise NotImplementedError

    def add(self, workspace: Workspace) -> Workspace:
        """Add a new workspace; ``WorkspaceError`` on a duplicate name or invalid field."""
        raise NotImplementedError

    def update(self, workspace: Workspace) -> Workspace:
        """Replace the workspace with the same ``id``."""
        raise NotImplementedError

    def rename(self, old: str, new: str) -> Workspace:
        raise NotImplementedError

    def remove(self, name: str) -> Workspace:
        """Remove and return the workspace (the caller deletes its secrets)."""
        raise NotImplementedError
