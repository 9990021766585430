"""The practice workspace: a sandbox child process on loopback and the in-memory workspace that uses it.

Its keys live in memory only (never in the keyring or a file); it is never saved to the workspace list.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.workspace_changes import today

if TYPE_CHECKING:
    from cio_desktop.sandbox.process import SandboxProcess

DEMO_NAME = "Practice workspace — fictional data"
# One identity for every practice session: "Recently sent" and templates are filed by workspace id, so a
# fresh random id per start would hide what the user sent before a restart (issue 12).
PRACTICE_ID = "practice"
# One new fictional activity about this often, so the live activity stream is alive in the practice workspace.
PRACTICE_TRICKLE_S = 4.0


class PracticeWorkspace:
    """Starts the sandbox once (``ensure``), hands out its workspace and keys, stops it (``stop``)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self.workspace: Workspace | None = None
        self.secrets: dict[SecretKind, str] = {}
        self.second_keys: dict[SecretKind, str] = {}  # the sandbox accepts these too: practise replacing
        self.process: SandboxProcess | None = None

    def owns(self, workspace: Workspace) -> bool:
        return self.workspace is not None and workspace.id == self.workspace.id

    async def ensure(self) -> Workspace:
        """The practice workspace, starting its sandbox process the first time (``SandboxStartError``)."""
        async with self._lock:
            if self.workspace is not None:
                return self.workspace
            from cio_desktop.sandbox.options import SandboxOptions
            from cio_desktop.sandbox.process import start_sandbox_process

            process = await start_sandbox_process(SandboxOptions(trickle=PRACTICE_TRICKLE_S))
            info = process.info
            self.process = process
            self.secrets = {
                SecretKind.TRACK_API_KEY: info.track_api_key,
                SecretKind.APP_API_KEY: info.app_api_key,
            }
            if info.pipelines_write_key:  # a sandbox of this version serves Pipelines too
                self.secrets[SecretKind.PIPELINES_KEY] = info.pipelines_write_key
            from cio_desktop.sandbox.demo import second_key

            self.second_keys = {
                kind: second_key(self.secrets[kind])
                for kind in (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY)
            }
            self.workspace = Workspace(
                name=DEMO_NAME,
                region=Region(info.region) if info.region in ("us", "eu") else Region.US,
                site_id=info.site_id,
                track_url=info.track_url,
                app_url=info.app_url,
                pipelines_url=info.pipelines_url or None,
                ca_file=info.ca_file,
                workspace_id=info.workspace_id,
                demo=True,
                id=PRACTICE_ID,
                key_dates=practice_key_dates(),
            )
            return self.workspace

    async def stop(self) -> None:
        """Stop the sandbox process (safe to call twice)."""
        process, self.process = self.process, None
        if process is not None:
            await process.stop()


def practice_key_dates() -> dict[SecretKind, str]:
    """The practice keys' pretend ages: the App key is 120 days old, so key hygiene has a key to replace."""
    from datetime import date, timedelta

    now = date.fromisoformat(today())
    return {
        SecretKind.TRACK_API_KEY: (now - timedelta(days=20)).isoformat(),
        SecretKind.APP_API_KEY: (now - timedelta(days=120)).isoformat(),
        SecretKind.PIPELINES_KEY: (now - timedelta(days=20)).isoformat(),
    }


@dataclass(frozen=True, slots=True)
class DemoExamples:
    """People the practice data is known to hold, for the hints the panels show in the practice workspace."""

    customer_id: str
    email: str


def demo_examples() -> DemoExamples:
    """The practice data's well-known person (the sandbox's demo data; no server needed)."""
    from cio_desktop.sandbox.demo import WELL_KNOWN

    return DemoExamples(customer_id=WELL_KNOWN["customer_id"], email=WELL_KNOWN["email"])
