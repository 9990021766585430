"""What the sidebar's status dots know about each key: present, verified, rejected or missing.

Verdicts come from the wizard's test and from every call made with a key (a 2xx or 404 answer means
the key was accepted; 401/403 means it was refused). Holds no secret, only (workspace id, kind) -> bool.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from cio_desktop.models import Region, SecretKind, Workspace

if TYPE_CHECKING:
    from cio_desktop.api.exchange import Exchange
    from cio_desktop.api.regions import Endpoints

API_KINDS = (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY, SecretKind.PIPELINES_KEY)
KIND_OF_API = {
    "track": SecretKind.TRACK_API_KEY,
    "app": SecretKind.APP_API_KEY,
    "pipelines": SecretKind.PIPELINES_KEY,
}


class CredentialState(StrEnum):
    """What the sidebar's status dot says about one credential."""

    PRESENT = "present"  # stored, not checked against Customer.io yet
    VERIFIED = "verified"  # Customer.io accepted it
    REJECTED = "rejected"  # Customer.io refused it (401/403)
    MISSING = "missing"  # not stored


def verdict_for_status(status: int | None) -> bool | None:
    """True if an answer with this status proves the key was accepted, False if refused, else None."""
    if status in (401, 403):
        return False
    if status is not None and (200 <= status < 300 or status == 404):
        return True
    return None


def verdict_for_exchange(
    exchange: Exchange, workspace: Workspace, hosts: Mapping[Region, Endpoints] | None = None
) -> tuple[SecretKind, bool] | None:
    """(kind, accepted) if this exchange, made for ``workspace``, says something about one of its keys.

    A probe of the other region's host says nothing about the key on the workspace's own host.
    """
    from cio_desktop.api.regions import endpoints_for

    kind = KIND_OF_API.get(exchange.api)
    verdict = verdict_for_status(exchange.status)
    if kind is None or verdict is None:
        return None
    endpoints = endpoints_for(workspace, hosts=hosts)
    base = endpoints.base(exchange.api)
    return (kind, verdict) if exchange.url.startswith(base + "/") else None


class CredentialTracker:
    """Remembers verdicts per (workspace id, kind) and which workspace names are being tested."""

    def __init__(self) -> None:
        self._verdicts: dict[tuple[str, SecretKind], bool] = {}
        self._testing: dict[str, int] = {}

    def record(self, workspace_id: str, kind: SecretKind, *, verified: bool) -> bool:
        """Store a verdict; True when it changed what the dot shows."""
        key = (workspace_id, kind)
        if self._verdicts.get(key) == verified:
            return False
        self._verdicts[key] = verified
        return True

    def forget(self, workspace_id: str, kinds: tuple[SecretKind, ...] = tuple(SecretKind)) -> None:
        """A key changed or was removed: its old verdict no longer applies."""
        for kind in kinds:
            self._verdicts.pop((workspace_id, kind), None)

    def state(self, workspace_id: str, kind: SecretKind, *, present: bool) -> CredentialState:
        if not present:
            return CredentialState.MISSING
        verdict = self._verdicts.get((workspace_id, kind))
        if verdict is None:
            return CredentialState.PRESENT
        return CredentialState.VERIFIED if verdict else CredentialState.REJECTED

    @contextlib.contextmanager
    def testing(self, name: str) -> Iterator[None]:
        """While keys not (yet) saved are tested under ``name``, calls under that name prove nothing."""
        self._testing[name] = self._testing.get(name, 0) + 1
        try:
            yield
        finally:
            self._testing[name] -= 1

    def is_testing(self, name: str) -> bool:
        return self._testing.get(name, 0) > 0
