"""Shared by the CLI tests: a workspace in the real store whose addresses point
at a sandbox and whose keys sit in the real Secret Service, and an in-process CLI runner."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from cio_desktop.cli import main
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SecretStore
from cio_desktop.workspaces import WorkspaceStore
from tests.fixtures.keyring import forget_keys


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run ``cio-desktop ARGV`` in this process; returns (exit code, stdout, stderr).

    ``stdin`` is what a pipe would feed it."""
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


@contextlib.contextmanager
def sandbox_workspace(
    sb: ThreadedSandbox,
    secret_service: Any,
    *,
    name: str = "Sandbox",
    region: Region = Region.AUTO,
    track_key: str | None = "<sandbox>",
    app_key: str | None = "<sandbox>",
    pipelines_key: str | None = None,
) -> Iterator[Workspace]:
    """Add a workspace for ``sb`` to the store and its keys to the keyring; remove the keys after.
    ``pipelines_key="<sandbox>"`` adds the sandbox's write key (and its Pipelines address)."""
    ws = WorkspaceStore().add(
        Workspace(
            name=name,
            region=region,
            site_id=sb.info.site_id,
            track_url=sb.info.track_url,
            app_url=sb.info.app_url,
            pipelines_url=sb.info.pipelines_url if pipelines_key else None,
            ca_file=sb.info.ca_file,
        )
    )
    keys = {
        SecretKind.TRACK_API_KEY: sb.info.track_api_key if track_key == "<sandbox>" else track_key,
        SecretKind.APP_API_KEY: sb.info.app_api_key if app_key == "<sandbox>" else app_key,
        SecretKind.PIPELINES_KEY: (
            sb.info.pipelines_write_key if pipelines_key == "<sandbox>" else pipelines_key
        ),
    }

    async def store() -> None:
        secrets = SecretStore()
        for kind, value in keys.items():
            if value:
                await secrets.set(ws.id, kind, value)

    asyncio.run(store())
    try:
        yield ws
    finally:
        forget_keys(secret_service, ws.id)


def secret_forms(sb: ThreadedSandbox) -> list[str]:
    """The sandbox's keys as they could leak: plain and base64 (alone and in the Basic pair)."""
    info = sb.info
    out = []
    for secret in (info.track_api_key, info.app_api_key, info.pipelines_write_key):
        out += [secret, base64.b64encode(secret.encode()).decode()]
    out.append(base64.b64encode(f"{info.pipelines_write_key}:".encode()).decode())
    out.append(base64.b64encode(f"{info.site_id}:{info.track_api_key}".encode()).decode())
    return out


def route_track_to(workspace: Workspace, url: str) -> None:
    """Point the stored workspace's Track API (US region) at ``url``: a loopback test server."""
    WorkspaceStore().update(workspace.replace(region=Region.US, track_url=url))
