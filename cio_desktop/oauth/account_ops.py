"""Account operations the CLI and GUI share: an MCP client for the signed-in account, and importing
the account's workspaces into the workspace list (name, Customer.io id and region; keys are added later
through the wizard)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from cio_desktop.models import Region, Workspace
from cio_desktop.oauth.account import AccountWorkspace
from cio_desktop.oauth.errors import SignedOut
from cio_desktop.oauth.mcp import McpClient
from cio_desktop.oauth.session import HttpFactory, OAuthTokenSource, default_http
from cio_desktop.oauth.token_store import ACCOUNT_OWNER, TokenStore

if TYPE_CHECKING:
    from cio_desktop.oauth.mcp_history import Recorder
    from cio_desktop.operations.services import Services
    from cio_desktop.secrets import SecretStore


@asynccontextmanager
async def account_client(
    secrets: SecretStore, *, http: HttpFactory | None = None, recorder: Recorder | None = None
) -> AsyncIterator[McpClient]:
    """An MCP client for the signed-in account (``SignedOut`` when there is no sign-in); ``recorder``
    (``RequestHistory.arecord``) keeps every call, redacted, in the request history."""
    store = TokenStore(secrets)
    source = OAuthTokenSource(store, ACCOUNT_OWNER, http=http)
    try:
        tokens = await source.tokens()
    except SignedOut:
        raise SignedOut(
            "Not signed in to your Customer.io account. Sign in first: cio-desktop account login, or "
            "Sign in in the app's Account section."
        ) from None
    url = tokens.record.mcp_url or tokens.record.resource
    if not url:
        raise SignedOut("The account sign-in does not name its MCP address. Sign in again.")
    async with (http or default_http())() as client_http:
        yield McpClient(client_http, url, source, recorder=recorder)


def import_base(mcp_url: str) -> Workspace | None:
    """For an account served on this computer (the sandbox), a workspace whose addresses point there,
    so imported workspaces reach the same sandbox; None for Customer.io itself (region defaults)."""
    from urllib.parse import urlsplit

    from cio_desktop.oauth.metadata import is_loopback_host

    parts = urlsplit(mcp_url)
    if not is_loopback_host(parts.hostname):
        return None
    origin = f"{parts.scheme}://{parts.netloc}"
    return Workspace(name="base", track_url=origin, app_url=origin)


async def import_workspaces(
    services: Services, chosen: Sequence[AccountWorkspace], *, base: Workspace | None = None
) -> list[Workspace]:
    """Add each chosen workspace with its name, Customer.io id and region (no keys: those come later,
    through the wizard). A name already taken gets the id appended. ``base`` gives custom addresses (the
    sandbox) to every imported one."""
    added: list[Workspace] = []
    taken = {w.name.casefold() for w in await services.list_workspaces()}
    for item in chosen:
        name = item.name.strip() or f"Workspace {item.id}"
        if name.casefold() in taken:
            name = f"{name} ({item.id})"
        region = Region(item.region) if item.region in ("us", "eu") else Region.AUTO
        ws_id = item.id if isinstance(item.id, int) else (int(item.id) if str(item.id).isdigit() else None)
        workspace = Workspace(name=name, region=region, workspace_id=ws_id)
        if base is not None:
            workspace = workspace.replace(
                track_url=base.track_url, app_url=base.app_url, ca_file=base.ca_file
            )
        added.append(await services.add_workspace(workspace, {}))
        taken.add(name.casefold())
    return added
