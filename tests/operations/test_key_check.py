"""The wizard's key test (no Qt): what it says for keys that work, are wrong, or cannot be region-probed."""

from __future__ import annotations

from cio_desktop.api import Credentials
from cio_desktop.models import Region, Workspace
from cio_desktop.operations.key_check import KeyState, check_credentials
from cio_desktop.sandbox import ThreadedSandbox


async def test_an_app_key_behind_an_address_override_is_tested_there(sandbox: ThreadedSandbox) -> None:
    """Only an App key, a custom App address and region "auto": nothing to probe, so test the address."""
    info = sandbox.info
    workspace = Workspace(name="Proxy", region=Region.AUTO, app_url=info.app_url)
    report = await check_credentials(workspace, Credentials(app_api_key=info.app_api_key))
    assert report.app.state is KeyState.WORKS, report.app.message
    assert report.app.message == "The App API key works."


async def test_a_wrong_app_key_behind_an_address_override_is_rejected(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    workspace = Workspace(name="Proxy", region=Region.AUTO, app_url=info.app_url)
    report = await check_credentials(workspace, Credentials(app_api_key="not-the-right-key"))
    assert report.app.state is KeyState.REJECTED
    assert "not-the-right-key" not in report.app.message + report.app.detail
