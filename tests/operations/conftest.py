"""Fixtures for the application layer's tests: ``services`` bound to a fresh sandbox and the real keyring."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cio_desktop.api.regions import Endpoints
from cio_desktop.models import Region
from cio_desktop.operations.services import Services


@pytest.fixture
async def services(sandbox: Any, secret_service: Any) -> AsyncIterator[Services]:
    """A ``Services`` whose US and EU hosts are the sandbox's two faces; its keys deleted afterwards."""
    info = sandbox.info
    svc = Services(
        hosts={
            Region.US: Endpoints(info.track_url, info.app_url),
            Region.EU: Endpoints(info.track_url_other, info.app_url_other),
        }
    )
    yield svc
    await svc.aclose()
    for workspace in svc.workspaces.list():
        await svc.secrets.delete_all(workspace.id)
        await svc.secrets.delete_all(workspace.secrets_id)
