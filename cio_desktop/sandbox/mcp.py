"""The sandbox's MCP endpoint (streamable HTTP, 2025-11-25) with ``cio_auth_status`` and ``cio_read_api``.

Requires a Bearer access token issued for the resource ``<base>/mcp``; without one it answers 401 with
``WWW-Authenticate: Bearer resource_metadata=…, scope="read"``. Sessions: ``initialize`` sets
``Mcp-Session-Id``; an unknown session id gets 404. ``tools/call`` answers as an SSE stream and
everything else as JSON, so clients meet both. The account has two workspaces: the sandbox's own (US)
and a fictional EU one.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from aiohttp import web

from cio_desktop.sandbox.auth import bearer_token
from cio_desktop.sandbox.context import ctx
from cio_desktop.sandbox.oauth_replies import state_of
from cio_desktop.sandbox.oauth_state import ACCOUNT_ID, OAuthState
from cio_desktop.sandbox.replies import reply

PROTOCOL_VERSION = "2025-11-25"
routes = web.RouteTableDef()
TOOLS = [
    {
        "name": "cio_auth_status",
        "description": "Who is signed in: account, region, allowed workspaces.",
        "inputSchema": {"type": "object", "properties": {}},
    },
    {
        "name": "cio_read_api",
        "description": "GET on Customer.io's web-app API.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "params": {"type": "object"},
                "dry_run": {"type": "boolean"},
            },
            "required": ["path"],
        },
    },
]


def install(app: web.Application) -> None:
    app.add_routes(routes)


def _challenge(state: OAuthState, status: int = 401, error: str | None = None) -> web.Response:
    params = f'resource_metadata="{state.issuer}/.well-known/oauth-protected-resource/mcp", scope="read"'
    if error:
        params = f'error="{error}", ' + params
    return reply({"error": error or "unauthorized"}, status, {"WWW-Authenticate": f"Bearer {params}"})


@routes.get("/mcp")
async def mcp_get(request: web.Request) -> web.Response:
    state = state_of(request)
    if state.token_grant(bearer_token(request.headers.get("Authorization"))) is None:
        return _challenge(state)
    return web.Response(status=405, headers={"Allow": "POST"})


@routes.post("/mcp")
async def mcp_post(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    grant = state.token_grant(bearer_token(request.headers.get("Authorization")))
    if grant is None or grant.resource != f"{state.issuer}/mcp":
        return _challenge(state)
    if not state.mcp_enabled:
        return reply({"error": "MCP access is not enabled for this account"}, 403)
    try:
        message = await request.json()
    except ValueError:
        return reply({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}}, 400)
    if not isinstance(message, dict):
        return reply({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "bad request"}}, 400)
    sessions = state.mcp_sessions
    method, msg_id = message.get("method"), message.get("id")
    if method == "initialize":
        session = secrets.token_urlsafe(16)
        sessions.add(session)
        result = {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "cio-desktop sandbox MCP", "version": "1"},
        }
        return reply({"jsonrpc": "2.0", "id": msg_id, "result": result}, headers={"Mcp-Session-Id": session})
    if request.headers.get("Mcp-Session-Id") not in sessions:
        return reply({"error": "unknown session"}, 404)
    if msg_id is None:  # a notification
        return web.Response(status=202)
    if method == "tools/list":
        return reply({"jsonrpc": "2.0", "id": msg_id, "result": {"tools": TOOLS}})
    if method == "tools/call":
        raw = message.get("params")
        params: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if "read" not in grant.scope.split():
            return _challenge(state, 403, "insufficient_scope")
        result = _call(request, str(params.get("name")), params.get("arguments") or {})
        return await _sse(request, {"jsonrpc": "2.0", "id": msg_id, "result": result})
    return reply({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32601, "message": "method not found"}})


async def _sse(request: web.Request, message: dict[str, Any]) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    await response.write(b": sandbox\n\n")
    await response.write(f"event: message\ndata: {json.dumps(message)}\n\n".encode())
    await response.write_eof()
    return response


def _workspaces(request: web.Request) -> list[dict[str, Any]]:
    ws = ctx(request).ws
    return [
        {"id": ws.workspace_id, "name": ws.name},
        {"id": ws.workspace_id + 1, "name": "Sandbox EU", "region": "eu"},
    ]


def _text(data: Any, *, structured: bool = True, error: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"content": [{"type": "text", "text": json.dumps(data)}], "isError": error}
    if structured and not error:
        result["structuredContent"] = data
    return result


def _call(request: web.Request, name: str, args: Any) -> dict[str, Any]:
    if not isinstance(args, dict):
        args = {}
    if name == "cio_auth_status":
        return _text(
            {
                "status": "authenticated",
                "user_id": "sandbox-user",
                "account_id": ACCOUNT_ID,
                "base_url": "https://fly.customer.io",
                "allowed_workspace_ids": [w["id"] for w in _workspaces(request)],
                "verified": True,
            }
        )
    if name != "cio_read_api":
        return _text({"error": f"unknown tool {name}"}, error=True)
    path = str(args.get("path", ""))
    if args.get("dry_run") is True:
        return _text({"dry_run": True, "method": "GET", "url": f"https://fly.customer.io{path}"})
    if path == f"/v1/accounts/{ACCOUNT_ID}/environments":
        # Only the text item (no structuredContent): clients must read the JSON in the text too.
        return _text({"environments": _workspaces(request)}, structured=False)
    if path == "/v1/accounts/current":
        return _text({"account": {"id": ACCOUNT_ID, "name": "Sandbox account", "data_center": "us"}})
    return _text({"error": f"404 not found: {path}"}, error=True)
