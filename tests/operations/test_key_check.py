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


# -- the Pipelines key: a strict-mode empty batch, which stores nothing ------------------------------


async def test_a_pipelines_write_key_is_checked_without_changing_anything(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    workspace = Workspace(name="CDP", region=Region.US, pipelines_url=info.pipelines_url)
    people_before = sandbox.inspect(lambda ws: len(ws.people))
    report = await check_credentials(workspace, Credentials(pipelines_key=info.pipelines_write_key))
    assert report.pipelines.state is KeyState.WORKS, report.pipelines.message
    assert "strict-mode call with an empty batch, which stores nothing" in report.pipelines.message
    assert report.all_given_work
    assert sandbox.inspect(lambda ws: len(ws.people)) == people_before


async def test_a_wrong_pipelines_key_is_rejected(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    workspace = Workspace(name="CDP", region=Region.US, pipelines_url=info.pipelines_url)
    report = await check_credentials(workspace, Credentials(pipelines_key="wrong-write-key"))
    assert report.pipelines.state is KeyState.REJECTED
    assert "wrong-write-key" not in report.pipelines.message + report.pipelines.detail
    assert not report.all_given_work


async def test_a_region_key_for_the_other_region_is_refused_before_sending() -> None:
    """An EU workspace and a ``pk_us_`` key: refused with words, nothing sent (no server needed)."""
    workspace = Workspace(name="EU", region=Region.EU)
    report = await check_credentials(workspace, Credentials(pipelines_key="pk_us_0123456789"))
    assert report.pipelines.state is KeyState.REJECTED
    assert "US region" in report.pipelines.message
    assert "Nothing was sent" in report.pipelines.message


async def test_a_region_key_names_the_region_of_an_auto_workspace(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    workspace = Workspace(name="CDP", region=Region.AUTO, pipelines_url=info.pipelines_url)
    key = f"sk_us_{info.pipelines_write_key}"
    report = await check_credentials(workspace, Credentials(pipelines_key=key))
    assert report.pipelines.state is KeyState.WORKS, report.pipelines.message
    assert report.workspace.region is Region.US
    assert report.region_message == "Region: United States (US)."
