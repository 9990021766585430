"""An OAuth sign-in next to the workspace transactions (real Secret Service): a change of keys (a new
keyring id) keeps it, the start-up repair never takes it for an orphan, and removing the workspace
deletes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.oauth.token_store import ACCOUNT_OWNER, SessionRecord, TokenStore, oauth_owner
from cio_desktop.operations import workspace_changes
from cio_desktop.operations.services import Services
from cio_desktop.secrets import SecretStore
from cio_desktop.workspaces import WorkspaceStore

RECORD = SessionRecord(issuer="https://as.example", token_endpoint="https://as.example/t", client_id="c")


@pytest.fixture
async def services(secret_service: Any, tmp_path: Path) -> AsyncIterator[Services]:
    svc = Services(workspaces=WorkspaceStore(tmp_path / "workspaces.json"), secrets=SecretStore())
    await svc.load_workspaces()
    yield svc
    for owner in [ACCOUNT_OWNER] + [oauth_owner(w.id) for w in svc.workspaces.list()]:
        await svc.secrets.delete_all(owner)
    for workspace in svc.workspaces.list():
        await svc.secrets.delete_all(workspace.secrets_id)
    await svc.aclose()


async def test_a_key_change_keeps_the_sign_in_and_repair_leaves_it(services: Services) -> None:
    ws = await services.add_workspace(
        Workspace(name="Gateway", region=Region.US), {SecretKind.APP_API_KEY: "k1"}
    )
    tokens = TokenStore(services.secrets)
    await tokens.save(oauth_owner(ws.id), RECORD, "a" * 2500, "refresh")  # long: several keyring items
    await tokens.save(ACCOUNT_OWNER, RECORD, "account-access", "account-refresh")
    moved = await services.update_workspace(ws, {SecretKind.APP_API_KEY: "k2"})  # a new keyring id
    assert moved.secrets_id != ws.secrets_id
    report = await workspace_changes.repair(services.workspaces, services.secrets, settled_s=0.0)
    assert report.problem is None
    kept = await tokens.load(oauth_owner(ws.id))
    assert kept is not None
    assert kept.access_token == "a" * 2500
    assert await tokens.load(ACCOUNT_OWNER) is not None


async def test_removing_the_workspace_deletes_its_sign_in(services: Services) -> None:
    ws = await services.add_workspace(
        Workspace(name="Gateway", region=Region.US), {SecretKind.APP_API_KEY: "k1"}
    )
    tokens = TokenStore(services.secrets)
    await tokens.save(oauth_owner(ws.id), RECORD, "a" * 2500, "refresh")
    await services.remove_workspace(ws)
    assert await tokens.load(oauth_owner(ws.id)) is None
    assert await services.secrets.get_item(oauth_owner(ws.id), "oauth_access_token.2") is None


async def test_session_only_repair_keeps_sign_ins(tmp_path: Path) -> None:
    """Keys kept for this session only: the start-up repair must not take a sign-in for an orphan either."""
    svc = Services(
        workspaces=WorkspaceStore(tmp_path / "workspaces.json"), secrets=SecretStore(session_only=True)
    )
    await svc.load_workspaces()
    await TokenStore(svc.secrets).save(ACCOUNT_OWNER, RECORD, "account-access", "account-refresh")
    await workspace_changes.repair(svc.workspaces, svc.secrets, settled_s=0.0)
    assert await TokenStore(svc.secrets).load(ACCOUNT_OWNER) is not None
    await svc.aclose()
