"""Helpers for API client tests: a workspace and credentials pointing at a sandbox, and a client factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import Credentials
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox


def workspace_for(sb: ThreadedSandbox, **changes: Any) -> Workspace:
    """A workspace whose Track and App addresses are the sandbox's main face."""
    info = sb.info
    ws = Workspace(
        name="Sandbox",
        region=Region(info.region),
        site_id=info.site_id,
        track_url=info.track_url,
        app_url=info.app_url,
        ca_file=info.ca_file,
    )
    return ws.replace(**changes) if changes else ws


def credentials_for(sb: ThreadedSandbox, **changes: Any) -> Credentials:
    values = {"track_api_key": sb.info.track_api_key, "app_api_key": sb.info.app_api_key, **changes}
    return Credentials(**values)


MakeClient = Callable[..., CioClient]


@pytest.fixture
def history() -> RequestHistory:
    return RequestHistory(limit=500)


@pytest.fixture
async def make_client(history: RequestHistory) -> AsyncIterator[MakeClient]:
    """``make_client(sb, workspace=None, credentials=None, **CioClient kwargs)``; closed after the test."""
    clients: list[CioClient] = []

    def make(
        sb: ThreadedSandbox,
        *,
        workspace: Workspace | None = None,
        credentials: Credentials | None = None,
        **kw: Any,
    ) -> CioClient:
        kw.setdefault("history", history)
        client = CioClient(workspace or workspace_for(sb), credentials or credentials_for(sb), **kw)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(sandbox: ThreadedSandbox, make_client: MakeClient) -> CioClient:
    """A client for the plain-HTTP sandbox, recording into the ``history`` fixture."""
    return make_client(sandbox)
