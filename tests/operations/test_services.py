"""Services (the GUI's object graph, no Qt): workspaces with their keys, status dots, clients, the demo."""

from __future__ import annotations

import asyncio
from typing import Any

import keyring
import pytest

from cio_desktop.api import AuthError
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import DEMO_NAME, CredentialState, Services
from cio_desktop.secrets import SERVICE_NAME

TRACK, APP = SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY


async def _add(services: Services, sandbox: Any, name: str = "Acme", app_key: str | None = None) -> Workspace:
    info = sandbox.info
    return await services.add_workspace(
        Workspace(name=name, site_id=info.site_id, region=Region.US),
        {TRACK: info.track_api_key, APP: app_key or info.app_api_key},
    )


async def test_remove_deletes_the_keys_from_the_keyring(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    assert keyring.get_password(SERVICE_NAME, f"{workspace.id}/track_api_key") == sandbox.info.track_api_key
    await services.remove_workspace(workspace)
    assert await services.list_workspaces() == []
    assert keyring.get_password(SERVICE_NAME, f"{workspace.id}/track_api_key") is None
    assert keyring.get_password(SERVICE_NAME, f"{workspace.id}/app_api_key") is None


async def test_rename_keeps_and_duplicate_copies_the_keys(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    renamed = await services.rename_workspace(workspace, "Acme prod")
    assert renamed.id == workspace.id
    copy = await services.duplicate_workspace(renamed, "Acme staging")
    assert copy.id != workspace.id
    assert await services.load_secrets(copy) == await services.load_secrets(renamed)
    assert [ws.name for ws in await services.list_workspaces()] == ["Acme prod", "Acme staging"]


async def test_status_dots_follow_what_customer_io_said(services: Services, sandbox: Any) -> None:
    good = await _add(services, sandbox)
    bad = await _add(services, sandbox, name="Typo", app_key="wrong-app-key")
    seen: list[str] = []
    services.subscribe(seen.append)
    assert (await services.credential_states(good))[APP] is CredentialState.PRESENT
    await (await services.client_for(good)).app.workspaces()
    assert (await services.credential_states(good))[APP] is CredentialState.VERIFIED
    with pytest.raises(AuthError):
        await (await services.client_for(bad)).app.workspaces()
    assert (await services.credential_states(bad))[APP] is CredentialState.REJECTED
    assert "credentials" in seen
    await services.update_workspace(bad, {APP: sandbox.info.app_api_key})
    assert (await services.credential_states(bad))[APP] is CredentialState.PRESENT, "a new key is untested"
    await services.update_workspace(bad, {TRACK: None})
    assert (await services.credential_states(bad))[TRACK] is CredentialState.MISSING


async def test_client_is_shared_and_takes_new_keys(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    first = await services.client_for(workspace)
    assert await services.client_for(workspace) is first
    await services.update_workspace(workspace, {APP: "another-key"})
    again = await services.client_for(workspace)
    assert again is first
    assert again.credentials.app_api_key == "another-key"


async def test_demo_starts_a_sandbox_process_and_keeps_keys_in_memory(services: Services) -> None:
    demo = await services.ensure_demo()
    assert demo.demo
    assert demo.name == DEMO_NAME
    assert demo.track_url is not None
    assert demo.track_url.startswith("http://127.0.0.1:")
    assert await services.ensure_demo() is demo, "started once"
    assert (await services.list_workspaces())[0] == demo
    assert services.workspaces.list() == [], "the practice workspace is never saved"
    client = await services.client_for(demo)
    result = await client.app.workspaces()
    assert result.status == 200
    await client.pipelines.identify(user_id="practice-cdp", traits={"plan": "pro"})  # the Pipelines face
    assert (await client.app.attributes("practice-cdp")).status == 200
    assert set((await services.credential_states(demo)).values()) <= {
        CredentialState.VERIFIED,
        CredentialState.PRESENT,
    }
    process = services.practice.process
    assert process is not None
    await services.aclose()
    assert process.process.returncode is not None, "the practice server stops with the app"


async def test_a_detected_region_is_stored(services: Services, sandbox: Any) -> None:
    info = sandbox.info
    workspace = await services.add_workspace(
        Workspace(name="Auto", site_id=info.site_id, region=Region.AUTO), {TRACK: info.track_api_key}
    )
    seen: list[str] = []
    services.subscribe(seen.append)
    client = await services.client_for(workspace)
    await client.track.identify("someone-new", {"first_name": "Grace"})
    # The store update runs in the background; wait for it. (Awaiting an already finished task does not
    # yield, so a loop over the set would spin before its done-callback could ever run.)
    await asyncio.gather(*list(services._background))
    assert services.workspaces.get("Auto").region is Region.US
    assert "workspaces" in seen


async def test_testing_other_keys_does_not_change_the_saved_keys_status(
    services: Services, sandbox: Any
) -> None:
    """Editing a workspace and testing a wrong key must not mark its saved (good) key as rejected."""
    workspace = await _add(services, sandbox)
    await (await services.client_for(workspace)).app.workspaces()
    report = await services.check_credentials(workspace, {APP: "a-wrong-key"})
    assert report.app.state.value == "rejected"
    assert (await services.credential_states(workspace))[APP] is CredentialState.VERIFIED


async def test_renaming_keeps_the_history_together(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    await services.load_history()
    await (await services.client_for(workspace)).app.workspaces()
    renamed = await services.rename_workspace(workspace, "Acme prod")
    await (await services.client_for(renamed)).app.workspaces()
    records = services.history_records("acme PROD")
    assert len(records) >= 2
    assert {r.workspace for r in records} >= {"Acme", "Acme prod"}, "recorded under each name at the time"
    assert {services.history_label(r) for r in records} == {"Acme prod"}
    old_name = services.history_records("Acme")
    assert [r.workspace for r in old_name] == ["Acme"], "a name no workspace has finds what was made under it"


async def test_keys_are_read_once_and_follow_a_change(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    first = await services.load_secrets(workspace)
    reads = 0
    original = services.secrets.get

    async def counting(workspace_id: str, kind: SecretKind) -> str | None:
        nonlocal reads
        reads += 1
        return await original(workspace_id, kind)

    services.secrets.get = counting  # type: ignore[method-assign]  # count the real keyring's reads
    for _ in range(3):
        assert await services.load_secrets(workspace) == first
        await services.client_for(workspace)
    assert reads == 0, "kept in memory after the first read"
    await services.update_workspace(workspace, {APP: "a-new-app-key"})
    assert (await services.load_secrets(workspace))[APP] == "a-new-app-key", "a change is seen at once"
    client = await services.client_for(workspace)
    assert client.credentials.app_api_key == "a-new-app-key"
