"""The Customer.io account over MCP against the sandbox: status, workspaces (both answer shapes), import,
the console, session expiry, a missing tool, MCP access switched off, and a bad answer shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_desktop.models import Region
from cio_desktop.oauth import account
from cio_desktop.oauth.account_ops import account_client, import_base, import_workspaces
from cio_desktop.oauth.mcp import McpError, MissingTool, tool_result
from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.oauth.signin import SignInHooks, SignInTarget, account_resource, sign_in
from cio_desktop.oauth.token_store import ACCOUNT_OWNER
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SecretStore
from cio_desktop.workspaces import WorkspaceStore
from tests.oauth.conftest import scripted_user


@pytest.fixture
async def signed_in(
    memory_secrets: SecretStore, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> SecretStore:
    resource = account_resource("us", oauth_sandbox.info.mcp_url)
    await sign_in(
        memory_secrets,
        ACCOUNT_OWNER,
        SignInTarget(resource=resource),
        SignInHooks(opener=scripted_user()),
        registry=registry,
        region="us",
    )
    return memory_secrets


async def test_status_workspaces_and_import(
    signed_in: SecretStore, oauth_sandbox: ThreadedSandbox, tmp_path: Path
) -> None:
    async with account_client(signed_in) as mcp:
        found = await account.status(mcp)
        assert found.account_id == "90210"
        assert found.region == "us"
        _, workspaces = await account.workspaces(mcp)
        base = import_base(mcp.url)
    assert [(w.name, w.region) for w in workspaces] == [
        (oauth_sandbox.inspect(lambda ws: ws.name), "us"),
        ("Sandbox EU", "eu"),  # the item names its own region
    ]
    services = Services(workspaces=WorkspaceStore(tmp_path / "workspaces.json"), secrets=signed_in)
    await services.load_workspaces()
    added = await import_workspaces(services, workspaces, base=base)
    assert [w.region for w in added] == [Region.US, Region.EU]
    assert added[0].workspace_id == oauth_sandbox.info.workspace_id
    assert added[0].app_url == oauth_sandbox.info.app_url  # a sandbox account's workspaces reach the sandbox
    again = await import_workspaces(services, workspaces[:1], base=base)  # a taken name gets the id appended
    assert again[0].name.endswith(f"({workspaces[0].id})")


async def test_console_and_dry_run(signed_in: SecretStore) -> None:
    async with account_client(signed_in) as mcp:
        data = await account.read_api(mcp, "/v1/accounts/current")
        assert data["account"]["id"] == "90210"
        dry = await account.read_api(mcp, "/v1/anything", dry_run=True)
        assert dry["dry_run"] is True
        with pytest.raises(McpError, match="refused the request"):
            await account.read_api(mcp, "/v1/nope")


async def test_an_expired_session_initialises_again(
    signed_in: SecretStore, oauth_sandbox: ThreadedSandbox
) -> None:
    async with account_client(signed_in) as mcp:
        await account.status(mcp)
        oauth_sandbox.oauth(lambda s: s.mcp_sessions.clear())  # the server forgot the session: 404
        assert (await account.status(mcp)).account_id == "90210"


async def test_a_missing_tool_is_a_clear_message(signed_in: SecretStore) -> None:
    async with account_client(signed_in) as mcp:
        with pytest.raises(MissingTool, match="does not offer the tool 'cio_write_api'"):
            await mcp.call_tool("cio_write_api", {})


async def test_mcp_access_off_says_an_admin_must_switch_it_on(
    signed_in: SecretStore, oauth_sandbox: ThreadedSandbox
) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "mcp_enabled", False))
    async with account_client(signed_in) as mcp:
        with pytest.raises(McpError, match="account admin must switch on MCP"):
            await account.status(mcp)


async def test_a_401_refreshes_once_and_goes_on(
    signed_in: SecretStore, oauth_sandbox: ThreadedSandbox
) -> None:
    async with account_client(signed_in) as mcp:
        await account.status(mcp)
        oauth_sandbox.oauth(lambda s: s.expire_access_tokens())
        assert (await account.status(mcp)).account_id == "90210"
    assert oauth_sandbox.oauth(lambda s: s.refresh_calls) == 1


def test_workspace_answer_shapes() -> None:
    bare = account.parse_workspaces([{"id": 1, "name": "A"}, {"id": "2", "name": "B", "region": "EU"}], "us")
    assert [(w.id, w.name, w.region) for w in bare] == [(1, "A", "us"), ("2", "B", "eu")]
    wrapped = account.parse_workspaces({"environments": [{"id": 3, "name": "C"}]}, "eu")
    assert wrapped[0].region == "eu"
    with pytest.raises(account.UnexpectedShape, match="expected shape") as caught:
        account.parse_workspaces({"workspaces": [{"id": 1}]}, "us")
    assert caught.value.raw == {"workspaces": [{"id": 1}]}


def test_tool_results_prefer_structured_content() -> None:
    both = tool_result({"content": [{"type": "text", "text": '{"a": 1}'}], "structuredContent": {"a": 2}})
    assert both.data == {"a": 2}
    text_only = tool_result({"content": [{"type": "text", "text": '{"a": 1}'}]})
    assert text_only.data == {"a": 1}
    not_json = tool_result({"content": [{"type": "text", "text": "hello"}], "isError": True})
    assert (not_json.data, not_json.text, not_json.is_error) == (None, "hello", True)


def test_region_from_base_url() -> None:
    assert account.region_of("https://fly.customer.io") == "us"
    assert account.region_of("https://eu.fly.customer.io") == "eu"
    assert account.region_of(None) is None


async def test_insufficient_scope_asks_to_sign_in_again_with_the_scope(
    memory_secrets: SecretStore, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    from cio_desktop.oauth.errors import InsufficientScope

    target = SignInTarget(resource=oauth_sandbox.info.mcp_url, scopes=("write",))
    hooks = SignInHooks(opener=scripted_user())
    await sign_in(memory_secrets, ACCOUNT_OWNER, target, hooks, registry=registry)
    async with account_client(memory_secrets) as mcp:
        with pytest.raises(InsufficientScope, match=r"scope: read.*sign in again") as caught:
            await account.status(mcp)
    assert caught.value.scope == "read"


async def test_account_calls_are_recorded_redacted_in_the_history(signed_in: SecretStore) -> None:
    import json

    from cio_desktop.api.exchange import Exchange
    from cio_desktop.oauth.token_store import TokenStore

    records: list[Exchange] = []

    async def keep(exchange: Exchange) -> None:
        records.append(exchange)

    async with account_client(signed_in, recorder=keep) as mcp:
        await account.read_api(mcp, "/v1/accounts/current")
    tokens = await TokenStore(signed_in).load(ACCOUNT_OWNER)
    assert tokens is not None
    assert [r.operation for r in records] == [
        "MCP initialize",
        "MCP notifications/initialized",
        "MCP tools/list",
        "MCP cio_read_api GET /v1/accounts/current",
    ]
    last = records[-1]
    assert last.api == "account"
    assert last.status == 200
    assert last.request_headers["authorization"] == "Bearer [REDACTED]"
    assert "90210" in (last.response_body or "")
    dumped = json.dumps([r.to_json_dict() for r in records])
    assert tokens.access_token not in dumped
    assert tokens.refresh_token not in dumped
