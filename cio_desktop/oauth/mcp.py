"""A small MCP client over streamable HTTP, protocol revision 2025-11-25.

One JSON-RPC message per POST (``Accept: application/json, text/event-stream``); replies are JSON or an
SSE stream. ``initialize`` → ``Mcp-Session-Id`` (sent on every later request; 404 → initialize again) →
``notifications/initialized``; ``MCP-Protocol-Version`` after initialize; ``Authorization: Bearer`` on
every request with one shared refresh after a 401 (through the ``TokenSource``).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from cio_desktop.errors import CioDesktopError
from cio_desktop.oauth.discovery import parse_bearer_challenge
from cio_desktop.oauth.errors import InsufficientScope, SignedOut, clean

if TYPE_CHECKING:
    import httpx

    from cio_desktop.oauth.mcp_history import Recorder

PROTOCOL_VERSION = "2025-11-25"
CLIENT_INFO = {"name": "cio-desktop", "version": "0.1.0"}
MAX_REPLY = 8 * 1024 * 1024


class TokenSource(Protocol):
    async def access_token(self) -> str: ...
    async def after_unauthorized(self, rejected: str) -> str | None: ...
    def secret_values(self) -> list[str]: ...


class McpError(CioDesktopError):
    """The MCP service refused or failed a request (plain words; no token, no body)."""


class MissingTool(McpError):
    """The service does not offer a tool cio-desktop needs."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool's answer: ``data`` from ``structuredContent`` or the JSON in the first text item
    (``text`` keeps that item as is); ``is_error`` when the tool reported a failure."""

    data: Any
    text: str | None
    is_error: bool


class McpClient:
    """Talks to one MCP endpoint with one token source. Not thread-safe; one event loop."""

    def __init__(
        self, http: httpx.AsyncClient, url: str, tokens: TokenSource, *, recorder: Recorder | None = None
    ) -> None:
        self._http = http
        self._recorder = recorder
        self._url = url
        self._tokens = tokens
        self._session: str | None = None
        self._initialized = False
        self._ids = itertools.count(1)
        self._tools: dict[str, dict[str, Any]] | None = None
        self.server_info: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return self._url

    @property
    def token_source(self) -> TokenSource:
        return self._tokens

    async def tools(self) -> dict[str, dict[str, Any]]:
        """The service's tools by name (``tools/list``, every page), fetched once."""
        if self._tools is None:
            tools: dict[str, dict[str, Any]] = {}
            cursor: str | None = None
            for _ in range(50):
                params = {"cursor": cursor} if cursor else {}
                result = await self.request("tools/list", params)
                for tool in result.get("tools") or []:
                    if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                        tools[tool["name"]] = tool
                nxt = result.get("nextCursor")
                if not isinstance(nxt, str) or not nxt:
                    break
                cursor = nxt
            self._tools = tools
        return self._tools

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> ToolResult:
        """Call ``name`` after checking ``tools/list`` offers it (``MissingTool`` otherwise)."""
        if name not in await self.tools():
            raise MissingTool(
                f"The MCP service does not offer the tool '{name}' (it may have been renamed); "
                "cio-desktop cannot do this here."
            )
        result = await self.request("tools/call", {"name": name, "arguments": arguments or {}})
        return tool_result(result)

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """One JSON-RPC request; initializes first, and again once if the session has expired (404)."""
        if not self._initialized:
            await self._initialize()
        try:
            return await self._rpc(method, params)
        except _SessionExpired:
            self._session, self._initialized = None, False
            await self._initialize()
            return await self._rpc(method, params)

    async def _initialize(self) -> None:
        result = await self._rpc(
            "initialize",
            {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO},
            initializing=True,
        )
        info = result.get("serverInfo")
        self.server_info = info if isinstance(info, dict) else {}
        await self._send({"jsonrpc": "2.0", "method": "notifications/initialized"}, expect_reply=False)
        self._initialized = True

    async def _rpc(
        self, method: str, params: dict[str, Any], *, initializing: bool = False
    ) -> dict[str, Any]:
        msg_id = next(self._ids)
        reply = await self._send(
            {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params},
            expect_reply=True,
            initializing=initializing,
            msg_id=msg_id,
        )
        assert reply is not None
        if "error" in reply:
            err = reply["error"] if isinstance(reply["error"], dict) else {}
            why = clean(str(err.get("message", "no reason given")))[:300]
            raise McpError(f"The MCP service refused '{method}': {why}")
        result = reply.get("result")
        if not isinstance(result, dict):
            raise McpError(f"The MCP service's answer to '{method}' has no result.")
        return result

    async def _send(
        self,
        message: dict[str, Any],
        *,
        expect_reply: bool,
        initializing: bool = False,
        msg_id: int | None = None,
    ) -> dict[str, Any] | None:
        import httpx

        token = await self._tokens.access_token()
        for attempt in range(2):
            headers = {
                "Accept": "application/json, text/event-stream",
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
            }
            if self._session:
                headers["Mcp-Session-Id"] = self._session
            if not initializing:
                headers["MCP-Protocol-Version"] = PROTOCOL_VERSION
            request = self._http.build_request(
                "POST", self._url, content=json.dumps(message), headers=headers
            )
            try:
                response = await self._exchange(request, _operation(message))
            except httpx.HTTPError as exc:
                raise McpError("Could not reach the MCP service.", detail=type(exc).__name__) from None
            if response.status_code == 401 and attempt == 0:
                fresh = await self._tokens.after_unauthorized(token)
                if fresh is None:
                    raise SignedOut("The MCP service no longer accepts the sign-in. Sign in again.")
                token = fresh
                continue
            break
        status = response.status_code
        if status == 401:
            raise SignedOut("The MCP service does not accept the sign-in. Sign in again.")
        if status == 403:
            challenge = parse_bearer_challenge(response.headers.get("WWW-Authenticate"))
            if challenge.get("error") == "insufficient_scope":
                needed = clean(challenge.get("scope") or "")[:200]
                raise InsufficientScope(
                    "The MCP service needs more permissions for this"
                    + (f" (scope: {needed})" if needed else "")
                    + "; sign in again to grant them.",
                    scope=needed or None,
                )
            raise McpError(
                "The Customer.io MCP service refused access (403). An account admin must switch on MCP "
                "access in Customer.io (Account settings → AI settings)."
            )
        if status == 404 and self._session and not initializing:
            raise _SessionExpired()
        if initializing and response.headers.get("Mcp-Session-Id"):
            session = response.headers["Mcp-Session-Id"]
            if session.isprintable() and session.isascii() and len(session) < 1024:
                self._session = session
        if not expect_reply:
            if status not in (200, 202, 204):
                raise McpError(f"The MCP service answered HTTP {status} to a notification.")
            return None
        if status != 200:
            raise McpError(f"The MCP service answered HTTP {status}.")
        if len(response.content) > MAX_REPLY:
            raise McpError("The MCP service's answer is too large.")
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype == "text/event-stream":
            return _from_sse(response.text, msg_id)
        try:
            data = json.loads(response.content)
        except ValueError:
            raise McpError("The MCP service's answer is not JSON.") from None
        if not isinstance(data, dict):
            raise McpError("The MCP service's answer is not a JSON-RPC message.")
        return data

    async def _exchange(self, request: httpx.Request, operation: str) -> httpx.Response:
        """Send one request; record it (redacted) in the request history when a recorder is set."""
        import time
        from datetime import datetime

        started, t0 = datetime.now().astimezone(), time.perf_counter()
        response: httpx.Response | None = None
        error: str | None = None
        try:
            response = await self._http.send(request)
            return response
        except Exception as exc:
            error = f"no answer ({type(exc).__name__})"
            raise
        finally:
            if self._recorder is not None:
                from cio_desktop.oauth.mcp_history import mcp_exchange

                record = mcp_exchange(
                    request=request,
                    response=response,
                    started=started,
                    elapsed_ms=(time.perf_counter() - t0) * 1000,
                    operation=operation,
                    secrets=self._tokens.secret_values(),
                    error=error,
                )
                await self._recorder(record)


