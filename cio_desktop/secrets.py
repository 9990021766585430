"""SecretStore: one OS-keyring item per (workspace id, secret kind), or memory only for this session.

Async on purpose: every keyring call runs in a thread with a timeout, so a locked or absent Secret
Service can never hang the event loop. Never writes a secret to disk itself.
CONTRACT (issue #2 fills in the bodies; signatures are what other layers rely on).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cio_desktop.models import SecretKind

SERVICE_NAME = "cio-desktop"


class BackendState(StrEnum):
    SECURE = "secure"  # a real OS keyring answered
    INSECURE = "insecure"  # a plaintext or otherwise unsafe backend: refused
    LOCKED = "locked"  # a keyring exists but would not unlock / timed out
    MISSING = "missing"  # no keyring backend at all
    SESSION_ONLY = "session_only"  # the user chose to keep secrets in memory for this run


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """Which backend is in use and, in plain words, what that means for the user."""

    name: str
    state: BackendState
    message: str

    @property
    def secure(self) -> bool:
        return self.state is BackendState.SECURE


class SecretStore:
    """Async access to secrets. ``session_only=True`` keeps them in memory for this run only."""

    def __init__(self, *, session_only: bool = False, timeout: float = 10.0) -> None:
        raise NotImplementedError

    async def status(self) -> BackendStatus:
        raise NotImplementedError

    def use_session_only(self) -> None:
        """Switch to memory-only storage for the rest of this run (the user's explicit choice)."""
        raise NotImplementedError

    async def get(self, workspace_id: str, kind: SecretKind) -> str | None:
        raise NotImplementedError

    async def set(self, workspace_id: str, kind: SecretKind, value: str) -> None:
        raise NotImplementedError

    async def delete(self, workspace_id: str, kind: SecretKind) -> None:
        raise NotImplementedError

    async def delete_all(self, workspace_id: str) -> None:
        raise NotImplementedError

    async def present(self, workspace_id: str) -> dict[SecretKind, bool]:
        """Which kinds are stored for the workspace (never the values)."""
        raise NotImplementedError
