"""The Customer.io account over MCP: who is signed in, the account's workspaces, and importing them.

``cio_auth_status`` gives the account (``account_id``, ``base_url`` → region, allowed workspaces);
``cio_read_api`` GET ``/v1/accounts/{account_id}/environments`` lists workspaces. That answer's shape is not
published: ``{"environments": [...]}`` or a bare list of objects with ``id`` and ``name`` are accepted; the
region comes from the account unless an item names its own. Anything else is shown as JSON with words
saying what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cio_desktop.errors import CioDesktopError
from cio_desktop.oauth.errors import clean
from cio_desktop.oauth.mcp import McpClient, McpError

STATUS_TOOL = "cio_auth_status"
READ_TOOL = "cio_read_api"


@dataclass(frozen=True, slots=True)
class AccountStatus:
    account_id: str | None
    user_id: str | None
    region: str | None  # "us" / "eu" from base_url
    base_url: str | None
    allowed_workspace_ids: tuple[str, ...]
    raw: Any

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "user_id": self.user_id,
            "region": self.region,
            "base_url": self.base_url,
            "allowed_workspace_ids": list(self.allowed_workspace_ids),
        }


@dataclass(frozen=True, slots=True)
class AccountWorkspace:
    id: int | str
    name: str
    region: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "region": self.region}


class UnexpectedShape(CioDesktopError):
    """The workspace list did not have a shape cio-desktop understands; ``raw`` holds the JSON."""

    def __init__(self, message: str, raw: Any) -> None:
        super().__init__(message)
        self.raw = raw


def region_of(base_url: object) -> str | None:
    """``https://fly.customer.io`` → us, ``https://eu.fly.customer.io`` → eu (None when unknown)."""
    if not isinstance(base_url, str):
        return None
    from urllib.parse import urlsplit

    host = (urlsplit(base_url).hostname or "").lower()
    if host.startswith("eu.") or ".eu." in host or host.startswith("eu-"):
        return "eu"
    if host:
        return "us"
    return None


def _str(value: object) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


async def status(mcp: McpClient) -> AccountStatus:
    result = await mcp.call_tool(STATUS_TOOL)
    data = result.data
    if result.is_error or not isinstance(data, dict):
        raise McpError(f"The account status could not be read: {clean(result.text or 'no details')[:300]}")
    allowed = data.get("allowed_workspace_ids")
    return AccountStatus(
        account_id=_str(data.get("account_id")),
        user_id=_str(data.get("user_id")),
        region=region_of(data.get("base_url")),
        base_url=_str(data.get("base_url")),
        allowed_workspace_ids=tuple(str(x) for x in allowed) if isinstance(allowed, list) else (),
        raw=data,
    )


async def read_api(
    mcp: McpClient, path: str, params: dict[str, str] | None = None, *, dry_run: bool = False
) -> Any:
    """GET ``path`` on the web-app API through ``cio_read_api``; the parsed answer (or its text)."""
    if not path.startswith("/"):
        raise CioDesktopError("The path must start with '/', for example /v1/accounts/123/environments.")
    arguments: dict[str, Any] = {"path": path}
    if params:
        arguments["params"] = params
    if dry_run:
        arguments["dry_run"] = True
    result = await mcp.call_tool(READ_TOOL, arguments)
    if result.is_error:
        raise McpError(f"The account API refused the request: {clean(result.text or 'no details')[:300]}")
    return result.data if result.data is not None else result.text


def parse_workspaces(data: Any, account_region: str | None) -> list[AccountWorkspace]:
    """Workspaces from the environments answer (see the module docstring for accepted shapes)."""
    items = data.get("environments") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and "id" in i and "name" in i for i in items
    ):
        raise UnexpectedShape(
            "The account's workspace list did not have the expected shape: a list of objects with "
            "'id' and 'name', or {\"environments\": [...]}. Its JSON is shown below.",
            data,
        )
    found = []
    for item in items:
        region = item.get("region") or item.get("data_center")
        region = (
            region.lower() if isinstance(region, str) and region.lower() in ("us", "eu") else account_region
        )
        ident = item["id"]
        ident = ident if isinstance(ident, int) and not isinstance(ident, bool) else clean(str(ident))
        found.append(AccountWorkspace(ident, clean(str(item["name"]))[:200], region))
    return found


async def workspaces(mcp: McpClient) -> tuple[AccountStatus, list[AccountWorkspace]]:
    account = await status(mcp)
    if not account.account_id:
        raise McpError("The MCP service did not say which account is signed in.")
    data = await read_api(mcp, f"/v1/accounts/{account.account_id}/environments")
    return account, parse_workspaces(data, account.region)


def pretty(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