def _operation(message: dict[str, Any]) -> str:
    """A short label for the history: ``MCP tools/call cio_read_api GET /v1/...``."""
    method = str(message.get("method", "?"))
    params = message.get("params")
    if method == "tools/call" and isinstance(params, dict):
        args = params.get("arguments")
        path = args.get("path") if isinstance(args, dict) else None
        return f"MCP {params.get('name')}" + (f" GET {clean(str(path))[:200]}" if path else "")
    return f"MCP {method}"


class _SessionExpired(Exception):
    pass


def _from_sse(text: str, msg_id: int | None) -> dict[str, Any]:
    """The JSON-RPC response with ``msg_id`` from an SSE body (other events are skipped)."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data_lines = [line[5:].lstrip() for line in block.split("\n") if line.startswith("data:")]
        if not data_lines:
            continue
        try:
            message = json.loads("\n".join(data_lines))
        except ValueError:
            continue
        if (
            isinstance(message, dict)
            and message.get("id") == msg_id
            and ("result" in message or "error" in message)
        ):
            return message
    raise McpError("The MCP service's event stream ended without an answer.")


def tool_result(result: dict[str, Any]) -> ToolResult:
    """Read a ``tools/call`` result: ``structuredContent`` first, else the JSON of the first text item."""
    is_error = result.get("isError") is True
    text = None
    for item in result.get("content") or []:
        if isinstance(item, dict) and item.get("type") == "text" and isinstance(item.get("text"), str):
            text = item["text"]
            break
    if "structuredContent" in result and result["structuredContent"] is not None:
        return ToolResult(result["structuredContent"], text, is_error)
    data: Any = None
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
    return ToolResult(data, text, is_error)
